"""`services.save_positionings`: the year's table per prescriber, all or nothing."""

import pytest
from django.db import IntegrityError

from indicators.models import PrescriberPositioning
from indicators.services import save_positionings

pytestmark = pytest.mark.django_db


def _table(structure, year=2009):
    rows = PrescriberPositioning.objects.filter(structure=structure, year=year)
    return {p.prescriber: (p.positioned, p.hired) for p in rows}


def test_creates_updates_and_deletes_rows_of_zeros(structure):
    save_positionings(structure, 2009, {"pole_emploi": (10, 4), "plie": (3, 1), "ccas": (0, 0)})
    assert _table(structure) == {"pole_emploi": (10, 4), "plie": (3, 1)}
    unchanged = PrescriberPositioning.objects.get(structure=structure, prescriber="plie")
    save_positionings(structure, 2009, {"pole_emploi": (12, 5), "plie": (3, 1), "ccas": (2, 0)})
    save_positionings(structure, 2009, {"pole_emploi": (0, 0)})
    assert _table(structure) == {"plie": (3, 1), "ccas": (2, 0)}
    assert PrescriberPositioning.objects.get(pk=unchanged.pk).pk == unchanged.pk  # kept, not recreated
    assert _table(structure, 2008) == {}


def test_a_failing_row_saves_nothing(structure):
    save_positionings(structure, 2009, {"pole_emploi": (10, 4)})
    # Hired above positioned breaks a database constraint: the rows before it are rolled back.
    with pytest.raises(IntegrityError):
        save_positionings(structure, 2009, {"pole_emploi": (8, 2), "plie": (3, 1), "ccas": (1, 5)})
    assert _table(structure) == {"pole_emploi": (10, 4)}
