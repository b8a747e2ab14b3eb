"""The rate rules, without a database."""

from datetime import date
from decimal import Decimal

import pytest

from indicators.calculations import (
    DURABLE_RATE,
    OFFICIAL,
    URIAE,
    FollowupCount,
    MotiveCount,
    RateDefinition,
    add_months,
    compute_rate,
    eligibility_date,
    followup_rate_by_motive,
    followup_total,
    is_eligible,
    summarize,
)


def counts_from(exits):
    """exits: (motive, eligible, full_time) tuples -> {motive: MotiveCount}."""
    counts = {}
    for motive, eligible, full_time in exits:
        counts[motive] = counts.get(motive, MotiveCount()) + MotiveCount(1, int(eligible), int(eligible and full_time))
    return counts


# docs/domain.md worked example (ACI, exits in 2009).
WORKED_EXAMPLE = counts_from(
    [("cdi_non_aide", True, True)] * 3
    + [("cdd_6m_plus", True, False)]
    + [("cdd_moins_6m", True, False)] * 3
    + [("formation_qualifiante", True, False)] * 3
    + [("chomage", True, False)] * 3
    + [("inactif", True, False)] * 2
    + [("sans_nouvelle", True, False), ("autre_situation_connue", True, False)]
    + [("deces", True, False), ("conge_longue_duree", True, False)]
    + [("cdi_non_aide", False, True)]  # after only 2 months: not eligible
)


def test_worked_example_summary():
    summary = summarize(WORKED_EXAMPLE)
    assert summary.as_dict() == {
        "total": 20,
        "eligible": 19,
        "retraits": 2,
        "durable": 4,
        "transition": 3,
        "positive": 3,
        "other": 7,
    }


def test_worked_example_rates():
    official = compute_rate(WORKED_EXAMPLE, OFFICIAL)
    assert (official.numerator, official.denominator) == (10, 17)
    assert round(official.rate * 100, 1) == 58.8
    uriae = compute_rate(WORKED_EXAMPLE, URIAE)
    assert (uriae.numerator, uriae.denominator) == (10, 13)
    assert round(uriae.rate * 100, 1) == 76.9
    durable = compute_rate(WORKED_EXAMPLE, DURABLE_RATE)
    assert (durable.numerator, durable.denominator) == (4, 17)
    assert round(durable.rate * 100, 1) == 23.5


def test_custom_definition_durable_only_full_time():
    definition = RateDefinition("custom", "Durable à temps plein", durable_requires_full_time=True)
    rate = compute_rate(WORKED_EXAMPLE, definition)
    # The cdd_6m_plus exit is not full time: it leaves the numerator, not the denominator.
    assert (rate.numerator, rate.denominator) == (9, 17)


def test_custom_definition_excluded_motives():
    definition = RateDefinition("custom", "Sans les ruptures", excluded_motives=frozenset({"chomage"}))
    assert compute_rate(WORKED_EXAMPLE, definition).denominator == 14


def test_empty_group_gives_no_rate():
    for definition in (OFFICIAL, URIAE, DURABLE_RATE):
        rate = compute_rate({}, definition)
        assert (rate.numerator, rate.denominator, rate.rate) == (0, 0, None)
    assert summarize({}).total == 0


def test_only_retraits_gives_no_rate_not_zero():
    rate = compute_rate(counts_from([("deces", True, False), ("demenagement", True, False)]), OFFICIAL)
    assert rate.denominator == 0
    assert rate.rate is None


def test_uriae_with_only_excluded_motives_gives_no_rate():
    counts = counts_from([("inactif", True, False), ("sans_nouvelle", True, False)])
    assert compute_rate(counts, OFFICIAL).rate == 0.0
    assert compute_rate(counts, URIAE).rate is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2009, 1, 31), 3, date(2009, 4, 30)),
        (date(2009, 1, 15), 3, date(2009, 4, 15)),
        (date(2008, 11, 30), 3, date(2009, 2, 28)),
        (date(2007, 11, 30), 3, date(2008, 2, 29)),
        (date(2009, 10, 1), 3, date(2010, 1, 1)),
        (date(2009, 12, 31), 12, date(2010, 12, 31)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("kind", ["ACI", "EI"])
def test_three_calendar_months_boundary(kind):
    entry = date(2009, 1, 31)
    assert eligibility_date(entry) == date(2009, 4, 30)
    assert is_eligible(kind, entry, date(2009, 4, 30), None)
    assert not is_eligible(kind, entry, date(2009, 4, 29), None)
    assert is_eligible(kind, date(2009, 2, 1), date(2009, 5, 1), None)
    assert not is_eligible(kind, date(2009, 2, 1), date(2009, 4, 30), None)


def test_exits_on_first_and_last_day_of_year():
    assert is_eligible("ACI", date(2008, 10, 1), date(2009, 1, 1), None)
    assert not is_eligible("ACI", date(2008, 10, 2), date(2009, 1, 1), None)
    assert is_eligible("EI", date(2009, 9, 30), date(2009, 12, 31), None)
    assert is_eligible("EI", date(2009, 9, 30), date(2009, 12, 30), None)
    assert not is_eligible("EI", date(2009, 10, 1), date(2009, 12, 31), None)


@pytest.mark.parametrize("kind", ["AI", "ETTI"])
def test_150_hours_boundary(kind):
    entry, exit_ = date(2009, 3, 1), date(2009, 3, 20)
    assert is_eligible(kind, entry, exit_, Decimal("150"))
    assert is_eligible(kind, entry, exit_, 150.0)
    assert not is_eligible(kind, entry, exit_, Decimal("149.99"))
    assert not is_eligible(kind, entry, exit_, None)
    # Duration alone does not make an AI/ETTI exit eligible.
    assert not is_eligible(kind, date(2008, 1, 1), date(2009, 12, 31), Decimal("20"))


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        is_eligible("SCOP", date(2009, 1, 1), date(2009, 6, 1), None)


def test_followup_rate_counts_dynamic_situations_of_non_withdrawn_exits():
    # Per exit motive: (exits whose situation is known, exits whose situation is dynamic).
    by_motive = {
        "chomage": FollowupCount(known=5, dynamic=3),
        "cdi_non_aide": FollowupCount(known=2, dynamic=1),
        "inactif": FollowupCount(known=0, dynamic=0),  # nobody seen again: unknown is not dynamic
        "deces": FollowupCount(known=1, dynamic=1),  # a retrait: out, like in the rates
    }
    assert followup_total(by_motive) == FollowupCount(known=7, dynamic=4)
    rate = followup_rate_by_motive(by_motive, denominator=10)
    assert (rate.numerator, rate.denominator, rate.rate) == (4, 10, 0.4)


def test_followup_rate_of_an_empty_group_has_no_rate():
    assert followup_total({}) == FollowupCount()
    assert followup_rate_by_motive({}, 0).rate is None


def test_a_definition_built_with_a_set_or_a_list_still_computes():
    counts = counts_from([("chomage", True, False), ("cdi_non_aide", True, True), ("inactif", True, False)])
    from_set = RateDefinition("x", "x", excluded_motives={"chomage"})
    from_list = RateDefinition("y", "y", excluded_motives=["chomage"])
    assert compute_rate(counts, from_set).as_dict() == compute_rate(counts, from_list).as_dict()
    assert compute_rate(counts, from_set).as_dict() == {"numerator": 1, "denominator": 2, "rate": 0.5}
