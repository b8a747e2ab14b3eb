"""Suivi des conventions (/conventions/suivi/): who sees it, what it lists, its filters, sort,
pagination, downloads and query count."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conventions.tracking import TrackingRow, cell, sort_rows, tracking_rows
from dossiers.models import Structure
from indicators.dashboards import default_year
from tests.factories import StructureFactory
from tests.personas import ROLES, get_as, login_as

from .conftest import add_exits, make_convention

pytestmark = pytest.mark.django_db

URL = reverse("conventions:tracking")
# Who sees which of the two persona structures (Nord Recyclage: EI, 59, URIAE; Chantier de
# l'Artois: ACI, 62, COORACE); SIAE staff and users without a role get 404 (as Structures à suivre).
SEES = {
    "advisor": {"Nord Recyclage"},
    "other_advisor": {"Chantier de l'Artois"},
    "agent": {"Nord Recyclage"},
    "other_agent": {"Chantier de l'Artois"},
    "portal_admin": {"Nord Recyclage", "Chantier de l'Artois"},
}


@pytest.fixture
def tracked(structure, other_structure, agent, other_agent):
    """Both structures under an agreed 2007-2009 convention; in 2008 Nord Recyclage reaches its
    objectives (3 dynamic exits of 4: 75 %), the Chantier misses them (1 of 4: 25 %)."""
    make_convention(structure, agreed_by=agent, exits=4, official="0.60", durable="0.25")
    make_convention(other_structure, agreed_by=other_agent, exits=10, official="0.60", durable="0.25")
    add_exits(structure, 2008, ["cdi_non_aide"] * 3 + ["chomage"])
    add_exits(other_structure, 2008, ["cdi_non_aide"] + ["chomage"] * 3, prefix="A")
    return structure, other_structure


def names(response):
    return {row.name for row in response.context["page"].object_list}


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_role_matrix(client, request, tracked, role):
    response = get_as(client, request, role, URL, sees=SEES, data={"year": 2008})
    if role not in SEES:
        return
    assert names(response) == SEES[role]
    for fmt in ("csv", "xlsx"):
        assert client.get(URL, {"year": 2008, "format": fmt}).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_navbar_and_home_link_for_the_roles_that_see_it(client, request, db, role):
    user = login_as(client, request, role)
    if user is None:
        return
    home = client.get(reverse("home")).content.decode()
    assert (URL in home) == (role in SEES)


def test_the_page_shows_objective_actual_gap_and_status(client, portal_admin, tracked):
    client.force_login(portal_admin)
    response = client.get(URL, {"year": 2008})
    text = response.content.decode()
    assert "Suivi des conventions de toutes les structures · 2008" in text
    assert "75,0\u00a0% (3/4)" in text and "objectif 60,0\u00a0%" in text and "+15,0 points" in text
    assert "25,0\u00a0% (1/4)" in text and "−35,0 points" in text
    assert "une sortie de plus ou de moins déplace ce taux de 25,0 points" in text
    # Each rate with its 95 % interval (Wilson, by hand: 3/4 -> 0.301-0.954, 1/4 -> 0.046-0.699).
    assert "IC 95\u00a0% : 30–95\u00a0%" in text and "IC 95\u00a0% : 5–70\u00a0%" in text
    assert "objectifs atteints" in text and "objectif non atteint" in text
    rows = {row.name: row for row in response.context["page"].object_list}
    assert rows["Nord Recyclage"].status == "reached"
    assert rows["Chantier de l'Artois"].status == "missed"


def test_default_year_is_the_last_complete_one(client, portal_admin, structure, agent):
    year = default_year()
    make_convention(structure, first_year=year, last_year=year, agreed_by=agent)
    make_convention(structure, first_year=year - 3, last_year=year - 1)  # proposed: not listed
    client.force_login(portal_admin)
    response = client.get(URL)
    assert response.context["year"] == year
    assert names(response) == {"Nord Recyclage"}
    assert names(client.get(URL, {"year": year - 1})) == set()


def test_only_agreed_conventions_covering_the_year_are_listed(client, portal_admin, structure, other_structure, agent):
    make_convention(structure, agreed_by=agent)
    make_convention(other_structure)  # proposed only
    client.force_login(portal_admin)
    assert names(client.get(URL, {"year": 2009})) == {"Nord Recyclage"}
    assert names(client.get(URL, {"year": 2010})) == set()
    assert "Aucune structure ne correspond" in client.get(URL, {"year": 2010}).content.decode()


@pytest.fixture
def three_outcomes(structure, other_structure, agent, other_agent, uriae):
    """A third structure (ACI, 59, URIAE) that misses its official rate by less than one exit: 2 of
    4 (50 %) against 70 % (one exit is 25 points)."""
    margin = StructureFactory(name="ACI du Cambrésis", kind="ACI", departement="59", networks=[uriae])
    make_convention(structure, agreed_by=agent, exits=4)
    make_convention(other_structure, agreed_by=other_agent, exits=10)
    make_convention(margin, agreed_by=agent, exits=4, official="0.70", durable="0.25")
    add_exits(structure, 2008, ["cdi_non_aide"] * 3 + ["chomage"])
    add_exits(other_structure, 2008, ["cdi_non_aide"] + ["chomage"] * 3, prefix="A")
    add_exits(margin, 2008, ["cdi_non_aide"] * 2 + ["chomage"] * 2, prefix="M", full_time=True)
    return margin


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, {"Nord Recyclage", "Chantier de l'Artois", "ACI du Cambrésis"}),
        ({"kind": "ACI"}, {"Chantier de l'Artois", "ACI du Cambrésis"}),
        ({"kind": "EI"}, {"Nord Recyclage"}),
        ({"kind": "AI"}, set()),
        ({"departement": "59"}, {"Nord Recyclage", "ACI du Cambrésis"}),
        ({"network": "COORACE"}, {"Chantier de l'Artois"}),
        ({"network": "URIAE", "kind": "EI"}, {"Nord Recyclage"}),
        ({"status": "reached"}, {"Nord Recyclage"}),
        ({"status": "missed"}, {"Chantier de l'Artois"}),
        ({"status": "within_margin"}, {"ACI du Cambrésis"}),
        ({"status": "unmeasured"}, set()),
        ({"status": "nonsense", "departement": "62"}, {"Chantier de l'Artois"}),  # a wrong value drops only itself
    ],
)
def test_filters(client, portal_admin, three_outcomes, query, expected):
    client.force_login(portal_admin)
    response = client.get(URL, {"year": 2008, **query})
    assert response.status_code == 200
    assert names(response) == expected


def test_filters_stay_within_the_users_scope(client, agent, three_outcomes):
    client.force_login(agent)
    # Another département is not among the filter's choices: refused, the agent's own are listed.
    forged = client.get(URL, {"year": 2008, "departement": "62"})
    assert forged.context["form"].errors["departement"]
    assert names(forged) == {"Nord Recyclage", "ACI du Cambrésis"}
    assert names(client.get(URL, {"year": 2008, "status": "missed"})) == set()
    assert names(client.get(URL, {"year": 2008, "status": "within_margin"})) == {"ACI du Cambrésis"}


def test_sort_and_its_links(client, portal_admin, three_outcomes):
    client.force_login(portal_admin)

    def order(sort):
        return [row.name for row in client.get(URL, {"year": 2008, "sort": sort}).context["page"].object_list]

    assert order("name") == ["ACI du Cambrésis", "Chantier de l'Artois", "Nord Recyclage"]
    assert order("-official") == ["Nord Recyclage", "ACI du Cambrésis", "Chantier de l'Artois"]
    assert order("official") == ["Chantier de l'Artois", "ACI du Cambrésis", "Nord Recyclage"]
    assert order("status") == ["Chantier de l'Artois", "ACI du Cambrésis", "Nord Recyclage"]
    assert order("-departement")[0] == "Chantier de l'Artois"
    response = client.get(URL, {"year": 2008, "sort": "official", "kind": "EI"})
    columns = response.context["columns"]
    assert columns["official"]["aria_sort"] == "ascending"
    assert "sort=-official" in columns["official"]["query"] and "kind=EI" in columns["official"]["query"]
    assert 'aria-sort="ascending"' in response.content.decode()


def test_pagination_over_the_whole_filtered_set(client, portal_admin, three_outcomes, monkeypatch):
    monkeypatch.setattr("conventions.views.tracking.TABLE_PAGE_SIZE", 2)
    client.force_login(portal_admin)
    first = client.get(URL, {"year": 2008, "sort": "name"})
    second = client.get(URL, {"year": 2008, "sort": "name", "page": 2})
    assert [r.name for r in first.context["page"].object_list] == ["ACI du Cambrésis", "Chantier de l'Artois"]
    assert [r.name for r in second.context["page"].object_list] == ["Nord Recyclage"]
    assert first.context["rows_count"] == 3
    assert "page=2" in first.content.decode() and "Page 1 sur 2" in first.content.decode()
    filtered = client.get(URL, {"year": 2008, "departement": "59", "page": 2})
    # Past the end of the filtered set (one page of 2): its last page.
    assert [r.name for r in filtered.context["page"].object_list] == ["ACI du Cambrésis", "Nord Recyclage"]
    assert filtered.context["page"].number == 1


EXPECTED_NORD = [
    # indicator, target, actual, numerator, denominator, gap, step, status
    ("exits", "4", "4", "4", "", "0", "1", "atteint"),
    ("official", "60,0", "75,0", "3", "4", "15,0", "25,0", "atteint"),
    ("durable", "25,0", "75,0", "3", "4", "50,0", "25,0", "atteint"),
]


def test_csv_download_reads_back(client, portal_admin, three_outcomes):
    three_outcomes.name = "=HYPERLINK(1)"  # a name typed as a formula stays text
    three_outcomes.save()
    client.force_login(portal_admin)
    response = client.get(URL, {"year": 2008, "format": "csv", "sort": "name"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="suivi-conventions-2008.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["structure", "SIRET", "type", "département", "année"]
    assert len(rows) == 1 + 3 * 3
    nord = [r for r in rows if r[0] == "Nord Recyclage"]
    assert [(r[5], r[7], r[8], r[9], r[10], r[11], r[12], r[13]) for r in nord] == EXPECTED_NORD
    assert {r[14] for r in nord} == {"objectifs atteints"}
    assert nord[0][2:5] == ["EI", "59", "2008"]
    margin = [r for r in rows if r[0] == "'=HYPERLINK(1)"]
    official = next(r for r in margin if r[5] == "official")
    assert (official[7], official[8], official[11], official[13]) == (
        "70,0",
        "50,0",
        "-20,0",
        "écart dans la marge d'une sortie",
    )
    missed = client.get(URL, {"year": 2008, "format": "csv", "status": "missed"}).content.decode("utf-8-sig")
    assert "Chantier de l'Artois" in missed and "Nord Recyclage" not in missed


def test_xlsx_download_reads_back(client, portal_admin, three_outcomes):
    client.force_login(portal_admin)
    response = client.get(URL, {"year": 2008, "format": "xlsx", "kind": "EI"})
    assert 'filename="suivi-conventions-2008.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "structure" and len(values) == 1 + 3
    assert [row[5] for row in values[1:]] == ["exits", "official", "durable"]
    exits, official, _ = values[1:]
    assert (exits[7], exits[8], exits[9], exits[10], exits[11]) == (4, 4, 4, None, 0)
    assert (official[7], official[8], official[9], official[10], official[11], official[12]) == (
        60.0,
        75.0,
        3,
        4,
        15.0,
        25.0,
    )
    assert official[13] == "atteint"


def _count(client, **query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, {"year": 2008, **query})
    assert response.status_code == 200
    return len(context.captured_queries), response


@pytest.mark.parametrize("role", ["portal_admin", "agent", "advisor"])
def test_query_count_does_not_grow_with_the_structures(client, request, three_outcomes, uriae, agent, role):
    login_as(client, request, role)
    before, response = _count(client)
    before_filtered, _ = _count(client, network="URIAE", status="reached", sort="-official")
    shown = len(response.context["page"].object_list)
    for n in range(6):
        added = StructureFactory(name=f"Ajoutée {n}", kind="EI", departement="59", networks=[uriae])
        make_convention(added, agreed_by=agent, official="0.5")
        add_exits(added, 2008, ["cdi_non_aide", "chomage", "chomage"], prefix=f"N{n}")
    after, response = _count(client)
    after_filtered, _ = _count(client, network="URIAE", status="reached", sort="-official")
    assert len(response.context["page"].object_list) == shown + 6
    assert (after, after_filtered) == (before, before_filtered)
    assert after <= 9  # session, user, memberships, networks of the form, structures, objectives, exits
    for fmt in ("csv", "xlsx"):
        with CaptureQueriesContext(connection) as context:
            client.get(URL, {"year": 2008, "format": fmt})
        assert len(context.captured_queries) <= after


def test_tracking_rows_reads_in_three_queries(django_assert_num_queries, three_outcomes):
    with django_assert_num_queries(3):
        rows = tracking_rows(Structure.objects.all(), 2008, status="missed")
    assert [row.name for row in rows] == ["Chantier de l'Artois"]
    with django_assert_num_queries(2):  # no objective: no exit read
        assert tracking_rows(Structure.objects.all(), 2015) == []
    with django_assert_num_queries(0):  # no structure (an empty scope): nothing read
        assert tracking_rows(Structure.objects.none(), 2008) == []


def test_cells_and_sort_rows_without_the_database(three_outcomes):
    rows = tracking_rows(Structure.objects.all(), 2008)
    margin = next(row for row in rows if row.name == "ACI du Cambrésis")
    exits, official, durable = margin.main_cells()
    assert (exits.actual, exits.target, exits.gap, exits.status) == ("4 sorties", "objectif 4", "0 sortie", "reached")
    assert official.gap == "−20,0 points" and official.status == "within_margin"
    assert official.badge == "text-bg-warning" and "25,0 points" in official.margin
    assert margin.other_cells() == []
    # Values missing sort last in both directions.
    empty = TrackingRow(0, "Aaa", "", "EI", "59", results=[])
    assert sort_rows([empty, *rows], "official")[-1] is empty
    assert sort_rows([empty, *rows], "-official")[-1] is empty
    assert sort_rows([empty, *rows], "name")[0] is empty
    assert cell(margin.results[0]).label == "Nombre de sorties de l'année"


def test_optional_objectives_are_listed_together(client, portal_admin, structure, agent):
    make_convention(structure, agreed_by=agent, transition="0.90")
    add_exits(structure, 2008, ["cdi_non_aide", "chomage"])
    client.force_login(portal_admin)
    row = client.get(URL, {"year": 2008}).context["page"].object_list[0]
    assert [c.label for c in row.other_cells()] == ["Taux de sortie vers l'emploi de transition"]
    assert [c.status for c in row.other_cells()] == ["missed"]


def test_results_are_whole_frozen_objective_results(three_outcomes):
    import dataclasses

    from conventions.selectors import ObjectiveResult, objective_results

    results = [r for rows in objective_results(Structure.objects.all(), 2008).values() for r in rows]
    assert results and all(type(r) is ObjectiveResult for r in results)
    field_names = {f.name for f in dataclasses.fields(ObjectiveResult)}
    assert all(set(vars(r)) == field_names for r in results)
    rebuilt = ObjectiveResult(**{name: getattr(results[0], name) for name in field_names})
    assert rebuilt == results[0] and hash(rebuilt) == hash(results[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        results[0].target = 0


def test_an_objective_measured_with_a_custom_definition(client, portal_admin, structure, agent):
    from conventions.models import Objective
    from indicators.models import CustomRateDefinition

    definition = CustomRateDefinition.objects.create(
        name="CDI à temps plein", departement="59", durable_requires_full_time=True
    )
    make_convention(structure, agreed_by=agent, durable="0.40")
    Objective.objects.filter(indicator="durable", convention_year__year=2008).update(definition=definition)
    add_exits(structure, 2008, ["cdi_non_aide"] * 2, full_time=True)
    add_exits(structure, 2008, ["cdi_non_aide"] * 2, prefix="P")  # durable, but part time
    client.force_login(portal_admin)
    count, response = _count(client)
    row = response.context["page"].object_list[0]
    durable = row.main_cells()[2]
    assert durable.label == "Taux d'emploi durable · CDI à temps plein"
    assert durable.actual == "50,0\u00a0% (2/4)" and durable.status == "reached"
    assert row.main_cells()[1].actual == "100,0\u00a0% (4/4)"  # the official rule counts all four
    csv_text = client.get(URL, {"year": 2008, "format": "csv"}).content.decode("utf-8-sig")
    assert f"durable ({definition.pk})" in csv_text and "CDI à temps plein" in csv_text
    # One more query (the custom definitions), whatever the number of objectives using them.
    other = StructureFactory(departement="59")
    make_convention(other, agreed_by=agent)
    Objective.objects.filter(indicator="durable", convention_year__structure=other).update(definition=definition)
    assert _count(client)[0] == count
