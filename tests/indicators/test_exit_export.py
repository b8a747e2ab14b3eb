"""Downloads of the exit list (`?format=csv|xlsx`): the importer's own format, the list's filters,
a round trip through the import, and a constant number of queries."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.importer import FIELD_OF_COLUMN, KNOWN_COLUMNS, import_exits
from indicators.models import ExitRecord
from tests.indicators.conftest import add_worked_example

pytestmark = pytest.mark.django_db

FIELDS = list(FIELD_OF_COLUMN.values())


@pytest.fixture
def records(structure):
    """Every kind of value a record holds, unknowns included, and references a spreadsheet could misread."""
    values = [
        {
            "reference": "S-2009-001",
            "entry_date": date(2009, 1, 5),
            "exit_date": date(2009, 9, 30),
            "exit_motive": "cdi_non_aide",
            "hours_worked": Decimal("820.50"),
            "prescriber": "pole_emploi",
            "full_time": True,
            "support_hours_internal": Decimal("35.50"),
            "support_hours_external": Decimal("4"),
            "training_entries": 1,
            "training_support_actions": 2,
            "situation_6_months": "cdi_non_aide",
            "signed_statement": True,
        },
        {
            "reference": "0042",
            "entry_date": date(2008, 11, 3),
            "exit_date": date(2009, 2, 27),
            "exit_motive": "chomage",
            "situation_3_months": "chomage",
            "situation_6_months": "cdd_moins_6m",
            "situation_12_months": "sans_nouvelle",
        },
        {
            "reference": "=1+2",
            "entry_date": date(2007, 3, 1),
            "exit_date": date(2008, 12, 31),
            "exit_motive": "deces",
            "hours_worked": Decimal("999999.99"),
            "full_time": False,
            "support_hours_internal": Decimal("0.05"),
            "prescriber": "conseil_general",
        },
        {
            "reference": 'Réf ; « Zoé » "A"',
            "entry_date": date(2009, 1, 5),
            "exit_date": date(2009, 6, 30),
            "exit_motive": "formation_qualifiante",
            "hours_worked": Decimal("100"),
            "training_entries": 3,
        },
    ]
    return [ExitRecord.objects.create(structure=structure, **v) for v in values]


def _url(structure):
    return reverse("indicators:exit_list", args=[structure.pk])


def _filename(response):
    return re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)


def _csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx_sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def _values(structure):
    return sorted(ExitRecord.objects.filter(structure=structure).values_list(*FIELDS, "eligible_from"))


def test_columns_are_the_import_template_columns(client, reader, structure, records):
    client.force_login(reader)
    template = _csv_rows(client.get(reverse("indicators:import_template", args=[structure.pk])))
    assert _csv_rows(client.get(_url(structure), {"format": "csv"}))[0] == template[0] == KNOWN_COLUMNS
    sheet = _xlsx_sheet(client.get(_url(structure), {"format": "xlsx"}))
    assert [cell.value for cell in sheet[1]] == KNOWN_COLUMNS


def test_csv_is_written_as_the_importer_reads_it(client, reader, structure, records):
    client.force_login(reader)
    response = client.get(_url(structure), {"format": "csv"})
    assert _filename(response) == f"sorties-{structure.siret}-toutes.csv"
    rows = {row[0]: row for row in _csv_rows(response)[1:]}
    assert rows["S-2009-001"] == [
        "S-2009-001", "05/01/2009", "30/09/2009", "cdi_non_aide", "820,5", "pole_emploi", "oui", "35,5", "4",
        "1", "2", "", "cdi_non_aide", "", "oui",
    ]  # fmt: skip
    # Unknown hours, prescriber and full time are empty cells; zeros are written.
    assert rows["0042"] == [
        "0042", "03/11/2008", "27/02/2009", "chomage", "", "", "", "0", "0", "0", "0", "chomage", "cdd_moins_6m",
        "sans_nouvelle", "non",
    ]  # fmt: skip
    # A reference a spreadsheet would evaluate is written as text (siae_portal.exports.csv_safe).
    assert rows["'=1+2"][4:8] == ["999999,99", "conseil_general", "non", "0,05"]


def test_xlsx_holds_real_dates_and_numbers(client, reader, structure, records):
    client.force_login(reader)
    response = client.get(_url(structure), {"format": "xlsx"})
    assert _filename(response) == f"sorties-{structure.siret}-toutes.xlsx"
    sheet = _xlsx_sheet(response)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    first = rows["S-2009-001"]
    assert [cell.value for cell in first] == [
        "S-2009-001", datetime(2009, 1, 5), datetime(2009, 9, 30), "cdi_non_aide", 820.5, "pole_emploi", "oui",
        35.5, 4, 1, 2, None, "cdi_non_aide", None, "oui",
    ]  # fmt: skip
    assert first[1].number_format == "DD/MM/YYYY"
    assert rows["=1+2"][0].data_type == "s"  # a reference, not a formula


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_into_the_same_structure_changes_nothing(client, editor, structure, records, fmt):
    client.force_login(editor)
    before = _values(structure)
    stamps = dict(ExitRecord.objects.values_list("pk", "updated_at"))
    history = ExitRecord.history.count()
    response = client.get(_url(structure), {"format": fmt})
    result = import_exits(structure, response.content, _filename(response), user=editor)
    assert (result.created, result.updated, result.unchanged, result.unknown_columns) == (0, 0, len(records), [])
    assert _values(structure) == before
    assert dict(ExitRecord.objects.values_list("pk", "updated_at")) == stamps
    assert ExitRecord.history.count() == history


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_into_another_structure_recreates_identical_records(
    client, editor, structure, other_structure, records, fmt
):
    client.force_login(editor)
    response = client.get(_url(structure), {"format": fmt})
    result = import_exits(other_structure, response.content, _filename(response), user=editor)
    assert (result.created, result.updated) == (len(records), 0)
    assert _values(other_structure) == _values(structure)


def test_downloads_follow_the_filters_and_hold_every_page(client, reader, structure, other_structure):
    for year in (2007, 2008, 2009):
        add_worked_example(structure, year)  # 20 exits a year: more than one page of 50
    add_worked_example(other_structure, 2009)
    client.force_login(reader)
    response = client.get(_url(structure), {"format": "csv"})
    assert len(_csv_rows(response)) == 1 + 60
    response = client.get(_url(structure), {"year": 2009, "motive": "chomage", "format": "csv"})
    assert _filename(response) == f"sorties-{structure.siret}-2009.csv"
    rows = _csv_rows(response)[1:]
    assert len(rows) == 3
    assert {(row[2][-4:], row[3]) for row in rows} == {("2009", "chomage")}
    sheet = _xlsx_sheet(client.get(_url(structure), {"year": 2008, "format": "xlsx"}))
    assert sheet.max_row == 1 + 20
    assert {row[2].year for row in sheet.iter_rows(min_row=2, values_only=True)} == {2008}


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"year": "1999"}, {"year": "2009", "motive": "licencie"}, {"year": ["2009", "abc"]}],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_forged_filter_is_handled_as_the_list_page_does(client, reader, structure, params, fmt):
    for year in (2008, 2009):
        add_worked_example(structure, year)
    client.force_login(reader)
    page = client.get(_url(structure), params)
    assert page.status_code == 200
    assert page.context["filter_form"].errors  # shown to the user, and nothing filtered
    assert page.context["page"].paginator.count == 40
    response = client.get(_url(structure), {**params, "format": fmt})
    assert response.status_code == 200
    assert _filename(response) == f"sorties-{structure.siret}-toutes.{fmt}"
    rows = _csv_rows(response) if fmt == "csv" else list(_xlsx_sheet(response).values)
    assert len(rows) == 1 + 40


def test_another_format_shows_the_page(client, reader, structure, records):
    client.force_login(reader)
    response = client.get(_url(structure), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_the_page_links_to_downloads_of_the_current_filters(client, reader, structure, records):
    client.force_login(reader)
    page = client.get(_url(structure), {"year": 2009, "motive": "cdi_non_aide", "page": 1}).text
    assert 'href="?year=2009&amp;motive=cdi_non_aide&amp;format=csv"' in page
    assert 'href="?year=2009&amp;motive=cdi_non_aide&amp;format=xlsx"' in page
    assert "Télécharger (CSV)" in page and "Télécharger (Excel)" in page
    page = client.get(_url(structure)).text
    assert 'href="?format=csv"' in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_runs_a_constant_number_of_queries(client, editor, structure, fmt, django_assert_num_queries):
    add_worked_example(structure, 2009)
    client.force_login(editor)
    # Session, user, memberships, structure, the years for the filter form, the records.
    with django_assert_num_queries(6):
        small = client.get(_url(structure), {"format": fmt})
    for year in (2005, 2006, 2007, 2008):
        add_worked_example(structure, year)
    with django_assert_num_queries(6):
        large = client.get(_url(structure), {"format": fmt, "year": ""})
    assert len(small.content) < len(large.content)
    if fmt == "csv":
        assert len(_csv_rows(large)) == 1 + 5 * 20
