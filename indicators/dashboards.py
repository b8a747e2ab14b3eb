"""What the dashboards show: the figures of `selectors.py` (a fixed number of SQL queries, GROUP BY
in the database) through the pure rules of `calculations.py`."""

from collections import defaultdict
from datetime import date

from dossiers.models import Structure
from siae_portal.collation import French
from siae_portal.reference import EXIT_CATEGORIES, EXIT_MOTIVES

from .calculations import (
    BUILTIN_DEFINITIONS,
    MotiveCount,
    RateDefinition,
    RateSet,
    StructureRow,
    complementary_indicators,
    counts_of,
    followup_rates,
    kind_totals,
    merge_counts,
    sort_rows,
    total_of,
    year_span,
)
from .models import CustomRateDefinition
from .selectors import motive_counts, motive_figures, positioning_counts

DASHBOARD_YEARS = 4
TREND_YEARS = 6


def default_year() -> int:
    """The last complete calendar year: rates of the current year are still moving."""
    return date.today().year - 1


def rate_definitions(user, structure=None) -> list[RateDefinition]:
    """The built-in definitions, then the active custom ones `user` sees (on a structure's
    dashboard, with those of the structure's networks). One query."""
    custom = CustomRateDefinition.objects.visible_to(user, structure=structure).active().order_by(French("name"), "pk")
    return [*BUILTIN_DEFINITIONS.values(), *(d.as_definition() for d in custom)]


# --- Structure dashboard ------------------------------------------------------------------------


def structure_dashboard(structure: Structure, user, last_year: int, n_years: int = DASHBOARD_YEARS) -> dict:
    """Everything the structure dashboard shows, in a constant number of queries."""
    years = year_span(last_year, n_years)
    definitions = rate_definitions(user, structure)

    # Rates, follow-ups, support and training of every year: one GROUP BY year, motive.
    figures = motive_figures([structure.pk], years[0], years[-1], "year")
    per_year = {year: RateSet(counts_of(figures.get((year,), {})), definitions) for year in years}
    current = per_year[last_year]

    positionings = positioning_counts([structure.pk], years)
    complementary = [
        complementary_indicators(year, total_of(figures.get((year,), {}).values()), positionings.get(year, {}))
        for year in years
    ]
    current_complementary = complementary[-1]
    followups = followup_rates(figures.get((last_year,), {}), current.official.denominator)

    # The structure's kind in its département, as one aggregate group (two queries).
    peers = Structure.objects.filter(kind=structure.kind, departement=structure.departement)
    peer_counts = motive_counts(peers, years[0], years[-1], "year")
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
        "followups": [(months, rate) for months, (rate, _) in followups.items()],
        "positionings": current_complementary.prescribers,
        "positioned": current_complementary.positioned,
        "hired": current_complementary.hired,
        "hiring_ratio": current_complementary.hiring_ratio,
        "comparison": comparison,
        "peer_count": peers.count(),
        "motive_rows": motive_rows,
        "categories": EXIT_CATEGORIES,
    }


def structure_year_rates(structure: Structure, years) -> list[tuple[int, RateSet]]:
    """The three built-in rates of a structure for the given years (the dossier's panel and PDF):
    one query."""
    years = sorted(years)
    if not years:
        return []
    by_year = motive_counts([structure.pk], years[0], years[-1], "year")
    definitions = list(BUILTIN_DEFINITIONS.values())
    return [(year, RateSet(by_year.get((year,), {}), definitions)) for year in years]


# --- Network / département dashboard --------------------------------------------------------------


def structures_table(
    structures, year: int, definitions: list[RateDefinition], sort: str = "name"
) -> list[StructureRow]:
    """One row per structure of the queryset with its rates for `year`, sorted by `sort` (see
    `calculations.sort_rows`): two queries (the structures, and the exits grouped by structure and
    motive)."""
    counts = motive_counts(structures, year, year, "structure")
    rows = [
        StructureRow(pk, name, siret, kind, departement, RateSet(counts.get((pk,), {}), definitions))
        for pk, name, siret, kind, departement in structures.order_by().values_list(
            "pk", "name", "siret", "kind", "departement"
        )
    ]
    return sort_rows(rows, sort)


def trends(structures, rows: list[StructureRow], last_year: int, definitions: list[RateDefinition]) -> dict:
    """The `TREND_YEARS` up to `last_year` ("years") and, per year, the whole selection's rates
    ("overall") and the rates per kind ("per_kind"); the totals per kind of the table's `rows` for
    `last_year` ("totals", no second pass over the exits). One query (GROUP BY year, kind, motive)."""
    years = year_span(last_year, TREND_YEARS)
    grouped = motive_counts(structures, years[0], years[-1], "year", "kind")
    overall, per_kind = {}, defaultdict(dict)
    for year in years:
        year_groups = {kind: counts for (y, kind), counts in grouped.items() if y == year}
        overall[year] = RateSet(merge_counts(year_groups.values()), definitions)
        for kind, counts in year_groups.items():
            per_kind[kind][year] = RateSet(counts, definitions)
    trend = {
        "years": years,
        "overall": overall,
        "per_kind": dict(sorted(per_kind.items())),
        "definitions": definitions,
    }
    trend["totals"] = kind_totals(rows, trend, last_year)
    return trend
