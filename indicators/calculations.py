"""The dynamic exit rate rules (docs/domain.md), as pure functions over plain values.

No Django here: the ORM only fetches counts (see `selectors.py`), these functions decide.
"""

import calendar
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from siae_portal.reference import (
    DURABLE,
    DYNAMIC_CATEGORIES,
    ELIGIBILITY_HOURS,
    ELIGIBILITY_MONTHS,
    KINDS_ELIGIBLE_BY_DURATION,
    KINDS_ELIGIBLE_BY_HOURS,
    MOTIVE_CATEGORY,
    OTHER,
    POSITIVE,
    RETRAIT,
    TRANSITION,
    URIAE_EXCLUDED_MOTIVES,
)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the end of a shorter month
    (31 January + 3 months = 30 April)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def eligibility_date(entry_date: date) -> date:
    """First exit date at which an ACI/EI exit is eligible (3 calendar months after entry)."""
    return add_months(entry_date, ELIGIBILITY_MONTHS)


def is_eligible(kind: str, entry_date: date, exit_date: date, hours_worked: Decimal | float | None) -> bool:
    """An exit counts for the rate only if the person stayed long enough: 3 calendar months for
    ACI/EI, 150 hours worked for AI/ETTI."""
    if kind in KINDS_ELIGIBLE_BY_DURATION:
        return exit_date >= eligibility_date(entry_date)
    if kind in KINDS_ELIGIBLE_BY_HOURS:
        return hours_worked is not None and hours_worked >= ELIGIBILITY_HOURS
    raise ValueError(f"Unknown structure kind: {kind!r}")


class MotiveCount(NamedTuple):
    """Exits of one motive: all of them, the eligible ones, and the eligible ones in a full-time job.
    (A named tuple: tables build one per structure and motive, thousands per page.)"""

    total: int = 0
    eligible: int = 0
    eligible_full_time: int = 0

    def __add__(self, other: "MotiveCount") -> "MotiveCount":
        return MotiveCount(
            self.total + other.total,
            self.eligible + other.eligible,
            self.eligible_full_time + other.eligible_full_time,
        )


@dataclass(frozen=True)
class ExitSummary:
    total: int
    eligible: int
    retraits: int
    durable: int
    transition: int
    positive: int
    other: int

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "eligible": self.eligible,
            "retraits": self.retraits,
            "durable": self.durable,
            "transition": self.transition,
            "positive": self.positive,
            "other": self.other,
        }


@dataclass(frozen=True)
class RateDefinition:
    """How a rate is computed: which categories make the numerator, which motives leave the
    denominator (retraits always do), and an optional extra condition on durable employment."""

    code: str
    label: str
    numerator_categories: frozenset = DYNAMIC_CATEGORIES
    excluded_motives: frozenset = field(default_factory=frozenset)
    durable_requires_full_time: bool = False
    target: float | None = None

    def __post_init__(self):
        # Hashable whatever the caller passes (a set, a list): `motive_roles` caches per definition.
        object.__setattr__(self, "numerator_categories", frozenset(self.numerator_categories))
        object.__setattr__(self, "excluded_motives", frozenset(self.excluded_motives))


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """Between 0 and 1, or None when the denominator is empty (shown as "pas de taux")."""
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "rate": self.rate}


OFFICIAL = RateDefinition("official", "Taux de sortie dynamique (officiel)", target=0.60)
URIAE = RateDefinition(
    "uriae", "Taux de sortie dynamique (variante URIAE)", excluded_motives=URIAE_EXCLUDED_MOTIVES, target=0.60
)
DURABLE_RATE = RateDefinition(
    "durable", "Taux d'emploi durable", numerator_categories=frozenset({DURABLE}), target=0.25
)
BUILTIN_DEFINITIONS = {definition.code: definition for definition in (OFFICIAL, URIAE, DURABLE_RATE)}


def summarize(counts: Mapping[str, MotiveCount]) -> ExitSummary:
    """Totals per category; the category counts are of eligible exits only."""
    by_category = dict.fromkeys((DURABLE, TRANSITION, POSITIVE, OTHER, RETRAIT), 0)
    for motive, count in counts.items():
        by_category[MOTIVE_CATEGORY[motive]] += count.eligible
    return ExitSummary(
        total=sum(count.total for count in counts.values()),
        eligible=sum(count.eligible for count in counts.values()),
        retraits=by_category[RETRAIT],
        durable=by_category[DURABLE],
        transition=by_category[TRANSITION],
        positive=by_category[POSITIVE],
        other=by_category[OTHER],
    )


NOT_COUNTED, DENOMINATOR, NUMERATOR, NUMERATOR_IF_FULL_TIME = range(4)


@functools.lru_cache(maxsize=256)
def motive_roles(definition: RateDefinition) -> dict[str, int]:
    """What each motive's eligible exits add to `definition`'s rate: nothing (retraits and the
    excluded motives), the denominator only, or the numerator too (all of them, or only those in
    a full-time job). Worked out once per definition, then read for every structure."""
    roles = {}
    for motive, category in MOTIVE_CATEGORY.items():
        if category == RETRAIT or motive in definition.excluded_motives:
            roles[motive] = NOT_COUNTED
        elif category not in definition.numerator_categories:
            roles[motive] = DENOMINATOR
        elif category == DURABLE and definition.durable_requires_full_time:
            roles[motive] = NUMERATOR_IF_FULL_TIME
        else:
            roles[motive] = NUMERATOR
    return roles


def compute_rate(counts: Mapping[str, MotiveCount], definition: RateDefinition) -> Rate:
    roles = motive_roles(definition)
    numerator = denominator = 0
    for motive, (_, eligible, eligible_full_time) in counts.items():
        role = roles[motive]
        if role == NOT_COUNTED:
            continue
        denominator += eligible
        if role == NUMERATOR:
            numerator += eligible
        elif role == NUMERATOR_IF_FULL_TIME:
            numerator += eligible_full_time
    return Rate(numerator, denominator)


DYNAMIC_MOTIVES = frozenset(motive for motive, category in MOTIVE_CATEGORY.items() if category in DYNAMIC_CATEGORIES)


@dataclass(frozen=True)
class FollowupCount:
    """Eligible exits of one motive seen again at a follow-up: with a known situation, and with a
    dynamic one (durable, transition or positive)."""

    known: int = 0
    dynamic: int = 0

    def __add__(self, other: "FollowupCount") -> "FollowupCount":
        return FollowupCount(self.known + other.known, self.dynamic + other.dynamic)


def followup_total(by_motive: Mapping[str, FollowupCount]) -> FollowupCount:
    """The follow-up counts of the non-withdrawn exits (retraits stay out, as in the rates)."""
    total = FollowupCount()
    for motive, count in by_motive.items():
        if MOTIVE_CATEGORY[motive] != RETRAIT:
            total = total + count
    return total


def followup_rate_by_motive(by_motive: Mapping[str, FollowupCount], denominator: int) -> Rate:
    """Dynamic exits observed at a follow-up (3, 6 or 12 months after exit), over the official
    denominator. Counts come per exit motive (so that one GROUP BY motive gives the rates and the
    follow-ups at once); retraits stay out, and an unknown situation counts as not dynamic."""
    return Rate(followup_total(by_motive).dynamic, denominator)


def safe_ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
