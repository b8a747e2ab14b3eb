"""Reads that feed the rate calculations: counts aggregated in SQL, then handed to the pure
functions of `calculations.py`."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum

from .calculations import DYNAMIC_MOTIVES, FollowupCount, MotiveCount
from .models import ExitRecord, eligible_exit_q

DATE_PARTS = ("__year", "__quarter", "__month", "__week", "__day")
FOLLOWUP_FIELDS = {3: "situation_3_months", 6: "situation_6_months", 12: "situation_12_months"}


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


def exit_counts(records) -> dict:
    """The exits of `records` counted by motive: {motive: MotiveCount}. One SQL query."""
    return exit_counts_by(records).get((), {})


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


def total_of(figures) -> ExitFigures:
    """The sum of some `ExitFigures` (a group's motives), zero for none."""
    zero = ExitFigures(MotiveCount(), dict.fromkeys(FOLLOWUP_FIELDS, FollowupCount()), Decimal(0), Decimal(0), 0, 0, 0)
    return sum(figures, zero)


def counts_of(figures: dict) -> dict:
    """{motive: MotiveCount} out of {motive: ExitFigures}, for the rate functions."""
    return {motive: figure.count for motive, figure in figures.items()}


def followups_of(figures: dict, months: int) -> dict:
    """{motive: FollowupCount} at `months` out of {motive: ExitFigures}."""
    return {motive: figure.followups[months] for motive, figure in figures.items()}


__all__ = ["ExitRecord", "exit_counts", "exit_counts_by", "exit_figures_by", "total_of"]
