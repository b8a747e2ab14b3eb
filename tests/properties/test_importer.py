"""Property-based tests of the exit import: its date and number parsers, then the whole import on
files built from any cells, headers, separators, encodings, XLSX sheets or raw bytes. Whatever the
input, the import either saves every row (and a second import of the same file changes nothing)
or raises ImportFailed with French messages `ligne N, colonne X : ...`, saving nothing. Never
another exception."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from indicators.importer import KNOWN_COLUMNS, ImportFailed, RowError, _parse_dates, _parse_numbers, import_exits
from indicators.models import ExitRecord
from siae_portal.reference import EXIT_MOTIVES, PRESCRIBERS
from tests.factories import StructureFactory

TODAY = date(2010, 1, 15)
SPACES = ["", " ", "\u00a0", "\u202f"]

# --- Parsers --------------------------------------------------------------------------------------


@given(st.lists(st.text(), max_size=20))
@example(["31/02/2009", "00/00/0000", "2009-13-01", "01/01/99999", "1/1/1", "29/02/2008", "9999-12-31"])
def test_the_date_parser_never_raises_and_gives_dates_or_nothing(values):
    parsed = _parse_dates(pd.Series(values, dtype=str))
    assert len(parsed) == len(values)
    assert all(pd.isna(v) or isinstance(v, pd.Timestamp) for v in parsed)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2262, 4, 1)), st.sampled_from(["fr", "fr-unpadded", "iso"]))
def test_every_real_date_is_read_back_in_every_accepted_format(day, style):
    text = {
        "fr": f"{day.day:02d}/{day.month:02d}/{day.year:04d}",
        "fr-unpadded": f"{day.day}/{day.month}/{day.year:04d}",
        "iso": day.isoformat(),
    }[style]
    assert _parse_dates(pd.Series([text], dtype=str))[0].date() == day


@given(st.lists(st.text(), max_size=20))
@example(["1e309", "-inf", "nan", "1,2,3", "١٢", "²", "0x10", "1_000", "--1"])
def test_the_number_parser_never_raises_and_gives_floats_or_nothing(values):
    parsed = _parse_numbers(pd.Series(values, dtype=str))
    assert len(parsed) == len(values)
    assert parsed.dtype == float


@given(
    st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2),
    st.sampled_from([",", "."]),
    st.sampled_from(SPACES),
)
def test_every_french_number_is_read_back(number, comma, space):
    whole, _, cents = f"{number:.2f}".partition(".")
    groups = [whole[max(0, i - 3) : i] for i in range(len(whole), 0, -3)][::-1]
    text = (space if comma == "," else "").join(groups) + comma + cents
    assert abs(_parse_numbers(pd.Series([text], dtype=str))[0] - float(number)) < 0.005


# --- The whole import -----------------------------------------------------------------------------

MOTIVE_WORDS = [m.code for m in EXIT_MOTIVES] + [m.label for m in EXIT_MOTIVES] + ["DECES", "au chomage"]
PRESCRIBER_WORDS = [code for code, _ in PRESCRIBERS] + [label for _, label in PRESCRIBERS]
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2011, 12, 31))
CELLS = st.one_of(
    st.just(""),
    st.text(max_size=60),
    st.text(alphabet="S-0123456789", min_size=1, max_size=12),
    DATES.map(lambda d: d.strftime("%d/%m/%Y")),
    DATES.map(date.isoformat),
    st.sampled_from(["31/02/2009", "2009-02-30", "00/00/0000", "13/13/2013", "99999-01-01"]),
    st.decimals(min_value=-10, max_value=Decimal("1e7"), places=2).map(lambda n: str(n).replace(".", ",")),
    st.sampled_from(["1e309", "-0", "NaN", "inf", "1 250,5", "2,5,3", "40000"]),
    st.sampled_from(MOTIVE_WORDS + PRESCRIBER_WORDS + ["oui", "non", "x", "peut-être"]),
    st.sampled_from(["=1+2", "'=1+2", "''-x", "@SUM(A1)", "+33", "-12", "\t", "\r\n", '"', "a\nb"]),
)
HEADER_WORDS = st.one_of(
    st.sampled_from(KNOWN_COLUMNS + ["Référence", "Date entrée", "motif sortie", "commentaire", ""]),
    st.text(max_size=20),
)
COMPLETE_HEADER = ["reference", "date_entree", "date_sortie", "motif_sortie"]


@st.composite
def tables(draw):
    """A header (often the required columns, sometimes repeated or odd ones) and rows of any cells,
    some of them shorter or longer than the header."""
    header = draw(st.lists(HEADER_WORDS, max_size=8))
    if draw(st.booleans()):
        header = COMPLETE_HEADER + header
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(CELLS, min_size=max(0, width - 1), max_size=width + 1),
            max_size=6,
        )
    )
    return header, rows


@st.composite
def csv_files(draw):
    header, rows = draw(tables())
    separator = draw(st.sampled_from([";", ","]))
    buffer = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(buffer, delimiter=separator, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
        writer.writerow(header)
        writer.writerows(rows)
    else:  # written by hand, quotes and all, as a careless export would
        buffer.write("\n".join(separator.join(row) for row in [header, *rows]))
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace"), "sorties.csv"


HOURS = st.decimals(min_value=0, max_value=2000, places=2).map(lambda n: str(n).replace(".", ","))


@st.composite
def plausible_csv_files(draw):
    """Files that are nearly right, the way real ones are: real columns, real values, and now and
    then one odd cell; most of them import, which the property then checks too."""
    optional = draw(st.lists(st.sampled_from(KNOWN_COLUMNS[4:]), unique=True, max_size=len(KNOWN_COLUMNS) - 4))
    header = COMPLETE_HEADER + optional
    values = {
        # Unique enough, and now and then one a spreadsheet would read as a formula.
        "reference": st.tuples(st.sampled_from(["", "=", "+", "'=", "@", "-"]), st.uuids()).map(
            lambda parts: f"{parts[0]}R-{parts[1].hex[:10]}"
        ),
        "heures_travaillees": HOURS,
        "heures_accompagnement_interne": HOURS,
        "heures_accompagnement_externe": HOURS,
        "prescripteur": st.sampled_from(PRESCRIBER_WORDS + [""]),
        "emploi_temps_plein": st.sampled_from(["oui", "non", "", "O", "vrai"]),
        "attestation_signee": st.sampled_from(["oui", "non", ""]),
        "entrees_formation": st.integers(0, 40).map(str),
        "actions_vers_formation": st.integers(0, 40).map(str),
    }
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        entry = draw(st.dates(min_value=date(2000, 1, 1), max_value=TODAY))
        exit_ = draw(st.dates(min_value=entry, max_value=TODAY))
        row = {
            "date_entree": entry.strftime("%d/%m/%Y"),
            "date_sortie": exit_.isoformat(),
            "motif_sortie": draw(st.sampled_from(MOTIVE_WORDS)),
        }
        for column in header:
            if column not in row:
                strategy = values[column] if column in values else st.sampled_from(MOTIVE_WORDS + [""])
                row[column] = draw(strategy)
        if draw(st.integers(0, 9)) == 0:
            row[draw(st.sampled_from(header))] = draw(CELLS)
        rows.append([row[column] for column in header])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *rows])
    return buffer.getvalue().encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace"), "sorties.csv"


XLSX_VALUES = st.one_of(
    CELLS,
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    DATES,
)


@st.composite
def xlsx_files(draw):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    header, rows = draw(tables())
    workbook = Workbook()
    for row in [header, *[[draw(XLSX_VALUES) if draw(st.booleans()) else cell for cell in row] for row in rows]]:
        # openpyxl cannot write control characters into a sheet; a spreadsheet would not hold them either.
        workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), draw(st.sampled_from(["sorties.xlsx", "export.XLSX", "sorties.csv"]))


FILES = st.one_of(
    plausible_csv_files(),
    csv_files(),
    xlsx_files(),
    st.tuples(st.binary(max_size=300), st.sampled_from(["sorties.csv", "sorties.xlsx"])),
    st.tuples(st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b), st.just("sorties.xlsx")),
)


@pytest.fixture
def structures(db):
    return {kind: StructureFactory(kind=kind) for kind in ("ACI", "AI")}


@pytest.mark.django_db
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(FILES, st.sampled_from(["ACI", "AI"]))
@example((b"reference;date_entree;date_sortie;motif_sortie\nA;05/01/2009;30/09/2009;chomage\n", "x.csv"), "ACI")
def test_any_file_is_imported_whole_or_refused_in_french(structures, file, kind):
    raw, filename = file
    structure = structures[kind]
    savepoint = transaction.savepoint()
    try:
        before = ExitRecord.objects.count()
        try:
            result = import_exits(structure, raw, filename, today=TODAY)
        except ImportFailed as failure:
            assert failure.errors
            for error in failure.errors:
                assert isinstance(error, RowError) and error.line >= 1 and error.message
                assert str(error).startswith(f"ligne {error.line}, colonne ")
            assert ExitRecord.objects.count() == before  # nothing saved
            event("refused")
            return
        event("imported")
        assert ExitRecord.objects.count() == before + result.created
        assert result.created + result.updated + result.unchanged == result.rows >= 1
        again = import_exits(structure, raw, filename, today=TODAY)
        assert (again.created, again.updated, again.unchanged) == (0, 0, result.rows)
    finally:
        transaction.savepoint_rollback(savepoint)
