"""`make bench`: the indicator measures on the national data set, on PostgreSQL.

Each measure is printed with a floor timed in the same run (a hand-written SQL GROUP BY over the
same rows, or a bare insert), so that the ratio means something on any machine. The database
(DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/siae_portal_bench) is created,
migrated and seeded at the national scale when empty (about half a minute).
`python -m bench --only import` runs one group of measures (see --help).
"""

import argparse
import importlib
import os
import pkgutil
import sys
import time
from datetime import date

from operations.databases import ensure_postgresql_database

from .common import Measure, against_floor, best_of, count_queries, page_as

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/siae_portal_bench"
# The "region": Hauts-de-France, whose Nord-Pas-de-Calais part is the seed's URIAE.
REGION = ["02", "59", "60", "62", "80"]
REGIONAL_USER = "bench-region@bench.local"
REPEAT = 7
# Measures compared with a floor: alternate runs, fastest of each (bench/common.py, `paired`).
PAIRED_REPEAT = 15


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siae_portal.settings")
    # DEBUG only selects plain static files and no HTTPS redirect; it is switched off below so
    # that Django does not record every query.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database if it does not exist yet."""
    ensure_postgresql_database(
        database_url, "make bench mesure PostgreSQL : DATABASE_URL doit être une URL postgres://."
    )


def prepare(national: bool = True) -> None:
    """Migrate, and seed the national data set when a measure needs it and it is not there yet."""
    from django.core.management import call_command

    from demo.national import is_seeded

    call_command("migrate", verbosity=0)
    if national and not is_seeded():
        print("Chargement des données nationales (une fois)...", flush=True)
        call_command("seed_demo", scale="national")
        # Freshly loaded rows: set hint bits and the visibility map now rather than during the
        # first measures (VACUUM cannot run inside seed_demo's transaction).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE indicators_exitrecord")


def regional_user():
    from accounts.models import Membership, User

    user, _ = User.objects.get_or_create(email=REGIONAL_USER, defaults={"first_name": "Banc d'essai"})
    for departement in REGION:
        Membership.objects.get_or_create(
            user=user, role=Membership.Role.AGENT, departement=departement, is_active=True
        )
    return User.objects.get(pk=user.pk)  # a fresh scope


# The structures of the region as a semi-join: PostgreSQL then walks the (structure, exit_date)
# index once per structure. Written as a plain join filter ("s.departement = ANY(...)"), the
# planner estimates badly, scans the whole table in parallel, and the floor gets up to 3x slower
# than the portal's own query: a flattering floor, so not the one measured.
IN_REGION = "e.structure_id IN (SELECT id FROM dossiers_structure WHERE departement = ANY(%s))"
# An eligible exit (docs/domain.md), by hand: 3 months for ACI/EI (stored `eligible_from`), 150 hours for AI/ETTI.
ELIGIBLE = (
    "((s.kind IN ('ACI', 'EI') AND e.exit_date >= e.eligible_from) "
    "OR (s.kind IN ('AI', 'ETTI') AND e.hours_worked >= 150))"
)


def floor_sql(year_from: int, year_to: int, departements: list[str], group: str = "e.structure_id"):
    """The hand-written floor: the exits of the structures of `departements` dated in the years,
    counted by `group` and motive (all, eligible, eligible in a full-time job) in one GROUP BY."""
    from indicators.models import ExitRecord

    sql = f"""
        SELECT {group}, e.exit_motive, count(*), count(*) FILTER (WHERE {ELIGIBLE}),
               count(*) FILTER (WHERE {ELIGIBLE} AND e.full_time)
        FROM {ExitRecord._meta.db_table} e JOIN dossiers_structure s ON s.id = e.structure_id
        WHERE {IN_REGION} AND e.exit_date BETWEEN %s AND %s
        GROUP BY {group}, e.exit_motive
    """
    return sql, [departements, date(year_from, 1, 1), date(year_to, 12, 31)]


def run_floor(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def regional_measures() -> list[Measure]:
    from django.urls import reverse

    from accounts.models import User
    from dossiers.models import Structure
    from indicators import dashboards
    from indicators.calculations import year_span
    from indicators.dashboards import TREND_YEARS

    user = regional_user()
    year = dashboards.default_year()
    structures = Structure.objects.visible_to(user)
    n_structures = structures.count()
    definitions = dashboards.rate_definitions(user)

    def table():
        return dashboards.structures_table(structures, year, definitions, "-official")

    rows = table()
    floor_rows = run_floor(*floor_sql(year, year, REGION))
    # The two computations must agree before their times are compared.
    by_pk = {row.pk: row for row in rows}
    for pk, motive, total, eligible, _ in floor_rows:
        count = by_pk[pk].rates.counts[motive]
        assert (count.total, count.eligible) == (total, eligible), (pk, motive)
    exits = sum(row[2] for row in floor_rows)

    sql_year, params_year = floor_sql(year, year, REGION)
    measures = [
        against_floor(
            f"regional dashboard table ({n_structures} structures, {exits:,} exits of {year}: rates and sort)",
            table,
            lambda: run_floor(sql_year, params_year),
            floor_name="hand-written SQL GROUP BY structure, motive",
            repeat=PAIRED_REPEAT,
            goal_ratio=1.5,
        )
    ]

    trend_years = year_span(year, TREND_YEARS)
    sql_all, params_all = floor_sql(trend_years[0], year, REGION, "EXTRACT(YEAR FROM e.exit_date), s.kind")

    def floor_both():
        run_floor(sql_year, params_year)
        run_floor(sql_all, params_all)

    def work():
        rows = table()
        dashboards.trends(structures, rows, year, definitions)

    measures.append(
        against_floor(
            f"regional dashboard query work (the table, the {TREND_YEARS}-year trends, the totals per kind)",
            work,
            floor_both,
            floor_name="hand-written GROUP BY structure, motive (year) + year, kind, motive (trend years)",
            repeat=PAIRED_REPEAT,
            goal_ratio=1.5,
        )
    )

    url = reverse("indicators:dashboard")
    measures.append(
        against_floor(
            "regional dashboard page (the same work + session, filter form, 50-row page, SVG charts, HTML)",
            page_as(user, url, {"year": year}),
            floor_both,
            floor_name="the same hand-written GROUP BYs",
            repeat=REPEAT,
            note="rendering included, no goal set by the issue",
        )
    )
    admin = User.objects.get_or_create(
        email="bench-admin@bench.local", defaults={"is_staff": True, "is_superuser": True}
    )[0]
    national_page = page_as(admin, url, {"year": year})
    measures.append(
        Measure(
            f"national dashboard page for an administrator ({Structure.objects.count():,} structures)",
            best_of(national_page, 3),
            note=f"{count_queries(national_page)} queries; information only (not a goal of the issue)",
        )
    )
    return measures


def report_floor_sql(year: int, departements: list[str]) -> tuple[str, list]:
    """The report's numbers from the exits in one hand-written GROUP BY motive: counts, eligible,
    full time, follow-up situations known and dynamic at 3, 6 and 12 months, support and training sums."""
    from indicators.models import ExitRecord
    from siae_portal.reference import DYNAMIC_CATEGORIES, EXIT_MOTIVES

    dynamic = ", ".join(f"'{m.code}'" for m in EXIT_MOTIVES if m.category in DYNAMIC_CATEGORIES)
    followups = ", ".join(
        f"count(*) FILTER (WHERE {ELIGIBLE} AND e.situation_{m}_months <> ''), "
        f"count(*) FILTER (WHERE {ELIGIBLE} AND e.situation_{m}_months IN ({dynamic}))"
        for m in (3, 6, 12)
    )
    sql = f"""
        SELECT e.exit_motive, count(*), count(*) FILTER (WHERE {ELIGIBLE}),
               count(*) FILTER (WHERE {ELIGIBLE} AND e.full_time), {followups},
               sum(e.support_hours_internal), sum(e.support_hours_external), sum(e.training_entries),
               sum(e.training_support_actions), count(*) FILTER (WHERE e.signed_statement)
        FROM {ExitRecord._meta.db_table} e JOIN dossiers_structure s ON s.id = e.structure_id
        WHERE {IN_REGION} AND e.exit_date BETWEEN %s AND %s
        GROUP BY e.exit_motive
    """
    return sql, [departements, date(year, 1, 1), date(year, 12, 31)]


def report_measures() -> list[Measure]:
    """The `indicators` report (indicators/reports.py, shared by the command and the API) for the
    region and a year."""
    from dossiers.models import Structure
    from indicators import dashboards
    from indicators.reports import build_report
    from siae_portal.reference import MOTIVE_CATEGORY, RETRAIT

    year = dashboards.default_year()
    structures = Structure.objects.filter(departement__in=REGION)

    def report():
        return build_report(structures, year)

    sql = report_floor_sql(year, REGION)
    # The two computations must agree, figure by figure, before their times are compared.
    result, floor_rows = report(), run_floor(*sql)
    kept = [row for row in floor_rows if MOTIVE_CATEGORY[row[0]] != RETRAIT]  # follow-ups leave retraits out
    assert result["exits"]["total"] == sum(row[1] for row in floor_rows)
    assert result["exits"]["eligible"] == sum(row[2] for row in floor_rows)
    for i, months in enumerate((3, 6, 12)):
        followup = result["followup"][str(months)]
        assert (followup["known"], followup["numerator"]) == (
            sum(row[4 + 2 * i] for row in kept),
            sum(row[5 + 2 * i] for row in kept),
        ), months
    complementary = result["complementary"]
    assert complementary["support_hours"]["internal"] == round(float(sum(row[10] or 0 for row in floor_rows)), 2)
    assert complementary["training"]["entries"] == sum(row[12] or 0 for row in floor_rows)
    assert complementary["signed_statements"] == sum(row[14] for row in floor_rows)
    return [
        against_floor(
            f"indicators report for the region, {year}",
            report,
            lambda: run_floor(*sql),
            floor_name="one hand-written GROUP BY motive giving the same exit figures",
            repeat=PAIRED_REPEAT,
            goal_ratio=1.5,
        )
    ]


def structure_measures() -> list[Measure]:
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import User
    from dossiers.models import Structure
    from indicators import dashboards

    year = dashboards.default_year()
    admin, _ = User.objects.get_or_create(
        email="bench-admin@bench.local", defaults={"is_staff": True, "is_superuser": True}
    )
    ranked = (
        Structure.objects.filter(departement__in=REGION)
        .annotate(n=Count("exit_records"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
    )
    biggest, smallest = ranked.first(), ranked.last()
    measures = []
    for label, structure in (("biggest", biggest), ("smallest", smallest)):
        page = page_as(admin, reverse("indicators:structure_dashboard", args=[structure.pk]), {"year": year})
        measures.append(
            Measure(
                f"structure dashboard, {label} structure of the region ({structure.n:,} exits over 10 years)",
                best_of(page, REPEAT),
                goal_seconds=0.050,
                note=f"{count_queries(page)} queries",
            )
        )
    return measures


# The measures of this module, by the name `--only` selects them with.
NATIONAL_GROUPS = {"regional": regional_measures, "report": report_measures, "structure": structure_measures}


def bench_modules() -> dict[str, str]:
    """The other benchmarks (bench/bench_<name>.py), by name."""
    package = importlib.import_module("bench")
    return {
        info.name.removeprefix("bench_"): info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("bench_")
    }


def other_benchmarks(database_url: str, names: list[str]) -> list[Measure]:
    measures = []
    for name in names:
        module = importlib.import_module(f"bench.{bench_modules()[name]}")
        print(f"... bench/{module.__name__.removeprefix('bench.')}.py", flush=True)
        measures += module.run(database_url) or []
    return measures


def needs_national_data(names: list[str]) -> bool:
    """Whether one of the selected measures reads the national data set (a module says it does
    not with NATIONAL_DATA = False)."""
    modules = bench_modules()
    return any(
        name in NATIONAL_GROUPS or getattr(importlib.import_module(f"bench.{modules[name]}"), "NATIONAL_DATA", True)
        for name in names
    )


def parse_arguments(argv: list[str]) -> list[str]:
    """The names of the measures to run (all of them by default)."""
    names = [*NATIONAL_GROUPS, *bench_modules()]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=names,
        metavar="NAME",
        help=f"run only these measures (repeatable): {', '.join(names)}",
    )
    return parser.parse_args(argv).only or names


def main(argv: list[str] | None = None) -> int:
    selected = parse_arguments(sys.argv[1:] if argv is None else argv)
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        database_url = DEFAULT_DATABASE_URL
    started = time.perf_counter()
    ensure_database(database_url)
    setup_django(database_url)
    prepare(national=needs_national_data(selected))
    from django.db import connection

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, {database_url.rsplit('/', 1)[-1]}")
    measures = []
    for name in selected:
        for measure in NATIONAL_GROUPS[name]() if name in NATIONAL_GROUPS else []:
            print(measure.line(), flush=True)
            measures.append(measure)
    for measure in other_benchmarks(database_url, [name for name in selected if name not in NATIONAL_GROUPS]):
        print(measure.line(), flush=True)
        measures.append(measure)
    above = [m for m in measures if not m.ok]
    print(f"{len(measures)} measures, {len(above)} above goal ({time.perf_counter() - started:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
