"""Writes on dossiers, each under `transaction.atomic`: all or nothing."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from siae_portal.uploads import validate_upload

from . import emails, workflow
from .models import (
    Answer,
    AxisComment,
    Campaign,
    Dossier,
    DossierTransition,
    Question,
    Snapshot,
    Structure,
    snapshot_pdf_name,
)
from .questionnaires import Questionnaire
from .rules import dossier_roles


class AxisConflict(Exception):
    """Someone saved the same axis since this form was displayed: another editor, or the same user
    in another tab (`by_same_user`), whose message differs."""

    def __init__(self, *, by_same_user: bool = False):
        self.by_same_user = by_same_user
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.by_same_user:
            return (
                "Rien n'a été enregistré : vous avez enregistré cet axe dans un autre onglet depuis l'ouverture "
                "de cette page. Rechargez la page pour reprendre la dernière version."
            )
        return (
            "Rien n'a été enregistré : une autre personne a enregistré cet axe pendant que vous le modifiiez. "
            "Rechargez la page pour reprendre sa version."
        )


class TransitionRefused(Exception):
    def __init__(self, errors):
        super().__init__(" ".join(errors))
        self.errors = errors


def open_dossier(structure: Structure, campaign: Campaign) -> tuple[Dossier, bool]:
    """The structure's dossier for the campaign, created the first time it is opened."""
    try:
        with transaction.atomic():
            return Dossier.objects.get_or_create(structure=structure, campaign=campaign)
    except IntegrityError:
        # Two first openings at once: the other one created it.
        return Dossier.objects.get(structure=structure, campaign=campaign), False


def missing_required_answers(dossier: Dossier) -> list[str]:
    answered = set(dossier.answers.values_list("question_id", flat=True))
    return [f"axe {q.axis} · {q.label}" for q in dossier.questions() if q.required and q.pk not in answered]


def stored_name(file_type: str) -> str:
    """The name an attachment is stored under: its extension comes from its checked content (see
    `validate_upload`), so a PDF sent as "page.html" is never kept as a web page."""
    return f"piece.{file_type}"


def save_axis(dossier: Dossier, axis: int, user, *, version: int, values: dict, files: dict, clears: set) -> int:
    """Save the answers of one axis. `values`: {question: text ("" clears)} for non-file
    questions; `files`: {question: uploaded file}; `clears`: file questions whose attachment is
    removed. Returns the axis's new version; raises AxisConflict if `version` is stale."""
    field = f"version_axis_{axis}"
    with transaction.atomic():
        # Compare-and-swap on the version: exactly one of two concurrent saves wins.
        updated = Dossier.objects.filter(
            pk=dossier.pk, status__in=workflow.EDITABLE_STATUSES, **{field: version}
        ).update(**{field: F(field) + 1, f"saved_by_axis_{axis}": user, "updated_at": timezone.now()})
        if not updated:
            dossier.refresh_from_db()
            if not dossier.is_editable_status:
                raise PermissionDenied("Le dossier n'est plus modifiable.")
            raise AxisConflict(by_same_user=dossier.axis_saved_by_id(axis) == user.pk)
        existing = {a.question_id: a for a in dossier.answers.filter(question__axis=axis).select_related("question")}
        for question, text in values.items():
            answer = existing.get(question.pk)
            if not text:
                if answer is not None:
                    answer.delete()
                continue
            if answer is None:
                Answer.objects.create(dossier=dossier, question=question, value=text, updated_by=user)
            elif answer.value != text:
                answer.value, answer.updated_by = text, user
                answer.save(update_fields=["value", "updated_by", "updated_at"])
        for question in clears:
            answer = existing.get(question.pk)
            if answer is not None and question not in files:
                answer.delete()  # its file goes once the transaction commits (siae_portal.stored_files)
        for question, uploaded in files.items():
            answer = existing.get(question.pk) or Answer(dossier=dossier, question=question)
            answer.attachment_name = uploaded.name[:200]
            answer.updated_by = user
            # Named by its checked content, never by the name it came with (see `stored_name`).
            answer.attachment.save(stored_name(validate_upload(uploaded)), uploaded, save=False)
            answer.save()  # the replaced file goes once the transaction commits
    dossier.refresh_from_db()
    return dossier.axis_version(axis)


def previous_dossier(dossier: Dossier) -> Dossier | None:
    return (
        Dossier.objects.filter(structure_id=dossier.structure_id, campaign__year__lt=dossier.campaign.year)
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )


def reuse_previous_answers(dossier: Dossier, user) -> tuple[int, Dossier | None]:
    """Fill the empty answers from the structure's latest earlier dossier, where the question
    codes match and the old answer still fits the question (see `_still_fits`). Returns (number of
    answers copied, the earlier dossier)."""
    if not user.has_perm("dossiers.change_dossier", dossier):
        raise PermissionDenied("Vous ne pouvez pas modifier ce dossier.")
    source = previous_dossier(dossier)
    if source is None:
        return 0, None
    with transaction.atomic():
        answered = set(dossier.answers.values_list("question__code", flat=True))
        targets = {q.code: q for q in dossier.questions() if q.code not in answered}
        copied, axes = 0, set()
        for old in source.answers.select_related("question"):
            question = targets.get(old.question.code)
            if question is None or not _still_fits(old, question):
                continue
            answer = Answer(dossier=dossier, question=question, value=old.value, updated_by=user)
            if old.attachment:
                try:
                    with old.attachment.open("rb") as handle:
                        content = handle.read()
                except OSError:
                    continue
                answer.attachment_name = old.attachment_name
                extension = old.attachment.name.rsplit(".", 1)[-1]
                answer.attachment.save(stored_name(extension), ContentFile(content), save=False)
            answer.save()
            copied += 1
            axes.add(question.axis)
        if axes:
            # Forms open on these axes are now stale: their next save is a conflict, not an overwrite.
            Dossier.objects.filter(pk=dossier.pk).update(
                updated_at=timezone.now(),
                **{f"version_axis_{a}": F(f"version_axis_{a}") + 1 for a in axes},
                **{f"saved_by_axis_{a}": user for a in axes},
            )
    return copied, source


def _still_fits(old: Answer, question: Question) -> bool:
    """Whether last year's answer is still a valid answer to this year's question: same answer
    type (a text is no date), an option still offered, a file only for a file question."""
    if old.question.answer_type != question.answer_type:
        return False
    if question.answer_type == Question.AnswerType.FILE:
        return bool(old.attachment)
    if question.answer_type == Question.AnswerType.CHOICE:
        return old.value in question.option_list
    return True


def answer_items(dossier: Dossier) -> list[dict]:
    """The dossier's current answers as a reader reads them, one dict per applicable question, in
    questionnaire order: the shape a snapshot freezes and the PDF summary prints (two queries)."""
    answers = {a.question_id: a for a in dossier.answers.all()}
    items = []
    for question in dossier.questions():
        answer = answers.get(question.pk)
        if answer is not None:
            answer.question = question  # display() reads the type: no query per answer
        items.append(
            {
                "question_id": question.pk,
                "code": question.code,
                "axis": question.axis,
                "section": question.section,
                "label": question.label,
                "required": question.required,
                "value": answer.display() if answer and question.answer_type != Question.AnswerType.FILE else "",
                "file_name": answer.attachment_name if answer and answer.attachment else "",
            }
        )
    return items


def freeze_snapshot(dossier: Dossier, user) -> Snapshot:
    """Freeze the answers as a new numbered version; its PDF summary is rendered and stored by a
    background task once the transaction commits (never if it rolls back)."""
    from .tasks import render_snapshot_pdf

    number = (dossier.snapshots.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = Snapshot.objects.create(
        dossier=dossier,
        number=number,
        created_by=user,
        answers=answer_items(dossier),
        pdf=snapshot_pdf_name(dossier.pk, number),
    )
    # robust: a task engine that cannot take it leaves the PDF to be rendered on its first download.
    transaction.on_commit(lambda: render_snapshot_pdf.enqueue(snapshot.pk), robust=True)
    return snapshot


def allowed_transition(dossier: Dossier, name: str, user) -> workflow.Transition:
    """Transition `name`, if `user` may make it from the dossier's status; PermissionDenied
    otherwise (an unknown action, another role's, or from another status)."""
    transition = workflow.TRANSITIONS.get(name)
    if transition is None:
        raise PermissionDenied("Action inconnue.")
    if not workflow.is_allowed(name, dossier.status, dossier_roles(user, dossier)):
        raise PermissionDenied(
            f"Action impossible : le dossier est « {dossier.get_status_display()} » "
            "et cette action ne vous revient pas."
        )
    return transition


def apply_transition(
    dossier: Dossier, name: str, user, *, comment: str = "", notify: bool = True, base_url: str = ""
) -> Dossier:
    """Move the dossier through transition `name`. PermissionDenied when the user may not make it
    from this state; TransitionRefused (French reasons) when its conditions are not met;
    siae_portal.emails.MailNotSent when the transition is done and logged but its e-mails could not leave."""
    with transaction.atomic():
        # Lock the row: two agents clicking at once cannot both move the dossier.
        locked = Dossier.objects.select_for_update().select_related("structure", "campaign").get(pk=dossier.pk)
        transition = allowed_transition(locked, name, user)
        errors = workflow.transition_errors(
            transition,
            comment=comment,
            has_network=locked.structure.networks.exists(),
            missing_answers=missing_required_answers(locked) if transition.needs_complete_answers else [],
        )
        if errors:
            raise TransitionRefused(errors)
        previous = locked.status
        locked.status = transition.target
        update = ["status", "updated_at"]
        if transition.freezes_snapshot:
            locked.submitted_at = timezone.now()
            update.append("submitted_at")
            if locked.first_submitted_at is None:
                locked.first_submitted_at = locked.submitted_at
                update.append("first_submitted_at")
        locked.save(update_fields=update)
        log = DossierTransition.objects.create(
            dossier=locked,
            name=name,
            from_status=previous,
            to_status=locked.status,
            actor=user,
            comment=comment.strip(),
        )
        if transition.freezes_snapshot:
            # After the log: the snapshot's PDF shows the history up to its own transmission.
            freeze_snapshot(locked, user)
    if notify:
        emails.notify_transition(locked, log, base_url=base_url)
    return locked


def add_axis_comment(dossier: Dossier, axis: int, user, text: str) -> AxisComment:
    roles = dossier_roles(user, dossier)
    if user.scope.is_admin:
        role = AxisComment.AuthorRole.ADMIN
    elif workflow.ADVISOR in roles:
        role = AxisComment.AuthorRole.ADVISOR
    elif workflow.AGENT in roles:
        role = AxisComment.AuthorRole.AGENT
    else:
        raise PermissionDenied("Seuls les conseillers de réseau et les agents DDTEFP commentent un dossier.")
    with transaction.atomic():
        comment = AxisComment.objects.create(dossier=dossier, axis=axis, author=user, author_role=role, text=text)
        Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())
    return comment


def copy_questionnaire(source: Campaign, target: Campaign) -> int:
    """Copy the questions of an earlier campaign into `target` (questions whose code already
    exists in the target are kept as they are). Returns the number of questions copied."""
    if source.year >= target.year:
        raise ValueError("La campagne source doit être antérieure à la campagne cible.")
    with transaction.atomic():
        existing = set(target.questions.values_list("code", flat=True))
        new = [
            Question(
                campaign=target,
                axis=q.axis,
                section=q.section,
                code=q.code,
                label=q.label,
                help_text=q.help_text,
                answer_type=q.answer_type,
                options=q.options,
                required=q.required,
                kinds=list(q.kinds),
                order=q.order,
            )
            for q in source.questions.order_by("axis", "order", "pk")
            if q.code not in existing
        ]
        Question.objects.bulk_create(new)
    return len(new)


@dataclass(frozen=True)
class QuestionnaireLoaded:
    campaign: Campaign
    campaign_created: bool
    added: int  # questions created
    kept: int  # questions of the file whose code the campaign already had, left as they are


def load_questionnaire(questionnaire: Questionnaire) -> QuestionnaireLoaded:
    """Write a questionnaire read by `questionnaires.read_questionnaire`: its campaign is created
    if its year is new (an existing campaign keeps its title and dates), and the questions whose
    code the campaign does not have yet are added; loading the same file twice adds nothing."""
    with transaction.atomic():
        model = questionnaire.campaign
        campaign, created = Campaign.objects.get_or_create(
            year=model.year,
            defaults={
                "title": model.title,
                "opens_on": model.opens_on,
                "review_deadline": model.review_deadline,
                "submission_deadline": model.submission_deadline,
            },
        )
        existing = set(campaign.questions.values_list("code", flat=True))
        new = [question for question in questionnaire.questions if question.code not in existing]
        for question in new:
            question.campaign = campaign
        Question.objects.bulk_create(new)
    return QuestionnaireLoaded(campaign, created, len(new), len(questionnaire.questions) - len(new))
