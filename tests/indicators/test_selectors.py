from datetime import date
from decimal import Decimal

import pytest

from indicators.calculations import (
    OFFICIAL,
    URIAE,
    FollowupCount,
    MotiveCount,
    compute_rate,
    counts_of,
    followup_rate_by_motive,
    followups_of,
    summarize,
)
from indicators.models import ExitRecord, eligible_exit_q
from indicators.selectors import exit_counts_by, exit_figures_by
from tests.factories import StructureFactory
from tests.indicators.dashboard_data import WORKED_EXAMPLE

pytestmark = pytest.mark.django_db


def _exit(structure, n, motive, entry=date(2009, 1, 5), exit_=date(2009, 9, 30), **fields):
    return ExitRecord.objects.create(
        structure=structure, reference=f"S-{n:04d}", entry_date=entry, exit_date=exit_, exit_motive=motive, **fields
    )


def test_worked_example_from_the_database(django_assert_num_queries):
    aci = StructureFactory(kind="ACI")
    motives = WORKED_EXAMPLE
    for n, motive in enumerate(motives):
        _exit(aci, n, motive)
    _exit(aci, 99, "cdi_non_aide", entry=date(2009, 7, 1), exit_=date(2009, 9, 1))  # 2 months only
    _exit(aci, 100, "chomage", exit_=date(2010, 1, 1))  # another year
    with django_assert_num_queries(1):
        counts = exit_counts_by(ExitRecord.objects.in_years(2009))[()]
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


def test_exit_figures_follow_ups_and_sums_in_one_query(django_assert_num_queries):
    aci = StructureFactory(kind="ACI")
    ai = StructureFactory(kind="AI")
    _exit(aci, 1, "chomage", situation_6_months="cdi_non_aide", support_hours_internal=12, training_entries=1)
    _exit(aci, 2, "chomage", situation_6_months="chomage", support_hours_external="2.5", signed_statement=True)
    _exit(aci, 3, "chomage", situation_3_months="formation_qualifiante", training_support_actions=2)
    _exit(aci, 4, "deces", situation_6_months="cdi_non_aide")  # retrait: counted, then left out of the rate
    _exit(aci, 5, "cdi_aide", entry=date(2009, 8, 1), situation_6_months="cdi_non_aide")  # not eligible
    _exit(ai, 6, "cdi_aide", hours_worked=200, situation_12_months="cdd_moins_6m")
    with django_assert_num_queries(1):
        figures = exit_figures_by(ExitRecord.objects.all())[()]
    assert counts_of(figures) == exit_counts_by(ExitRecord.objects.all())[()]
    assert figures["chomage"].followups == {
        3: FollowupCount(known=1, dynamic=1), 6: FollowupCount(known=2, dynamic=1), 12: FollowupCount()
    }  # fmt: skip
    assert figures["deces"].followups[6] == FollowupCount(known=1, dynamic=1)
    # The ineligible exit is seen again but does not count; the AI one (150 hours and more) does.
    assert figures["cdi_aide"].followups[6] == FollowupCount()
    assert figures["cdi_aide"].followups[12] == FollowupCount(known=1, dynamic=1)
    assert followup_rate_by_motive(followups_of(figures, 6), 4).as_dict() == {
        "numerator": 1, "denominator": 4, "rate": 0.25
    }  # fmt: skip
    chomage = figures["chomage"]
    assert (chomage.support_hours_internal, chomage.support_hours_external) == (12, Decimal("2.5"))
    assert (chomage.training_entries, chomage.training_support_actions, chomage.signed_statements) == (1, 2, 1)
    assert figures["deces"].support_hours_internal == 0


def test_exit_figures_by_group():
    aci = StructureFactory(kind="ACI")
    _exit(aci, 1, "chomage")
    _exit(aci, 2, "chomage", exit_=date(2010, 3, 1), situation_3_months="cdi_non_aide")
    grouped = exit_figures_by(ExitRecord.objects.all(), "exit_date__year")
    assert set(grouped) == {(2009,), (2010,)}
    assert grouped[(2010,)]["chomage"].followups[3] == FollowupCount(known=1, dynamic=1)
    assert grouped[(2009,)]["chomage"].count.total == 1


def test_entry_date_change_updates_eligibility():
    aci = StructureFactory(kind="ACI")
    record = _exit(aci, 1, "chomage", entry=date(2009, 8, 1), exit_=date(2009, 9, 30))
    assert not ExitRecord.objects.filter(eligible_exit_q()).exists()
    record.entry_date = date(2009, 6, 30)
    record.save()
    assert ExitRecord.objects.filter(eligible_exit_q()).get() == record


def test_counts_of_an_empty_scope_run_no_query(django_assert_num_queries):
    from dossiers.models import Structure

    _exit(StructureFactory(kind="ACI"), 1, "chomage")
    records = ExitRecord.objects.filter(structure__in=Structure.objects.none())
    with django_assert_num_queries(0):
        assert exit_counts_by(records, "structure_id") == {}


def test_counts_by_year_have_integer_keys():
    aci = StructureFactory(kind="ACI")
    _exit(aci, 1, "chomage")
    _exit(aci, 2, "cdi_non_aide", exit_=date(2010, 2, 1))
    grouped = exit_counts_by(ExitRecord.objects.all(), "exit_date__year", "structure__kind")
    assert set(grouped) == {(2009, "ACI"), (2010, "ACI")}
    assert all(type(year) is int for year, _ in grouped)


def test_decimal_group_keys_other_than_date_parts_are_kept():
    ai = StructureFactory(kind="AI")
    _exit(ai, 1, "chomage", hours_worked="150.2")
    _exit(ai, 2, "chomage", hours_worked="150.7")
    grouped = exit_counts_by(ExitRecord.objects.all(), "hours_worked")
    assert len(grouped) == 2  # never truncated into one key
    assert sum(counts["chomage"].total for counts in grouped.values()) == 2


def test_in_years_takes_whole_calendar_years_both_ends_included():
    aci = StructureFactory(kind="ACI")
    _exit(aci, 1, "chomage", entry=date(2007, 1, 1), exit_=date(2008, 1, 1))
    _exit(aci, 2, "chomage", entry=date(2007, 1, 1), exit_=date(2008, 12, 31))
    _exit(aci, 3, "chomage", entry=date(2007, 1, 1), exit_=date(2009, 1, 1))
    _exit(aci, 4, "chomage", entry=date(2007, 1, 1), exit_=date(2007, 12, 31))
    assert sorted(ExitRecord.objects.in_years(2008).values_list("reference", flat=True)) == ["S-0001", "S-0002"]
    assert ExitRecord.objects.in_years(2007, 2009).count() == 4


def test_motive_counts_and_figures_by_the_pages_groups(django_assert_num_queries):
    from dossiers.models import Structure
    from indicators.selectors import motive_counts, motive_figures

    aci = StructureFactory(kind="ACI")
    ei = StructureFactory(kind="EI")
    _exit(aci, 1, "chomage")
    _exit(aci, 2, "cdi_aide", exit_=date(2010, 2, 1))
    _exit(ei, 3, "chomage", support_hours_internal=5)
    _exit(StructureFactory(kind="AI"), 4, "chomage", hours_worked=200)  # not among the structures asked
    structures = Structure.objects.filter(pk__in=[aci.pk, ei.pk])
    with django_assert_num_queries(1):
        by_kind = motive_counts(structures, 2009, 2010, "year", "kind")
    assert by_kind == {
        (2009, "ACI"): {"chomage": MotiveCount(1, 1, 0)},
        (2010, "ACI"): {"cdi_aide": MotiveCount(1, 1, 0)},
        (2009, "EI"): {"chomage": MotiveCount(1, 1, 0)},
    }
    assert set(motive_counts(structures, 2009, 2009, "structure")) == {(aci.pk,), (ei.pk,)}
    assert motive_counts([aci.pk], 2009, 2009) == {(): {"chomage": MotiveCount(1, 1, 0)}}
    with django_assert_num_queries(1):
        figures = motive_figures(structures, 2009, 2009)[()]
    assert figures["chomage"].count.total == 2 and figures["chomage"].support_hours_internal == 5


def test_positioning_counts_add_up_structures_per_year_and_prescriber(django_assert_num_queries):
    from indicators.models import PrescriberPositioning
    from indicators.selectors import positioning_counts

    first, second = StructureFactory(kind="ACI"), StructureFactory(kind="EI")
    for structure, year, prescriber, positioned, hired in [
        (first, 2009, "plie", 5, 2),
        (second, 2009, "plie", 3, 1),
        (second, 2009, "ccas", 4, 0),
        (first, 2008, "plie", 1, 1),
        (first, 2007, "plie", 9, 9),
    ]:
        PrescriberPositioning.objects.create(
            structure=structure, year=year, prescriber=prescriber, positioned=positioned, hired=hired
        )
    with django_assert_num_queries(1):
        counts = positioning_counts([first.pk, second.pk], [2008, 2009])
    assert counts == {2009: {"plie": (8, 3), "ccas": (4, 0)}, 2008: {"plie": (1, 1)}}
