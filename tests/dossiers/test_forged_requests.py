"""Requests nobody's page would send: forged ids, transitions from the wrong state or by the wrong
role, through the views (404 out of scope, 403 in scope but not allowed, nothing changed)."""

import pytest
from django.core import mail
from django.urls import reverse

from dossiers import services
from dossiers.models import Answer, AxisComment, Dossier, DossierTransition, Question
from tests.dossiers.conftest import ROLES, answer_all_required, make_campaign, set_status
from tests.dossiers.test_dossier_services import HAPPY, TARGET
from tests.factories import StructureFactory

# Who sees "Nord Recyclage" (EI, Nord, URIAE)'s dossier, by status, and who makes each kind of move.
SEES_BEFORE_TRANSMISSION = {"editor", "reader", "advisor", "portal_admin"}
SEES_ONCE_TRANSMITTED = SEES_BEFORE_TRANSMISSION | {"agent"}
ACTS = {actor: {actor, "portal_admin"} for actor in ["editor", "advisor", "agent"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "before", "actor", "complete", "comment"), HAPPY)
def test_every_transition_through_the_view_for_every_role(
    client, request, dossier, name, before, actor, complete, comment, role
):
    answer_all_required(dossier)
    set_status(dossier, before)
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        reverse("dossiers:transition", args=[dossier.pk, name]), {"comment": "Un commentaire", "confirm": "on"}
    )
    sees = SEES_ONCE_TRANSMITTED if before in {"submitted", "complement_requested"} else SEES_BEFORE_TRANSMISSION
    dossier.refresh_from_db()
    if role in ACTS[actor]:
        assert response.status_code == 302
        assert dossier.status == TARGET[name]
    else:
        assert response.status_code == (403 if role in sees else 404)
        assert dossier.status == before
        assert not DossierTransition.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("persona", "status", "name"),
    [
        ("advisor", "draft", "approve"),
        ("advisor", "approved", "request_changes"),
        ("editor", "in_review", "submit"),
        ("editor", "submitted", "resume"),
        ("editor", "acknowledged", "resubmit"),
        ("agent", "complement_requested", "acknowledge"),
        ("agent", "acknowledged", "request_complement"),
    ],
)
def test_a_transition_posted_from_the_wrong_state_is_403_and_changes_nothing(
    client, request, dossier, persona, status, name
):
    answer_all_required(dossier)
    set_status(dossier, status)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, name]), {"comment": "Un commentaire"})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == status
    assert not DossierTransition.objects.exists() and not dossier.snapshots.exists()


@pytest.mark.parametrize("year", [1999, 2010, 2031])
def test_opening_a_dossier_for_a_campaign_that_does_not_exist_is_404(client, editor, campaign, structure, year):
    client.force_login(editor)
    response = client.post(reverse("dossiers:dossier_start", args=[structure.pk, year]))
    assert response.status_code == 404
    assert not Dossier.objects.exists()


def test_opening_a_dossier_for_a_campaign_not_opened_yet_is_404(client, editor, structure):
    future = make_campaign(2030, codes=set())
    client.force_login(editor)
    assert client.post(reverse("dossiers:dossier_start", args=[structure.pk, future.year])).status_code == 404
    assert not Dossier.objects.exists()


def test_opening_a_dossier_of_another_structure_is_404(client, editor, campaign, other_structure):
    client.force_login(editor)
    assert client.post(reverse("dossiers:dossier_start", args=[other_structure.pk, campaign.year])).status_code == 404
    assert not Dossier.objects.exists()


def _transmitted_twice(dossier, editor, agent):
    answer_all_required(dossier)
    services.apply_transition(dossier, "submit", editor, notify=False)
    services.apply_transition(dossier, "request_complement", agent, comment="Précisez.", notify=False)
    services.apply_transition(dossier, "resubmit", editor, notify=False)
    return list(dossier.snapshots.order_by("number"))


@pytest.mark.parametrize("parameter", ["avant", "apres"])
def test_a_snapshot_of_another_dossier_is_404(
    client, editor, other_editor, agent, other_agent, dossier, other_dossier, parameter
):
    _transmitted_twice(dossier, editor, agent)
    foreign = _transmitted_twice(other_dossier, other_editor, other_agent)[0]
    client.force_login(editor)
    response = client.get(reverse("dossiers:snapshots", args=[dossier.pk]), {parameter: foreign.pk})
    assert response.status_code == 404
    assert "Chantier de l'Artois" not in response.text


@pytest.mark.parametrize("value", ["abc", "999999", ""])
def test_an_unknown_snapshot_id_is_404_but_no_choice_shows_the_latest_two(client, editor, agent, dossier, value):
    first, second = _transmitted_twice(dossier, editor, agent)
    client.force_login(editor)
    url = reverse("dossiers:snapshots", args=[dossier.pk])
    if value:
        assert client.get(url, {"avant": value}).status_code == 404
    else:
        response = client.get(url, {"avant": value})
        assert (response.context["before"], response.context["after"]) == (first, second)


def test_an_answer_to_a_question_of_another_axis_or_campaign_is_ignored(client, editor, dossier, previous_campaign):
    axis_2 = dossier.campaign.questions.get(code="parcours_insertion")
    last_year = previous_campaign.questions.get(code="presentation")
    client.force_login(editor)
    response = client.post(
        reverse("dossiers:axis", args=[dossier.pk, 1]),
        {"version": 0, f"q_{axis_2.pk}": "glissé dans l'axe 1", f"q_{last_year.pk}": "question de 2008"},
    )
    assert response.status_code == 302
    assert not Answer.objects.filter(value__in=["glissé dans l'axe 1", "question de 2008"]).exists()
    dossier.refresh_from_db()
    assert (dossier.version_axis_1, dossier.version_axis_2) == (1, 0)


@pytest.mark.parametrize("axis", [0, 5, 12])
def test_a_comment_on_an_axis_that_does_not_exist_is_404(client, advisor, dossier, axis):
    client.force_login(advisor)
    assert client.post(reverse("dossiers:comment", args=[dossier.pk, axis]), {"text": "Hors axe"}).status_code == 404
    assert not AxisComment.objects.exists()


def test_reuse_skips_answers_whose_question_changed_type_or_options(client, editor, agent, dossier, previous_campaign):
    # 2008 asked these two questions differently: a free text for the date, other options for the choice.
    for code, answer_type, options in [
        ("dernier_comite", "long_text", ""),
        ("clauses_sociales", "choice", "Souvent\nJamais"),
    ]:
        Question.objects.create(
            campaign=previous_campaign,
            axis=3,
            section="Rubrique",
            code=code,
            label=code,
            answer_type=answer_type,
            options=options,
        )
    old = Dossier.objects.create(structure=dossier.structure, campaign=previous_campaign, status="acknowledged")
    for code, value in [("dernier_comite", "au printemps"), ("clauses_sociales", "Souvent"), ("presentation", "2008")]:
        Answer.objects.create(dossier=old, question=previous_campaign.questions.get(code=code), value=value)
    copied, _ = services.reuse_previous_answers(dossier, editor)
    assert copied == 1
    assert dict(dossier.answers.values_list("question__code", "value")) == {"presentation": "2008"}
    # The dossier still shows and transmits.
    answer_all_required(dossier)
    client.force_login(editor)
    assert client.get(reverse("dossiers:axis", args=[dossier.pk, 3])).status_code == 200
    services.apply_transition(dossier, "submit", editor, notify=False)


def test_reuse_keeps_a_choice_still_offered(editor, dossier, previous_campaign):
    question = Question.objects.create(
        campaign=previous_campaign,
        axis=4,
        section="Rubrique",
        code="clauses_sociales",
        label="Clauses",
        answer_type="choice",
        options="Régulièrement\nJamais",
    )
    old = Dossier.objects.create(structure=dossier.structure, campaign=previous_campaign, status="acknowledged")
    Answer.objects.create(dossier=old, question=question, value="Jamais")
    assert services.reuse_previous_answers(dossier, editor)[0] == 1
    assert dossier.answers.get().value == "Jamais"


@pytest.mark.parametrize("persona", ["editor", "advisor", "agent"])
def test_home_with_the_dossier_panel_keeps_a_constant_number_of_queries(
    client, request, campaign, uriae, structure, persona, django_assert_max_num_queries
):
    def add(count):
        for i in range(count):
            other = StructureFactory(networks=[uriae], departement="59")
            Dossier.objects.create(structure=other, campaign=campaign, status=["draft", "submitted"][i % 2])

    Dossier.objects.create(structure=structure, campaign=campaign, status="submitted")
    add(3)
    client.force_login(request.getfixturevalue(persona))
    # The advisor's page reads the départements of its network for the filter: one more query.
    with django_assert_max_num_queries(17 if persona == "advisor" else 16) as small:
        response = client.get(reverse("home"))
    assert "Offre de services 2009" in response.text
    add(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    assert "Offre de services 2009" in response.text
