"""The dynamic exit rate rules (docs/domain.md) and the shapes the pages read, as pure functions
over plain values.

No Django here: the ORM only fetches counts (see `selectors.py`), these functions decide and
reshape (rates, complementary indicators, totals, sorting).
"""

import calendar
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
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
    PRESCRIBERS,
    RETRAIT,
    TARGET_DURABLE_RATE,
    TARGET_DYNAMIC_RATE,
    TRANSITION,
    URIAE_EXCLUDED_MOTIVES,
)
from siae_portal.words import french_key

# The follow-ups of an exit record: its situation 3, 6 and 12 months after the exit.
FOLLOWUP_MONTHS = (3, 6, 12)


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


OFFICIAL = RateDefinition("official", "Taux de sortie dynamique (officiel)")
URIAE = RateDefinition("uriae", "Taux de sortie dynamique (variante URIAE)", excluded_motives=URIAE_EXCLUDED_MOTIVES)
DURABLE_RATE = RateDefinition("durable", "Taux d'emploi durable", numerator_categories=frozenset({DURABLE}))
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


def year_span(last_year: int, n: int) -> list[int]:
    """The `n` years ending with `last_year`, oldest first."""
    return list(range(last_year - n + 1, last_year + 1))


# --- Exit figures: what the selectors hand over, per group and motive ----------------------------


@dataclass(frozen=True)
class ExitFigures:
    """Everything the reports read off the exits of one motive in a group."""

    count: MotiveCount
    followups: dict  # {months: FollowupCount}
    support_hours_internal: Decimal
    support_hours_external: Decimal
    training_entries: int
    training_support_actions: int
    signed_statements: int

    def __add__(self, other: "ExitFigures") -> "ExitFigures":
        return ExitFigures(
            count=self.count + other.count,
            followups={months: count + other.followups[months] for months, count in self.followups.items()},
            support_hours_internal=self.support_hours_internal + other.support_hours_internal,
            support_hours_external=self.support_hours_external + other.support_hours_external,
            training_entries=self.training_entries + other.training_entries,
            training_support_actions=self.training_support_actions + other.training_support_actions,
            signed_statements=self.signed_statements + other.signed_statements,
        )


def total_of(figures: Iterable[ExitFigures]) -> ExitFigures:
    """The sum of some `ExitFigures` (a group's motives), zero for none."""
    zero = ExitFigures(MotiveCount(), dict.fromkeys(FOLLOWUP_MONTHS, FollowupCount()), Decimal(0), Decimal(0), 0, 0, 0)
    return sum(figures, zero)


def counts_of(figures: Mapping[str, ExitFigures]) -> dict:
    """{motive: MotiveCount} out of {motive: ExitFigures}, for the rate functions."""
    return {motive: figure.count for motive, figure in figures.items()}


def followups_of(figures: Mapping[str, ExitFigures], months: int) -> dict:
    """{motive: FollowupCount} at `months` out of {motive: ExitFigures}."""
    return {motive: figure.followups[months] for motive, figure in figures.items()}


def followup_rates(figures: Mapping[str, ExitFigures], denominator: int) -> dict[int, tuple[Rate, int]]:
    """Per follow-up (3, 6 and 12 months): the dynamic exit rate observed then over the official
    `denominator`, and how many situations are known."""
    rates = {}
    for months in FOLLOWUP_MONTHS:
        by_motive = followups_of(figures, months)
        rates[months] = (followup_rate_by_motive(by_motive, denominator), followup_total(by_motive).known)
    return rates


def merge_counts(groups: Iterable[Mapping[str, MotiveCount]]) -> dict:
    """Sum {motive: MotiveCount} mappings (e.g. structures into their kind)."""
    total = {}
    for counts in groups:
        for motive, (n, eligible, full_time) in counts.items():
            sums = total.get(motive)
            if sums is None:
                total[motive] = [n, eligible, full_time]
            else:
                sums[0] += n
                sums[1] += eligible
                sums[2] += full_time
    return {motive: MotiveCount(*sums) for motive, sums in total.items()}


# --- The complementary indicators -------------------------------------------------------------------

PRESCRIBER_LABELS = dict(PRESCRIBERS)


class PrescriberCount(NamedTuple):
    """People a prescriber positioned in a year, and people hired among them."""

    prescriber: str
    positioned: int
    hired: int

    @property
    def label(self) -> str:
        return PRESCRIBER_LABELS[self.prescriber]

    @property
    def ratio(self) -> float | None:
        return safe_ratio(self.hired, self.positioned)


def _per_salarie(total: str) -> property:
    """A read-only attribute: the `total` field per salarié of the year (float, None without salariés)."""
    return property(lambda indicators: safe_ratio(getattr(indicators, total), indicators.salaries))


@dataclass(frozen=True)
class ComplementaryIndicators:
    """The indicators shown beside the rates (DOMAIN.md) for a group and a year: support hours and
    training per salarié (salariés: the exits of the year), signed exit statements, and people
    hired among those the prescribers positioned. Hours in hours, ratios between 0 and 1 or None."""

    year: int
    salaries: int
    support_hours_internal: float
    support_hours_external: float
    training_entries: int
    training_support_actions: int
    signed_statements: int
    prescribers: tuple[PrescriberCount, ...] = ()  # in the reference order of PRESCRIBERS

    internal_per_salarie = _per_salarie("support_hours_internal")
    external_per_salarie = _per_salarie("support_hours_external")
    entries_per_salarie = _per_salarie("training_entries")
    support_actions_per_salarie = _per_salarie("training_support_actions")

    @property
    def positioned(self) -> int:
        return sum(p.positioned for p in self.prescribers)

    @property
    def hired(self) -> int:
        return sum(p.hired for p in self.prescribers)

    @property
    def hiring_ratio(self) -> float | None:
        return safe_ratio(self.hired, self.positioned)

    def as_dict(self) -> dict:
        """The report's JSON (`reports.build_report`): hours and ratios per salarié rounded to 2 decimals."""
        return {
            "prescribers": {
                "by_prescriber": [
                    {
                        "prescriber": p.prescriber,
                        "label": p.label,
                        "positioned": p.positioned,
                        "hired": p.hired,
                        "ratio": p.ratio,
                    }
                    for p in self.prescribers
                ],  # fmt: skip
                "positioned": self.positioned,
                "hired": self.hired,
                "ratio": self.hiring_ratio,
            },
            "support_hours": {
                "salaries": self.salaries,
                "internal": round(self.support_hours_internal, 2),
                "external": round(self.support_hours_external, 2),
                "internal_per_salarie": _rounded(self.internal_per_salarie),
                "external_per_salarie": _rounded(self.external_per_salarie),
            },
            "training": {
                "entries": self.training_entries,
                "support_actions": self.training_support_actions,
                "entries_per_salarie": _rounded(self.entries_per_salarie),
                "support_actions_per_salarie": _rounded(self.support_actions_per_salarie),
            },
            "signed_statements": self.signed_statements,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def complementary_indicators(
    year: int, total: ExitFigures, positionings: Mapping[str, tuple[int, int]]
) -> ComplementaryIndicators:
    """The complementary indicators of a group for `year`, from the year's `ExitFigures` added up
    (`total_of`) and its positionings {prescriber: (positioned, hired)}."""
    return ComplementaryIndicators(
        year=year,
        salaries=total.count.total,
        support_hours_internal=float(total.support_hours_internal),
        support_hours_external=float(total.support_hours_external),
        training_entries=total.training_entries,
        training_support_actions=total.training_support_actions,
        signed_statements=total.signed_statements,
        prescribers=tuple(
            PrescriberCount(code, *positionings[code]) for code, _ in PRESCRIBERS if code in positionings
        ),
    )


# --- Rates of a group, and the tables built of them ------------------------------------------------


class _LazyRates(dict):
    """{definition code: Rate}, each rate computed the first time it is read (a table of
    thousands of structures sorts on one rate and shows the others for one page only)."""

    def __init__(self, counts, definitions):
        super().__init__()
        self._counts = counts
        self._definitions = definitions  # a few: looked up on first read rather than indexed for each group

    def __missing__(self, code):
        definition = next((d for d in self._definitions if d.code == code), None)
        if definition is None:
            raise KeyError(code)
        rate = self[code] = compute_rate(self._counts, definition)
        return rate


class RateSet:
    """The exits of a group (a structure, a kind, a year...) with its rates."""

    def __init__(self, counts: dict, definitions: list[RateDefinition]):
        self.counts = counts
        self.definitions = definitions
        self.rates = _LazyRates(counts, definitions)

    @cached_property
    def summary(self) -> ExitSummary:
        return summarize(self.counts)

    @property
    def official(self) -> Rate:
        return self.rates[OFFICIAL.code]

    @property
    def uriae(self) -> Rate:
        return self.rates[URIAE.code]

    @property
    def durable(self) -> Rate:
        return self.rates[DURABLE_RATE.code]

    @property
    def custom(self) -> list[tuple[RateDefinition, Rate]]:
        return [(d, self.rates[d.code]) for d in self.definitions if d.code not in BUILTIN_DEFINITIONS]

    @property
    def below_target(self) -> bool:
        """Below the circulaire's targets (60 % dynamic, 25 % durable); never without a rate."""
        official, durable = self.official.rate, self.durable.rate
        return (official is not None and official < TARGET_DYNAMIC_RATE) or (
            durable is not None and durable < TARGET_DURABLE_RATE
        )

    def category_counts(self) -> dict[str, int]:
        s = self.summary
        return {
            "durable": s.durable,
            "transition": s.transition,
            "positive": s.positive,
            "other": s.other,
            "retrait": s.retraits,
        }


@dataclass
class StructureRow:
    pk: int
    name: str
    siret: str
    kind: str
    departement: str
    rates: RateSet


SORT_KEYS = {
    "name": lambda row: french_key(row.name),
    "kind": lambda row: (row.kind, french_key(row.name)),
    "departement": lambda row: (row.departement, french_key(row.name)),
    "exits": lambda row: row.rates.summary.total,
    "eligible": lambda row: row.rates.summary.eligible,
}
RATE_SORTS = {"official", "uriae", "durable"}


def sort_rows(rows: list[StructureRow], sort: str) -> list[StructureRow]:
    """Sort by a column ("-" prefix: descending); structures without a rate always come last."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key in RATE_SORTS:
        rated = [(row.rates.rates[key].rate, row) for row in rows]
        with_rate = [(rate, french_key(row.name), row) for rate, row in rated if rate is not None]
        with_rate.sort(key=lambda item: item[:2], reverse=descending)
        without = sorted((row for rate, row in rated if rate is None), key=SORT_KEYS["name"])
        return [row for _, _, row in with_rate] + without
    return sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["name"]), reverse=descending)


def kind_totals(rows: list[StructureRow], trend: dict, year: int) -> list[tuple[str, int, RateSet]]:
    """Per kind of the table's rows: (kind, number of structures, rates of `year`). No query and no
    second pass over the exits: the counts per kind are the trends' (the same structures)."""
    members = defaultdict(int)
    for row in rows:
        members[row.kind] += 1
    empty = RateSet({}, trend["definitions"])
    return [(kind, n, trend["per_kind"].get(kind, {}).get(year, empty)) for kind, n in sorted(members.items())]
