"""Reads of the conventions app: the agreed objectives of structures measured against their exits.

Every figure comes from `indicators.selectors.motive_counts()` and the rules of
`indicators.calculations` (never a query of our own over the exits); the arithmetic of an
objective is `conventions.calculations.measure_rate()` / `measure_exits()`.

Stable entry point for other apps: `objective_results(structures, year)`."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet
from django.utils.timezone import localdate

from dossiers.models import Structure
from indicators.calculations import compute_rate
from indicators.models import CustomRateDefinition
from indicators.selectors import motive_counts

from .calculations import STATUS_LABELS, Measure, measure_exits, measure_rate
from .models import Convention, ConventionYear, Indicator, Objective


@dataclass(frozen=True)
class ObjectiveResult(Measure):
    """One agreed objective of a structure for one year, against what was achieved: the
    `Measure` (target, actual, counts, gap, step, reached, within margin, interval, status) and
    what it measures.

    `target`, `actual`, `gap` (actual - target) and `step` (one exit's worth) are fractions 0-1 for
    a rate, a number of exits for `indicator == "exits"` (actual: the year's total exits).
    `numerator`/`denominator`: the rate's counts (for exits: numerator = exits, denominator None).
    `reached` / `within_margin` are None when nothing can be measured yet (no eligible exit).
    `within_margin`: missed, by no more than one exit's worth. `year_to_date`: the year is not over."""

    structure_id: int
    convention_id: int
    year: int
    indicator: str  # "exits", "official", "uriae", "durable", "transition", "positive"
    key: str  # the indicator, or the custom definition's id (as a string) when one is used
    definition: str  # its label
    custom_definition_id: int | None
    year_to_date: bool

    @property
    def is_rate(self) -> bool:
        return self.indicator != Indicator.EXITS

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        """The `objectives` entry of the indicators report (`python manage.py indicators`, the API)."""
        indicator = int(self.key) if self.custom_definition_id else self.indicator
        return {
            "indicator": indicator,
            "definition": self.definition,
            "target": round(self.target, 4),
            "actual": None if self.actual is None else round(self.actual, 4),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "gap": None if self.gap is None else round(self.gap, 4),
            "reached": self.reached,
            "within_margin": self.within_margin,
            "year_to_date": self.year_to_date,
        }


def objective_results(structures, year: int, *, today: date | None = None) -> dict[int, list[ObjectiveResult]]:
    """The objectives that an agreed convention sets for `year`, per structure of `structures` (a
    queryset or a list of ids), measured against that year's exits:
    {structure_id: [ObjectiveResult, ...]} in the order of `Indicator`; structures without an agreed
    convention covering `year` are absent. Two queries whatever the number of structures (the
    objectives, then one GROUP BY structure and motive over the year's exits), three when an
    objective is measured with a custom definition (those definitions); one when none."""
    objectives = Objective.objects.filter(convention_year__agreed=True, convention_year__year=year)
    if not (isinstance(structures, QuerySet) and structures.model is Structure and not structures.query.where):
        objectives = objectives.filter(convention_year__structure__in=structures)  # (all: no filter)
    rows = list(
        objectives.order_by().values_list(
            "convention_year__structure_id", "convention_year__convention_id", "target", "indicator", "definition_id"
        )
    )
    if not rows:
        return {}
    # Thousands of objectives for the country, a handful of (indicator, definition) pairs: each
    # pair's label and rule are read once, from an unsaved Objective (the model says what they are).
    custom = {row[4] for row in rows if row[4] is not None}
    definitions = CustomRateDefinition.objects.in_bulk(custom) if custom else {}
    specs = {}
    for _, _, _, indicator, definition_id in rows:
        if (indicator, definition_id) not in specs:
            objective = Objective(indicator=indicator, definition=definitions.get(definition_id))
            specs[indicator, definition_id] = _spec(objective)
    # The exits of `structures` itself (not the ids found): for an administrator, the whole
    # table's rollup of the year, without a list of thousands of ids.
    counts = motive_counts(structures, year, year, "structure")
    year_to_date = year >= (today or localdate()).year
    results = defaultdict(list)
    for sid, convention_id, target, indicator, definition_id in rows:
        counts_of = counts.get((sid,), {})
        results[sid].append(
            _result(specs[indicator, definition_id], sid, convention_id, year, counts_of, year_to_date, target)
        )
    return {sid: sorted(rows, key=_order) for sid, rows in results.items()}


INDICATOR_ORDER = {code: index for index, code in enumerate(Indicator.values)}


def _order(result: ObjectiveResult):
    return INDICATOR_ORDER[result.indicator], result.key


class _Spec(NamedTuple):
    """What an objective measures, read once per (indicator, definition)."""

    indicator: str
    key: str
    label: str
    definition_id: int | None
    rule: object  # its RateDefinition, None for exits


def _spec(objective: Objective) -> _Spec:
    return _Spec(
        objective.indicator,
        objective.key,
        objective.definition_label,
        objective.definition_id,
        objective.rate_definition(),
    )


def _result(
    spec: _Spec, structure_id: int, convention_id: int, year: int, counts: dict, year_to_date: bool, target
) -> ObjectiveResult:
    """The objective of `spec` with `target` measured against `counts` (that year's, by motive)."""
    target = float(target)
    if spec.rule is None:
        measured: Measure = measure_exits(sum(count.total for count in counts.values()), target)
    else:
        rate = compute_rate(counts, spec.rule)
        measured = measure_rate(rate.numerator, rate.denominator, target)
    # Thousands of results for the country: filled without the frozen dataclass's __init__ (one
    # object.__setattr__ per field, half of the time of a result), as motive_counts does.
    result = object.__new__(ObjectiveResult)
    result.__dict__.update(
        vars(measured),
        structure_id=structure_id,
        convention_id=convention_id,
        year=year,
        indicator=spec.indicator,
        key=spec.key,
        definition=spec.label,
        custom_definition_id=spec.definition_id,
        year_to_date=year_to_date,
    )
    return result


# --- One convention, year by year -------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedYear:
    year: int
    insertion_posts_etp: object
    results: list  # [ObjectiveResult]
    year_to_date: bool
    future: bool  # no exit can be measured yet (after the latest day of data: the year is to come)


def convention_tracking(convention: Convention, *, today: date | None = None) -> list[TrackedYear]:
    """Each year of `convention` with its objectives measured (whatever the convention's status:
    a proposal is measured too, to show what its targets would mean). Two queries (the years with
    their objectives, one GROUP BY year and motive over the convention's exits)."""
    today = today or localdate()
    years = list(
        convention.convention_years.order_by("year").prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.select_related("definition"))
        )
    )
    counts = motive_counts([convention.structure_id], convention.first_year, convention.last_year, "year")
    tracked = []
    ytd = {row.year: row.year >= today.year for row in years}
    for row in years:
        by_year = counts.get((row.year,), {})
        results = sorted(
            (
                _result(_spec(o), convention.structure_id, convention.pk, row.year, by_year, ytd[row.year], o.target)
                for o in row.objectives.all()
            ),
            key=_order,
        )
        tracked.append(
            TrackedYear(row.year, row.insertion_posts_etp, results, row.year == today.year, row.year > today.year)
        )
    return tracked


def current_convention(structure, *, today: date | None = None):
    """The structure's agreed convention covering this year, else its latest agreed or proposed
    one (None without any). One query."""
    year = (today or localdate()).year
    conventions = list(
        Convention.objects.filter(structure=structure)
        .exclude(status=Convention.Status.CLOSED)
        .order_by("-last_year", "status")
    )
    for convention in conventions:
        if convention.status == Convention.Status.AGREED and convention.first_year <= year <= convention.last_year:
            return convention
    agreed = [c for c in conventions if c.status == Convention.Status.AGREED]
    return (agreed or conventions or [None])[0]


def agreed_years(structure_ids) -> set[tuple[int, int]]:
    """(structure_id, year) pairs already covered by an agreed convention."""
    return set(
        ConventionYear.objects.filter(structure_id__in=structure_ids, agreed=True).values_list("structure_id", "year")
    )
