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


# --- Reshaping: complementary indicators, totals, sorting (no database either) -----------------------


def _figures(total, internal="0", external="0", entries=0, actions=0, signed=0):
    from indicators.calculations import FOLLOWUP_MONTHS, ExitFigures

    return ExitFigures(
        MotiveCount(total, total, 0),
        dict.fromkeys(FOLLOWUP_MONTHS, FollowupCount()),
        Decimal(internal),
        Decimal(external),
        entries,
        actions,
        signed,
    )


def test_complementary_indicators_per_salarie_and_prescribers_in_reference_order():
    from indicators.calculations import complementary_indicators, total_of

    total = total_of([_figures(2, internal="10.5", entries=1), _figures(1, internal="2", external="1", actions=3)])
    indicators = complementary_indicators(2009, total, {"plie": (6, 2), "autre": (3, 0), "pole_emploi": (10, 4)})
    assert (indicators.year, indicators.salaries) == (2009, 3)
    assert indicators.internal_per_salarie == 12.5 / 3  # unrounded for the pages
    assert indicators.external_per_salarie == 1 / 3
    assert (indicators.entries_per_salarie, indicators.support_actions_per_salarie) == (1 / 3, 1.0)
    # The reference order of the prescribers (PRESCRIBERS), whatever the order given.
    assert [p.prescriber for p in indicators.prescribers] == ["pole_emploi", "plie", "autre"]
    assert [p.label for p in indicators.prescribers] == ["Pôle emploi", "PLIE", "Autre"]
    assert (indicators.positioned, indicators.hired, indicators.hiring_ratio) == (19, 6, 6 / 19)
    report = indicators.as_dict()  # the report's JSON: rounded to 2 decimals
    assert report["support_hours"] == {
        "salaries": 3, "internal": 12.5, "external": 1.0, "internal_per_salarie": 4.17, "external_per_salarie": 0.33
    }  # fmt: skip
    assert report["training"] == {
        "entries": 1, "support_actions": 3, "entries_per_salarie": 0.33, "support_actions_per_salarie": 1.0
    }  # fmt: skip
    assert report["prescribers"]["by_prescriber"][0] == {
        "prescriber": "pole_emploi", "label": "Pôle emploi", "positioned": 10, "hired": 4, "ratio": 0.4
    }  # fmt: skip
    assert report["prescribers"]["ratio"] == 6 / 19


def test_complementary_indicators_of_no_exit_and_no_positioning_have_no_ratio():
    from indicators.calculations import complementary_indicators, total_of

    indicators = complementary_indicators(2009, total_of([]), {})
    assert indicators.salaries == 0 and indicators.prescribers == ()
    assert indicators.internal_per_salarie is None and indicators.hiring_ratio is None
    report = indicators.as_dict()
    assert report["support_hours"]["internal_per_salarie"] is None
    assert report["prescribers"] == {"by_prescriber": [], "positioned": 0, "hired": 0, "ratio": None}
    assert report["signed_statements"] == 0


def test_followup_rates_per_months_with_known_situations():
    from indicators.calculations import ExitFigures, followup_rates

    def figures(known_6, dynamic_6):
        return ExitFigures(
            MotiveCount(3, 3, 0),
            {3: FollowupCount(), 6: FollowupCount(known_6, dynamic_6), 12: FollowupCount()},
            Decimal(0),
            Decimal(0),
            0,
            0,
            0,
        )

    rates = followup_rates({"chomage": figures(2, 1), "deces": figures(1, 1)}, denominator=3)
    assert list(rates) == [3, 6, 12]
    rate, known = rates[6]
    assert (rate.numerator, rate.denominator, known) == (1, 3, 2)  # the retrait is left out
    assert rates[3][0].as_dict() == {"numerator": 0, "denominator": 3, "rate": 0.0}


def test_merge_counts_and_year_span():
    from indicators.calculations import merge_counts, year_span

    merged = merge_counts(
        [{"chomage": MotiveCount(2, 1, 0)}, {"chomage": MotiveCount(1, 1, 1), "deces": MotiveCount(1)}]
    )
    assert merged == {"chomage": MotiveCount(3, 2, 1), "deces": MotiveCount(1, 0, 0)}
    assert year_span(2009, 4) == [2006, 2007, 2008, 2009]


def test_sort_rows_puts_structures_without_a_rate_last_both_ways():
    from indicators.calculations import BUILTIN_DEFINITIONS, RateSet, StructureRow, sort_rows

    definitions = list(BUILTIN_DEFINITIONS.values())

    def row(name, counts):
        return StructureRow(0, name, "", "EI", "59", RateSet(counts, definitions))

    rows = [
        row("b", {"chomage": MotiveCount(1, 1, 0)}),
        row("Sans", {}),
        row("a", {"cdi_aide": MotiveCount(1, 1, 0)}),
    ]
    assert [r.name for r in sort_rows(rows, "official")] == ["b", "a", "Sans"]
    assert [r.name for r in sort_rows(rows, "-official")] == ["a", "b", "Sans"]
    assert [r.name for r in sort_rows(rows, "-name")] == ["Sans", "b", "a"]
    assert [r.name for r in sort_rows(rows, "unknown")] == ["a", "b", "Sans"]  # by name
