"""The demo campaigns. questionnaire-2008.json and questionnaire-2009.json are loaded as an
administrator loads a questionnaire (`load_questionnaire`); answers.csv gives the text every demo
answer carries; every demo structure answered 2008 (its dossier acknowledged), so that the 2009
dossiers can show "Reprendre les réponses de l'an dernier"; dossiers-2009.csv lists the 2009 ones
with the transitions each walks through. Idempotent: keyed by year, question code and
(structure, campaign)."""

from django.db import transaction

from accounts.models import Membership, User
from dossiers import services, workflow
from dossiers.models import Answer, Dossier, Question, Structure
from dossiers.questionnaires import read_questionnaire
from siae_portal.datafiles import DataFileError, read_csv

from .seeding import DEMO_ADVISOR, one_of

ANSWERED_YEAR, YEAR = 2008, 2009
# The agents of accounts.json who act on the 2009 dossiers (the administrator when one is missing).
AGENT_EMAILS = {"59": "ddtefp59@demo.local", "62": "ddtefp62@demo.local"}
# Every type but these gets its text from answers.csv (choices take their first option).
UNANSWERED_TYPES = {Question.AnswerType.FILE, Question.AnswerType.CHOICE}


def load_questionnaire(seeding, path):
    result = services.load_questionnaire(read_questionnaire(path))
    seeding.campaigns[result.campaign.year] = result.campaign


def load_answers(seeding, path):
    for row in read_csv(path, ["answer_type", "value"]):
        answer_type = one_of(row, path, "answer_type", Question.AnswerType.values, "type de réponse inconnu")
        try:
            row["value"].format(name="", activity="")
        except (KeyError, IndexError, ValueError):
            raise row.error(path, "seuls {name} et {activity} sont remplacés dans un texte.") from None
        seeding.sample_answers[answer_type] = row["value"]
    missing = set(Question.AnswerType.values) - UNANSWERED_TYPES - set(seeding.sample_answers)
    if missing:
        raise DataFileError(path, f"il manque le texte des réponses de type {', '.join(sorted(missing))}.")


def load_dossiers(seeding, path):
    walks = [_walk(seeding, path, row) for row in read_csv(path, ["structure", "transitions", "comment"])]
    campaigns = seeding.campaigns
    admin = User.objects.filter(is_staff=True).order_by("pk").first()
    structures = Structure.objects.filter(pk__in=[s.pk for s in seeding.structures.values()])

    created_answered = 0
    for structure in structures:
        dossier, created = Dossier.objects.get_or_create(
            structure=structure, campaign=campaigns[ANSWERED_YEAR], defaults={"status": Dossier.Status.ACKNOWLEDGED}
        )
        if created:
            _fill(dossier, _editor_of(structure, admin), seeding.sample_answers)
            services.freeze_snapshot(dossier, admin)
            created_answered += 1

    advisor = User.objects.filter(email=DEMO_ADVISOR).first() or admin
    agents = {
        departement: User.objects.filter(email=email).first() or admin for departement, email in AGENT_EMAILS.items()
    }
    created = 0
    for structure, steps, comment in walks:
        if Dossier.objects.filter(structure=structure, campaign=campaigns[YEAR]).exists():
            continue
        with transaction.atomic():
            dossier, _ = services.open_dossier(structure, campaigns[YEAR])
            editor = _editor_of(structure, admin)
            services.reuse_previous_answers(dossier, admin)
            _fill(dossier, editor, seeding.sample_answers)
            actors = {
                workflow.SIAE: editor,
                workflow.ADVISOR: advisor,
                workflow.AGENT: agents.get(structure.departement, admin),
            }
            for number, step in enumerate(steps, start=1):
                actor = actors[workflow.TRANSITIONS[step].actor]
                services.apply_transition(
                    dossier, step, actor, comment=comment if number == len(steps) else "", notify=False
                )
        created += 1
    seeding.stdout.write(
        f"Campagnes {ANSWERED_YEAR} et {YEAR} : {Question.objects.filter(campaign=campaigns[YEAR]).count()} "
        f"questions en {YEAR}, {created_answered} dossiers {ANSWERED_YEAR} et {created} dossiers {YEAR} créés."
    )


def _walk(seeding, path, row) -> tuple[Structure, list[str], str]:
    """The structure, transitions and comment of a row of dossiers-2009.csv, checked against the
    workflow table: each transition must start from the state the previous one left."""
    structure = one_of(row, path, "structure", seeding.structures, "structure inconnue")
    steps = row["transitions"].split()
    status = Dossier.Status.DRAFT
    for number, step in enumerate(steps, start=1):
        transition = workflow.TRANSITIONS.get(step)
        if transition is None:
            known = ", ".join(workflow.TRANSITIONS)
            raise row.error(path, f"transition inconnue « {step} » (transitions : {known}).")
        if status not in transition.sources:
            raise row.error(path, f"« {step} » est impossible depuis l'état « {Dossier.Status(status).label} ».")
        if transition.comment_required and number < len(steps):
            raise row.error(path, f"« {step} » demande un commentaire : seule la dernière transition en reçoit un.")
        status = transition.target
    last = workflow.TRANSITIONS[steps[-1]] if steps else None
    if last and last.comment_required and not row["comment"].strip():
        raise row.error(path, f"« {last.name} » demande un commentaire (colonne comment).")
    if row["comment"].strip() and not steps:
        raise row.error(path, "un commentaire accompagne la dernière transition : il n'y en a aucune.")
    return structure, steps, row["comment"]


def _editor_of(structure, admin):
    membership = (
        Membership.objects.active()
        .filter(role=Membership.Role.SIAE_EDITOR, structure=structure)
        .select_related("user")
        .first()
    )
    return membership.user if membership else admin


def _fill(dossier, user, sample_answers):
    """Answer every applicable question (files excepted) with plausible text."""
    structure = dossier.structure
    existing = set(dossier.answers.values_list("question_id", flat=True))
    new = []
    for question in dossier.questions():
        if question.pk in existing or question.answer_type == Question.AnswerType.FILE:
            continue
        if question.answer_type == Question.AnswerType.CHOICE:
            value = question.option_list[0]
        else:
            value = sample_answers[question.answer_type].format(name=structure.name, activity=structure.activity)
        new.append(Answer(dossier=dossier, question=question, value=value, updated_by=user))
    created = Answer.objects.bulk_create(new)
    Answer.history.bulk_history_create(created, default_user=user, default_change_reason="données de démonstration")
