"""Suivi des conventions: the list of the structures an advisor, an agent or an administrator follows
that have an agreed convention covering a year, with that year's objectives against the actual
values (docs/domain.md, « Conventions et objectifs »).

`tracking_rows()` reads in a constant number of queries (the structures, then the two of
`selectors.objective_results()`); the filters on the structures are SQL, the filter on the
outcome and the sort are done on the rows.

`convention_panel()` is one structure's convention year by year, as its dashboard, its dossier page
and the PDF summary show it (template `conventions/_convention_tracking.html`)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.timezone import localdate

from indicators.charts import trajectory
from indicators.forms.dashboards import DashboardFilterForm
from siae_portal.numbers import format_number
from siae_portal.words import french_key, plural

from .calculations import OVERALL_LABELS, interval_text, one_exit_sentence, overall_status, points
from .models import Convention, Indicator
from .selectors import (
    INDICATOR_ORDER,
    ObjectiveResult,
    TrackedYear,
    convention_tracking,
    current_convention,
    objective_results,
)

# The objectives every convention year carries, one column each; the others are listed together.
MAIN_INDICATORS = (Indicator.EXITS, Indicator.OFFICIAL, Indicator.DURABLE)

SORT_CHOICES = [
    ("name", "Structure"),
    ("kind", "Type"),
    ("departement", "Département"),
    ("exits", "Sorties"),
    ("official", "Taux de sortie dynamique"),
    ("durable", "Taux d'emploi durable"),
    ("status", "Bilan"),
]
STATUS_CHOICES = [
    ("", "Tous les bilans"),
    ("missed", "Objectif non atteint"),
    ("within_margin", "Écart dans la marge d'une sortie"),
    ("reached", "Objectifs atteints"),
    ("unmeasured", "Pas encore mesurable"),
]
# The "Bilan" sort: the structures that need attention first.
STATUS_RANK = {"missed": 0, "within_margin": 1, "reached": 2, "unmeasured": 3}


@dataclass
class TrackingRow:
    """One structure with its objectives of the year (`results`, in the order of `Indicator`)."""

    pk: int
    name: str
    siret: str
    kind: str
    departement: str
    results: list[ObjectiveResult]

    def __post_init__(self):
        # One objective per indicator and year (a database constraint), custom definition or not.
        self.by_indicator = {r.indicator: r for r in self.results}
        self.status = overall_status([r.status for r in self.results])

    @property
    def status_label(self) -> str:
        return OVERALL_LABELS[self.status]

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES[self.status]

    def main_cells(self) -> list[Cell | None]:
        """The exits, official and durable objectives (None when the year has none)."""
        return [cell(r) if (r := self.by_indicator.get(i)) else None for i in MAIN_INDICATORS]

    def other_cells(self) -> list[Cell]:
        """The optional objectives (URIAE variant, transition, positive)."""
        return [cell(r) for r in self.results if r.indicator not in MAIN_INDICATORS]

    @property
    def convention_id(self) -> int:
        return self.results[0].convention_id


STATUS_BADGES = {
    "reached": "text-bg-success",
    "within_margin": "text-bg-warning",
    "missed": "text-bg-danger",
    "unmeasured": "text-bg-secondary",
}


def _percent(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + "\u00a0%"


@dataclass(frozen=True)
class Cell:
    """An objective as the list shows it (French text, computed once per row of the page)."""

    label: str
    actual: str
    target: str
    objective: str  # the target alone: "60,0 %", "14 sorties"
    with_interval: str  # the actual with its 95 % interval: "58,3 % (IC 95 % : 32–81 %)"
    interval: str  # the interval alone, "IC 95 % : 32–81 %" ("" for a count or without rate)
    fraction: str  # "7/12" for a measured rate, "" otherwise
    gap: str
    margin: str  # "une sortie de plus ou de moins déplace ce taux de N points"
    status: str
    status_label: str
    badge: str


def cell(result: ObjectiveResult) -> Cell:
    """The texts of `result`: "52,0 % (13/25)", "objectif 60,0 %", "−8,0 points", its status."""
    if result.is_rate:
        measured = result.actual is not None
        rate = _percent(result.actual) if measured else "pas de taux"
        fraction = f"{result.numerator}/{result.denominator}" if measured else ""
        actual = f"{rate} ({fraction})" if measured else rate
        interval = interval_text(result.interval) if measured else ""
        with_interval = f"{rate} ({interval})" if measured else rate
        target, gap = _percent(result.target), points(result.gap)
        objective = target
    else:
        exits = int(result.actual)
        actual = with_interval = f"{format_number(exits)} sortie{plural(exits)}"
        fraction = interval = ""
        target = format_number(round(result.target, 1))
        objective = f"{target} sortie{plural(round(result.target, 1))}"
        gap_value = round(result.gap, 1)
        sign = "+" if gap_value > 0 else ""
        gap = f"{sign}{format_number(gap_value)} sortie{plural(gap_value)}".replace("-", "−")
    label = result.definition
    if result.year_to_date:
        label += " (depuis le début de l'année)"
    return Cell(
        label=label,
        actual=actual,
        target=f"objectif {target}",
        objective=objective,
        with_interval=with_interval,
        interval=interval,
        fraction=fraction,
        gap=gap,
        margin=one_exit_sentence(result.step) if result.is_rate else "",
        status=result.status,
        status_label=result.status_label,
        badge=STATUS_BADGES[result.status],
    )


def tracking_rows(structures, year: int, *, status: str = "", sort: str = "name", today=None) -> list[TrackingRow]:
    """The structures of `structures` (a queryset already scoped to the user) with an agreed
    convention covering `year`, each with its objectives measured, keeping those whose overall
    `status` is the one asked (all for ""), sorted by `sort` (a key of `SORT_CHOICES`, "-" first
    for descending; unmeasured values last either way). Three queries whatever their number (fewer
    when there is nothing to list)."""
    listed = list(structures.order_by().values_list("pk", "name", "siret", "kind", "departement"))
    if not listed:
        return []
    # The queryset, not the ids: as a semi-join PostgreSQL walks the rollup's index once per
    # structure; with a list of ids it scans a whole year (4x slower for one département).
    results = objective_results(structures, year, today=today)
    rows = [TrackingRow(*values, results=results[values[0]]) for values in listed if values[0] in results]
    if status:
        rows = [row for row in rows if row.status == status]
    return sort_rows(rows, sort)


def _actual(indicator):
    def key(row):
        result = row.by_indicator.get(indicator)
        return None if result is None else result.actual

    return key


SORT_KEYS = {
    "name": lambda row: french_key(row.name),
    "kind": lambda row: row.kind,
    "departement": lambda row: row.departement,
    "exits": _actual(Indicator.EXITS),
    "official": _actual(Indicator.OFFICIAL),
    "durable": _actual(Indicator.DURABLE),
    "status": lambda row: STATUS_RANK[row.status],
}


def sort_rows(rows: list[TrackingRow], sort: str) -> list[TrackingRow]:
    """`rows` by `sort` ("official", "-official"...), by name within equal values; rows without a
    value last in both directions."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    value = SORT_KEYS.get(key, SORT_KEYS["name"])
    rows = sorted(rows, key=SORT_KEYS["name"])
    known = [row for row in rows if value(row) is not None]
    unknown = [row for row in rows if value(row) is None]
    return sorted(known, key=value, reverse=descending) + unknown


class TrackingFilterForm(DashboardFilterForm):
    """The year (the last complete one by default), the filters on the structures (type,
    département, network), the outcome and the sort."""

    status = forms.ChoiceField(label="Bilan", required=False, choices=STATUS_CHOICES)
    sort = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=SORT_CHOICES + [(f"-{code}", f"{label} (décroissant)") for code, label in SORT_CHOICES],
    )

    @property
    def selected_status(self) -> str:
        return self.valid_data().get("status") or ""


# --- One structure's convention, year by year ------------------------------------------------------


@dataclass(frozen=True)
class PanelYear:
    """A convention year as the panel shows it: its heading, whether it is still to come (nothing
    measured yet: no verdict), and each objective with its texts."""

    year: int
    heading: str
    future: bool
    lines: list[tuple[ObjectiveResult, Cell]]


def year_heading(tracked: TrackedYear, today) -> str:
    """ "2009", "2010 · au 04/12/2010 (année en cours)" or "2011 · année à venir"."""
    if tracked.year_to_date:
        return f"{tracked.year} · au {today:%d/%m/%Y} (année en cours)"
    if tracked.future:
        return f"{tracked.year} · année à venir"
    return str(tracked.year)


def trajectory_series(tracked: list[TrackedYear]) -> list[tuple[str, list, list]]:
    """Per rate indicator with an objective in some year (in the order of `Indicator`): its label,
    its actual values and its targets year by year (None where the year has none), as
    `charts.trajectory` draws them. Keyed by indicator: one objective per indicator and year, its
    definition may change from one year to the next."""
    by_year = [{r.indicator: r for r in year.results if r.is_rate} for year in tracked]
    indicators = sorted({indicator for year in by_year for indicator in year}, key=INDICATOR_ORDER.get)
    series = []
    for indicator in indicators:
        results = [year.get(indicator) for year in by_year]
        series.append(
            (
                Indicator(indicator).label.capitalize(),
                [r.actual if r else None for r in results],
                [r.target if r else None for r in results],
            )
        )
    return series


def convention_panel(structure, *, today=None) -> dict:
    """The structure's current convention (`selectors.current_convention`: the agreed one covering
    this year, else its latest agreed or proposed one) measured year by year, with its trajectory
    chart (SVG markup, every text escaped). Four queries whatever the number of years (one
    without a convention: {"convention": None})."""
    today = today or localdate()
    convention = current_convention(structure, today=today)
    if convention is None:
        return {"convention": None}
    tracked = convention_tracking(convention, today=today)
    years = [PanelYear(t.year, year_heading(t, today), t.future, [(r, cell(r)) for r in t.results]) for t in tracked]
    chart = trajectory(
        [t.year for t in tracked],
        trajectory_series(tracked),
        title=f"Trajectoire de {structure.name} : taux réalisés et objectifs de la convention {convention.span}",
        partial_years={t.year for t in tracked if t.year_to_date},
    )
    return {
        "convention": convention,
        "proposed": convention.status == Convention.Status.PROPOSED,
        "years": years,
        "chart": chart,
    }
