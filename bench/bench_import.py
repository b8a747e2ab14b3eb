"""Import of 100,000 exit records from a realistic French CSV, against a bare PostgreSQL COPY of
the same rows (goal: within 5x); the re-import of the unchanged file against the first import's
parse time (goal: within 2x: the comparison with the records already there costs less than
reading the file)."""

import random
from datetime import date, timedelta

from .common import Measure, best_of, ensure_django

ROWS = 100_000
BENCH_SIRET = "44306184100047"  # a valid SIRET kept for this benchmark's own structure
NATIONAL_DATA = False  # its own structure and rows: `python -m bench --only import` seeds nothing


def generate_csv(rows: int = ROWS, seed: int = 2009) -> bytes:
    """A CSV as a French spreadsheet saves it: Windows-1252, `;`, JJ/MM/AAAA, decimal comma,
    motives as labels with accents (and a few as codes)."""
    from siae_portal.reference import EXIT_MOTIVES, PRESCRIBERS

    rng = random.Random(seed)
    labels = [m.label for m in EXIT_MOTIVES] + [m.code for m in EXIT_MOTIVES]
    prescribers = [label for _, label in PRESCRIBERS]
    lines = [
        "reference;date_entree;date_sortie;motif_sortie;heures_travaillees;prescripteur;emploi_temps_plein;"
        "heures_accompagnement_interne;heures_accompagnement_externe;entrees_formation;actions_vers_formation;"
        "situation_3_mois;situation_6_mois;situation_12_mois;observations"
    ]
    start = date(2000, 1, 1)
    for n in range(rows):
        entry = start + timedelta(days=rng.randrange(0, 3000))
        exit_ = entry + timedelta(days=rng.randrange(20, 700))
        lines.append(
            ";".join(
                [
                    f"B-{n:06d}",
                    entry.strftime("%d/%m/%Y"),
                    exit_.strftime("%d/%m/%Y"),
                    rng.choice(labels),
                    f"{rng.uniform(10, 1600):.2f}".replace(".", ","),
                    rng.choice(prescribers),
                    rng.choice(["oui", "non", ""]),
                    f"{rng.uniform(0, 80):.1f}".replace(".", ","),
                    f"{rng.uniform(0, 20):.1f}".replace(".", ","),
                    str(rng.randrange(0, 3)),
                    str(rng.randrange(0, 5)),
                    rng.choice(["", "chomage", "Embauche en CDI non aidé"]),
                    rng.choice(["", "cdd_moins_6m", "Au chômage"]),
                    "",
                    "RAS",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run(database_url: str) -> list[Measure]:
    ensure_django(database_url)
    from django.db import connection, transaction
    from django.utils import timezone

    from dossiers.models import Structure
    from indicators.importer import import_exits as do_import
    from indicators.importer import parse_rows, read_table, row_tuples
    from indicators.models import EXIT_COLUMNS, ExitRecord
    from siae_portal.bulk import insert_rows

    assert connection.vendor == "postgresql", "the floor is PostgreSQL's COPY"
    raw = generate_csv()
    structure, created_structure = Structure.objects.get_or_create(
        siret=BENCH_SIRET,
        defaults={"name": "Banc d'essai de l'import", "kind": "AI", "departement": "59", "commune": "Lille"},
    )

    def parse():
        return parse_rows(read_table(raw, "bench.csv"), structure.kind, timezone.localdate())

    # The floor gets the very rows the import saves, already parsed and as tuples: it times the bare COPY only.
    values, errors, _ = parse()
    assert not errors, errors[:3]
    now = timezone.now()
    rows = [(*row, now, now) for row in row_tuples(values, structure.pk)]

    def clear():
        # Raw deletes: the ORM's delete() would fetch every row and write a history row for each.
        ExitRecord.history.filter(structure_id=structure.pk)._raw_delete(ExitRecord.objects.db)
        ExitRecord.objects.filter(structure=structure)._raw_delete(ExitRecord.objects.db)

    def bare_copy():
        with transaction.atomic():
            insert_rows(ExitRecord, EXIT_COLUMNS, rows)

    def import_file():
        result = do_import(structure, raw, "bench.csv")
        assert result.created == ROWS, result

    def reimport_file():
        result = do_import(structure, raw, "bench.csv")
        assert result.unchanged == ROWS, result

    try:
        parse_seconds = best_of(parse, repeat=3)
        floor = best_of(bare_copy, repeat=3, setup=clear)
        seconds = best_of(import_file, repeat=3, setup=clear)
        reimport = best_of(reimport_file, repeat=3)
        # Six months later the same file comes back with the 12-month follow-up filled in: every row changes.
        followed_up = raw.replace(b";;RAS", b";chomage;RAS")
        update = best_of(lambda: do_import(structure, followed_up, "bench.csv"), repeat=1)
    finally:
        clear()
        if created_structure:
            structure.delete()  # leave the benchmark database as it was
    return [
        Measure(
            f"import of {ROWS:,} CSV rows (parse, validate, insert with history)",
            seconds,
            floor_name="bare PostgreSQL COPY of the same rows",
            floor_seconds=floor,
            goal_ratio=5.0,
        ),
        Measure(
            f"re-import of the same {ROWS:,} rows (nothing changes)",
            reimport,
            floor_name="the first import's parse (read and validate the file)",
            floor_seconds=parse_seconds,
            goal_ratio=2.0,
        ),
        Measure(
            f"re-import with every row changed ({ROWS:,} updates with history)",
            update,
            floor_name="bare PostgreSQL COPY of the same rows",
            floor_seconds=floor,
            note="no goal",
        ),
    ]
