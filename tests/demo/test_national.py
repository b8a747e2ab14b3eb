import io

import pytest
from django.core.management import call_command

from conventions.models import Convention, ConventionYear, Objective
from conventions.selectors import objective_results
from demo.national import REFERENCE_PREFIX, _add_three_months, convention_spans, seed_conventions, seed_national
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
    assert again == {"structures": 0, "exits": 0, "positionings": 0, "conventions": 0}
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


def test_convention_spans_cover_the_years_three_by_three():
    assert convention_spans(2007, 2009) == [(2007, 2009)]
    assert convention_spans(2016, 2025) == [(2016, 2018), (2019, 2021), (2022, 2024), (2025, 2027)]
    assert convention_spans(2008, 2009) == [(2008, 2010)]


def test_national_seed_gives_every_structure_agreed_conventions_over_its_exit_years():
    result = seed_national(io.StringIO(), structures=30, exits=3000, years=4, last_year=2009)
    assert result["conventions"] == 30 * 2  # 2006-2008 and 2009-2011
    conventions = Convention.objects.all()
    assert {(c.first_year, c.last_year, c.status) for c in conventions} == {
        (2006, 2008, "agreed"),
        (2009, 2011, "agreed"),
    }
    assert all(c.agreed_at is not None for c in conventions)
    years = ConventionYear.objects.all()
    assert years.count() == 30 * 6 and all(row.agreed for row in years)
    # Every year carries the three required objectives, each within its range.
    assert Objective.objects.count() == 30 * 6 * 3
    assert set(Objective.objects.values_list("indicator", flat=True)) == {"exits", "official", "durable"}
    structures = Structure.objects.all()
    for year in (2006, 2009):
        results = objective_results(structures, year)
        assert len(results) == 30
        assert {r.status for rows in results.values() for r in rows} >= {"reached", "missed", "within_margin"}
    # Future years are measured against the latest year's targets (no exit yet: rates unmeasured).
    future = objective_results(structures, 2011)
    assert {r.status for rows in future.values() for r in rows if r.is_rate} == {"unmeasured"}


def test_national_conventions_are_added_to_a_data_set_seeded_without_them():
    seed_national(io.StringIO(), structures=12, exits=600, years=3, last_year=2009)
    Convention.objects.all().delete()
    out = io.StringIO()
    again = seed_national(out, structures=12, exits=600, years=3, last_year=2009)
    assert again["conventions"] == 12
    assert "Conventions nationales : 12 conclues" in out.getvalue()
    assert ConventionYear.objects.filter(year=2009, agreed=True).count() == 12
    assert seed_conventions(io.StringIO()) == 0
