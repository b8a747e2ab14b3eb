"""Transitions, their refusals and their e-mails; visibility; reuse of last year's answers;
optimistic concurrency; questionnaire copy."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from dossiers import services
from dossiers.models import Answer, Dossier, DossierTransition, Question
from tests.dossiers.conftest import answer_all_required, make_campaign, set_status
from tests.factories import StructureFactory

# (transition, status before, actor persona, needs complete answers, comment)
HAPPY = [
    ("ask_review", "draft", "editor", False, ""),
    ("request_changes", "in_review", "advisor", False, "Précisez l'axe 3."),
    ("approve", "in_review", "advisor", False, ""),
    ("return_to_review", "changes_requested", "editor", False, ""),
    ("resume", "approved", "editor", False, ""),
    ("submit", "draft", "editor", True, ""),
    ("submit", "changes_requested", "editor", True, ""),
    ("submit", "approved", "editor", True, ""),
    ("request_complement", "submitted", "agent", False, "Joignez l'organigramme."),
    ("resubmit", "complement_requested", "editor", True, ""),
    ("acknowledge", "submitted", "agent", False, ""),
]
TARGET = {
    "ask_review": "in_review",
    "return_to_review": "in_review",
    "request_changes": "changes_requested",
    "approve": "approved",
    "resume": "draft",
    "submit": "submitted",
    "request_complement": "complement_requested",
    "resubmit": "submitted",
    "acknowledge": "acknowledged",
}
# Who is told, by persona.
NOTIFIED = {
    "ask_review": "advisor",
    "return_to_review": "advisor",
    "request_changes": "editor",
    "approve": "editor",
    "resume": "advisor",
    "submit": "agent",
    "resubmit": "agent",
    "request_complement": "editor",
    "acknowledge": "editor",
}
PERSONAS = ["editor", "reader", "other_editor", "advisor", "other_advisor", "agent", "other_agent"]


@pytest.mark.parametrize(("name", "before", "actor", "complete", "comment"), HAPPY)
def test_each_transition_is_logged_and_mailed(request, dossier, name, before, actor, complete, comment):
    personas = {p: request.getfixturevalue(p) for p in PERSONAS}
    if complete:
        answer_all_required(dossier)
    set_status(dossier, before)
    mail.outbox.clear()
    services.apply_transition(dossier, name, personas[actor], comment=comment)
    dossier.refresh_from_db()
    assert dossier.status == TARGET[name]
    log = DossierTransition.objects.get(dossier=dossier)
    assert (log.name, log.from_status, log.to_status, log.actor, log.comment) == (
        name,
        before,
        TARGET[name],
        personas[actor],
        comment,
    )
    assert [m.to for m in mail.outbox] == [[personas[NOTIFIED[name]].email]]
    message = mail.outbox[0]
    assert "Nord Recyclage" in message.body and "2009" in message.subject
    if comment:
        assert comment in message.body
    assert dossier.snapshots.count() == (1 if name in {"submit", "resubmit"} else 0)


@pytest.mark.parametrize(("name", "before", "actor", "complete", "comment"), HAPPY)
def test_each_transition_is_refused_to_the_wrong_roles(request, dossier, name, before, actor, complete, comment):
    answer_all_required(dossier)
    set_status(dossier, before)
    for persona in PERSONAS:
        if persona == actor:
            continue
        with pytest.raises(PermissionDenied):
            services.apply_transition(dossier, name, request.getfixturevalue(persona), comment="Un commentaire")
    dossier.refresh_from_db()
    assert dossier.status == before
    assert not DossierTransition.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(("name", "before", "actor", "complete", "comment"), HAPPY)
def test_each_transition_is_refused_from_other_states(request, dossier, name, before, actor, complete, comment):
    answer_all_required(dossier)
    user = request.getfixturevalue(actor)
    for status in Dossier.Status.values:
        if status == before or (name == "submit" and status in {"draft", "approved", "changes_requested"}):
            continue
        set_status(dossier, status)
        with pytest.raises(PermissionDenied):
            services.apply_transition(dossier, name, user, comment="Un commentaire")
    assert not DossierTransition.objects.exists()


def test_admin_may_make_any_transition(dossier, portal_admin):
    answer_all_required(dossier)
    for name in ["ask_review", "approve", "submit", "request_complement", "resubmit", "acknowledge"]:
        services.apply_transition(dossier, name, portal_admin, comment="Vu par l'administration")
    dossier.refresh_from_db()
    assert dossier.status == "acknowledged"


@pytest.mark.parametrize(
    ("name", "before", "actor"),
    [("request_changes", "in_review", "advisor"), ("request_complement", "submitted", "agent")],
)
def test_asking_for_more_without_a_comment_is_refused(request, dossier, name, before, actor):
    set_status(dossier, before)
    with pytest.raises(services.TransitionRefused) as refused:
        services.apply_transition(dossier, name, request.getfixturevalue(actor), comment="  ")
    assert "commentaire est obligatoire" in refused.value.errors[0]
    dossier.refresh_from_db()
    assert dossier.status == before
    assert not DossierTransition.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("name", "before"), [("submit", "draft"), ("submit", "approved"), ("resubmit", "complement_requested")]
)
def test_transmission_with_missing_required_answers_is_refused_with_the_list(dossier, editor, name, before):
    set_status(dossier, before)
    Answer.objects.create(dossier=dossier, question=dossier.campaign.questions.get(code="presentation"), value="x")
    with pytest.raises(services.TransitionRefused) as refused:
        services.apply_transition(dossier, name, editor)
    message = refused.value.errors[0]
    assert "4 réponse(s) obligatoire(s) manquante(s)" in message
    assert "Remettez-vous un livret d'accueil ?" in message and "Présentez votre structure" not in message
    # The ACI-only question is not asked of this EI.
    assert "ressources propres" not in message
    dossier.refresh_from_db()
    assert dossier.status == before and not dossier.snapshots.exists()


def test_an_aci_must_answer_its_kind_specific_question(other_dossier, other_editor):
    answer_all_required(other_dossier)
    Answer.objects.filter(question__code="ressources_propres").delete()
    with pytest.raises(services.TransitionRefused) as refused:
        services.apply_transition(other_dossier, "submit", other_editor)
    assert "Part des ressources propres" in refused.value.errors[0]


def test_review_is_refused_without_a_network(campaign, editor, structure):
    structure.networks.clear()
    dossier = Dossier.objects.create(structure=structure, campaign=campaign)
    with pytest.raises(services.TransitionRefused) as refused:
        services.apply_transition(dossier, "ask_review", editor)
    assert "aucun réseau" in refused.value.errors[0]
    dossier.refresh_from_db()
    assert dossier.status == "draft"


def test_snapshots_freeze_each_transmission(complete_dossier, editor, agent):
    dossier = complete_dossier
    services.apply_transition(dossier, "submit", editor)
    services.apply_transition(dossier, "request_complement", agent, comment="Précisez.")
    Answer.objects.filter(dossier=dossier, question__code="plan_formation").update(value="Plan revu")
    services.apply_transition(dossier, "resubmit", editor)
    first, second = dossier.snapshots.order_by("number")
    assert (first.number, second.number) == (1, 2)
    by_code = {item["code"]: item for item in first.answers}
    assert by_code["plan_formation"]["value"] == "Réponse à plan_formation"
    assert {item["code"]: item for item in second.answers}["plan_formation"]["value"] == "Plan revu"
    assert "ressources_propres" not in by_code  # not asked of an EI
    dossier.refresh_from_db()
    assert dossier.submitted_at is not None


def test_emails_go_to_active_people_only(dossier, editor, advisor, uriae):
    from accounts.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    gone = UserFactory()
    MembershipFactory(user=gone, role=Membership.Role.ADVISOR, network=uriae).deactivate()
    second = UserFactory()
    MembershipFactory(user=second, role=Membership.Role.ADVISOR, network=uriae)
    services.apply_transition(dossier, "ask_review", editor)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([advisor.email, second.email])
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses


# --- Visibility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_draft", "sees_submitted"),
    [
        ("editor", True, True),
        ("reader", True, True),
        ("other_editor", False, False),
        ("advisor", True, True),
        ("other_advisor", False, False),
        ("agent", False, True),
        ("other_agent", False, False),
        ("portal_admin", True, True),
        ("orphan", False, False),
    ],
)
def test_visible_to(request, dossier, persona, sees_draft, sees_submitted):
    user = request.getfixturevalue(persona)
    assert Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists() == sees_draft
    for status in ["in_review", "changes_requested", "approved"]:
        set_status(dossier, status)
        assert Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists() == sees_draft
    for status in ["submitted", "complement_requested", "acknowledged"]:
        set_status(dossier, status)
        assert Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists() == sees_submitted


def test_visible_to_has_no_duplicates_for_a_structure_in_two_networks(dossier, structure, advisor, coorace, uriae):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    structure.networks.add(coorace)
    MembershipFactory(user=advisor, role=Membership.Role.ADVISOR, network=coorace)
    advisor.__dict__.pop("scope", None)
    assert list(Dossier.objects.visible_to(advisor)) == [dossier]


# --- Saving an axis ---------------------------------------------------------------------------


def _q(dossier, code):
    return dossier.campaign.questions.get(code=code)


def test_save_axis_creates_updates_and_clears_answers(dossier, editor):
    presentation, livret = _q(dossier, "presentation"), _q(dossier, "livret_accueil")
    version = services.save_axis(
        dossier, 1, editor, version=0, values={presentation: "Bonjour", livret: "oui"}, files={}, clears=set()
    )
    assert version == 1
    assert dict(dossier.answers.values_list("question__code", "value")) == {
        "presentation": "Bonjour",
        "livret_accueil": "oui",
    }
    services.save_axis(dossier, 1, editor, version=1, values={presentation: "", livret: "non"}, files={}, clears=set())
    assert dict(dossier.answers.values_list("question__code", "value")) == {"livret_accueil": "non"}


def test_second_save_with_a_stale_version_is_a_conflict_and_changes_nothing(dossier, editor):
    presentation = _q(dossier, "presentation")
    services.save_axis(dossier, 1, editor, version=0, values={presentation: "Premier"}, files={}, clears=set())
    with pytest.raises(services.AxisConflict):
        services.save_axis(dossier, 1, editor, version=0, values={presentation: "Second"}, files={}, clears=set())
    assert dossier.answers.get().value == "Premier"
    dossier.refresh_from_db()
    assert dossier.version_axis_1 == 1
    # Other axes have their own version: no conflict there.
    plan = _q(dossier, "plan_formation")
    services.save_axis(dossier, 3, editor, version=0, values={plan: "Plan"}, files={}, clears=set())


def test_save_axis_refuses_a_read_only_dossier(dossier, editor):
    set_status(dossier, "submitted")
    with pytest.raises(PermissionDenied):
        services.save_axis(
            dossier, 1, editor, version=0, values={_q(dossier, "presentation"): "x"}, files={}, clears=set()
        )
    assert not dossier.answers.exists()


# --- Reusing last year ------------------------------------------------------------------------


def test_reuse_fills_only_empty_matching_answers(dossier, editor, previous_campaign, structure):
    old = Dossier.objects.create(structure=structure, campaign=previous_campaign, status="acknowledged")
    for code, value in [("presentation", "Texte 2008"), ("plan_formation", "Plan 2008"), ("duree_parcours", "9")]:
        Answer.objects.create(dossier=old, question=previous_campaign.questions.get(code=code), value=value)
    Answer.objects.create(dossier=dossier, question=_q(dossier, "plan_formation"), value="Plan 2009 déjà écrit")
    copied, source = services.reuse_previous_answers(dossier, editor)
    assert (copied, source) == (2, old)
    assert dict(dossier.answers.values_list("question__code", "value")) == {
        "presentation": "Texte 2008",
        "plan_formation": "Plan 2009 déjà écrit",
        "duree_parcours": "9",
    }
    dossier.refresh_from_db()
    # Open forms on axes 1 and 2 are now stale; axis 3 kept its answer and its version.
    assert (dossier.version_axis_1, dossier.version_axis_2, dossier.version_axis_3) == (1, 1, 0)
    # Running it again copies nothing more.
    assert services.reuse_previous_answers(dossier, editor)[0] == 0


def test_reuse_without_an_earlier_dossier(dossier, editor, previous_campaign):
    assert services.reuse_previous_answers(dossier, editor) == (0, None)


def test_reuse_is_refused_to_readers_and_on_read_only_dossiers(dossier, reader, editor, previous_campaign):
    with pytest.raises(PermissionDenied):
        services.reuse_previous_answers(dossier, reader)
    set_status(dossier, "in_review")
    with pytest.raises(PermissionDenied):
        services.reuse_previous_answers(dossier, editor)


# --- Questionnaire copy -----------------------------------------------------------------------


def test_copy_questionnaire_from_an_earlier_campaign(db):
    source = make_campaign(2008)
    target = make_campaign(2010, codes={"presentation"})
    target.questions.filter(code="presentation").update(label="Nouvelle formulation")
    assert services.copy_questionnaire(source, target) == len(source.questions.all()) - 1
    assert target.questions.count() == source.questions.count()
    assert target.questions.get(code="presentation").label == "Nouvelle formulation"
    assert target.questions.get(code="ressources_propres").kinds == ["ACI"]
    with pytest.raises(ValueError):
        services.copy_questionnaire(target, source)


def test_one_dossier_per_structure_and_campaign(campaign, structure):
    first, created = services.open_dossier(structure, campaign)
    again, created_again = services.open_dossier(structure, campaign)
    assert created and not created_again and first == again
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.create(structure=structure, campaign=campaign)


def test_question_applies_to_kinds(campaign):
    question = Question.objects.get(campaign=campaign, code="ressources_propres")
    assert question.applies_to("ACI") and not question.applies_to("EI")
    assert Question.objects.get(campaign=campaign, code="presentation").applies_to("ETTI")
    assert StructureFactory.build(kind="EI")


def test_question_validation(campaign):
    from django.core.exceptions import ValidationError

    question = Question(campaign=campaign, axis=1, section="S", code="c", label="L", answer_type="choice")
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "au moins deux options" in str(error.value)
    question.options, question.kinds = "A\nB", ["EI", "XYZ"]
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "Types de SIAE inconnus" in str(error.value)
    question.kinds = ["EI"]
    question.full_clean()


def test_campaign_dates_out_of_order_get_clear_french_messages(db):
    import datetime

    from django.core.exceptions import ValidationError

    from dossiers.models import Campaign

    campaign = Campaign(
        year=2010,
        title="Conventionnement 2010",
        opens_on=datetime.date(2010, 2, 1),
        review_deadline=datetime.date(2010, 1, 15),
        submission_deadline=datetime.date(2010, 1, 31),
    )
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert refused.value.message_dict == {
        "review_deadline": ["La date limite de relecture ne peut pas précéder l'ouverture de la campagne."],
        "submission_deadline": ["La date limite de transmission ne peut pas précéder l'ouverture de la campagne."],
    }
    assert not Campaign.objects.exists()


def test_reuse_copies_an_attachment_under_a_new_name_of_the_same_type(dossier, editor, previous_campaign, structure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    question = Question.objects.create(
        campaign=previous_campaign, axis=1, section="Rubrique", code="organigramme", label="Org", answer_type="file"
    )
    old = Dossier.objects.create(structure=structure, campaign=previous_campaign, status="acknowledged")
    old_answer = Answer(dossier=old, question=question, attachment_name="organigramme 2008.html")
    old_answer.attachment.save("organigramme.pdf", SimpleUploadedFile("organigramme.pdf", b"%PDF-1.4\n"), save=False)
    old_answer.save()
    assert services.reuse_previous_answers(dossier, editor)[0] == 1
    copied = dossier.answers.get(question__code="organigramme")
    assert copied.attachment.name != old_answer.attachment.name and copied.attachment.name.endswith(".pdf")
    assert copied.attachment_name == "organigramme 2008.html"
    with copied.attachment.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4\n"


def test_an_answer_stored_out_of_shape_is_shown_as_it_is(dossier):
    # The admin edits answers as raw text: a malformed date must not break the dossier pages.
    answer = Answer.objects.create(dossier=dossier, question=_q(dossier, "dernier_comite"), value="au printemps")
    assert answer.display() == "au printemps"
    answer.value = "2009-02-30"
    assert answer.display() == "2009-02-30"
    answer.value = "2009-02-03"
    assert answer.display() == "03/02/2009"
