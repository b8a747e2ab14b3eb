"""The exit rollup: per structure, year and motive, the figures the indicators read (counts,
eligible, eligible in a full-time job, follow-ups, support and training sums), kept exact by
every write in the write's own transaction. The raw exits stay the source of truth: the rollup
of a (structure, year) is never adjusted by hand, it is recomputed from the raw exits by one
DELETE and one INSERT ... SELECT GROUP BY, whatever the write was.

Who refreshes what:
- `ExitRecord.save()` (the form, the admin): the record's structure and year, before and after;
- a deletion (`instance.delete()`, a queryset's `delete()`, the admin's bulk action): the deleted
  records' structures and years, once per deletion (the `post_delete` signal, collected by
  `deferred()`); a structure's deletion takes its rollup rows with it (foreign key CASCADE);
- `ExitRecord.objects.bulk_create()` and a queryset's `update()`: the structures touched;
- the import, the national seed, the demo seeder: the structures they wrote (`refresh()`);
- a change of a structure's kind (eligibility depends on it): the whole structure.

`rebuild()` recomputes from scratch; `differences()` compares the rollup with the raw exits
(`manage.py rebuild_rollup`, `manage.py check_rollup`).
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from siae_portal.reference import DYNAMIC_CATEGORIES, MOTIVE_CATEGORY

FOLLOWUP_MONTHS = (3, 6, 12)
DYNAMIC = sorted(motive for motive, category in MOTIVE_CATEGORY.items() if category in DYNAMIC_CATEGORIES)
# The figures of a rollup row, in the order of its columns.
FIGURES = (
    "total",
    "eligible",
    "eligible_full_time",
    *(f"{what}_{months}" for months in FOLLOWUP_MONTHS for what in ("known", "dynamic")),
    "support_hours_internal",
    "support_hours_external",
    "training_entries",
    "training_support_actions",
    "signed_statements",
)
KEY = ("structure_id", "year", "kind", "exit_motive")

_local = threading.local()


def _models(apps=None):
    if apps is None:
        from .models import ExitRecord, ExitRollup

        return ExitRecord, ExitRollup
    return apps.get_model("indicators", "ExitRecord"), apps.get_model("indicators", "ExitRollup")


def raw_figures(records):
    """The rollup's rows computed from `records` (an ExitRecord queryset): a values() queryset
    with the KEY and the FIGURES, one row per structure, year and motive."""
    from .models import eligible_exit_q

    eligible = eligible_exit_q()
    followups = {}
    for months in FOLLOWUP_MONTHS:
        field = f"situation_{months}_months"
        followups[f"known_{months}"] = Count("pk", filter=eligible & ~Q(**{field: ""}))
        followups[f"dynamic_{months}"] = Count("pk", filter=eligible & Q(**{f"{field}__in": DYNAMIC}))
    hours = DecimalField(max_digits=14, decimal_places=2)
    return (
        records.order_by()
        .annotate(year=ExtractYear("exit_date"), kind=F("structure__kind"))
        .values("structure_id", "year", "kind", "exit_motive")
        .annotate(
            total=Count("pk"),
            eligible=Count("pk", filter=eligible),
            eligible_full_time=Count("pk", filter=eligible & Q(full_time=True)),
            **followups,
            support_hours_internal=Coalesce(Sum("support_hours_internal"), Value(0), output_field=hours),
            support_hours_external=Coalesce(Sum("support_hours_external"), Value(0), output_field=hours),
            training_entries=Coalesce(Sum("training_entries"), Value(0), output_field=IntegerField()),
            training_support_actions=Coalesce(Sum("training_support_actions"), Value(0), output_field=IntegerField()),
            signed_statements=Count("pk", filter=Q(signed_statement=True)),
        )
    )


def _insert_from_raw(records, rollup_model) -> None:
    """INSERT INTO the rollup the figures of `records`, computed by the database (one statement)."""
    queryset = raw_figures(records)
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return
    quote = connection.ops.quote_name
    # Django names each selected column after its values() or annotation name: the subquery is
    # read by name, whatever order the ORM chose.
    select = [quote(name) for name in (*KEY, *FIGURES)]
    columns = ", ".join(quote(rollup_model._meta.get_field(name).column) for name in ("structure", *KEY[1:], *FIGURES))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(rollup_model._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(select)} FROM ({sql}) raw_figures",
            params,
        )


def refresh(structure_ids: Iterable[int] | None, years: Iterable[int] | None = None, *, apps=None) -> None:
    """Recompute the rollup of `structure_ids` (None: every structure) for `years` (None: every
    year) from the raw exits, in the current transaction (or its own)."""
    exit_model, rollup_model = _models(apps)
    structure_ids = None if structure_ids is None else sorted(set(structure_ids))
    years = None if years is None else sorted(set(years))
    if structure_ids == [] or years == []:
        return
    with transaction.atomic():
        stale = rollup_model.objects.all()
        records = exit_model.objects.all()
        if structure_ids is not None:
            stale = stale.filter(structure_id__in=structure_ids)
            records = records.filter(structure_id__in=structure_ids)
        if years is not None:
            stale = stale.filter(year__in=years)
            in_years = Q()
            for year in years:  # date ranges: the (structure, exit_date) index serves
                in_years |= Q(exit_date__range=(date(year, 1, 1), date(year, 12, 31)))
            records = records.filter(in_years)
        stale._raw_delete(stale.db)
        _insert_from_raw(records, rollup_model)


def rebuild(structure_ids: Iterable[int] | None = None, *, apps=None) -> None:
    """Recompute the whole rollup (or that of `structure_ids`) from the raw exits."""
    refresh(structure_ids, apps=apps)


@contextmanager
def deferred():
    """Collect the (structure, year) pairs touched inside the block and refresh them once at its
    end, in the same transaction (e.g. a queryset's delete(), which sends one signal per record)."""
    outer = getattr(_local, "pending", None)
    if outer is not None:  # nested: the outermost block refreshes
        yield
        return
    _local.pending = set()
    try:
        with transaction.atomic():
            yield
            pending, _local.pending = _local.pending, None
            by_structure = {}
            for structure_id, year in pending:
                by_structure.setdefault(structure_id, set()).add(year)
            for structure_id, years in by_structure.items():
                refresh([structure_id], years)
    finally:
        _local.pending = None


def touch(pairs: Iterable[tuple[int, int]]) -> None:
    """(structure, year) pairs whose raw exits changed: refreshed now, or at the end of the
    enclosing `deferred()` block."""
    pending = getattr(_local, "pending", None)
    pairs = set(pairs)
    if pending is not None:
        pending.update(pairs)
        return
    by_structure = {}
    for structure_id, year in pairs:
        by_structure.setdefault(structure_id, set()).add(year)
    for structure_id, years in by_structure.items():
        refresh([structure_id], years)


def _rows(queryset) -> dict:
    result = {}
    for row in queryset:
        key = tuple(row[name] for name in ("structure_id", "year", "kind", "exit_motive"))
        result[key] = tuple(row[name] for name in FIGURES)
    return result


def differences(structure_ids: Iterable[int] | None = None) -> list[str]:
    """Every (structure, year, kind, motive) whose rollup row differs from the raw exits, in words
    (empty: they agree)."""
    exit_model, rollup_model = _models()
    records, stored = exit_model.objects.all(), rollup_model.objects.all()
    if structure_ids is not None:
        structure_ids = list(structure_ids)
        records, stored = records.filter(structure_id__in=structure_ids), stored.filter(structure_id__in=structure_ids)
    expected = {}
    for row in raw_figures(records):
        key = tuple(row[name] for name in ("structure_id", "year", "kind", "exit_motive"))
        expected[key] = tuple(row[name] for name in FIGURES)
    actual = _rows(stored.values("structure_id", "year", "kind", "exit_motive", *FIGURES))
    problems = []
    for key in sorted(set(expected) | set(actual), key=str):
        want, got = expected.get(key), actual.get(key)
        if want != got:
            problems.append(f"structure {key[0]}, {key[1]}, {key[2]}, {key[3]} : attendu {want}, trouvé {got}")
    return problems
