"""What the demo steps share: where the data files are, the `Seeding` that carries the output and
what earlier steps loaded, and the checks that turn a wrong entry into an error at its line."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from siae_portal.datafiles import DataFileError, Entry, key_problems, model_problems, read_json

# Found through the app, never the current directory: `make run` works from any checkout.
DATA_DIR = Path(__file__).resolve().parent / "data"
# The network advisor of accounts.json who reviews the 2009 dossiers and moderates the toolbox.
DEMO_ADVISOR = "conseiller@demo.local"


@dataclass
class Seeding:
    stdout: TextIO
    scale: str = "regional"
    networks: dict = field(default_factory=dict)  # Network by code
    structures: dict = field(default_factory=dict)  # the regional demo Structure by name
    campaigns: dict = field(default_factory=dict)  # Campaign by year
    sample_answers: dict = field(default_factory=dict)  # answer text by answer type


def check(instance, entry: Entry, path: Path, **full_clean_options):
    """`instance` built from `entry` passes the model's validation, or an error names the line."""
    problems = model_problems(instance, **full_clean_options)
    if problems:
        raise entry.error(path, " ; ".join(problems))
    return instance


def json_document(path: Path, *, required=(), optional=()) -> Entry:
    """The top object of a JSON file, with the keys `required` and some of `optional`."""
    document = read_json(path)
    if not isinstance(document, Entry):
        raise DataFileError(path, "le fichier doit contenir un objet JSON { ... }.", 1)
    return keys_checked(document, path, required, optional)


def json_objects(path: Path, listed, *, key: str = "", required=(), optional=()) -> list[Entry]:
    """`listed` (the whole file, or the value of `key` in its top object), which must be a list
    of objects with the keys `required` and some of `optional`."""
    if not isinstance(listed, list):
        where = f"« {key} » doit être" if key else "le fichier doit contenir"
        raise DataFileError(path, f"{where} une liste d'objets [ {{ ... }}, ... ].", 1 if not key else None)
    for entry in listed:
        if not isinstance(entry, Entry):
            raise DataFileError(path, f"chaque élément de la liste est un objet {{ ... }}, pas {entry!r}.")
        keys_checked(entry, path, required, optional)
    return listed


def keys_checked(entry: Entry, path: Path, required, optional) -> Entry:
    problems = key_problems(entry, required, optional)
    if problems:
        raise entry.error(path, " ; ".join(problems) + ".")
    return entry


def one_of(entry: Entry, path: Path, key: str, known, unknown: str):
    """`entry[key]`, which must be one of `known` (for a mapping, the value it maps to);
    `unknown` says what is missing, e.g. "réseau inconnu"."""
    value = entry[key]
    if not isinstance(value, str) or value not in known:
        raise entry.error(path, f"{unknown} « {value} ».")
    return known[value] if isinstance(known, dict) else value
