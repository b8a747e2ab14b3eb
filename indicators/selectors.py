"""Reads of the indicators app: the exit figures aggregated in SQL (handed to the pure functions
of `calculations.py`), the positionings, and the custom rate definitions a reader may open.

The dashboards and reports count exits only through `motive_counts()` and `motive_figures()`:
plain figures per group (structure, year, kind) and motive, read from the exit rollup
(indicators/rollup.py, kept exact by every write).
`exit_counts_by()` and `exit_figures_by()` are the GROUP BY over the raw exit records beneath."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connections
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from dossiers.models import Structure

from .calculations import DYNAMIC_MOTIVES, FOLLOWUP_MONTHS, ExitFigures, FollowupCount, MotiveCount
from .models import CustomRateDefinition, ExitRecord, ExitRollup, PrescriberPositioning, eligible_exit_q

DATE_PARTS = ("__year", "__quarter", "__month", "__week", "__day")
FOLLOWUP_FIELDS = {months: f"situation_{months}_months" for months in FOLLOWUP_MONTHS}
# The groups the pages count by, and the exit record's field behind each.
GROUPS = {"structure": "structure_id", "year": "exit_date__year", "kind": "structure__kind"}


# The same groups in the rollup (indicators/rollup.py), which the pages read.
ROLLUP_GROUPS = {"structure": "structure_id", "year": "year", "kind": "kind"}


def motive_counts(structures, first_year: int, last_year: int, *groups: str) -> dict:
    """The exits of `structures` (a queryset or a list of ids) dated from `first_year` to
    `last_year`, counted per group (a tuple of `groups` values: "structure", "year", "kind"; () for
    none) and motive: {group: {motive: MotiveCount}}. One SQL query, over the rollup."""
    fields = [ROLLUP_GROUPS[name] for name in groups]
    rows = driver_rows(
        _rollup(structures, first_year, last_year)
        .values(*fields, "exit_motive")
        .annotate(t=Sum("total"), e=Sum("eligible"), f=Sum("eligible_full_time"))
        .values_list(*fields, "exit_motive", "t", "e", "f")
    )
    n = len(fields)
    make = tuple.__new__  # thousands of rows for the country: MotiveCount without its constructor
    result = defaultdict(dict)
    if n == 1:
        for key, motive, total, eligible, full_time in rows:
            result[key][motive] = make(MotiveCount, (int(total), int(eligible), int(full_time)))
        return {(key,): counts for key, counts in result.items()}
    for row in rows:
        result[row[:n]][row[n]] = make(MotiveCount, tuple(int(v) for v in row[n + 1 :]))
    return dict(result)


def motive_figures(structures, first_year: int, last_year: int, *groups: str) -> dict:
    """Like `motive_counts()`, with the follow-ups, support and training figures of each group and
    motive: {group: {motive: ExitFigures}}. One SQL query, over the rollup."""
    from .rollup import FIGURES

    fields = [ROLLUP_GROUPS[name] for name in groups]
    rows = (
        _rollup(structures, first_year, last_year)
        .values(*fields, "exit_motive")
        .annotate(**{f"sum_{name}": Sum(name) for name in FIGURES})
    )
    result = defaultdict(dict)
    for row in rows:
        key = tuple(row[name] for name in fields)
        figure = {name: row[f"sum_{name}"] for name in FIGURES}
        result[key][row["exit_motive"]] = ExitFigures(
            count=MotiveCount(figure["total"], figure["eligible"], figure["eligible_full_time"]),
            followups={
                months: FollowupCount(figure[f"known_{months}"], figure[f"dynamic_{months}"])
                for months in FOLLOWUP_MONTHS
            },
            support_hours_internal=figure["support_hours_internal"],
            support_hours_external=figure["support_hours_external"],
            training_entries=figure["training_entries"],
            training_support_actions=figure["training_support_actions"],
            signed_statements=figure["signed_statements"],
        )
    return dict(result)


def _rollup(structures, first_year: int, last_year: int):
    """The rollup rows of `structures` for the years; all structures' rows without any filter
    when `structures` is the unfiltered table (an administrator's scope)."""
    rows = ExitRollup.objects.filter(year__range=(first_year, last_year)).order_by()
    if isinstance(structures, QuerySet) and structures.model is Structure and not structures.query.where:
        return rows
    return rows.filter(structure__in=structures)


def _exits(structures, first_year: int, last_year: int):
    """The raw exits beneath (the source of truth; check_rollup and the tests compare with them)."""
    return ExitRecord.objects.filter(structure__in=structures).in_years(first_year, last_year)


def positioning_counts(structures, years) -> dict:
    """People positioned and hired per year and prescriber, added up over `structures`:
    {year: {prescriber: (positioned, hired)}}. One SQL query."""
    rows = (
        PrescriberPositioning.objects.filter(structure__in=structures, year__in=list(years))
        .order_by()
        .values_list("year", "prescriber")
        .annotate(positioned=Sum("positioned"), hired=Sum("hired"))
    )
    result = defaultdict(dict)
    for year, prescriber, positioned, hired in rows:
        result[year][prescriber] = (positioned, hired)
    return dict(result)


def latest_exit_year(structures) -> int | None:
    """The year of the latest exit of `structures` (a queryset), or None: one query that probes
    the (structure, exit_date) index once per structure instead of scanning every exit."""
    last = ExitRecord.objects.filter(structure=OuterRef("pk")).order_by("-exit_date").values("exit_date")[:1]
    latest = structures.order_by().annotate(last_exit=Subquery(last)).aggregate(latest=Max("last_exit"))["latest"]
    return latest.year if latest else None


def get_definition_for_user(request, pk, *, write=False):
    """The custom rate definition `pk` if the user sees it (404 otherwise), and may change it when
    `write` (403 otherwise)."""
    definition = get_object_or_404(CustomRateDefinition.objects.visible_to(request.user), pk=pk)
    if write and not request.user.has_perm("indicators.change_customratedefinition", definition):
        raise PermissionDenied("Vous ne pouvez pas modifier cette définition.")
    return definition


def exit_counts_by(records, *group_fields) -> dict:
    """Per group (a tuple of `group_fields` values, or () without grouping), the exits counted by
    motive: {group: {motive: MotiveCount}}. One SQL query."""
    eligible = eligible_exit_q()
    rows = (
        records.order_by()
        .values(*group_fields, "exit_motive")
        .annotate(
            total=Count("pk"),
            eligible=Count("pk", filter=eligible),
            eligible_full_time=Count("pk", filter=eligible & Q(full_time=True)),
        )
        .values_list(*group_fields, "exit_motive", "total", "eligible", "eligible_full_time")
    )
    n = len(group_fields)
    rows = driver_rows(rows)
    # PostgreSQL's EXTRACT gives a Decimal for a date part: back to an integer, for those keys only.
    parts = [i for i, name in enumerate(group_fields) if name.endswith(DATE_PARTS)]
    if rows and parts and isinstance(rows[0][parts[0]], Decimal):
        rows = [tuple(int(v) if i in parts else v for i, v in enumerate(row)) for row in rows]
    # Thousands of rows for a regional table: MotiveCount built without its Python-level
    # constructor, and the common one-field grouping keyed by the bare value while looping.
    make = tuple.__new__
    result = defaultdict(dict)
    if n == 1:
        for key, motive, total, eligible, full_time in rows:
            result[key][motive] = make(MotiveCount, (total, eligible, full_time))
        return {(key,): counts for key, counts in result.items()}
    for row in rows:
        result[row[:n]][row[n]] = make(MotiveCount, row[n + 1 :])
    return dict(result)


def driver_rows(queryset) -> list[tuple]:
    """The rows of a `values_list()` queryset as the database driver returns them, skipping
    Django's per-value converters: counts already arrive as integers, and on a table of thousands
    of groups the converters cost more than the query. (PostgreSQL's EXTRACT gives a Decimal: the
    caller turns such keys into integers.)"""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # e.g. a scope built from `Structure.objects.none()`
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def exit_figures_by(records, *group_fields) -> dict:
    """Per group and motive, the counts of `exit_counts_by` plus the follow-ups at 3, 6 and 12
    months and the support and training sums: {group: {motive: ExitFigures}}.

    One SQL query: one GROUP BY over the exits instead of one per figure. The rows are also grouped
    by eligibility and full time, so that the database evaluates the eligibility rule once per exit
    and the follow-up counts need no repeated condition; the few partial rows are added up here."""
    dynamic = sorted(DYNAMIC_MOTIVES)
    followups = {}
    for months, field in FOLLOWUP_FIELDS.items():
        followups[f"known_{months}"] = Count("pk", filter=~Q(**{field: ""}))
        followups[f"dynamic_{months}"] = Count("pk", filter=Q(**{f"{field}__in": dynamic}))
    rows = (
        records.order_by()
        .annotate(is_eligible=ExpressionWrapper(eligible_exit_q(), output_field=BooleanField()))
        .values(*group_fields, "exit_motive", "is_eligible", "full_time")
        .annotate(
            total=Count("pk"),
            **followups,
            internal=Sum("support_hours_internal"),
            external=Sum("support_hours_external"),
            training_entries=Sum("training_entries"),
            training_support_actions=Sum("training_support_actions"),
            signed_statements=Count("pk", filter=Q(signed_statement=True)),
        )
    )
    no_followup = FollowupCount()
    result = defaultdict(dict)
    for row in rows:
        key = tuple(row[name] for name in group_fields)
        eligible = bool(row["is_eligible"])
        n = row["total"]
        part = ExitFigures(
            count=MotiveCount(n, n if eligible else 0, n if eligible and row["full_time"] else 0),
            # Follow-ups count eligible exits only, like the rates.
            followups={
                months: FollowupCount(row[f"known_{months}"], row[f"dynamic_{months}"]) if eligible else no_followup
                for months in FOLLOWUP_FIELDS
            },
            support_hours_internal=row["internal"] or Decimal(0),
            support_hours_external=row["external"] or Decimal(0),
            training_entries=row["training_entries"] or 0,
            training_support_actions=row["training_support_actions"] or 0,
            signed_statements=row["signed_statements"],
        )
        group = result[key]
        motive = row["exit_motive"]
        group[motive] = group[motive] + part if motive in group else part
    return dict(result)
