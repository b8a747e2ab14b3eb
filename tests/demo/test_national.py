import io

import pytest
from django.core.management import call_command

from demo.national import REFERENCE_PREFIX, _add_three_months, seed_national
from dossiers.models import Structure
from indicators.calculations import eligibility_date, is_eligible
from indicators.models import ExitRecord, PrescriberPositioning, eligible_exit_q
from siae_portal.reference import EXIT_MOTIVE_BY_CODE
from siae_portal.validators import luhn_is_valid

pytestmark = pytest.mark.django_db


def test_tiny_national_seed_is_valid_and_idempotent():
    out = io.StringIO()
    result = seed_national(out, structures=60, exits=3000, years=3, last_year=2009)
    assert result["structures"] == 60
    assert 2500 < result["exits"] < 3500
    structures = list(Structure.objects.prefetch_related("networks"))
    assert len(structures) == 60
    assert {s.kind for s in structures} == {"ACI", "EI", "AI", "ETTI"}
    assert all(len(s.siret) == 14 and luhn_is_valid(s.siret) and luhn_is_valid(s.siret[:9]) for s in structures)
    assert sum(1 for s in structures if s.networks.all()) > 30
    exits = list(ExitRecord.objects.select_related("structure"))
    assert len(exits) == result["exits"]
    assert {e.exit_date.year for e in exits} == {2007, 2008, 2009}
    for record in exits:
        assert record.reference.startswith(REFERENCE_PREFIX)
        assert record.entry_date <= record.exit_date
        assert record.eligible_from == eligibility_date(record.entry_date)
        assert record.exit_motive in EXIT_MOTIVE_BY_CODE
    eligible = sum(is_eligible(e.structure.kind, e.entry_date, e.exit_date, e.hours_worked) for e in exits)
    assert eligible == ExitRecord.objects.filter(eligible_exit_q()).count()
    assert 0.6 * len(exits) < eligible < 0.98 * len(exits)
    assert PrescriberPositioning.objects.filter(year=2009).exists()

    again = seed_national(out, structures=60, exits=3000, years=3, last_year=2009)
    assert again == {"structures": 0, "exits": 0, "positionings": 0}
    assert Structure.objects.count() == 60
    assert "déjà présentes" in out.getvalue()


def test_vectorised_eligibility_date_matches_the_rule():
    from datetime import date, timedelta

    import numpy as np

    days = [date(2008, 11, 30) + timedelta(days=n) for n in range(500)]
    computed = _add_three_months(np.array(days, dtype="datetime64[D]")).tolist()
    assert computed == [eligibility_date(day) for day in days]
    assert eligibility_date(date(2009, 1, 31)) == date(2009, 4, 30)


def test_seed_demo_regional_does_not_seed_national(db):
    call_command("seed_demo")  # (stdout= would collide with seed(stdout, **options))
    assert not ExitRecord.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()


def test_seed_national_ignores_the_command_options(db):
    result = seed_national(io.StringIO(), structures=8, exits=100, years=2, verbosity=1, scale="national")
    assert result["structures"] == 8
