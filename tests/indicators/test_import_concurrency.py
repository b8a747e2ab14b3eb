"""Faults during an import, on PostgreSQL with real connections: two imports of the same file at
once create each exit once (the second waits for the first, then finds everything unchanged), and
an import interrupted half-way leaves nothing behind. SQLite has one writer at a time: there the
lock is a no-op and these tests do not apply."""

import threading

import pytest
from django.db import connection, connections, transaction

from dossiers.models import Structure
from indicators import importer
from indicators.models import ExitRecord
from tests.factories import StructureFactory
from tests.indicators.test_importer import FRENCH_CSV, TODAY, make_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Two concurrent writers need PostgreSQL (SQLite serialises every write).")


def _import_in_another_connection(structure, raw, outcome):
    try:
        outcome["result"] = importer.import_exits(structure, raw, "sorties.csv", today=TODAY)
    except Exception as error:  # reported to the test thread
        outcome["error"] = error
    finally:
        connections.close_all()


def test_two_imports_of_the_same_file_at_once_create_each_exit_once():
    structure = StructureFactory(kind="ACI")
    raw = make_file(FRENCH_CSV)
    outcome = {}
    with transaction.atomic():
        # This connection's import takes the structure's lock first and is not committed yet...
        first = importer.import_exits(structure, raw, "sorties.csv", today=TODAY)
        other = threading.Thread(target=_import_in_another_connection, args=(structure, raw, outcome))
        other.start()
        other.join(timeout=1.5)
        # ...so the other connection's import waits for it instead of reading a stale table.
        assert other.is_alive(), "the second import did not wait for the first"
    other.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert (first.created, first.updated) == (3, 0)
    second = outcome["result"]
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert ExitRecord.objects.filter(structure=structure).count() == 3


def test_an_import_interrupted_half_way_leaves_nothing(monkeypatch):
    structure = StructureFactory(kind="ACI")
    seen_by_another_connection = {}

    def interrupted(*args, **kwargs):
        # The rows are written; another connection must not see them; then the import dies.
        thread = threading.Thread(target=_count_in_another_connection, args=(structure, seen_by_another_connection))
        thread.start()
        thread.join()
        raise ConnectionResetError("the worker was killed")

    monkeypatch.setattr(importer, "write_bulk_history", interrupted)
    with pytest.raises(ConnectionResetError):
        importer.import_exits(structure, make_file(FRENCH_CSV), "sorties.csv", today=TODAY)
    assert seen_by_another_connection["count"] == 0
    assert ExitRecord.objects.filter(structure=structure).count() == 0
    assert ExitRecord.history.filter(structure_id=structure.pk).count() == 0
    # The structure is not left locked: the next import goes through.
    monkeypatch.undo()
    assert importer.import_exits(structure, make_file(FRENCH_CSV), "sorties.csv", today=TODAY).created == 3


def _count_in_another_connection(structure, seen):
    try:
        seen["count"] = ExitRecord.objects.filter(structure=structure).count()
    finally:
        connections.close_all()


def test_the_structure_lock_is_taken_inside_the_import(monkeypatch):
    structure = StructureFactory(kind="ACI")
    locked = []
    original = Structure.objects.select_for_update

    def spy(*args, **kwargs):
        locked.append(connection.in_atomic_block)
        return original(*args, **kwargs)

    monkeypatch.setattr(Structure.objects, "select_for_update", spy)
    importer.import_exits(structure, make_file(FRENCH_CSV), "sorties.csv", today=TODAY)
    assert locked == [True]
