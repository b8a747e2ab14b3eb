"""Suivi des conventions (conventions/tracking.py) on the national data set: the list for the whole
country (an administrator) and for one département (its agent), against a hand-written SQL floor
timed in the same run: the year's agreed objectives of the structures, and their exits counted
per structure and motive in one GROUP BY (goal: within 1.5x)."""

from .common import Measure, against_floor, best_of, count_queries, ensure_django, page_as

DEPARTEMENT = "59"
AGENT = "bench-agent-59@bench.local"
PAIRED_REPEAT = 11


def objectives_floor_sql(year: int, departements: list[str]) -> tuple[str, list]:
    """The agreed objectives of `year` of the structures of `departements`, by hand."""
    return (
        """
        SELECT y.structure_id, o.indicator, o.target, o.definition_id
        FROM conventions_objective o JOIN conventions_conventionyear y ON y.id = o.convention_year_id
        WHERE y.agreed AND y.year = %s
          AND y.structure_id IN (SELECT id FROM dossiers_structure WHERE departement = ANY(%s))
        """,
        [year, departements],
    )


def run(database_url: str) -> list[Measure]:
    ensure_django(database_url)
    from django.db import connection
    from django.urls import reverse

    from accounts.models import Membership, User
    from conventions.tracking import tracking_rows
    from demo.national import seed_conventions
    from indicators.dashboards import default_year
    from indicators.watchlist import watched_structures
    from siae_portal.reference import DEPARTEMENTS

    from .__main__ import floor_sql, run_floor

    if seed_conventions(_Print()):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE conventions_objective")
            cursor.execute("ANALYZE conventions_conventionyear")
    year = default_year()
    admin = User.objects.get_or_create(
        email="bench-admin@bench.local", defaults={"is_staff": True, "is_superuser": True}
    )[0]
    agent, _ = User.objects.get_or_create(email=AGENT, defaults={"first_name": "Banc d'essai"})
    Membership.objects.get_or_create(user=agent, role=Membership.Role.AGENT, departement=DEPARTEMENT, is_active=True)
    agent = User.objects.get(pk=agent.pk)

    measures = []
    for label, user, departements in (
        ("the whole country (an administrator)", User.objects.get(pk=admin.pk), list(DEPARTEMENTS)),
        (f"one département ({DEPARTEMENT}, its agent)", agent, [DEPARTEMENT]),
    ):
        structures = watched_structures(user)

        def work(structures=structures):
            return tracking_rows(structures, year, sort="-official")

        objectives_sql = objectives_floor_sql(year, departements)
        exits_sql = floor_sql(year, year, departements)

        def floor(objectives_sql=objectives_sql, exits_sql=exits_sql):
            return run_floor(*objectives_sql), run_floor(*exits_sql)

        # The two computations must agree before their times are compared.
        rows = work()
        objectives, exits = floor()
        assert len(rows) == len({row[0] for row in objectives}), (len(rows), len(objectives))
        assert sum(len(row.results) for row in rows) == len(objectives)
        totals = {}
        for structure_id, _motive, total, _eligible, _full_time in exits:
            totals[structure_id] = totals.get(structure_id, 0) + total
        for row in rows:
            assert row.by_indicator["exits"].numerator == totals.get(row.pk, 0), row.pk
        measures.append(
            against_floor(
                f"convention tracking list, {label}: {len(rows):,} structures, {len(objectives):,} objectives "
                f"of {year}, {sum(totals.values()):,} exits",
                work,
                floor,
                floor_name="hand-written SQL: the year's objectives + GROUP BY structure, motive",
                repeat=PAIRED_REPEAT,
                goal_ratio=1.5,
            )
        )

        page = page_as(user, reverse("conventions:tracking"), {"year": year})
        page()
        measures.append(
            Measure(
                f"convention tracking page, {label} (the same + session, form, 50-row page, HTML)",
                best_of(page, 5),
                note=f"{count_queries(page)} queries; rendering included, information only",
            )
        )
    return measures


class _Print:
    def write(self, text):
        print(text, flush=True)
