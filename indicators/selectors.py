"""Reads that feed the rate calculations: counts aggregated in SQL, then handed to the pure
functions of `calculations.py`."""

from collections import defaultdict

from django.db.models import Count, Q

from .calculations import MotiveCount
from .models import ExitRecord, eligible_exit_q

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
    )
    result = defaultdict(dict)
    for row in rows:
        key = tuple(row[name] for name in group_fields)
        result[key][row["exit_motive"]] = MotiveCount(row["total"], row["eligible"], row["eligible_full_time"])
    return dict(result)


def exit_counts(records) -> dict:
    """The exits of `records` counted by motive: {motive: MotiveCount}. One SQL query."""
    return exit_counts_by(records).get((), {})


def followup_situations_by(records, months: int, *group_fields) -> dict:
    """Per group, the eligible non-withdrawn exits counted by the situation observed `months`
    after exit ("" when unknown): {group: {situation: n}}. One SQL query."""
    from siae_portal.reference import EXIT_MOTIVES, RETRAIT

    retraits = [m.code for m in EXIT_MOTIVES if m.category == RETRAIT]
    field = FOLLOWUP_FIELDS[months]
    rows = (
        records.order_by()
        .filter(eligible_exit_q())
        .exclude(exit_motive__in=retraits)
        .values(*group_fields, field)
        .annotate(n=Count("pk"))
    )
    result = defaultdict(dict)
    for row in rows:
        result[tuple(row[name] for name in group_fields)][row[field] or None] = row["n"]
    return dict(result)


__all__ = ["ExitRecord", "exit_counts", "exit_counts_by", "followup_situations_by"]
