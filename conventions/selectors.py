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
from indicators.calculations import compute_rate, summarize
from indicators.models import CustomRateDefinition
from indicators.selectors import motive_counts
from siae_portal.collation import French

from .calculations import STATUS_LABELS, Measure, measure_exits, measure_rate
from .models import BASE_DEFINITIONS, Convention, ConventionYear, Indicator, Objective


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


# --- The workflow's pages ---------------------------------------------------------------------------


def get_convention_for_user(request, pk, *, perm: str | None = None) -> Convention:
    """The convention if the user sees its structure (404 otherwise); with `perm` (a rule of
    conventions/rules.py), 403 unless the user holds it now."""
    import rules
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    convention = get_object_or_404(
        Convention.objects.visible_to(request.user).select_related("structure", "proposed_by", "agreed_by"), pk=pk
    )
    if perm and not rules.has_perm(perm, request.user, convention):  # no superuser bypass: the status counts
        raise PermissionDenied("Vous ne pouvez pas faire cette action sur cette convention.")
    return convention


# The indicators a structure proposes objectives on, in the order of the form.
PROPOSED_INDICATORS = (
    Indicator.EXITS,
    Indicator.OFFICIAL,
    Indicator.DURABLE,
    Indicator.TRANSITION,
    Indicator.POSITIVE,
)


@dataclass(frozen=True)
class PastYear:
    """A structure's figures of one past year, measured with the official rules: `exits` all its
    exits, `rates` {indicator: Rate} for the rate indicators of PROPOSED_INDICATORS."""

    year: int
    exits: int
    rates: dict

    def values(self) -> dict:
        """{indicator: value} as `calculations.default_targets()` reads it (None: no rate; a year
        without any exit recorded has no exits figure either, like a year without a rate)."""
        return {"exits": self.exits or None, **{key: rate.rate for key, rate in self.rates.items()}}


def past_years(structure, first_year: int, n: int = 3) -> list[PastYear]:
    """The `n` years before `first_year` (oldest first) with the structure's exits and official
    rates: one query (the exits rollup, through `motive_counts`)."""
    years = list(range(first_year - n, first_year))
    counts = motive_counts([structure.pk], years[0], years[-1], "year")
    result = []
    for year in years:
        by_motive = counts.get((year,), {})
        rates = {
            str(indicator): compute_rate(by_motive, BASE_DEFINITIONS[indicator])
            for indicator in PROPOSED_INDICATORS
            if indicator != Indicator.EXITS
        }
        result.append(PastYear(year, summarize(by_motive).total if by_motive else 0, rates))
    return result


def default_first_year(structure, *, today: date | None = None) -> int:
    """The first year a new convention proposes: the year after the structure's latest exit (this
    year without any exit). One query."""
    from dossiers.models import Structure
    from indicators.selectors import latest_exit_year

    latest = latest_exit_year(Structure.objects.filter(pk=structure.pk))
    return latest + 1 if latest else (today or localdate()).year


def departement_definitions(user, structure, keep=()):
    """The custom rate definitions an objective of `structure` may be measured with: the active ones
    of its département that `user` sees, and those in `keep` (ids already chosen)."""
    from django.db.models import Q

    from indicators.models import CustomRateDefinition

    visible = CustomRateDefinition.objects.visible_to(user, structure=structure)
    return visible.filter(Q(departement=structure.departement, is_active=True) | Q(pk__in=list(keep))).order_by(
        French("name"), "pk"
    )


@dataclass(frozen=True)
class HistoryLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEvent:
    """What one person changed at one moment (one form sent): when, who, the reason, the lines."""

    when: object
    who: object
    reason: str
    lines: list


def convention_history(convention: Convention) -> list[HistoryEvent]:
    """Every change of the convention, its years and its objectives kept by simple_history (who,
    when, previous and new value, reason), oldest first, grouped per form sent. Four queries."""
    from indicators.models import CustomRateDefinition

    from .calculations import Version, changes_of, group_changes

    def rows(model, **filters):
        return list(
            model.history.filter(**filters).select_related("history_user").order_by("history_date", "history_id")
        )

    def version(row, key, values):
        return Version(key, row.history_date, row.history_user, row.history_type, row.history_change_reason, values)

    conventions = rows(Convention, id=convention.pk)
    years = rows(ConventionYear, convention_id=convention.pk)
    year_of = {row.id: row.year for row in years}
    objectives = rows(Objective, convention_year_id__in=list(year_of))
    versions = [version(r, ("convention",), {"status": r.status, "reference": r.reference}) for r in conventions]
    versions += [version(r, ("year", r.year), {"etp": r.insertion_posts_etp}) for r in years]
    versions += [
        version(
            r,
            ("objective", year_of[r.convention_year_id], r.indicator),
            {"target": r.target, "definition": r.definition_id},
        )
        for r in objectives
    ]
    versions.sort(key=lambda v: (v.when, v.key != ("convention",)))
    definition_ids = {r.definition_id for r in objectives if r.definition_id}
    names = dict(CustomRateDefinition.objects.filter(pk__in=definition_ids).values_list("pk", "name"))
    events = []
    for group in group_changes(changes_of(versions)):
        lines = [_history_line(change, names) for change in group]
        first = group[0]
        events.append(HistoryEvent(first.when, first.who, first.reason, lines))
    return events


def _history_line(change, names) -> HistoryLine:
    return HistoryLine(
        _history_label(change),
        _history_value(change, change.before, names),
        _history_value(change, change.after, names),
    )


def _history_label(change) -> str:
    kind = change.key[0]
    if kind == "convention":
        return "Statut" if change.field == "status" else "Numéro de convention"
    if kind == "year":
        return f"{change.key[1]} · postes d'insertion conventionnés"
    year, indicator = change.key[1], change.key[2]
    suffix = " : définition" if change.field == "definition" else ""
    return f"{year} · {Indicator(indicator).label}{suffix}"


def _history_value(change, value, names) -> str:
    from siae_portal.numbers import format_number

    kind = change.key[0]
    if kind == "objective" and change.field == "definition":
        return names.get(value, "définition personnalisée") if value else "définition officielle"
    if value is None or value == "":
        return "—"
    if kind == "convention":
        return Convention.Status(value).label if change.field == "status" else value
    if kind == "year":
        return format_number(value, unit="ETP")
    if change.key[2] == Indicator.EXITS:
        return format_number(value)
    return format_number(value * 100, unit="%")
