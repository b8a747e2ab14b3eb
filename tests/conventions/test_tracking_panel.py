"""The convention's tracking panel (issue 13, « Tracking »): on the structure's dashboard, its dossier
page and the PDF summary, each year's objectives against the actual values, with the 95 % interval,
the gap, the status, the year to date and the trajectory chart; query counts that do not grow with
the years; only the structure's own convention."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from dossiers.models import Dossier
from tests.dossiers.conftest import make_campaign
from tests.dossiers.test_pdf import pdf_text, poppler  # noqa: F401

from .conftest import add_exits, make_convention

pytestmark = pytest.mark.django_db

# Nord Recyclage's 2007-2009 convention: 14 exits, 60 % dynamic, 25 % durable each year.
# 2007: 12 eligible exits, 8 dynamic (4 durable). 2008: 12 eligible, 7 dynamic (4 durable), and one
# retrait (13 exits). 2009: 10 eligible, 4 dynamic (1 durable).
EXITS = {
    2007: ["cdi_non_aide"] * 4 + ["cdd_moins_6m"] * 3 + ["formation_qualifiante"] + ["chomage"] * 4,
    2008: ["cdi_non_aide"] * 4 + ["cdd_moins_6m"] * 2 + ["formation_qualifiante"] + ["chomage"] * 5 + ["deces"],
    2009: ["cdi_non_aide"] + ["cdd_moins_6m"] * 2 + ["formation_qualifiante"] + ["chomage"] * 6,
}
ONE_EXIT = "une sortie de plus ou de moins déplace ce taux de"
# Each row as the reader reads it: indicator, actual (rate, its 95 % interval, numerator/denominator,
# one exit's worth), objective, gap, status. Wilson bounds computed by hand: 8/12 → 39,1–86,2 %;
# 7/12 → 31,9–80,7 %; 4/12 → 13,8–60,9 %; 4/10 → 16,8–68,7 %; 1/10 → 1,8–40,4 %.
ROWS = {
    2007: [
        "Nombre de sorties de l'année 12 sorties 14 sorties −2 sorties non atteint",
        f"Taux de sortie dynamique (officiel) 66,7 % (IC 95 % : 39–86 %) · 8/12 {ONE_EXIT} 8,3 points 60,0 % "
        "+6,7 points atteint",
        f"Taux d'emploi durable 33,3 % (IC 95 % : 14–61 %) · 4/12 {ONE_EXIT} 8,3 points 25,0 % +8,3 points atteint",
    ],
    2008: [
        "Nombre de sorties de l'année 13 sorties 14 sorties −1 sortie écart dans la marge d'une sortie",
        f"Taux de sortie dynamique (officiel) 58,3 % (IC 95 % : 32–81 %) · 7/12 {ONE_EXIT} 8,3 points 60,0 % "
        "−1,7 point écart dans la marge d'une sortie",
        f"Taux d'emploi durable 33,3 % (IC 95 % : 14–61 %) · 4/12 {ONE_EXIT} 8,3 points 25,0 % +8,3 points atteint",
    ],
    2009: [
        "Nombre de sorties de l'année 10 sorties 14 sorties −4 sorties non atteint",
        f"Taux de sortie dynamique (officiel) 40,0 % (IC 95 % : 17–69 %) · 4/10 {ONE_EXIT} 10,0 points 60,0 % "
        "−20,0 points non atteint",
        f"Taux d'emploi durable 10,0 % (IC 95 % : 2–40 %) · 1/10 {ONE_EXIT} 10,0 points 25,0 % "
        "−15,0 points non atteint",
    ],
}


def _add_year_exits(structure, years, prefix="C"):
    for year in years:
        add_exits(structure, year, EXITS[year], prefix=prefix)


@pytest.fixture
def convention(structure, editor, agent):
    _add_year_exits(structure, EXITS)
    convention = make_convention(structure, editor, agreed_by=agent, exits=14)
    convention.reference = "CONV-59-0042"
    convention.save()
    return convention


@pytest.fixture
def campaign(db):
    return make_campaign(2009)


@pytest.fixture
def dossier(campaign, structure):
    return Dossier.objects.create(structure=structure, campaign=campaign)


def _dashboard(structure):
    return reverse("indicators:structure_dashboard", args=[structure.pk])


def _dossier_page(structure):
    return reverse("dossiers:detail", args=[Dossier.objects.get(structure=structure).pk])


PAGES = [pytest.param(_dashboard, id="dashboard"), pytest.param(_dossier_page, id="dossier")]


def _plain(markup: str) -> str:
    """The text a reader reads: tags removed, entities decoded, every run of spaces one space."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _panel(page: str) -> str:
    start = page.index('<section class="convention-tracking')
    return page[start : page.index("</section>", start)]


def _rows(panel: str) -> dict[int, list[str]]:
    """{year: [each objective's row as plain text]} and, under the key "heading", the year headings."""
    rows = {}
    for year, body in re.findall(r'<tbody data-year="(\d+)">(.*?)</tbody>', panel, re.S):
        lines = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        rows[int(year)] = [_plain(line) for line in lines]
    return rows


@pytest.mark.parametrize("page", PAGES)
def test_each_year_shows_objective_against_actual_with_interval_gap_and_status(
    client, editor, convention, dossier, page
):
    client.force_login(editor)
    response = client.get(page(convention.structure))
    panel = _panel(response.text)
    assert "Convention 2007-2009 : objectifs et réalisé" in _plain(panel)
    assert "Convention conclue n° CONV-59-0042" in _plain(panel)
    rows = _rows(panel)
    assert list(rows) == [2007, 2008, 2009]
    for year, expected in ROWS.items():
        assert rows[year] == [str(year), *expected]  # heading: past years have no label
    # The three statuses are in words and carried by the markup too.
    statuses = re.findall(r'data-indicator="(\w+)" data-status="(\w+)"', panel)
    assert statuses[3:6] == [("exits", "within_margin"), ("official", "within_margin"), ("durable", "reached")]
    assert {status for _, status in statuses} == {"reached", "within_margin", "missed"}
    assert f'href="{convention.get_absolute_url()}"' in panel


@pytest.mark.parametrize("page", PAGES)
def test_the_trajectory_chart_is_drawn_in_the_page(client, editor, convention, dossier, page):
    client.force_login(editor)
    panel = _panel(client.get(page(convention.structure)).text)
    chart = panel[panel.index("<svg") : panel.index("</svg>") + 6]
    assert 'viewBox="0 0 640 310"' in chart and 'role="img"' in chart and "style=" not in chart
    assert "Trajectoire de Nord Recyclage : taux réalisés et objectifs de la convention 2007-2009" in chart
    assert (
        "Taux de sortie dynamique : 2007 réalisé 66,7 % pour un objectif de 60,0 %, 2008 réalisé 58,3 % pour un "
        "objectif de 60,0 %, 2009 réalisé 40,0 % pour un objectif de 60,0 %; Taux d&#x27;emploi durable : 2007"
    ) in chart


@pytest.mark.parametrize("page", PAGES)
def test_the_current_year_is_labelled_year_to_date_and_the_next_one_to_come(
    client, editor, agent, structure, dossier, page
):
    today = localdate()
    for n, motive in enumerate(["cdi_non_aide", "chomage", "chomage"]):
        structure.exit_records.create(
            reference=f"Y-{n}", entry_date=today - timedelta(days=200), exit_date=today, exit_motive=motive
        )
    make_convention(structure, editor, today.year - 1, today.year + 1, agreed_by=agent, exits=6)
    client.force_login(editor)
    rows = _rows(_panel(client.get(page(structure)).text))
    assert rows[today.year][0] == f"{today.year} · au {today:%d/%m/%Y} (année en cours)"
    assert rows[today.year][1] == "Nombre de sorties de l'année 3 sorties 6 sorties −3 sorties non atteint"
    assert rows[today.year][2].startswith("Taux de sortie dynamique (officiel) 33,3 % (IC 95 % : 6–79 %) · 1/3")
    assert rows[today.year + 1][0] == f"{today.year + 1} · année à venir"
    assert rows[today.year + 1][1] == "Nombre de sorties de l'année — 6 sorties — année à venir"
    assert rows[today.year - 1][2].startswith("Taux de sortie dynamique (officiel) pas de taux")
    assert f"{today.year} (en cours)" in client.get(page(structure)).text  # the chart's label


def test_a_proposed_convention_is_labelled_as_such(client, editor, structure, dossier):
    _add_year_exits(structure, [2008])
    make_convention(structure, editor, 2008, 2008)
    client.force_login(editor)
    panel = _plain(_panel(client.get(_dashboard(structure)).text))
    assert "Convention 2008 (proposée) : objectifs et réalisé" in panel
    assert "Convention proposée, pas encore conclue" in panel
    assert "Objectifs proposés et valeurs réalisées" in panel


def test_without_a_convention_the_pages_show_no_panel(client, editor, structure, dossier):
    client.force_login(editor)
    for url in (_dashboard(structure), _dossier_page(structure)):
        assert "convention-tracking" not in client.get(url).text


def test_each_page_shows_its_own_structures_convention_only(
    client, portal_admin, advisor, other_editor, convention, dossier, other_structure, agent, campaign
):
    add_exits(other_structure, 2008, ["cdi_non_aide"], prefix="O")
    other = make_convention(other_structure, first_year=2008, last_year=2008, agreed_by=agent, exits=99)
    other.reference = "AUTRE-62"
    other.save()
    Dossier.objects.create(structure=other_structure, campaign=campaign)
    client.force_login(portal_admin)
    for page in (_dashboard, _dossier_page):
        mine = _plain(_panel(client.get(page(convention.structure)).text))
        assert "CONV-59-0042" in mine and "AUTRE-62" not in mine and "99 sorties" not in mine
        theirs = _plain(_panel(client.get(page(other_structure)).text))
        assert "AUTRE-62" in theirs and "99 sorties" in theirs and "CONV-59-0042" not in theirs
    # Another network's reader of the pages never gets there (the existing views' 404).
    client.force_login(other_editor)
    assert client.get(_dashboard(convention.structure)).status_code == 404
    assert client.get(_dossier_page(convention.structure)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_query_counts_do_not_grow_with_the_convention_years(
    client, portal_admin, editor, agent, structure, other_structure, campaign, page, django_assert_max_num_queries
):
    """One year against three, each with its exits: the same queries (the panel reads the
    convention, its years with their objectives, and one GROUP BY year and motive)."""
    _add_year_exits(structure, [2007])
    make_convention(structure, editor, 2007, 2007, agreed_by=agent)
    _add_year_exits(other_structure, EXITS, prefix="O")
    make_convention(other_structure, None, 2007, 2009, agreed_by=agent)
    for s in (structure, other_structure):
        Dossier.objects.create(structure=s, campaign=campaign)
    client.force_login(portal_admin)
    with django_assert_max_num_queries(30) as one_year:
        assert "data-year" in client.get(page(structure)).text
    with django_assert_max_num_queries(len(one_year.captured_queries)) as three_years:
        assert client.get(page(other_structure)).text.count("<tbody data-year=") == 3
    assert len(three_years.captured_queries) == len(one_year.captured_queries)


def test_the_dashboards_exact_query_count_with_a_convention(
    client, editor, agent, structure, django_assert_num_queries
):
    _add_year_exits(structure, EXITS)
    client.force_login(editor)
    # The dashboard's 11 (tests/indicators/test_dashboards.py) include the panel's first query (no
    # convention); with one, three more: its years, their objectives, their exits by year and motive.
    with django_assert_num_queries(11):
        client.get(_dashboard(structure), {"year": 2009})
    make_convention(structure, editor, agreed_by=agent)
    with django_assert_num_queries(14):
        client.get(_dashboard(structure), {"year": 2009})


def test_the_pdf_summary_prints_the_tracking_and_its_chart(client, poppler, tmp_path, editor, convention, dossier):  # noqa: F811
    client.force_login(editor)
    response = client.get(reverse("dossiers:pdf", args=[dossier.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Convention 2007-2009 : objectifs et réalisé" in text
    assert "Convention conclue n° CONV-59-0042" in text
    for phrase in (
        "58,3 % (IC 95 % : 32–81 %)",
        "7/12",
        "Une sortie de plus ou de moins déplace ce taux de 8,3 points.",
        "−1,7 point",
        "écart dans la marge d'une sortie",
        "40,0 % (IC 95 % : 17–69 %)",
        "−20,0 points",
        "non atteint",
        "66,7 % (IC 95 % : 39–86 %)",
        "atteint",
        "13 sorties",
        "réalisé (valeur en %)",  # the chart's key, drawn as text
    ):
        assert phrase in text, phrase
    assert "Voir la convention" not in text  # no links in print


def test_the_pdf_says_when_there_is_no_convention(client, poppler, tmp_path, editor, dossier):  # noqa: F811
    client.force_login(editor)
    text = pdf_text(client.get(reverse("dossiers:pdf", args=[dossier.pk])).content, tmp_path)
    assert "Aucune convention conclue ou proposée pour Nord Recyclage." in text
