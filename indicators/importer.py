"""Import of exit records from a CSV or XLSX file, as French users really produce them.

One code path for the upload page and the `import_exits` command:
- `read_table()` turns the bytes into a DataFrame of strings (encoding, separator, header row);
- `parse_rows()` validates and converts every column at once (vectorised: 100,000 rows in well
  under a second) and reports each error as `ligne N, colonne X : message` (N: the sheet row of an
  XLSX file, the line where the row starts in a CSV file);
- `import_exits()` writes everything or nothing: the rows go into a temporary table (PostgreSQL's
  COPY), the database compares them with the structure's records and writes the new and changed
  ones, with their history rows.
`export_row()` writes a record the way this module reads it, for the exit list's downloads.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from dossiers.models import Structure
from siae_portal.bulk import insert_rows
from siae_portal.exports import ESCAPED_CSV_CELL
from siae_portal.reference import ELIGIBILITY_HOURS, EXIT_MOTIVES, KINDS_ELIGIBLE_BY_HOURS, PRESCRIBERS
from siae_portal.uploads import archive_problem

from . import rollup
from .calculations import eligibility_date
from .models import CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE, EXIT_COLUMNS, ExitRecord

REQUIRED_COLUMNS = ["reference", "date_entree", "date_sortie", "motif_sortie"]
OPTIONAL_COLUMNS = [
    "heures_travaillees",
    "prescripteur",
    "emploi_temps_plein",
    "heures_accompagnement_interne",
    "heures_accompagnement_externe",
    "entrees_formation",
    "actions_vers_formation",
    "situation_3_mois",
    "situation_6_mois",
    "situation_12_mois",
    "attestation_signee",
]
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Column of the file -> field of ExitRecord, for every value the import sets.
FIELD_OF_COLUMN = {
    "reference": "reference",
    "date_entree": "entry_date",
    "date_sortie": "exit_date",
    "motif_sortie": "exit_motive",
    "heures_travaillees": "hours_worked",
    "prescripteur": "prescriber",
    "emploi_temps_plein": "full_time",
    "heures_accompagnement_interne": "support_hours_internal",
    "heures_accompagnement_externe": "support_hours_external",
    "entrees_formation": "training_entries",
    "actions_vers_formation": "training_support_actions",
    "situation_3_mois": "situation_3_months",
    "situation_6_mois": "situation_6_months",
    "situation_12_mois": "situation_12_months",
    "attestation_signee": "signed_statement",
}
UPDATED_FIELDS = [f for c, f in FIELD_OF_COLUMN.items() if c not in ("reference", "date_entree")]
# A parsed row, as the import's temporary table holds it: an exit without its timestamps.
ROW_COLUMNS = [name for name in EXIT_COLUMNS if name not in ("created_at", "updated_at")]
IMPORT_TABLE = "indicators_import_rows"
MAX_HOURS = Decimal("999999.99")  # max_digits=8, decimal_places=2
MAX_SMALL_INT = 32767
BATCH_SIZE = 2000
MAX_FILE_SIZE = 20 * 1024 * 1024
# 100,000 rows of an exported file take about 60 Mo once decompressed.
MAX_XLSX_UNCOMPRESSED_SIZE = 300 * 1024 * 1024
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
NO = {"non", "n", "no", "faux", "false", "0"}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return f"ligne {self.line}, colonne {self.column} : {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        text = (
            f"{self.rows} ligne(s) lue(s) : {self.created} sortie(s) créée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s)."
        )
        if self.unknown_columns:
            text += " Colonnes inconnues ignorées : " + ", ".join(self.unknown_columns) + "."
        return text


class ImportFailed(Exception):
    """Nothing was saved: `errors` lists every problem found in the file."""

    def __init__(self, errors: list[RowError], unknown_columns: list[str] | None = None):
        super().__init__(f"{len(errors)} erreur(s) : rien n'a été enregistré.")
        self.errors = errors
        self.unknown_columns = unknown_columns or []


# --- Normalisation ------------------------------------------------------------------------------


def normalize_text(value: str) -> str:
    """Lower case, no accents, typographic apostrophes and runs of spaces folded: the key under
    which a code or a label is recognised ("Décès", "DECES" and "deces" are the same)."""
    value = unicodedata.normalize("NFKD", str(value).replace("\u2019", "'").replace("\u00a0", " "))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower().strip()
    return re.sub(r"\s+", " ", value)


def normalize_header(value: str) -> str:
    return re.sub(r"[\s\-']+", "_", normalize_text(value)).strip("_")


def _lookup(pairs) -> dict[str, str]:
    table = {}
    for code, label in pairs:
        table[normalize_text(code)] = code
        table[normalize_text(label)] = code
    return table


MOTIVE_LOOKUP = _lookup((m.code, m.label) for m in EXIT_MOTIVES)
PRESCRIBER_LOOKUP = _lookup(PRESCRIBERS)


# --- Reading ------------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what French spreadsheets save."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_table(raw: bytes, filename: str) -> pd.DataFrame:
    """The file as a DataFrame of stripped strings with normalised column names; the index is the
    line number in the file (header = line 1). Raises ImportFailed when the file is unreadable."""
    if filename.lower().endswith(".xlsx") or raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(raw)
    if b"\x00" in raw[:4096]:
        raise ImportFailed([RowError(1, "-", "le fichier n'est pas un fichier CSV ou Excel (.xlsx) lisible.")])
    text = decode(raw)
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") >= first_line.count(",") else ","
    starts = record_start_lines(text, separator)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except pd.errors.EmptyDataError as error:
        raise ImportFailed([RowError(1, "-", "le fichier est vide.")]) from error
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if found:
            expected, record, seen = (int(number) for number in found.groups())
            message = (
                f"{seen} valeurs alors que la ligne d'en-tête a {expected} colonnes (séparateur « {separator} »)."
            )
            # pandas counts records (header = 1), not lines.
            line = starts[record - 1] if starts is not None and record <= len(starts) else record
            raise ImportFailed([RowError(line, "-", message)]) from error
        raise ImportFailed([RowError(1, "-", "fichier CSV illisible (guillemets non refermés ?).")]) from error
    # The csv module and pandas split records alike; were they ever to disagree, rows count as records.
    if starts is not None and len(starts) == len(frame) + 1:
        frame.index = np.array(starts[1:])
    else:
        frame.index = np.arange(2, len(frame) + 2)
    # pandas renames a repeated header ("reference", "reference.1"): the header as written is read again.
    try:
        header = pd.read_csv(
            io.StringIO(text), sep=separator, header=None, nrows=1, dtype=str, keep_default_na=False, engine="c"
        )
    except (pd.errors.EmptyDataError, pd.errors.ParserError):  # e.g. a blank first line: no header at all
        header = pd.DataFrame()
    same_width = len(header) and header.shape[1] == frame.shape[1]
    frame = _clean(frame, list(header.iloc[0]) if same_width else list(frame.columns))
    # The apostrophe that the portal's CSV downloads put before a formula-like cell ("'=1+2") is
    # not part of the value: an exported file re-imports unchanged.
    for column in frame.columns:
        frame[column] = frame[column].str.replace(ESCAPED_CSV_CELL, "", n=1, regex=True)
    return frame


def record_start_lines(text: str, separator: str) -> list[int] | None:
    """The line on which each record of the CSV text starts (header included, first line = 1); None
    when every record is one line (no quote in the text) or when the csv module cannot read the text.

    A quoted cell may hold line breaks (spreadsheets write them for a comment typed on two lines), so
    the n-th record is not always line n. Errors name the line where the row starts, as a text
    editor numbers lines (CRLF, LF or CR each end one line): that is where the user finds the row,
    even when the faulty value sits on one of its next lines."""
    if '"' not in text:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    starts, end = [], 0
    try:
        for _record in reader:
            starts.append(end + 1)
            end = reader.line_num
    except csv.Error:  # e.g. a cell over the csv module's size limit: pandas reads it, records are counted
        return None
    return starts


def _read_xlsx(raw: bytes) -> pd.DataFrame:
    from openpyxl import load_workbook

    problem = archive_problem(io.BytesIO(raw), size=len(raw), max_uncompressed=MAX_XLSX_UNCOMPRESSED_SIZE)
    if problem:
        raise ImportFailed([RowError(1, "-", f"le fichier Excel est refusé : {problem}.")])
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFailed([RowError(1, "-", "le fichier Excel est illisible ou endommagé.")]) from error
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    if not rows:
        raise ImportFailed([RowError(1, "-", "le fichier est vide.")])
    header, body = rows[0], rows[1:]
    width = len(header)
    body = [(row + [""] * width)[:width] for row in body]
    frame = pd.DataFrame(body, columns=range(width), dtype=str)
    frame.index = np.arange(2, len(frame) + 2)
    return _clean(frame, header)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean(frame: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Strip every cell, name the columns by their normalised `header` (one raw name per column,
    in order) and drop empty lines. A known column named twice is refused: which of the two values
    would count cannot be guessed."""
    frame = frame.fillna("").astype(str)
    frame.columns = range(frame.shape[1])
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    names = [normalize_header(name) if name.strip() else "" for name in map(str, header)]
    repeated = sorted({name for name in names if name in KNOWN_COLUMNS and names.count(name) > 1})
    if repeated:
        raise ImportFailed([RowError(1, name, "colonne présente deux fois.") for name in repeated])
    kept, seen = [], set()
    for position, name in enumerate(names):
        if not name:
            # A column without a header and without values (a trailing separator on every line) does not exist.
            if not (frame[position] != "").any():
                continue
            name = f"colonne_{position + 1}"
        if name not in seen:  # an unknown column named twice is ignored once
            seen.add(name)
            kept.append((position, name))
    frame = frame[[position for position, _ in kept]]
    frame.columns = [name for _, name in kept]
    # Empty lines (often at the end of a file) are not rows.
    return frame[(frame != "").any(axis=1)]


# --- Export: the file format the import reads ---------------------------------------------------


def export_row(record: ExitRecord) -> list:
    """The record as a row of KNOWN_COLUMNS that `parse_rows` reads back unchanged: dates, hours and
    counts as Python values (real cells in XLSX, `text_cell` for CSV), motives and prescribers as
    codes, "oui"/"non" for booleans, None (an empty cell) for anything unknown."""
    return [_export_value(getattr(record, FIELD_OF_COLUMN[column])) for column in KNOWN_COLUMNS]


def _export_value(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    return None if value == "" else value


def text_cell(value) -> str:
    """A value of `export_row` as CSV text: dates JJ/MM/AAAA, decimal comma, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return str(value)


# --- Parsing ------------------------------------------------------------------------------------


class _Errors:
    def __init__(self, frame: pd.DataFrame):
        self.lines = frame.index
        self.items: list[RowError] = []

    def add(self, mask, column, message, values=None):
        """One error per line where `mask` is true. `message` may hold `{value}`, replaced by the
        line's value of `values` (formatted only for the lines in error), or be a Series."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        lines = self.lines[mask]
        if isinstance(message, pd.Series):
            texts = message[mask]
        elif values is not None:
            texts = [message.format(value=f"« {v} »") for v in values[mask]]
        else:
            texts = [message] * len(lines)
        self.items.extend(RowError(int(n), column, m) for n, m in zip(lines, texts, strict=True))


# The two accepted date layouts, whatever the numbers: what matches but does not parse is impossible.
DATE_SHAPE = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}"


def _parse_dates(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, format="%d/%m/%Y", errors="coerce")
    missing = parsed.isna() & (values != "")
    if missing.any():
        parsed[missing] = pd.to_datetime(values[missing], format="%Y-%m-%d", errors="coerce")
    return parsed


def _parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers with a decimal point or comma, and spaces between thousands; NaN when empty or invalid."""
    numbers = pd.to_numeric(values.where(values != "", None), errors="coerce")
    retry = numbers.isna() & (values != "")
    if retry.any():
        cleaned = values[retry].str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce")
    return numbers.astype(float)


def _map_unique(values: pd.Series, lookup: dict[str, str]) -> pd.Series:
    """Codes for codes or labels, normalising each distinct value once ("" when unknown or empty)."""
    table = {v: lookup.get(normalize_text(v), "") if v else "" for v in values.unique()}
    return values.map(table)


def _decimals(numbers: pd.Series, default) -> list:
    return [default if np.isnan(v) else Decimal(f"{v:.2f}") for v in numbers.to_numpy()]


def parse_rows(frame: pd.DataFrame, kind: str, today: date) -> tuple[pd.DataFrame, list[RowError], list[str]]:
    """Validate and convert the rows of `frame` (see `read_table`) for a structure of `kind`.

    Returns (values, errors, unknown_columns): `values` has one column per ExitRecord field, with
    Python values ready to save; `errors` is sorted by line."""
    unknown = [c for c in frame.columns if c not in KNOWN_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ImportFailed(
            [RowError(1, c, "colonne obligatoire absente de la ligne d'en-tête.") for c in missing], unknown
        )
    if frame.empty:
        raise ImportFailed([RowError(2, "-", "le fichier ne contient aucune ligne de sortie.")], unknown)

    errors = _Errors(frame)
    empty = pd.Series("", index=frame.index)
    out = pd.DataFrame(index=frame.index)

    def column(name):
        raw = frame[name] if name in frame.columns else empty
        return raw, (raw != "").to_numpy()

    reference, present = column("reference")
    errors.add(~present, "reference", "valeur obligatoire manquante.")
    errors.add(reference.str.len() > 50, "reference", "la référence dépasse 50 caractères.")
    errors.add(reference.str.contains(CONTROL_CHARACTERS).to_numpy(), "reference", CONTROL_CHARACTERS_MESSAGE)
    out["reference"] = reference

    parsed_dates = {}
    for name in ("date_entree", "date_sortie"):
        raw, present = column(name)
        parsed = _parse_dates(raw)
        errors.add(~present, name, "valeur obligatoire manquante.")
        unread = present & parsed.isna().to_numpy()
        # Written as a date (31/02/2009) but not one the calendar has: say so, not "wrong format".
        shaped = raw.str.strip().str.fullmatch(DATE_SHAPE).fillna(False).to_numpy(dtype=bool)
        message = "date impossible {value} : ce jour n'existe pas dans le calendrier."
        errors.add(unread & shaped, name, message, raw)
        message = "date invalide {value} : attendu JJ/MM/AAAA ou AAAA-MM-JJ."
        errors.add(unread & ~shaped, name, message, raw)
        errors.add(parsed > pd.Timestamp(today), name, "la date {value} est dans le futur.", raw)
        parsed_dates[name] = parsed
    before = parsed_dates["date_sortie"] < parsed_dates["date_entree"]
    errors.add(before, "date_sortie", "la date de sortie est antérieure à la date d'entrée.")
    out["entry_date"] = parsed_dates["date_entree"].dt.date
    out["exit_date"] = parsed_dates["date_sortie"].dt.date

    for name in ("motif_sortie", "situation_3_mois", "situation_6_mois", "situation_12_mois"):
        raw, present = column(name)
        codes = _map_unique(raw, MOTIVE_LOOKUP)
        if name == "motif_sortie":
            errors.add(~present, name, "valeur obligatoire manquante.")
        message = "motif inconnu {value} : indiquez un code ou un libellé de la nomenclature."
        errors.add(present & (codes == "").to_numpy(), name, message, raw)
        out[FIELD_OF_COLUMN[name]] = codes

    raw, present = column("prescripteur")
    codes = _map_unique(raw, PRESCRIBER_LOOKUP)
    allowed = ", ".join(code for code, _ in PRESCRIBERS)
    errors.add(present & (codes == "").to_numpy(), "prescripteur", f"prescripteur inconnu {{value}} ({allowed}).", raw)
    out["prescriber"] = codes

    for name in ("heures_travaillees", "heures_accompagnement_interne", "heures_accompagnement_externe"):
        raw, present = column(name)
        numbers = _parse_numbers(raw)
        if name == "heures_travaillees" and kind in KINDS_ELIGIBLE_BY_HOURS:
            message = f"valeur obligatoire pour une structure de type {kind} (règle des {ELIGIBILITY_HOURS} heures)."
            errors.add(~present, name, message)
        errors.add(present & numbers.isna().to_numpy(), name, "nombre d'heures invalide {value}.", raw)
        errors.add(numbers < 0, name, "le nombre d'heures ne peut pas être négatif.")
        errors.add(numbers > float(MAX_HOURS), name, "nombre d'heures trop grand.")
        out[FIELD_OF_COLUMN[name]] = _decimals(numbers, None if name == "heures_travaillees" else Decimal(0))

    for name in ("entrees_formation", "actions_vers_formation"):
        raw, present = column(name)
        numbers = _parse_numbers(raw)
        invalid = present & (numbers.isna() | (numbers != numbers.round(0))).to_numpy()
        errors.add(invalid, name, "nombre entier attendu, pas {value}.", raw)
        errors.add(numbers < 0, name, "le nombre ne peut pas être négatif.")
        errors.add(numbers > MAX_SMALL_INT, name, "nombre trop grand.")
        out[FIELD_OF_COLUMN[name]] = numbers.fillna(0).clip(0, MAX_SMALL_INT).astype(int)

    for name in ("emploi_temps_plein", "attestation_signee"):
        raw, present = column(name)
        answers = _map_unique(raw, {**dict.fromkeys(YES, "oui"), **dict.fromkeys(NO, "non")})
        errors.add(
            present & (answers == "").to_numpy(), name, "réponse attendue « oui » ou « non », pas {value}.", raw
        )
        if name == "emploi_temps_plein":
            out["full_time"] = answers.map({"oui": True, "non": False, "": None}).astype(object)
        else:
            out["signed_statement"] = (answers == "oui").astype(bool)

    # The key (structure, reference, date d'entrée) appears once in a file.
    key_ok = (reference != "") & parsed_dates["date_entree"].notna()
    keys = pd.DataFrame({"reference": reference, "entry": parsed_dates["date_entree"]})[key_ok]
    duplicated = keys.duplicated(keep="first")
    if duplicated.any():
        first_line = (
            pd.Series(keys.index, index=keys.index).groupby([keys["reference"], keys["entry"]]).transform("min")
        )
        mask = frame.index.isin(keys.index[duplicated])
        messages = pd.Series("", index=frame.index)
        for line in keys.index[duplicated]:
            messages[line] = (
                f"la référence « {keys.at[line, 'reference']} » avec cette date d'entrée figure déjà "
                f"ligne {first_line[line]}."
            )
        errors.add(mask, "reference", messages)

    order = {name: i for i, name in enumerate(KNOWN_COLUMNS)}
    errors.items.sort(key=lambda e: (e.line, order.get(e.column, -1)))
    return out, errors.items, unknown


# --- Saving -------------------------------------------------------------------------------------


def row_tuples(values: pd.DataFrame, structure_id: int) -> list[tuple]:
    """The parsed rows as tuples of ROW_COLUMNS holding plain Python values (COPY and the database
    adapters take no numpy type), `eligible_from` derived once per entry date."""
    eligible_from = {day: eligibility_date(day) for day in values["entry_date"].unique()}
    columns = {
        "structure_id": [structure_id] * len(values),
        "eligible_from": values["entry_date"].map(eligible_from).tolist(),
    }
    return list(
        zip(*(columns[name] if name in columns else values[name].tolist() for name in ROW_COLUMNS), strict=True)
    )


def _write_rows(structure_id: int, rows: list[tuple], now) -> tuple[list[int], list[int]]:
    """Write the file's rows into the structure's exits; returns the ids of the records created
    and of those updated.

    The database compares, not Python: the rows go into a temporary table (COPY on PostgreSQL),
    the rows equal to their record in every field the import sets are dropped from it (INTERSECT,
    which counts two NULLs as equal), then one UPDATE ... FROM writes the changed records and one
    INSERT ... SELECT the new ones. The existing records never travel to Python."""
    quote = connection.ops.quote_name
    table, temporary = quote(ExitRecord._meta.db_table), quote(IMPORT_TABLE)
    columns = ", ".join(quote(name) for name in ROW_COLUMNS)
    key, compared = "reference, entry_date", ", ".join(quote(name) for name in UPDATED_FIELDS)
    same_key = f"{table}.structure_id = %s AND {table}.reference = t.reference AND {table}.entry_date = t.entry_date"
    assignments = ", ".join(f"{quote(name)} = t.{quote(name)}" for name in [*UPDATED_FIELDS, "eligible_from"])
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temporary} AS SELECT {columns} FROM {table} WHERE 1 = 0")
        insert_rows(ExitRecord, ROW_COLUMNS, rows, table=IMPORT_TABLE)
        # The key (reference, date d'entrée) is unique in the file: it names a row of the table.
        cursor.execute(
            f"DELETE FROM {temporary} WHERE ({key}) IN (SELECT {key} FROM ("
            f"SELECT {key}, {compared} FROM {temporary} INTERSECT "
            f"SELECT {key}, {compared} FROM {table} WHERE structure_id = %s) unchanged)",
            [structure_id],
        )
        cursor.execute(
            f"UPDATE {table} SET {assignments}, updated_at = %s FROM {temporary} t WHERE {same_key} RETURNING id",
            [when, structure_id],
        )
        updated = [pk for (pk,) in cursor.fetchall()]
        cursor.execute(
            f"INSERT INTO {table} ({columns}, created_at, updated_at) SELECT {columns}, %s, %s FROM {temporary} t "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {same_key}) RETURNING id",
            [when, when, structure_id],
        )
        created = [pk for (pk,) in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {temporary}")
    return created, updated


def write_bulk_history(ids: list[int], history_type: str, *, user, when, reason: str = "import") -> None:
    """The history rows of bulk-written records ("+" created, "~" updated), copied by the database
    itself (INSERT ... SELECT, one statement on PostgreSQL, by batches of ids elsewhere): the same
    rows as simple_history's `bulk_history_create`, without building 100,000 Python objects a
    second time."""
    history_model = ExitRecord.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in history_model._meta.concrete_fields if f.name not in own)
    history_columns = ", ".join(quote(c) for c in ("history_date", "history_change_reason", "history_type"))
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({columns}, {history_columns}, "
        f"{quote('history_user_id')}) SELECT {columns}, %s, %s, %s, %s FROM {quote(ExitRecord._meta.db_table)} "
        f"WHERE {quote('id')} "
    )
    when = connection.ops.adapt_datetimefield_value(when)
    user_id = user.pk if user is not None else None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement, the ids as one array parameter
            cursor.execute(f"{sql}= ANY(%s)", [when, reason, history_type, user_id, list(ids)])
            return
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(f"{sql}IN ({placeholders})", [when, reason, history_type, user_id, *batch])


def import_exits(structure, raw: bytes, filename: str, *, user=None, today: date | None = None) -> ImportResult:
    """Import the file into `structure`: every row or none (raises ImportFailed with every error)."""
    today = today or timezone.localdate()
    if len(raw) > MAX_FILE_SIZE:
        raise ImportFailed([RowError(1, "-", "le fichier dépasse 20 Mo : découpez-le par année.")])
    frame = read_table(raw, filename)
    values, errors, unknown = parse_rows(frame, structure.kind, today)
    if errors:
        raise ImportFailed(errors, unknown)

    rows = row_tuples(values, structure.pk)
    with transaction.atomic():
        # One import of a structure at a time: a second one (another tab, a double click, the command
        # during a page import) waits here, then reads what the first committed (PostgreSQL; SQLite
        # has a single writer anyway). Without it, both would plan the same creations.
        list(Structure.objects.select_for_update().filter(pk=structure.pk).values_list("pk", flat=True))
        now = timezone.now()
        created, updated = _write_rows(structure.pk, rows, now)
        if created:
            write_bulk_history(created, "+", user=user, when=now)
        if updated:
            write_bulk_history(updated, "~", user=user, when=now)
        if created or updated:
            # The rows went beside the ORM: the structure's rollup, recomputed in this transaction.
            rollup.refresh([structure.pk])
    return ImportResult(len(created), len(updated), len(rows) - len(created) - len(updated), unknown)
