"""The pages of the dialogue de gestion: propose, comment, change the objectives, agree, close; the
permission matrix over every persona (404 outside the structure's scope, 403 in scope without the
right), bad input that changes nothing, the history of every change."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conventions import services
from conventions.models import Convention, ConventionComment, Objective
from conventions.services import ObjectiveInput
from indicators.models import CustomRateDefinition
from siae_portal.numbers import format_number
from tests.personas import ROLES, login_as

from .conftest import add_exits, make_convention

pytestmark = pytest.mark.django_db

OUTSIDERS = {"other_editor", "other_advisor", "other_agent", "orphan"}


def expected(role, allowed, ok=302):
    if role in OUTSIDERS:
        return 404
    return ok if role in allowed else 403


def proposal_data(first=2010, last=2012, **overrides):
    data = {"first_year": first, "last_year": last, "reference": ""}
    for year in range(first, last + 1):
        data.update({f"etp_{year}": "12", f"exits_{year}": "20", f"official_{year}": "60",
                     f"durable_{year}": "25,5", f"transition_{year}": "", f"positive_{year}": ""})  # fmt: skip
    data.update(overrides)
    return data


def objectives_data(convention, **overrides):
    data = {}
    for year in convention.years:
        data.update({f"etp_{year}": "12", f"exits_{year}": "20", f"official_{year}": "60",
                     f"durable_{year}": "25", f"transition_{year}": "", f"positive_{year}": ""})  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def proposed(structure, editor):
    return make_convention(structure, editor, first_year=2010, last_year=2012)


def _target(convention, year, indicator):
    return Objective.objects.get(
        convention_year__convention=convention, convention_year__year=year, indicator=indicator
    ).target


# --- Propose ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_propose_matrix(client, request, structure, role):
    login_as(client, request, role)
    url = reverse("conventions:propose", args=[structure.pk])
    response = client.post(url, proposal_data())
    assert response.status_code == expected(role, {"editor", "portal_admin"})
    created = Convention.objects.filter(structure=structure)
    if response.status_code == 302:
        convention = created.get()
        assert response.url == convention.get_absolute_url()
        assert (convention.first_year, convention.last_year, convention.status) == (2010, 2012, "proposed")
        assert _target(convention, 2011, "durable") == Decimal("0.255")
        assert _target(convention, 2012, "exits") == 20
        assert not Objective.objects.filter(indicator="transition").exists()
    else:
        assert not created.exists()


@pytest.mark.parametrize("role", ["editor", "reader", "advisor", "agent", "portal_admin"])
def test_the_propose_page_shows_the_past_figures_to_whoever_sees_the_structure(client, request, structure, role):
    login_as(client, request, role)
    response = client.get(reverse("conventions:propose", args=[structure.pk]), {"first_year": 2010, "last_year": 2012})
    assert response.status_code == 200
    assert "Les trois années précédentes" in response.content.decode()
    assert (response.context["form"] is not None) == (role in {"editor", "portal_admin"})


def test_the_proposal_is_prefilled_with_the_mean_of_the_three_years_before(client, structure, editor):
    # 2008: 10 eligible exits, 6 dynamic (3 durable); 2009: 5 exits, 4 dynamic (1 durable); 2007: none.
    add_exits(
        structure, 2008, ["cdi_non_aide"] * 3 + ["cdd_moins_6m"] * 2 + ["formation_qualifiante"] + ["chomage"] * 4
    )
    add_exits(structure, 2009, ["cdi_non_aide"] + ["cdd_moins_6m"] * 3 + ["chomage"])
    client.force_login(editor)
    response = client.get(reverse("conventions:propose", args=[structure.pk]))
    # Without years asked for: the year after the latest exit, for three years.
    assert response.context["years"] == [2010, 2011, 2012]
    assert [past.year for past in response.context["history"]] == [2007, 2008, 2009]
    form = response.context["form"]
    # The mean of the years with exits (2007 has none): (10 + 5) / 2 = 7.5, rounded to 8.
    assert form["exits_2010"].value() == "8"
    assert form["official_2011"].value() == "70"  # (60 % + 80 %) / 2
    assert form["durable_2012"].value() == "25"  # (30 % + 20 %) / 2
    assert form["transition_2010"].value() == ""
    assert form["etp_2010"].value() == format_number(structure.insertion_posts_etp)
    html = response.content.decode()
    assert "60,0\u00a0%" in html and "(6/10)" in html and "(4/5)" in html


def test_without_past_exits_the_proposal_starts_from_the_circulaire(client, structure, editor):
    client.force_login(editor)
    form = client.get(reverse("conventions:propose", args=[structure.pk])).context["form"]
    assert form["official_" + str(form.years[0])].value() == "60"
    assert form["durable_" + str(form.years[0])].value() == "25"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"official_2011": "150"}, "Un taux est compris entre 0 et 100 %."),
        ({"durable_2010": "beaucoup"}, "pas un nombre"),
        ({"exits_2012": "12,5"}, "Le nombre de sorties prévues est un nombre entier."),
        ({"etp_2010": "-3"}, "La valeur ne peut pas être négative."),
        ({"official_2010": ""}, "Ce champ est obligatoire."),
        ({"last_year": 2013}, "Une convention couvre au plus 3 ans."),
        ({"last_year": 2009}, "doit suivre l&#x27;année de début."),
    ],
)
def test_bad_input_in_a_proposal_changes_nothing(client, structure, editor, overrides, message):
    client.force_login(editor)
    response = client.post(reverse("conventions:propose", args=[structure.pk]), proposal_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Convention.objects.exists()


def test_objectives_may_use_a_definition_of_the_structures_departement_only(client, structure, editor, agent):
    own = CustomRateDefinition.objects.create(name="Durable à temps plein (59)", departement="59",
                                              durable_requires_full_time=True, created_by=agent)  # fmt: skip
    other = CustomRateDefinition.objects.create(name="Critères du 62", departement="62")
    client.force_login(editor)
    url = reverse("conventions:propose", args=[structure.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["definition_durable"].queryset) == [own]
    response = client.post(url, proposal_data(definition_durable=other.pk))
    assert response.status_code == 400 and not Convention.objects.exists()
    response = client.post(url, proposal_data(definition_durable=own.pk))
    assert response.status_code == 302
    durable = Objective.objects.filter(indicator="durable")
    assert durable.count() == 3 and all(o.definition == own for o in durable)
    assert not Objective.objects.filter(indicator="official").exclude(definition=None).exists()


# --- Detail, comment ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_matrix(client, request, proposed, role):
    login_as(client, request, role)
    response = client.get(proposed.get_absolute_url())
    assert response.status_code == expected(role, {"editor", "reader", "advisor", "agent", "portal_admin"}, 200)
    if response.status_code == 200:
        can = response.context["can"]
        assert can["agree"] == (role in {"agent", "portal_admin"})
        assert can["edit"] == (role in {"editor", "agent", "portal_admin"})
        assert can["comment"] == (role in {"editor", "advisor", "agent", "portal_admin"})
        assert not can["close"]


@pytest.mark.parametrize("role", ROLES)
def test_comment_matrix(client, request, proposed, role):
    login_as(client, request, role)
    response = client.post(reverse("conventions:comment", args=[proposed.pk]), {"text": "Objectif durable ambitieux."})
    assert response.status_code == expected(role, {"editor", "advisor", "agent", "portal_admin"})
    comments = ConventionComment.objects.filter(convention=proposed)
    if response.status_code == 302:
        comment = comments.get()
        assert comment.text == "Objectif durable ambitieux."
        assert comment.author_role == {"editor": "siae", "advisor": "advisor", "agent": "agent"}.get(role, "admin")
    else:
        assert not comments.exists()


def test_an_empty_comment_is_refused_in_french(client, proposed, advisor):
    client.force_login(advisor)
    response = client.post(reverse("conventions:comment", args=[proposed.pk]), {"text": "   "})
    assert response.status_code == 400
    assert "Le commentaire est vide." in response.content.decode()
    assert not ConventionComment.objects.exists()


def test_the_advisor_reads_the_thread_with_each_authors_capacity(client, proposed, advisor, agent):
    services.comment(proposed, agent, "agent", "Merci de préciser l'emploi durable.")
    client.force_login(advisor)
    html = client.get(proposed.get_absolute_url()).content.decode()
    assert "Merci de préciser l&#x27;emploi durable." in html and "agent DDTEFP" in html


# --- Objectives -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_edit_matrix_while_proposed(client, request, proposed, role):
    login_as(client, request, role)
    url = reverse("conventions:edit", args=[proposed.pk])
    response = client.post(url, objectives_data(proposed, official_2010="62"))
    assert response.status_code == expected(role, {"editor", "agent", "portal_admin"})
    assert _target(proposed, 2010, "official") == (Decimal("0.62") if response.status_code == 302 else Decimal("0.6"))


@pytest.mark.parametrize("role", ROLES)
def test_edit_matrix_once_agreed(client, request, structure, editor, agent, role):
    convention = make_convention(structure, editor, first_year=2010, last_year=2010, agreed_by=agent)
    login_as(client, request, role)
    url = reverse("conventions:edit", args=[convention.pk])
    assert client.get(url).status_code == expected(role, {"agent", "portal_admin"}, 200)
    response = client.post(url, objectives_data(convention, official_2010="55", reason="Avenant du 3 mars"))
    assert response.status_code == expected(role, {"agent", "portal_admin"})
    assert _target(convention, 2010, "official") == (
        Decimal("0.55") if response.status_code == 302 else Decimal("0.6")
    )


def test_after_agreement_a_change_needs_a_reason_and_keeps_it_with_the_previous_value(
    client, structure, editor, agent
):
    convention = make_convention(structure, editor, first_year=2010, last_year=2011, agreed_by=agent)
    client.force_login(agent)
    url = reverse("conventions:edit", args=[convention.pk])
    response = client.post(url, objectives_data(convention, durable_2011="20"))
    assert response.status_code == 400
    assert "Indiquez le motif de la modification" in response.content.decode()
    assert _target(convention, 2011, "durable") == Decimal("0.25")

    response = client.post(url, objectives_data(convention, durable_2011="20", reason="Marché perdu en 2011"))
    assert response.status_code == 302
    assert _target(convention, 2011, "durable") == Decimal("0.2")
    latest = Objective.history.filter(indicator="durable", convention_year__year=2011).order_by("-history_id")[0]
    assert (latest.history_user, latest.history_change_reason, latest.target) == (
        agent,
        "Marché perdu en 2011",
        Decimal("0.2"),
    )

    client.force_login(editor)
    html = client.get(convention.get_absolute_url()).content.decode()
    assert "Marché perdu en 2011" in html
    assert "2011 · taux d&#x27;emploi durable : 25\u00a0% → <strong>20\u00a0%</strong>" in html


def test_a_reason_longer_than_the_history_keeps_is_refused(client, structure, editor, agent):
    convention = make_convention(structure, editor, first_year=2010, last_year=2010, agreed_by=agent)
    client.force_login(agent)
    response = client.post(
        reverse("conventions:edit", args=[convention.pk]),
        objectives_data(convention, official_2010="50", reason="x" * 101),
    )
    assert response.status_code == 400
    assert _target(convention, 2010, "official") == Decimal("0.6")


def test_an_optional_objective_is_added_then_removed_and_both_are_in_the_history(client, proposed, agent):
    client.force_login(agent)
    url = reverse("conventions:edit", args=[proposed.pk])
    assert client.post(url, objectives_data(proposed, transition_2010="15")).status_code == 302
    assert _target(proposed, 2010, "transition") == Decimal("0.15")
    assert client.post(url, objectives_data(proposed)).status_code == 302
    assert not Objective.objects.filter(indicator="transition").exists()
    history = client.get(proposed.get_absolute_url()).context["history"]
    lines = [(line.label, line.before, line.after) for event in history for line in event.lines]
    label = "2010 · taux de sortie vers l'emploi de transition"
    assert (label, "—", "15\u00a0%") in lines and (label, "15\u00a0%", "—") in lines


# --- Agree, close -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_agree_matrix(client, request, proposed, role):
    user = login_as(client, request, role)
    response = client.post(
        reverse("conventions:agree", args=[proposed.pk]), {"reference": "59-EI-2010-04", "confirm": "on"}
    )
    assert response.status_code == expected(role, {"agent", "portal_admin"})
    proposed.refresh_from_db()
    if response.status_code == 302:
        assert (proposed.status, proposed.agreed_by, proposed.reference) == ("agreed", user, "59-EI-2010-04")
        assert proposed.agreed_at is not None
        assert set(proposed.convention_years.values_list("agreed", flat=True)) == {True}
    else:
        assert proposed.status == "proposed" and proposed.agreed_at is None


def test_agreeing_needs_the_confirmation_box(client, proposed, agent):
    client.force_login(agent)
    response = client.post(reverse("conventions:agree", args=[proposed.pk]), {"reference": "X"})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer" in response.content.decode()
    proposed.refresh_from_db()
    assert (proposed.status, proposed.reference) == ("proposed", "")


def test_an_overlapping_agreement_is_refused_in_french(client, structure, editor, agent, proposed):
    make_convention(structure, editor, first_year=2012, last_year=2013, agreed_by=agent)
    client.force_login(agent)
    response = client.post(reverse("conventions:agree", args=[proposed.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "Une convention conclue couvre déjà 2012 pour cette structure." in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_agreeing_twice_is_forbidden(client, proposed, agent):
    client.force_login(agent)
    url = reverse("conventions:agree", args=[proposed.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert client.post(url, {"confirm": "on"}).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_close_matrix(client, request, structure, editor, agent, role):
    convention = make_convention(structure, editor, first_year=2010, last_year=2010, agreed_by=agent)
    login_as(client, request, role)
    response = client.post(reverse("conventions:close", args=[convention.pk]), {"confirm": "on"})
    assert response.status_code == expected(role, {"agent", "portal_admin"})
    convention.refresh_from_db()
    assert convention.status == ("closed" if response.status_code == 302 else "agreed")


def test_closing_needs_the_confirmation_box_and_a_closed_convention_is_frozen(client, structure, editor, agent):
    convention = make_convention(structure, editor, first_year=2010, last_year=2010, agreed_by=agent)
    client.force_login(agent)
    assert client.post(reverse("conventions:close", args=[convention.pk]), {}).status_code == 400
    convention.refresh_from_db()
    assert convention.status == "agreed"
    assert client.post(reverse("conventions:close", args=[convention.pk]), {"confirm": "on"}).status_code == 302
    assert client.get(reverse("conventions:edit", args=[convention.pk])).status_code == 403
    assert client.post(reverse("conventions:comment", args=[convention.pk]), {"text": "Encore ?"}).status_code == 403


# --- History and queries ----------------------------------------------------------------------------


def test_the_history_says_who_changed_what_when_with_the_previous_value(client, structure, editor, agent):
    client.force_login(editor)
    client.post(reverse("conventions:propose", args=[structure.pk]), proposal_data(2010, 2010))
    convention = Convention.objects.get()
    client.force_login(agent)
    client.post(
        reverse("conventions:edit", args=[convention.pk]),
        objectives_data(convention, exits_2010="24", durable_2010="25,5"),
    )
    client.post(reverse("conventions:agree", args=[convention.pk]), {"confirm": "on", "reference": "A-1"})
    events = client.get(convention.get_absolute_url()).context["history"]
    lines = [(event.who, line.label, line.before, line.after) for event in events for line in event.lines]
    assert lines[0] == (editor, "Statut", "—", "proposée")
    assert (editor, "2010 · taux de sortie dynamique", "—", "60\u00a0%") in lines
    assert lines[-3:] == [
        (agent, "2010 · sorties prévues", "20", "24"),
        (agent, "Statut", "proposée", "conclue"),
        (agent, "Numéro de convention", "—", "A-1"),
    ]


def test_the_detail_page_query_count_does_not_grow_with_comments_and_changes(
    client, proposed, agent, advisor, django_assert_max_num_queries
):
    client.force_login(advisor)
    url = proposed.get_absolute_url()
    services.comment(proposed, agent, "agent", "Premier.")
    with django_assert_max_num_queries(16) as first:
        client.get(url)
    for n in range(6):
        services.comment(proposed, agent, "agent", f"Commentaire {n}")
        services.set_objectives(proposed, agent, [ObjectiveInput(2011, "exits", Decimal(21 + n))])
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Commentaire ") == 6
