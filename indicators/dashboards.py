"""Reads behind the dashboards: a fixed number of SQL queries (GROUP BY in the database), then the
pure rules of `calculations.py` on the small results."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Max, OuterRef, Q, Subquery

from dossiers.models import Structure
from siae_portal.reference import EXIT_CATEGORIES, EXIT_MOTIVES, TARGET_DURABLE_RATE, TARGET_DYNAMIC_RATE

from .calculations import (
    BUILTIN_DEFINITIONS,
    DURABLE_RATE,
    OFFICIAL,
    URIAE,
    ExitSummary,
    MotiveCount,
    Rate,
    RateDefinition,
    compute_rate,
    followup_rate_by_motive,
    safe_ratio,
    summarize,
)
from .models import CustomRateDefinition, ExitRecord, PrescriberPositioning
from .permissions import definitions_visible_to
from .selectors import FOLLOWUP_FIELDS, counts_of, exit_counts_by, exit_figures_by, followups_of, total_of

YEAR_FIELD = "exit_date__year"
DASHBOARD_YEARS = 4


def default_year() -> int:
    """The last complete calendar year: rates of the current year are still moving."""
    return date.today().year - 1


def latest_exit_year(structures) -> int | None:
    """The year of the latest exit of `structures` (a queryset), or None: one query that probes
    the (structure, exit_date) index once per structure instead of scanning every exit."""
    last = ExitRecord.objects.filter(structure=OuterRef("pk")).order_by("-exit_date").values("exit_date")[:1]
    latest = structures.order_by().annotate(last_exit=Subquery(last)).aggregate(latest=Max("last_exit"))["latest"]
    return latest.year if latest else None


def year_span(last_year: int, n: int = DASHBOARD_YEARS) -> list[int]:
    return list(range(last_year - n + 1, last_year + 1))


def exits_between(records, first_year: int, last_year: int):
    """Exits dated from 1 January of `first_year` to 31 December of `last_year` (a date range, so
    that the (structure, exit_date) index serves)."""
    return records.filter(exit_date__gte=date(first_year, 1, 1), exit_date__lte=date(last_year, 12, 31))


def visible_definitions(user, structure=None):
    """Active custom definitions the user may see (`permissions.definitions_visible_to`) and, on a
    structure's dashboard, those of the structure's networks. A queryset: one query."""
    visible = definitions_visible_to(user).filter(is_active=True)
    condition = Q(pk__in=visible.values("pk"))
    if structure is not None:
        condition |= Q(network__structures=structure, is_active=True)
    return CustomRateDefinition.objects.filter(condition).distinct().order_by("name", "pk")


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


def merge_counts(groups) -> dict:
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


def builtin_and(custom_definitions) -> list[RateDefinition]:
    return [OFFICIAL, URIAE, DURABLE_RATE, *(d.as_definition() for d in custom_definitions)]


# --- Structure dashboard ------------------------------------------------------------------------


def structure_dashboard(structure: Structure, user, last_year: int, n_years: int = DASHBOARD_YEARS) -> dict:
    """Everything the structure dashboard shows, in a constant number of queries."""
    years = year_span(last_year, n_years)
    definitions = builtin_and(visible_definitions(user, structure))
    records = exits_between(ExitRecord.objects.filter(structure=structure), years[0], years[-1])

    # Rates, follow-ups, support and training of every year: one GROUP BY year, motive.
    figures = exit_figures_by(records, YEAR_FIELD)
    per_year = {year: RateSet(counts_of(figures.get((year,), {})), definitions) for year in years}
    current = per_year[last_year]

    complementary = []
    for year in years:
        total = total_of(figures.get((year,), {}).values())
        n = total.count.total
        complementary.append(
            {
                "year": year,
                "salaries": n,
                "internal_per_salarie": safe_ratio(float(total.support_hours_internal), n),
                "external_per_salarie": safe_ratio(float(total.support_hours_external), n),
                "training_entries": total.training_entries,
                "training_actions": total.training_support_actions,
            }
        )

    current_figures = figures.get((last_year,), {})
    followups = [
        (months, followup_rate_by_motive(followups_of(current_figures, months), current.official.denominator))
        for months in FOLLOWUP_FIELDS
    ]

    positionings = list(
        PrescriberPositioning.objects.filter(structure=structure, year=last_year).order_by("prescriber")
    )
    positioned = sum(p.positioned for p in positionings)
    hired = sum(p.hired for p in positionings)

    # The structure's kind in its département, as one aggregate group (two queries).
    peers = Structure.objects.filter(kind=structure.kind, departement=structure.departement)
    peer_counts = exit_counts_by(
        exits_between(ExitRecord.objects.filter(structure__in=peers), years[0], years[-1]), YEAR_FIELD
    )
    comparison = {year: RateSet(peer_counts.get((year,), {}), definitions[:3]) for year in years}

    motive_rows = []
    for motive in EXIT_MOTIVES:
        count = current.counts.get(motive.code, MotiveCount())
        if count.total:
            motive_rows.append({"motive": motive, "total": count.total, "eligible": count.eligible})

    return {
        "years": years,
        "year": last_year,
        "definitions": definitions,
        "per_year": per_year,
        "current": current,
        "complementary": complementary,
        "followups": followups,
        "positionings": [{"positioning": p, "ratio": safe_ratio(p.hired, p.positioned)} for p in positionings],
        "positioned": positioned,
        "hired": hired,
        "hiring_ratio": safe_ratio(hired, positioned),
        "comparison": comparison,
        "peer_count": peers.count(),
        "motive_rows": motive_rows,
        "categories": EXIT_CATEGORIES,
    }


def structure_year_rates(structure: Structure, years) -> list[tuple[int, RateSet]]:
    """The three built-in rates of a structure for the given years: one query."""
    years = sorted(years)
    if not years:
        return []
    records = exits_between(ExitRecord.objects.filter(structure=structure), years[0], years[-1])
    by_year = exit_counts_by(records, YEAR_FIELD)
    definitions = [OFFICIAL, URIAE, DURABLE_RATE]
    return [(year, RateSet(by_year.get((year,), {}), definitions)) for year in years]


# --- Network / département dashboard --------------------------------------------------------------


@dataclass
class StructureRow:
    pk: int
    name: str
    siret: str
    kind: str
    departement: str
    rates: RateSet


SORT_KEYS = {
    "name": lambda row: row.name.lower(),
    "kind": lambda row: (row.kind, row.name.lower()),
    "departement": lambda row: (row.departement, row.name.lower()),
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
        with_rate = [(rate, row.name.lower(), row) for rate, row in rated if rate is not None]
        with_rate.sort(key=lambda item: item[:2], reverse=descending)
        without = sorted((row for rate, row in rated if rate is None), key=SORT_KEYS["name"])
        return [row for _, _, row in with_rate] + without
    return sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["name"]), reverse=descending)


def structures_table(structures, year: int, definitions: list[RateDefinition]) -> list[StructureRow]:
    """One row per structure of the queryset with its rates for `year`: two queries (the
    structures, and the exits grouped by structure and motive)."""
    records = exits_between(ExitRecord.objects.filter(structure__in=structures), year, year)
    counts = exit_counts_by(records, "structure_id")
    return [
        StructureRow(pk, name, siret, kind, departement, RateSet(counts.get((pk,), {}), definitions))
        for pk, name, siret, kind, departement in structures.order_by().values_list(
            "pk", "name", "siret", "kind", "departement"
        )
    ]


def trends(structures, years: list[int], definitions: list[RateDefinition] | None = None) -> dict:
    """Per year: the whole selection's rates and the rates per kind. One query (GROUP BY year,
    kind, motive), whose last year also gives the table's totals (`kind_totals`)."""
    records = exits_between(ExitRecord.objects.filter(structure__in=structures), years[0], years[-1])
    grouped = exit_counts_by(records, YEAR_FIELD, "structure__kind")
    definitions = definitions or [OFFICIAL, URIAE, DURABLE_RATE]
    overall, per_kind = {}, defaultdict(dict)
    for year in years:
        year_groups = {kind: counts for (y, kind), counts in grouped.items() if y == year}
        overall[year] = RateSet(merge_counts(year_groups.values()), definitions)
        for kind, counts in year_groups.items():
            per_kind[kind][year] = RateSet(counts, definitions)
    return {"overall": overall, "per_kind": dict(sorted(per_kind.items())), "definitions": definitions}


def kind_totals(rows: list[StructureRow], trend: dict, year: int) -> list[tuple[str, int, RateSet]]:
    """Per kind of the table's rows: (kind, number of structures, rates of `year`). No query and no
    second pass over the exits: the counts per kind are the trends' (the same structures)."""
    members = defaultdict(int)
    for row in rows:
        members[row.kind] += 1
    empty = RateSet({}, trend["definitions"])
    return [(kind, n, trend["per_kind"].get(kind, {}).get(year, empty)) for kind, n in sorted(members.items())]
