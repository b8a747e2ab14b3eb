import pytest
from django.core.management import call_command

from indicators.calculations import eligibility_date
from indicators.models import ExitRecord, PrescriberPositioning

pytestmark = pytest.mark.django_db


def test_regional_demo_is_deterministic_idempotent_and_consistent():
    call_command("seed_demo")
    count = ExitRecord.objects.count()
    first = _first_records()
    assert count > 1000
    assert set(ExitRecord.objects.dates("exit_date", "year").values_list("exit_date__year", flat=True)) == {
        2006, 2007, 2008, 2009
    }  # fmt: skip
    positionings = PrescriberPositioning.objects.count()
    assert positionings > 100
    call_command("seed_demo")
    assert ExitRecord.objects.count() == count
    assert PrescriberPositioning.objects.count() == positionings
    assert _first_records() == first
    # The stored eligibility date is the one save() would compute, and AI/ETTI records carry hours.
    for record in ExitRecord.objects.order_by("?")[:50]:
        assert record.eligible_from == eligibility_date(record.entry_date)
    assert not ExitRecord.objects.filter(structure__kind__in=["AI", "ETTI"], hours_worked__isnull=True).exists()
    # Each record has its one "création" row, written once (not again by the second seed).
    history = ExitRecord.history.model.objects
    assert history.count() == count
    assert set(history.values_list("history_type", "history_change_reason").distinct()) == {("+", "démonstration")}


def _first_records():
    records = ExitRecord.objects.order_by("structure__name", "reference")
    return list(records.values_list("reference", "exit_motive")[:20])
