"""The arithmetic of negotiated objectives, as pure functions over plain values (no Django).

Rates are fractions between 0 and 1 (as in `indicators.calculations.Rate`), exits are counts.
`measure()` decides whether an objective is reached, by how much it is missed, and whether the miss
lies within one exit's worth; `wilson_interval()` gives the 95 % interval shown beside every rate.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The 97.5th percentile of the normal law: a two-sided 95 % interval.
Z_95 = 1.959963984540054

# How many years a convention covers, at most (circulaire DGEFP 2008-21: three years).
MAX_CONVENTION_YEARS = 3


def wilson_interval(numerator: int, denominator: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of `numerator` successes out of `denominator` (fractions 0-1),
    or None without a denominator. Unlike the normal approximation it stays within [0, 1] and does
    not collapse to a point at 0 % or 100 %."""
    if denominator <= 0:
        return None
    if not 0 <= numerator <= denominator:
        raise ValueError(f"numerator {numerator} outside 0..{denominator}")
    n, p = denominator, numerator / denominator
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def one_exit_step(denominator: int) -> float | None:
    """How far one outcome moves a rate over `denominator` exits (a fraction: 1/denominator): "une
    sortie de plus ou de moins déplace ce taux de N points" with N = 100 × this value. None
    without a denominator."""
    return 1 / denominator if denominator > 0 else None


# How close a float may be to a target and still count as reaching it (0.6 stored as 0.6000 but
# computed as 3/5 = 0.6 exactly; 7/12 vs 0.5833 must not flip on the last decimal).
EPSILON = 1e-9


@dataclass(frozen=True)
class Measure:
    """An objective against what was achieved.

    `actual`, `target`, `gap` (actual - target) and `step` (one exit's worth) are fractions 0-1 for
    a rate, counts for exits; `actual`, `gap`, `step` are None when nothing can be measured (no exit
    in the denominator), and then `reached` and `within_margin` are None too."""

    target: float
    actual: float | None
    numerator: int | None
    denominator: int | None
    gap: float | None
    step: float | None
    reached: bool | None
    within_margin: bool | None
    interval: tuple[float, float] | None

    @property
    def status(self) -> str:
        """ "reached", "within_margin", "missed" or "unmeasured"."""
        if self.reached is None:
            return "unmeasured"
        if self.reached:
            return "reached"
        return "within_margin" if self.within_margin else "missed"


STATUS_LABELS = {
    "reached": "atteint",
    "within_margin": "écart dans la marge d'une sortie",
    "missed": "non atteint",
    "unmeasured": "pas encore mesurable",
}


def measure_rate(numerator: int, denominator: int, target: float) -> Measure:
    """A rate objective: reached when numerator/denominator is at least `target`; a miss is within
    the margin when one more favourable exit would close the gap (gap ≥ -1/denominator)."""
    if denominator <= 0:
        return Measure(target, None, numerator, denominator, None, None, None, None, None)
    actual = numerator / denominator
    gap = actual - target
    step = 1 / denominator
    reached = gap >= -EPSILON
    within = (not reached) and gap >= -step - EPSILON
    return Measure(
        target, actual, numerator, denominator, gap, step, reached, within, wilson_interval(numerator, denominator)
    )


def measure_exits(exits: int, target: float) -> Measure:
    """An exits-forecast objective: reached when the year's exits are at least the forecast; one
    exit short is within the margin."""
    gap = exits - target
    reached = gap >= -EPSILON
    within = (not reached) and gap >= -1 - EPSILON
    return Measure(target, float(exits), exits, None, gap, 1.0, reached, within, None)


def points(value: float | None) -> str:
    """A fraction as signed points, French style: -0.0333 -> "-3,3 points", None -> "—"."""
    if value is None:
        return "—"
    number = f"{value * 100:+.1f}".replace(".", ",").replace("-", "−")
    return f"{number} point{'s' if abs(value * 100) >= 2 else ''}"


def one_exit_sentence(step: float | None) -> str:
    """ "une sortie de plus ou de moins déplace ce taux de 3,3 points" (or "" without a rate)."""
    if step is None:
        return ""
    return f"une sortie de plus ou de moins déplace ce taux de {step * 100:.1f} points".replace(".", ",")


def interval_text(interval: tuple[float, float] | None) -> str:
    """ "IC 95 % : 41–73 %" (whole points: the bounds of an interval are not worth a decimal), ""
    without an interval."""
    if interval is None:
        return ""
    low, high = interval
    return f"IC 95\u00a0% : {low * 100:.0f}–{high * 100:.0f}\u00a0%"


def default_targets(history: Sequence[Mapping[str, float | None]]) -> dict[str, float | None]:
    """Pre-filled objectives from a structure's last years: per indicator, the mean of the years
    that have a value (None when none has). `history` holds one {indicator: value} per year."""
    keys = {key for year in history for key in year}
    targets = {}
    for key in sorted(keys):
        values = [year[key] for year in history if year.get(key) is not None]
        targets[key] = sum(values) / len(values) if values else None
    return targets


def convention_years_valid(first_year: int, last_year: int) -> str | None:
    """The French message for a bad span of years, or None when it holds (1 to 3 years)."""
    if last_year < first_year:
        return "L'année de fin doit suivre l'année de début."
    if last_year - first_year + 1 > MAX_CONVENTION_YEARS:
        return f"Une convention couvre au plus {MAX_CONVENTION_YEARS} ans."
    return None


# A structure's standing for a year, from the statuses of its objectives: the worst one measured.
OVERALL_ORDER = ("missed", "within_margin", "reached")
OVERALL_LABELS = {
    "missed": "objectif non atteint",
    "within_margin": "écart dans la marge d'une sortie",
    "reached": "objectifs atteints",
    "unmeasured": "pas encore mesurable",
}


def overall_status(statuses: Sequence[str]) -> str:
    """ "missed" when one objective is missed beyond the one-exit margin, else "within_margin" when
    one misses within it, else "reached" when every measured one is reached, else "unmeasured"."""
    for status in OVERALL_ORDER:
        if status in statuses:
            return status
    return "unmeasured"


# --- History: the versions simple_history keeps, as changes a reader follows ------------------------


@dataclass(frozen=True)
class Version:
    """One stored version of an object: `key` names the object, `kind` is "+", "~" or "-" (created,
    changed, deleted), `values` its tracked fields at that moment."""

    key: object
    when: object  # a datetime
    who: object
    kind: str
    reason: str
    values: Mapping


@dataclass(frozen=True)
class Change:
    key: object
    field: str
    before: object
    after: object
    when: object
    who: object
    reason: str


def changes_of(versions: Sequence[Version]) -> list[Change]:
    """Each field that a version changed against the previous version of the same object (`versions`
    in chronological order): a creation gives its non-empty fields (before None), a deletion its
    last values (after None). Chronological."""
    last: dict = {}
    result = []
    for version in versions:
        previous = last.get(version.key, {})
        if version.kind == "-":
            pairs = [(field, value, None) for field, value in previous.items() if value not in (None, "")]
            last.pop(version.key, None)
        else:
            pairs = [
                (field, previous.get(field), value)
                for field, value in version.values.items()
                if previous.get(field) != value and not (version.kind == "+" and value in (None, ""))
            ]
            last[version.key] = dict(version.values)
        result += [
            Change(version.key, field, before, after, version.when, version.who, version.reason or "")
            for field, before, after in pairs
        ]
    return result


def group_changes(changes: Sequence[Change], window_seconds: float = 2) -> list[list[Change]]:
    """Consecutive changes by the same person with the same reason, each within `window_seconds` of
    the group's first one (one form sent), as one group."""
    groups: list[list[Change]] = []
    for change in changes:
        group = groups[-1] if groups else None
        if (
            group
            and group[0].who == change.who
            and group[0].reason == change.reason
            and (change.when - group[0].when).total_seconds() <= window_seconds
        ):
            group.append(change)
        else:
            groups.append([change])
    return groups
