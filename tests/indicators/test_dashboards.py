import html
from datetime import date
from xml.etree import ElementTree

import pytest
from django.template import Context, Template
from django.urls import reverse

from indicators.models import CustomRateDefinition, PrescriberPositioning
from tests.factories import StructureFactory
from tests.indicators.dashboard_data import make_exits, worked_example
from tests.personas import ROLES, get_as, login_as

# Who sees "Nord Recyclage" (EI, Nord, URIAE): its staff, URIAE's advisor, the Nord agent, admins.
SEES = {"editor", "reader", "advisor", "agent", "portal_admin"}
# Who sees "Chantier de l'Artois" (ACI, Pas-de-Calais, COORACE).
SEES_OTHER = {"other_editor", "other_advisor", "other_agent", "portal_admin"}


@pytest.fixture
def data(structure, other_structure):
    worked_example(structure, 2009)
    make_exits(structure, 2008, ["cdi_non_aide"] * 2 + ["chomage"] * 2, prefix="Y8")
    make_exits(other_structure, 2009, ["cdi_aide"] * 3 + ["chomage"], prefix="O")
    return structure, other_structure


def _svgs(html):
    """Every inline SVG of the page, parsed as XML (fails on invalid markup)."""
    svgs = []
    start = html.find("<svg")
    while start != -1:
        end = html.index("</svg>", start) + len("</svg>")
        svgs.append(ElementTree.fromstring(html[start:end]))
        start = html.find("<svg", end)
    return svgs


# --- Role x page matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_structure_dashboard_matrix(client, request, data, role, fmt):
    structure, _ = data
    url = reverse("indicators:structure_dashboard", args=[structure.pk])
    response = get_as(client, request, role, url, sees=SEES, data={"year": 2009, "format": fmt})
    if role in SEES and not fmt:
        assert "Indicateurs de Nord Recyclage" in response.text


@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_network_dashboard_matrix(client, request, data, role, fmt):
    structure, other = data
    login_as(client, request, role)
    response = client.get(reverse("indicators:dashboard"), {"year": 2009, "format": fmt})
    if role in {"editor", "reader", "other_editor"}:  # SIAE staff of one structure get its dashboard
        own = other if role == "other_editor" else structure
        assert response.status_code == 302
        assert response.url.startswith(reverse("indicators:structure_dashboard", args=[own.pk]) + "?year=2009")
        return
    assert response.status_code == 200
    body = html.unescape(response.content.decode("utf-8-sig")) if fmt != "xlsx" else _xlsx_text(response.content)
    assert ("Nord Recyclage" in body) == (role in SEES)
    assert ("Chantier de l'Artois" in body) == (role in SEES_OTHER)


@pytest.mark.parametrize("url", ["indicators:dashboard", "indicators:structure_dashboard"])
def test_anonymous_is_sent_to_login(client, structure, url):
    args = [structure.pk] if url == "indicators:structure_dashboard" else []
    response = client.get(reverse(url, args=args))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_unknown_structure_is_404_even_for_admin(client, portal_admin):
    client.force_login(portal_admin)
    assert client.get(reverse("indicators:structure_dashboard", args=[999999])).status_code == 404


def _xlsx_text(content):
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(";".join("" if c is None else str(c) for c in row) for row in sheet.iter_rows(values_only=True))


# --- Numbers on the worked example -----------------------------------------------------------------


def test_structure_dashboard_shows_the_worked_example(client, editor, data):
    structure, _ = data
    client.force_login(editor)
    response = client.get(reverse("indicators:structure_dashboard", args=[structure.pk]), {"year": 2009})
    text = response.text
    assert "58,8\u00a0% <span" in text or "58,8\u00a0%" in text
    assert "(10/17)" in text  # official
    assert "76,9\u00a0%" in text and "(10/13)" in text  # URIAE
    assert "23,5\u00a0%" in text and "(4/17)" in text  # durable
    assert "pas de taux" in text  # 2006, 2007: no exit
    # 2008: 2 durable of 4 -> 50 %, above neither target for the official rate
    assert "(2/4)" in text
    # Each category count of the chart's description, and every SVG is valid XML with a title.
    svgs = _svgs(text)
    assert len(svgs) == 3
    for svg in svgs:
        assert svg.find("{http://www.w3.org/2000/svg}title").text
        assert svg.find("{http://www.w3.org/2000/svg}desc").text
    assert "2009 : Durable 4, Transition 3, Positive 3, Autre 7, Retrait 2" in text


def test_structure_dashboard_motives_and_comparison(client, editor, data):
    structure, _ = data
    peer = StructureFactory(kind="EI", departement="59", name="Autre EI du Nord")
    make_exits(peer, 2009, ["chomage"] * 7, prefix="P")
    StructureFactory(kind="ACI", departement="59")  # another kind: not a peer
    client.force_login(editor)
    response = client.get(reverse("indicators:structure_dashboard", args=[structure.pk]), {"year": 2009})
    context = response.context
    assert context["peer_count"] == 2
    # The group: 10 / (17 + 7)
    assert context["comparison"][2009].official.as_dict() == {"numerator": 10, "denominator": 24, "rate": 10 / 24}
    motives = {row["motive"].code: (row["total"], row["eligible"]) for row in context["motive_rows"]}
    assert motives["cdi_non_aide"] == (4, 3)
    assert motives["deces"] == (1, 1)
    assert "Autre EI du Nord" not in response.text  # only the aggregate is shown
    assert "(10/24)" in response.text and "(4/24)" in response.text  # official and durable of the group


def test_complementary_indicators(client, editor, structure):
    make_exits(structure, 2009, ["chomage", "cdi_aide"], support_hours_internal=10, support_hours_external=4,
               training_entries=1, training_support_actions=2, situation_6_months="cdi_non_aide")  # fmt: skip
    make_exits(structure, 2009, ["cdd_moins_6m"], prefix="B", support_hours_internal=4)
    PrescriberPositioning.objects.create(structure=structure, year=2009, prescriber="pole_emploi", positioned=10,
                                         hired=4)  # fmt: skip
    PrescriberPositioning.objects.create(structure=structure, year=2009, prescriber="plie", positioned=6, hired=2)
    client.force_login(editor)
    context = client.get(reverse("indicators:structure_dashboard", args=[structure.pk]), {"year": 2009}).context
    row = context["complementary"][-1]
    assert row.year == 2009 and row.salaries == 3
    assert row.internal_per_salarie == pytest.approx(8.0)  # (10 + 10 + 4) / 3
    assert row.external_per_salarie == pytest.approx(8 / 3)
    assert (row.training_entries, row.training_support_actions) == (2, 4)
    followups = dict(context["followups"])
    assert followups[6].as_dict() == {"numerator": 2, "denominator": 3, "rate": 2 / 3}
    assert followups[3].numerator == 0
    assert (context["positioned"], context["hired"]) == (16, 6)
    assert context["hiring_ratio"] == pytest.approx(6 / 16)


def test_custom_definitions_are_shown_beside_and_labelled(client, editor, other_advisor, data, uriae, coorace):
    structure, _ = data
    CustomRateDefinition.objects.create(name="Durable à temps plein (DDTEFP 59)", durable_requires_full_time=True)
    CustomRateDefinition.objects.create(name="Sans les sans-nouvelles URIAE", excluded_motives=["sans_nouvelle"],
                                        network=uriae)  # fmt: skip
    CustomRateDefinition.objects.create(name="Définition COORACE", network=coorace)
    CustomRateDefinition.objects.create(name="Définition archivée", is_active=False)
    url = reverse("indicators:structure_dashboard", args=[structure.pk])
    client.force_login(editor)
    text = client.get(url, {"year": 2009}).text
    assert "Définition personnalisée : Durable à temps plein (DDTEFP 59)" in text
    assert "Définition personnalisée : Sans les sans-nouvelles URIAE" in text  # the structure's network
    assert "Définition COORACE" not in text and "Définition archivée" not in text
    assert "Taux officiel" in text  # still there, never replaced
    # Full time unknown: 0 durable exits qualify, so the variant is 6 / 17.
    assert "(6/17)" in text
    assert "(10/16)" in text  # without sans_nouvelle
    client.force_login(other_advisor)
    table = client.get(reverse("indicators:dashboard"), {"year": 2009}).text
    assert "Définition personnalisée : Définition COORACE" in table
    assert "Sans les sans-nouvelles URIAE" not in table


# --- The network / département table ----------------------------------------------------------------


@pytest.fixture
def table_data(data):
    """The data, and two more EIs of the Nord: one above every target (4 CDI in 2009), one without
    any exit (first by name)."""
    make_exits(
        StructureFactory(name="Très bonne EI", kind="EI", departement="59"), 2009, ["cdi_non_aide"] * 4, prefix="T"
    )
    StructureFactory(name="AAA sans sortie", kind="EI", departement="59")


def test_table_rates_totals_and_highlight(client, portal_admin, table_data):
    client.force_login(portal_admin)
    response = client.get(reverse("indicators:dashboard"), {"year": 2009})
    rows = {row.name: row for row in response.context["page"].object_list}
    assert rows["Nord Recyclage"].rates.official.as_dict() == {"numerator": 10, "denominator": 17, "rate": 10 / 17}
    assert rows["Nord Recyclage"].rates.below_target  # 58.8 % < 60 % and 23.5 % < 25 %
    assert not rows["Très bonne EI"].rates.below_target
    assert rows["AAA sans sortie"].rates.official.rate is None and not rows["AAA sans sortie"].rates.below_target
    assert response.context["below_count"] == 1
    totals = {kind: (n, rates) for kind, n, rates in response.context["totals"]}
    assert totals["EI"][0] == 3
    assert totals["EI"][1].official.as_dict() == {"numerator": 14, "denominator": 21, "rate": 14 / 21}
    assert totals["ACI"][1].official.as_dict() == {"numerator": 3, "denominator": 4, "rate": 0.75}
    assert response.context["overall"].summary.total == 20 + 4 + 4
    assert "sous l&#x27;objectif</span>" in response.text or "sous l'objectif</span>" in response.text
    for svg in _svgs(response.text):
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_table_totals_agree_with_the_rows(client, portal_admin, data):
    """The totals per kind and overall come from the trend query: they must equal the sums of the
    table's rows, for every definition, under a filter, and for a kind without exits that year."""
    CustomRateDefinition.objects.create(name="Durable à temps plein", durable_requires_full_time=True)
    CustomRateDefinition.objects.create(name="Sans le chômage", excluded_motives=["chomage"])
    make_exits(StructureFactory(kind="AI", departement="59"), 2008, ["chomage"], prefix="P")
    # Filtered out: structures of kinds the table shows, in another département.
    make_exits(StructureFactory(kind="ACI", departement="62"), 2009, ["cdi_non_aide"] * 3, prefix="Q")
    make_exits(StructureFactory(kind="EI", departement="62"), 2009, ["chomage", "cdd_6m_plus"], prefix="R")
    client.force_login(portal_admin)
    for params in ({"departement": "59"}, {"departement": "59", "kind": "EI"}, {"kind": "EI"}, {}):
        _check_totals(client.get(reverse("indicators:dashboard"), {"year": 2009, **params}).context)
    context = client.get(reverse("indicators:dashboard"), {"year": 2009, "departement": "59"}).context
    assert ("AI", 1) in [(kind, n) for kind, n, _ in context["totals"]]  # no exit in 2009: counted, no rate


def _check_totals(context):
    rows = list(context["page"].paginator.object_list)
    codes = [definition.code for definition in rows[0].rates.definitions]
    assert len(codes) == 5

    def sums(members):
        return {
            code: (sum(r.rates.rates[code].numerator for r in members),
                   sum(r.rates.rates[code].denominator for r in members))
            for code in codes
        }  # fmt: skip

    for kind, n, rates in context["totals"]:
        members = [row for row in rows if row.kind == kind]
        assert n == len(members)
        assert {code: (rates.rates[code].numerator, rates.rates[code].denominator) for code in codes} == sums(members)
        assert rates.summary.total == sum(row.rates.summary.total for row in members)
    overall = context["overall"]
    assert {code: (overall.rates[code].numerator, overall.rates[code].denominator) for code in codes} == sums(rows)
    assert overall.summary.total == sum(row.rates.summary.total for row in rows)


def test_table_sort_and_filters(client, portal_admin, table_data):
    client.force_login(portal_admin)
    url = reverse("indicators:dashboard")

    def names(**params):
        return [row.name for row in client.get(url, {"year": 2009, **params}).context["page"].object_list]

    assert names(sort="-official") == ["Très bonne EI", "Chantier de l'Artois", "Nord Recyclage", "AAA sans sortie"]
    assert names(sort="official") == ["Nord Recyclage", "Chantier de l'Artois", "Très bonne EI", "AAA sans sortie"]
    assert names(sort="name")[0] == "AAA sans sortie"
    assert names(kind="ACI") == ["Chantier de l'Artois"]
    assert names(departement="62") == ["Chantier de l'Artois"]
    assert names(network="URIAE") == ["Nord Recyclage"]
    assert names(year=2008) [:1] == ["AAA sans sortie"]  # fmt: skip
    assert names(sort="nonsense")[0] == "AAA sans sortie"  # an invalid sort falls back to the name
    # Column headers toggle the order and announce it.
    text = client.get(url, {"year": 2009, "sort": "official"}).text
    assert 'aria-sort="ascending"' in text and "sort=-official" in text


def test_trends_over_years(client, advisor, data):
    client.force_login(advisor)
    response = client.get(reverse("indicators:dashboard"), {"year": 2009})
    assert "Évolution des taux de sortie" in response.text
    assert "Officiel : 2004 pas de taux" in response.text
    assert "2008 50,0 %, 2009 58,8 %" in response.text


# --- Query counts --------------------------------------------------------------------------------------


def _more_data(n):
    for i in range(n):
        s = StructureFactory(kind=["EI", "ACI", "AI", "ETTI"][i % 4], departement="59")
        make_exits(s, 2009, ["cdi_non_aide", "chomage", "deces"], prefix=f"M{i}")
        make_exits(s, 2008, ["cdd_moins_6m"], prefix=f"N{i}")
        PrescriberPositioning.objects.create(structure=s, year=2009, prescriber="plie", positioned=3, hired=1)


def test_structure_dashboard_query_count_is_constant(client, editor, data, django_assert_num_queries, uriae):
    structure, _ = data
    CustomRateDefinition.objects.create(name="Variante", durable_requires_full_time=True)
    PrescriberPositioning.objects.create(structure=structure, year=2009, prescriber="plie", positioned=3, hired=1)
    client.force_login(editor)
    url = reverse("indicators:structure_dashboard", args=[structure.pk])
    # One GROUP BY year, motive gives the rates, follow-ups, support and training of every year;
    # one more reads the structure's follow-up log (watchlist notes).
    with django_assert_num_queries(11):  # +1: the link to the convention
        client.get(url, {"year": 2009})
    _more_data(12)
    CustomRateDefinition.objects.create(name="Variante réseau", network=uriae)
    with django_assert_num_queries(11):
        client.get(url, {"year": 2009})


@pytest.mark.parametrize("role", ["advisor", "agent", "portal_admin"])
def test_network_dashboard_query_count_is_constant(client, request, data, role, django_assert_max_num_queries):
    login_as(client, request, role)
    url = reverse("indicators:dashboard")
    with django_assert_max_num_queries(9):
        client.get(url, {"year": 2009})
    _more_data(15)
    with django_assert_max_num_queries(9):
        response = client.get(url, {"year": 2009, "format": ""})
    assert response.status_code == 200
    with django_assert_max_num_queries(7):
        client.get(url, {"year": 2009, "format": "csv"})


# --- The panel for dossier pages ---------------------------------------------------------------------


def test_structure_indicators_tag(data, django_assert_num_queries):
    structure, _ = data
    template = Template("{% load indicators_tags %}{% structure_indicators structure years %}")
    with django_assert_num_queries(1):
        rendered = template.render(Context({"structure": structure, "years": range(2007, 2010)}))
    assert "Taux de sortie de Nord Recyclage" in rendered
    for year in ("2007", "2008", "2009"):
        assert f'<th scope="row">{year}</th>' in rendered
    assert "58,8\u00a0%" in rendered and "76,9\u00a0%" in rendered and "23,5\u00a0%" in rendered
    assert "(2/4)" in rendered  # 2008
    assert rendered.count("pas de taux") == 3  # 2007: three rates, none computable
    assert reverse("indicators:structure_dashboard", args=[structure.pk]) in rendered


def test_panels_link_to_the_dashboards(client, editor, advisor, structure):
    client.force_login(advisor)
    home = client.get(reverse("home")).text
    assert reverse("indicators:dashboard") in home
    client.force_login(editor)
    detail = client.get(reverse("dossiers:structure_detail", args=[structure.pk])).text
    assert reverse("indicators:structure_dashboard", args=[structure.pk]) in detail


def test_year_defaults_to_the_latest_year_with_exits(client, portal_admin, structure, other_structure):
    make_exits(structure, 2008, ["cdi_non_aide"], prefix="D")
    make_exits(other_structure, 2007, ["chomage"], prefix="E")
    client.force_login(portal_admin)
    response = client.get(reverse("indicators:structure_dashboard", args=[structure.pk]))
    assert response.context["year"] == 2008
    assert response.context["current"].official.as_dict() == {"numerator": 1, "denominator": 1, "rate": 1.0}
    assert '<option value="2008" selected>' in response.text
    assert client.get(reverse("indicators:dashboard")).context["year"] == 2008
    assert client.get(reverse("indicators:dashboard"), {"departement": "62"}).context["year"] == 2007
    empty = StructureFactory(departement="75")
    response = client.get(reverse("indicators:structure_dashboard", args=[empty.pk]))
    assert response.context["year"] == date.today().year - 1  # no exit at all: the last complete year
