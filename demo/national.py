"""National demo data: about 4,000 structures of every kind in every département, attached to
networks, about 1.5 million exits over 10 years, with prescriber positionings, and agreed
three-year conventions whose objectives cover the years of the exits.

Fast: the rows are drawn with numpy, structures and network links are bulk-inserted, exits and
positionings go through PostgreSQL's COPY (multi-row INSERTs on other databases: siae_portal/bulk.py), and so do
the conventions' objectives. Idempotent: nothing happens when the national exits are already there
(but national structures without conventions get theirs: a data set seeded before conventions).
Bulk-inserted structures get their first history row; bulk-inserted exits and conventions get none
(history starts with the first edit, and the exit page says so).
"""

import random
import time
from decimal import Decimal

import numpy as np
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from conventions.models import Convention, ConventionYear, Objective
from dossiers.models import Network, Structure
from indicators import rollup
from indicators.calculations import DURABLE_RATE, OFFICIAL, compute_rate, summarize
from indicators.dashboards import default_year
from indicators.models import EXIT_COLUMNS, ExitRecord, ExitRollup, PrescriberPositioning
from indicators.selectors import motive_counts
from siae_portal.bulk import insert_rows
from siae_portal.reference import (
    DEPARTEMENTS,
    DURABLE,
    EXIT_MOTIVES,
    KINDS_ELIGIBLE_BY_HOURS,
    NETWORKS,
    OTHER,
    POSITIVE,
    PRESCRIBERS,
    RETRAIT,
    TRANSITION,
)

from .conventions import PLANS, _target
from .generators import make_siret

REFERENCE_PREFIX = "NAT-"
CONVENTION_PREFIX = "NAT-CONV-"
CONVENTION_YEARS = 3
NATIONAL_ACTIVITY = "Structure de démonstration (jeu de données national)."
STRUCTURES = 4000
EXITS = 1_500_000
YEARS = 10
BATCH = 50_000

KIND_SHARES = {"ACI": 0.45, "EI": 0.22, "AI": 0.20, "ETTI": 0.13}
KIND_NETWORKS = {
    "ACI": ["CHANTIER_ECOLE", "FNARS"],
    "EI": ["FEI"],
    "AI": ["COORACE", "UNAI"],
    "ETTI": ["COORACE", "FEI"],
}
# The URIAE of the seed is Nord-Pas-de-Calais's; its region today is Hauts-de-France.
URIAE_DEPARTEMENTS = {"02", "59", "60", "62", "80"}
BIG_DEPARTEMENTS = {"59": 5, "62": 4, "13": 3, "75": 3, "69": 3, "93": 3, "33": 2, "31": 2, "44": 2, "67": 2}
NAME_WORDS = {
    "ACI": ["Chantier", "Jardins", "Atelier", "Ressourcerie", "Chantier nature"],
    "EI": ["Entreprise", "Bâtiment", "Propreté", "Services", "Recyclage"],
    "AI": ["Association intermédiaire", "Entraide emploi", "Services proximité"],
    "ETTI": ["Intérim solidaire", "Intérim insertion", "Travail temporaire"],
}
# Category mix of the exits (a structure's quality shifts weight between dynamic and other).
DYNAMIC_MOTIVES = [m.code for m in EXIT_MOTIVES if m.category in (DURABLE, TRANSITION, POSITIVE)]
DYNAMIC_WEIGHTS = np.array(
    [{DURABLE: 4.0, TRANSITION: 5.0, POSITIVE: 3.0}[m.category] for m in EXIT_MOTIVES if m.code in DYNAMIC_MOTIVES]
)
OTHER_MOTIVES = [m.code for m in EXIT_MOTIVES if m.category in (OTHER, RETRAIT)]
OTHER_WEIGHTS = np.array([{OTHER: 6.0, RETRAIT: 1.0}[m.category] for m in EXIT_MOTIVES if m.code in OTHER_MOTIVES])
PRESCRIBER_CODES = [code for code, _ in PRESCRIBERS]


def seed(seeding, path=None):
    """The `seed_demo --scale national` step (nothing at the regional scale)."""
    if seeding.scale == "national":
        seed_national(seeding.stdout)


def is_seeded() -> bool:
    return ExitRecord.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()


def seed_national(stdout, structures=STRUCTURES, exits=EXITS, years=YEARS, last_year=None, seed=2009, **options):
    """Create `structures` structures and about `exits` exits over `years` years ending with
    `last_year` (the last complete year by default). Returns the numbers created (0 when the
    data is already there). Other `seed_demo` options are ignored."""
    if is_seeded():
        n_conventions = seed_conventions(stdout)
        if not n_conventions:
            stdout.write("Données nationales déjà présentes : rien à faire.")
        return {"structures": 0, "exits": 0, "positionings": 0, "conventions": n_conventions}
    started = time.perf_counter()
    last_year = last_year or default_year()
    rng = np.random.default_rng(seed)
    created = _structures(structures, random.Random(seed))
    n_exits = _exits(created, exits, years, last_year, rng)
    n_positionings = _positionings(created, years, last_year, rng)
    # The exits went in by COPY, beside the ORM: their rollup, computed by the database in the
    # seed's transaction.
    rollup.refresh([structure[0] for structure in created])
    n_conventions = _conventions([structure[0] for structure in created], last_year - years + 1, last_year)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ExitRecord._meta.db_table}")
            cursor.execute(f"ANALYZE {Structure._meta.db_table}")
            # The rollup and the conventions too: with the statistics of an empty table, the
            # planner reads a whole year of the rollup for one département's structures.
            for model in (ExitRollup, ConventionYear, Objective):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    stdout.write(
        f"Données nationales : {len(created)} structures, {n_exits} sorties sur {years} ans, "
        f"{n_positionings} positionnements, {n_conventions} conventions conclues "
        f"({time.perf_counter() - started:.0f} s)."
    )
    return {"structures": len(created), "exits": n_exits, "positionings": n_positionings, "conventions": n_conventions}


def seed_conventions(stdout) -> int:
    """The conventions of national structures that have none (a data set loaded before the
    conventions existed), over the years of their exits. Returns how many were created."""
    bare = list(
        Structure.objects.filter(activity=NATIONAL_ACTIVITY, conventions__isnull=True).values_list("pk", flat=True)
    )
    if not bare:
        return 0
    years = ExitRollup.objects.filter(structure_id__in=bare).aggregate(first=Min("year"), last=Max("year"))
    if years["first"] is None:
        return 0
    started = time.perf_counter()
    created = _conventions(bare, years["first"], years["last"])
    stdout.write(f"Conventions nationales : {created} conclues ({time.perf_counter() - started:.0f} s).")
    return created


def convention_spans(first_year: int, last_year: int) -> list[tuple[int, int]]:
    """Three-year spans from `first_year` until one covers `last_year` (the last one may run past
    it: the convention in progress)."""
    return [(start, start + CONVENTION_YEARS - 1) for start in range(first_year, last_year + 1, CONVENTION_YEARS)]


def _conventions(structure_ids: list[int], first_year: int, last_year: int) -> int:
    """Agreed three-year conventions for every structure of `structure_ids` over the years of its
    exits, with objectives (exits, official and durable rates) set against its own results, in
    turn reached, missed beyond the margin and missed within it (as the regional demo's,
    `demo.conventions`). Years without exits yet take the targets of the latest year with some.
    Conventions and their years by bulk_create (their ids are needed), objectives by COPY."""
    spans = convention_spans(first_year, last_year)
    counts = motive_counts(structure_ids, first_year, last_year, "structure", "year")
    posts = dict(Structure.objects.filter(pk__in=structure_ids).values_list("pk", "insertion_posts_etp"))
    departements = dict(Structure.objects.filter(pk__in=structure_ids).values_list("pk", "departement"))
    now = timezone.now()
    conventions = [
        Convention(
            structure_id=pk,
            first_year=start,
            last_year=end,
            status=Convention.Status.AGREED,
            agreed_at=now,
            reference=f"{CONVENTION_PREFIX}{departements[pk]}-{start}-{index + 1:05d}",
        )  # fmt: skip
        for index, pk in enumerate(structure_ids)
        for start, end in spans
    ]
    conventions = _with_ids(Convention, conventions, "reference")
    Convention.history.bulk_history_create(
        conventions, batch_size=2000, default_change_reason="jeu de données national"
    )
    years = [
        ConventionYear(
            convention_id=c.pk,
            structure_id=c.structure_id,
            year=year,
            agreed=True,
            insertion_posts_etp=posts[c.structure_id],
        )  # fmt: skip
        for c in conventions
        for year in range(c.first_year, c.last_year + 1)
    ]
    years = ConventionYear.objects.bulk_create(years, batch_size=2000)
    if years and years[0].pk is None:
        ids = {
            (c, y): pk
            for pk, c, y in ConventionYear.objects.filter(structure_id__in=structure_ids).values_list(
                "pk", "convention_id", "year"
            )
        }
        for row in years:
            row.pk = ids[row.convention_id, row.year]
    plans = {pk: PLANS[index % len(PLANS)] for index, pk in enumerate(structure_ids)}
    latest = {}  # structure -> the counts of its latest year with exits (years go up)

    def objectives():
        for row in sorted(years, key=lambda r: (r.structure_id, r.year)):
            by_motive = counts.get((row.structure_id, row.year)) or latest.get(row.structure_id, {})
            if by_motive:
                latest[row.structure_id] = by_motive
            plan = plans[row.structure_id]
            exits = summarize(by_motive).total if by_motive else 0
            official, durable = compute_rate(by_motive, OFFICIAL), compute_rate(by_motive, DURABLE_RATE)
            forecast = {"reached": exits - 2, "missed": exits + 5, "within_margin": exits + 1}[plan]
            yield row.pk, "exits", None, Decimal(max(forecast, 0)), now
            yield row.pk, "official", None, _target(official.numerator, official.denominator, plan), now
            yield row.pk, "durable", None, _target(durable.numerator, durable.denominator, plan), now

    insert_rows(Objective, ["convention_year_id", "indicator", "definition_id", "target", "updated_at"], objectives())
    return len(conventions)


def _with_ids(model, objects, unique_field):
    """`bulk_create` that gives every object its id, on databases that do not return them too."""
    created = model.objects.bulk_create(objects, batch_size=2000)
    if created and created[0].pk is None:
        ids = dict(
            model.objects.filter(**{f"{unique_field}__in": [getattr(o, unique_field) for o in created]}).values_list(
                unique_field, "pk"
            )
        )
        for obj in created:
            obj.pk = ids[getattr(obj, unique_field)]
    return created


def _departement_weights():
    weights = np.array([BIG_DEPARTEMENTS.get(code, 1.0) for code in DEPARTEMENTS], dtype=float)
    return weights / weights.sum()


def _structures(n, rnd: random.Random) -> list[tuple[int, str, float]]:
    """Bulk-create the structures and their network links; returns (pk, kind, posts) tuples."""
    networks = {}
    for code, name in NETWORKS:
        networks[code], _ = Network.objects.get_or_create(code=code, defaults={"name": name})
    taken = set(Structure.objects.values_list("siret", flat=True))
    kinds = list(KIND_SHARES)
    departement_weights = _departement_weights().tolist()
    objects, network_codes = [], []
    for index in range(n):
        kind = rnd.choices(kinds, weights=list(KIND_SHARES.values()))[0]
        departement = rnd.choices(DEPARTEMENTS, weights=departement_weights)[0]
        siret = make_siret(rnd)
        while siret in taken:
            siret = make_siret(rnd)
        taken.add(siret)
        objects.append(
            Structure(
                name=f"{rnd.choice(NAME_WORDS[kind])} {departement}-{index + 1:04d}",
                kind=kind,
                siret=siret,
                departement=departement,
                commune=f"Commune {departement}-{rnd.randrange(1, 60):02d}",
                address=f"{rnd.randrange(1, 150)} rue de l'Insertion",
                insertion_posts_etp=Decimal(rnd.randrange(4, 40)),
                activity=NATIONAL_ACTIVITY,
            )
        )
        codes = {rnd.choice(KIND_NETWORKS[kind])} if rnd.random() < 0.8 else set()
        if departement in URIAE_DEPARTEMENTS and rnd.random() < 0.7:
            codes.add("URIAE")
        network_codes.append(codes)
    created = Structure.objects.bulk_create(objects, batch_size=1000)
    if created and created[0].pk is None:  # databases that do not return ids from bulk inserts
        by_siret = dict(Structure.objects.filter(siret__in=[s.siret for s in created]).values_list("siret", "pk"))
        for structure in created:
            structure.pk = by_siret[structure.siret]
    # Their first history row, as a save would have written it (the admin shows who created what).
    Structure.history.bulk_history_create(created, batch_size=1000, default_change_reason="jeu de données national")
    Through = Structure.networks.through
    Through.objects.bulk_create(
        [
            Through(structure_id=structure.pk, network_id=networks[code].pk)
            for structure, codes in zip(created, network_codes, strict=True)
            for code in sorted(codes)
        ],
        batch_size=5000,
    )
    return [(s.pk, s.kind, float(s.insertion_posts_etp)) for s in created]


def _add_three_months(entry: np.ndarray) -> np.ndarray:
    """`calculations.eligibility_date` vectorised: entry + 3 calendar months, clamped to the
    end of a shorter month."""
    months = entry.astype("datetime64[M]")
    day = (entry - months.astype("datetime64[D]")).astype(int)
    target = months + 3
    month_length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(int)
    return target.astype("datetime64[D]") + np.minimum(day, month_length - 1)


def _exits(structures, total, years, last_year, rng) -> int:
    n_structures = len(structures)
    pks = np.array([pk for pk, _, _ in structures])
    by_hours = np.array([kind in KINDS_ELIGIBLE_BY_HOURS for _, kind, _ in structures])
    posts = np.array([posts for _, _, posts in structures])
    quality = rng.beta(5, 4, n_structures)  # share of dynamic exits, around 55 %
    trend = rng.normal(0.01, 0.01, n_structures)  # yearly drift of that share

    # Exits per structure and year, proportional to the posts, scaled to about `total`.
    expected = np.outer(posts / posts.sum() * total / years, np.ones(years))
    per_cell = rng.poisson(expected)
    cell_structure = np.repeat(np.arange(n_structures), years)
    cell_year = np.tile(np.arange(years), n_structures)
    counts = per_cell.ravel()
    s_index = np.repeat(cell_structure, counts)
    y_offset = np.repeat(cell_year, counts)
    n = int(counts.sum())
    year_starts = np.array([np.datetime64(f"{last_year - years + 1 + k}-01-01") for k in range(years + 1)])
    year_length = (year_starts[1:] - year_starts[:-1]).astype(int)
    all_motives = np.array([m.code for m in EXIT_MOTIVES])
    dynamic_motives, other_motives = np.array(DYNAMIC_MOTIVES), np.array(OTHER_MOTIVES)
    prescribers = np.array(PRESCRIBER_CODES)
    now = timezone.now()

    def chunk_rows(start, stop):
        """The rows `start` to `stop` (drawn chunk by chunk to keep memory small)."""
        m = stop - start
        s_idx, y_off = s_index[start:stop], y_offset[start:stop]
        exit_date = year_starts[y_off] + (rng.random(m) * year_length[y_off]).astype(int)
        stay_days = np.where(rng.random(m) < 0.1, rng.integers(20, 90, m), rng.integers(92, 730, m))
        entry_date = exit_date - stay_days
        hours = np.round(stay_days / 7 * rng.uniform(8, 35, m), 2)
        hours = np.where(by_hours[s_idx] & (rng.random(m) < 0.15), np.round(rng.uniform(10, 149, m), 2), hours)
        p_dynamic = np.clip(quality[s_idx] + trend[s_idx] * (y_off - years / 2), 0.05, 0.95)
        motive = np.where(
            rng.random(m) < p_dynamic,
            dynamic_motives[rng.choice(len(dynamic_motives), m, p=DYNAMIC_WEIGHTS / DYNAMIC_WEIGHTS.sum())],
            other_motives[rng.choice(len(other_motives), m, p=OTHER_WEIGHTS / OTHER_WEIGHTS.sum())],
        )

        def followup(known_share):
            """The situation observed later: often the same, sometimes another, unknown otherwise."""
            situation = np.where(rng.random(m) < 0.7, motive, all_motives[rng.integers(0, len(all_motives), m)])
            return np.where(rng.random(m) < known_share, situation, "").tolist()

        columns = [
            pks[s_idx].tolist(),
            [f"{REFERENCE_PREFIX}{i:07d}" for i in range(start, stop)],
            entry_date.tolist(),
            exit_date.tolist(),
            _add_three_months(entry_date).tolist(),
            hours.tolist(),
            motive.tolist(),
            prescribers[rng.integers(0, len(prescribers), m)].tolist(),
            (rng.random(m) < 0.6).tolist(),
            np.round(rng.gamma(2.0, 15.0, m), 1).tolist(),
            np.round(rng.gamma(1.5, 6.0, m), 1).tolist(),
            rng.poisson(0.4, m).tolist(),
            rng.poisson(1.2, m).tolist(),
            followup(0.7),
            followup(0.55),
            followup(0.4),
            (rng.random(m) < 0.5).tolist(),
            [now] * m,
            [now] * m,
        ]
        return zip(*columns, strict=True)

    def all_rows():
        for start in range(0, n, BATCH):
            yield from chunk_rows(start, min(start + BATCH, n))

    insert_rows(ExitRecord, EXIT_COLUMNS, all_rows())
    return n


def _positionings(structures, years, last_year, rng) -> int:
    rows = []
    for pk, _, posts in structures:
        for year in range(last_year - years + 1, last_year + 1):
            for prescriber in rng.choice(PRESCRIBER_CODES, size=int(rng.integers(2, 5)), replace=False):
                positioned = int(rng.integers(1, int(posts * 2) + 2))
                rows.append((pk, year, str(prescriber), positioned, int(rng.binomial(positioned, 0.45))))
    insert_rows(PrescriberPositioning, ["structure_id", "year", "prescriber", "positioned", "hired"], iter(rows))
    return len(rows)
