from datetime import date

import pytest

from indicators.calculations import OFFICIAL, URIAE, compute_rate, followup_rate, summarize
from indicators.models import ExitRecord
from indicators.selectors import exit_counts, exit_counts_by, followup_situations_by
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def _exit(structure, n, motive, entry=date(2009, 1, 5), exit_=date(2009, 9, 30), **fields):
    return ExitRecord.objects.create(
        structure=structure, reference=f"S-{n:04d}", entry_date=entry, exit_date=exit_, exit_motive=motive, **fields
    )


def test_worked_example_from_the_database(django_assert_num_queries):
    aci = StructureFactory(kind="ACI")
    motives = (
        ["cdi_non_aide"] * 3
        + ["cdd_6m_plus"]
        + ["cdd_moins_6m"] * 3
        + ["formation_qualifiante"] * 3
        + ["chomage"] * 3
        + ["inactif"] * 2
        + ["sans_nouvelle", "autre_situation_connue", "deces", "conge_longue_duree"]
    )
    for n, motive in enumerate(motives):
        _exit(aci, n, motive)
    _exit(aci, 99, "cdi_non_aide", entry=date(2009, 7, 1), exit_=date(2009, 9, 1))  # 2 months only
    _exit(aci, 100, "chomage", exit_=date(2010, 1, 1))  # another year
    with django_assert_num_queries(1):
        counts = exit_counts(ExitRecord.objects.in_year(2009))
    assert summarize(counts).as_dict() == {
        "total": 20, "eligible": 19, "retraits": 2, "durable": 4, "transition": 3, "positive": 3, "other": 7
    }  # fmt: skip
    assert compute_rate(counts, OFFICIAL).as_dict() == {"numerator": 10, "denominator": 17, "rate": 10 / 17}
    assert compute_rate(counts, URIAE).denominator == 13


def test_eligibility_in_sql_matches_the_rules():
    aci = StructureFactory(kind="ACI")
    ai = StructureFactory(kind="AI")
    _exit(aci, 1, "chomage", entry=date(2009, 1, 31), exit_=date(2009, 4, 30))
    _exit(aci, 2, "chomage", entry=date(2009, 1, 31), exit_=date(2009, 4, 29))
    _exit(ai, 3, "chomage", hours_worked=150)
    _exit(ai, 4, "chomage", hours_worked="149.5")
    _exit(ai, 5, "chomage")
    grouped = exit_counts_by(ExitRecord.objects.all(), "structure__kind")
    assert grouped[("ACI",)]["chomage"].eligible == 1
    assert grouped[("AI",)]["chomage"].eligible == 1
    assert grouped[("AI",)]["chomage"].total == 3


def test_followup_situations():
    aci = StructureFactory(kind="ACI")
    _exit(aci, 1, "chomage", situation_6_months="cdi_non_aide")
    _exit(aci, 2, "chomage", situation_6_months="chomage")
    _exit(aci, 3, "chomage")
    _exit(aci, 4, "deces", situation_6_months="cdi_non_aide")  # retrait: out
    situations = followup_situations_by(ExitRecord.objects.all(), 6)[()]
    assert situations == {"cdi_non_aide": 1, "chomage": 1, None: 1}
    assert followup_rate(situations, 3).numerator == 1


def test_entry_date_change_updates_eligibility():
    aci = StructureFactory(kind="ACI")
    record = _exit(aci, 1, "chomage", entry=date(2009, 8, 1), exit_=date(2009, 9, 30))
    assert not ExitRecord.objects.eligible().exists()
    record.entry_date = date(2009, 6, 30)
    record.save()
    assert ExitRecord.objects.eligible().get() == record
