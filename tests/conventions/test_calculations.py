"""The arithmetic of objectives against hand-computed values (no database)."""

import pytest

from conventions.calculations import (
    convention_years_valid,
    default_targets,
    interval_text,
    measure_exits,
    measure_rate,
    one_exit_sentence,
    one_exit_step,
    points,
    wilson_interval,
)


def approx(pair, tolerance=1e-4):
    return pytest.approx(pair, abs=tolerance)


def test_wilson_without_exits_is_none():
    assert wilson_interval(0, 0) is None


def test_wilson_at_zero_percent_keeps_an_upper_bound():
    # 0/10: upper = z² / (n + z²) = 3.8415 / 13.8415
    assert wilson_interval(0, 10) == approx((0.0, 0.27753))


def test_wilson_at_hundred_percent_keeps_a_lower_bound():
    # 10/10: lower = n / (n + z²) = 10 / 13.8415
    assert wilson_interval(10, 10) == approx((0.72247, 1.0))


def test_wilson_of_one_exit():
    # n = 1: lower = 1 / (1 + z²) = 0.20655 when the exit is dynamic; upper = z² / (1 + z²) otherwise.
    assert wilson_interval(1, 1) == approx((0.20655, 1.0))
    assert wilson_interval(0, 1) == approx((0.0, 0.79345))


def test_wilson_three_out_of_five():
    # p = 0.6, n = 5: centre (0.6 + 0.38415) / 1.76829 = 0.55655, half 1.96 × 0.29396 / 1.76829 = 0.32583
    assert wilson_interval(3, 5) == approx((0.23072, 0.88238))


def test_wilson_refuses_a_numerator_above_the_denominator():
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_one_exit_step():
    assert one_exit_step(0) is None
    assert one_exit_step(1) == 1.0
    assert one_exit_step(12) == pytest.approx(1 / 12)
    assert one_exit_sentence(one_exit_step(12)) == "une sortie de plus ou de moins déplace ce taux de 8,3 points"
    assert one_exit_sentence(None) == ""


def test_interval_text_in_whole_points():
    # 7/12 → 31,9–80,7 %; 0/10 → 0–27,8 %; 10/10 → 72,2–100 % (hand-computed above).
    assert interval_text(wilson_interval(7, 12)) == "IC 95\u00a0% : 32–81\u00a0%"
    assert interval_text(wilson_interval(0, 10)) == "IC 95\u00a0% : 0–28\u00a0%"
    assert interval_text(wilson_interval(10, 10)) == "IC 95\u00a0% : 72–100\u00a0%"
    assert interval_text(wilson_interval(0, 0)) == ""


def test_reached_exactly_on_target():
    measured = measure_rate(3, 5, 0.6)
    assert measured.reached is True and measured.within_margin is False and measured.status == "reached"
    assert measured.gap == pytest.approx(0)


def test_missed_by_less_than_one_exit_is_within_margin():
    # 7/12 = 58.3 % against 60 %: -1.7 points, one exit is 8.3 points.
    measured = measure_rate(7, 12, 0.6)
    assert measured.reached is False and measured.within_margin is True
    assert measured.status == "within_margin"
    assert measured.gap == pytest.approx(7 / 12 - 0.6)


def test_missed_by_exactly_one_exit_is_within_margin():
    # 6/10 would be 60 %: 5/10 misses by exactly one exit.
    assert measure_rate(5, 10, 0.6).status == "within_margin"


def test_missed_beyond_one_exit():
    # 5/12 = 41.7 %: two exits short of 60 %.
    measured = measure_rate(5, 12, 0.6)
    assert measured.status == "missed" and measured.within_margin is False


def test_zero_percent_and_hundred_percent():
    assert measure_rate(0, 10, 0.25).status == "missed"
    assert measure_rate(10, 10, 0.6).status == "reached"
    assert measure_rate(10, 10, 1).status == "reached"
    assert measure_rate(0, 10, 0).status == "reached"


def test_one_exit_makes_a_hundred_points():
    # n = 1: 0/1 against 60 % is one exit short (one more makes 100 %).
    measured = measure_rate(0, 1, 0.6)
    assert measured.step == 1.0 and measured.status == "within_margin"
    assert measure_rate(1, 1, 0.6).status == "reached"


def test_no_exit_is_not_measurable():
    measured = measure_rate(0, 0, 0.6)
    assert measured.actual is None and measured.reached is None and measured.within_margin is None
    assert measured.status == "unmeasured" and measured.interval is None


def test_exits_forecast():
    assert measure_exits(20, 20).status == "reached"
    assert measure_exits(19, 20).status == "within_margin"
    assert measure_exits(18, 20).status == "missed"
    assert measure_exits(0, 0).status == "reached"
    assert measure_exits(18, 20).gap == -2


def test_points():
    assert points(-0.0333) == "−3,3 points"
    assert points(0.05) == "+5,0 points"
    assert points(0.01) == "+1,0 point"
    assert points(None) == "—"


def test_default_targets_average_the_years_with_a_value():
    history = [{"official": 0.5, "exits": 10}, {"official": None, "exits": 14}, {"official": 0.7, "exits": 12}]
    assert default_targets(history) == {"exits": 12, "official": pytest.approx(0.6)}
    assert default_targets([{"official": None}]) == {"official": None}
    assert default_targets([]) == {}


def test_convention_years():
    assert convention_years_valid(2007, 2009) is None
    assert convention_years_valid(2007, 2007) is None
    assert convention_years_valid(2007, 2010) == "Une convention couvre au plus 3 ans."
    assert convention_years_valid(2009, 2008) == "L'année de fin doit suivre l'année de début."


def test_overall_status_is_the_worst_measured_one():
    from conventions.calculations import overall_status

    assert overall_status(["reached", "missed", "within_margin"]) == "missed"
    assert overall_status(["reached", "within_margin", "unmeasured"]) == "within_margin"
    assert overall_status(["reached", "unmeasured"]) == "reached"
    assert overall_status(["unmeasured"]) == "unmeasured"
    assert overall_status([]) == "unmeasured"
