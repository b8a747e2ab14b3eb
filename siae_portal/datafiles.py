"""Reading the portal's own data files (the demo data, a questionnaire to load): UTF-8 CSV with a
header row, or JSON. Every error names the file and the line, in French, so that whoever wrote
the file can find the mistake: `demo/data/structures.csv, ligne 7 : SIRET invalide`.

JSON objects come back as `Entry` (a dict that knows the line of its opening brace), CSV rows as
`Entry` too (keyed by column, with the line where the record starts), so that the loaders can
report a wrong value at its line.
"""

import csv
import json
import json.decoder
import json.scanner
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

# PostgreSQL stores no NUL character in a text: refused here rather than by the database.
NUL_MESSAGE = "caractère nul interdit."


class DataFileError(ValueError):
    """A data file that cannot be loaded; `str()` is the French message for its author."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path, self.line, self.message = Path(path), line, message
        super().__init__(f"{display_path(self.path)}{f', ligne {line}' if line else ''} : {message}")


class Entry(dict):
    """A JSON object or a CSV row, with the line (1-based) where it starts in its file."""

    line: int | None = None

    def error(self, path, message: str) -> DataFileError:
        return DataFileError(path, message, self.line)


def display_path(path: Path) -> str:
    """The path as its author knows it: relative to the project for the portal's own files."""
    try:
        return str(path.resolve().relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataFileError(path, f"fichier illisible ({error.strerror or error}).") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataFileError(path, "le fichier doit être encodé en UTF-8.", line) from None
    if "\x00" in text:
        raise DataFileError(path, NUL_MESSAGE, text.count("\n", 0, text.index("\x00")) + 1)
    return text


# --- JSON ----------------------------------------------------------------------------------------

# The decoder's messages, in French (json gives them in English).
JSON_MESSAGES = {
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus après le nom de la clé",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets droits attendu",
    "Expecting value": "valeur attendue",
    "Extra data": "contenu en trop après la fin du JSON",
    "Unterminated string starting at": "chaîne non terminée (guillemet fermant manquant)",
    "Invalid control character at": "caractère de contrôle dans une chaîne (retour à la ligne : \\n)",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Illegal trailing comma before end of object": "virgule en trop avant la fin de l'objet",
    "Illegal trailing comma before end of array": "virgule en trop avant la fin de la liste",
}


class _LocatingDecoder(json.JSONDecoder):
    """json's own pure-Python scanner, whose objects become `Entry` with their line; a key given
    twice in one object is an error (json would silently keep the last one), and so is a NUL."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path

        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
            text, start = s_and_end
            pairs, end = json.decoder.JSONObject(s_and_end, strict, scan_once, None, list, memo)
            entry = Entry()
            entry.line = text.count("\n", 0, start) + 1
            for key, value in pairs:
                if key in entry:
                    raise DataFileError(path, f"la clé « {key} » est donnée deux fois.", entry.line)
                entry[key] = value
            return entry, end

        def parse_string(text, end, strict):
            value, new_end = json.decoder.scanstring(text, end, strict)
            if "\x00" in value:
                raise DataFileError(path, NUL_MESSAGE, text.count("\n", 0, end) + 1)
            return value, new_end

        self.parse_object = parse_object
        self.parse_string = parse_string
        self.scan_once = json.scanner.py_make_scanner(self)


def read_json(path) -> object:
    """The decoded file: objects are `Entry` (dicts with their line), lists, strings, numbers."""
    path = Path(path)
    text = _read_text(path)
    try:
        return _LocatingDecoder(path).decode(text)
    except json.JSONDecodeError as error:
        reason = JSON_MESSAGES.get(error.msg, "syntaxe JSON invalide")
        raise DataFileError(path, f"JSON mal formé, colonne {error.colno} : {reason}.", error.lineno) from None
    except RecursionError:
        raise DataFileError(path, "JSON trop profondément imbriqué.") from None


# --- CSV -----------------------------------------------------------------------------------------


def read_csv(path, columns: list[str], *, optional: tuple[str, ...] = ()) -> list[Entry]:
    """The rows of a comma-separated UTF-8 file whose header names `columns` (plus any of
    `optional`, which read as "" when absent), each an `Entry` keyed by column with the line where
    the record starts (a quoted value may span lines). Blank lines are skipped."""
    path = Path(path)
    lines = _read_text(path).splitlines(keepends=True)
    reader = csv.reader(lines, strict=True)
    rows, start = [], 1
    try:
        header = next(reader, None)
        if header is None:
            raise DataFileError(path, "fichier vide : la première ligne doit nommer les colonnes.", 1)
        header = [name.strip() for name in header]
        missing = [name for name in columns if name not in header]
        unknown = [name for name in header if name not in columns and name not in optional]
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if missing or unknown or duplicated:
            problems = [
                f"{label} : {', '.join(names)}"
                for label, names in [
                    ("colonnes manquantes", missing),
                    ("colonnes inconnues", unknown),
                    ("colonnes en double", duplicated),
                ]
                if names
            ]
            raise DataFileError(path, f"{' ; '.join(problems)} (attendu : {', '.join(columns)}).", 1)
        start = reader.line_num + 1
        for values in reader:
            if any(value.strip() for value in values):
                if len(values) != len(header):
                    raise DataFileError(
                        path, f"{len(values)} valeurs pour {len(header)} colonnes (une virgule de trop ?).", start
                    )
                row = Entry({name: "" for name in optional})
                row.update(zip(header, values, strict=True))
                row.line = start
                rows.append(row)
            start = reader.line_num + 1
    except csv.Error:
        raise DataFileError(path, "CSV mal formé (guillemet non fermé ou caractère interdit).", start) from None
    return rows


# --- Checking entries ----------------------------------------------------------------------------


def key_problems(entry: dict, required, optional=()) -> list[str]:
    """What is wrong with the keys of a JSON object: missing ones, unknown ones (a typo)."""
    problems = []
    missing = [key for key in required if key not in entry]
    if missing:
        problems.append(f"clés manquantes : {', '.join(missing)}")
    unknown = sorted(set(entry) - set(required) - set(optional))
    if unknown:
        problems.append(f"clés inconnues : {', '.join(unknown)}")
    return problems


def model_problems(instance, **full_clean_options) -> list[str]:
    """Django's (French) validation messages for `instance`, each prefixed with its field's name.
    The model's `clean()` runs only on fields that passed: it may compare them as numbers."""
    try:
        instance.clean_fields(exclude=full_clean_options.get("exclude"))
        instance.full_clean(**full_clean_options)
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            label = instance._meta.get_field(name).verbose_name if name != NON_FIELD_ERRORS else ""
            problems.extend(f"{label} : {message}" if label else message for message in messages)
        return problems
    return []
