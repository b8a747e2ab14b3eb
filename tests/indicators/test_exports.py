import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import CustomRateDefinition
from tests.factories import StructureFactory
from tests.indicators.dashboard_data import make_exits, worked_example

pytestmark = pytest.mark.django_db


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel in France needs the BOM
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def test_structure_dashboard_csv(client, editor, structure):
    worked_example(structure, 2009)
    CustomRateDefinition.objects.create(name="Temps plein", durable_requires_full_time=True)
    client.force_login(editor)
    response = client.get(
        reverse("indicators:structure_dashboard", args=[structure.pk]), {"year": 2009, "format": "csv"}
    )
    assert f"indicateurs-{structure.siret}-2006-2009.csv" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:8] == [
        "année", "sorties", "sorties éligibles", "retraits", "emploi durable", "emploi de transition",
        "sorties positives", "autres sorties",
    ]  # fmt: skip
    assert rows[0][8:] == [
        "Taux de sortie dynamique (officiel) (%)",
        "Taux de sortie dynamique (variante URIAE) (%)",
        "Taux d'emploi durable (%)",
        "Temps plein (%)",
    ]
    assert [row[0] for row in rows[1:]] == ["2006", "2007", "2008", "2009"]
    assert rows[4] == ["2009", "20", "19", "2", "4", "3", "3", "7", "58,8", "76,9", "23,5", "35,3"]
    assert rows[1] == ["2006", "0", "0", "0", "0", "0", "0", "0", "", "", "", ""]  # no rate: empty, never 0


def test_structure_dashboard_xlsx(client, editor, structure):
    worked_example(structure, 2009)
    client.force_login(editor)
    response = client.get(
        reverse("indicators:structure_dashboard", args=[structure.pk]), {"year": 2009, "format": "xlsx"}
    )
    rows = _xlsx(response)
    assert rows[0][0] == "année"
    assert rows[4] == [2009, 20, 19, 2, 4, 3, 3, 7, 58.8, 76.9, 23.5]
    assert rows[1][8:] == [None, None, None]


def test_network_csv_and_xlsx_follow_scope_filters_and_sort(client, advisor, structure, other_structure, uriae):
    worked_example(structure, 2009)
    good = StructureFactory(name="Bonne ACI", kind="ACI", departement="59", networks=[uriae])
    make_exits(good, 2009, ["cdi_non_aide"] * 3 + ["chomage"], prefix="G")
    make_exits(other_structure, 2009, ["chomage"], prefix="O")  # outside the advisor's network
    client.force_login(advisor)
    url = reverse("indicators:dashboard")
    rows = _csv(client.get(url, {"year": 2009, "format": "csv", "sort": "-official"}))
    assert rows[0][:4] == ["structure", "SIRET", "type", "département"]
    assert rows[0][-1] == "sous l'objectif"
    assert [row[0] for row in rows[1:]] == ["Bonne ACI", "Nord Recyclage"]
    assert rows[1][1] == good.siret
    assert rows[1][4:] == ["4", "4", "0", "3", "0", "0", "1", "75,0", "75,0", "75,0", "non"]
    assert rows[2][-4:] == ["58,8", "76,9", "23,5", "oui"]
    filtered = _csv(client.get(url, {"year": 2009, "format": "csv", "kind": "ACI"}))
    assert [row[0] for row in filtered[1:]] == ["Bonne ACI"]
    sheet = _xlsx(client.get(url, {"year": 2009, "format": "xlsx", "sort": "name"}))
    assert [row[0] for row in sheet[1:]] == ["Bonne ACI", "Nord Recyclage"]
    assert sheet[2][-4:] == [58.8, 76.9, 23.5, "oui"]


def test_export_all_rows_not_one_page(client, portal_admin):
    structures = StructureFactory.create_batch(60)
    client.force_login(portal_admin)
    rows = _csv(client.get(reverse("indicators:dashboard"), {"year": 2009, "format": "csv"}))
    assert len(rows) == 1 + len(structures)
    page = client.get(reverse("indicators:dashboard"), {"year": 2009})
    assert len(page.context["page"].object_list) == 50


def test_xlsx_cells_keep_dates_and_never_become_formulas():
    from datetime import date

    from siae_portal.exports import xlsx_response

    response = xlsx_response("t.xlsx", ["texte", "date", "nombre"], [["=1+2", date(2009, 1, 5), 820.5]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "=1+2"
    assert sheet["A2"].data_type == "s"  # text as typed, not a formula Excel would run
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert sheet["B2"].value.date() == date(2009, 1, 5)
    assert sheet["C2"].value == 820.5
