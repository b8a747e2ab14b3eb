"""The exits of the regional demo structures (2006-2009) and their prescriber positionings, drawn
at random (one generator per structure, seeded by its name: the same records on every run), and
rate-definitions.json, two custom rate definitions. Idempotent (natural keys, conflicts ignored)
and bulk."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from dossiers.models import Structure
from indicators.importer import write_bulk_history
from indicators.models import CustomRateDefinition, ExitRecord, PrescriberPositioning
from siae_portal.datafiles import read_json
from siae_portal.reference import EXIT_MOTIVE_BY_CODE, EXIT_MOTIVES, KINDS_ELIGIBLE_BY_HOURS, PRESCRIBERS

from .seeding import check, json_objects, one_of

YEARS = range(2006, 2010)
FOLLOWUP_KNOWN = {3: 0.75, 6: 0.55, 12: 0.35}
MOTIVES_BY_CATEGORY = {}
for _motive in EXIT_MOTIVES:
    MOTIVES_BY_CATEGORY.setdefault(_motive.category, []).append(_motive.code)


def generate(seeding, path=None):
    structures = Structure.objects.filter(pk__in=[s.pk for s in seeding.structures.values()]).order_by("name")
    records, positionings = [], []
    for structure in structures:
        rng = random.Random(f"exits-{structure.name}")
        records.extend(_records_for(structure, rng))
        positionings.extend(_positionings_for(structure, rng))
    before = ExitRecord.objects.count()
    ExitRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)
    # Their "création" history rows, as an import writes them (the record page shows them).
    unrecorded = ExitRecord.objects.filter(structure__in=structures).exclude(pk__in=ExitRecord.history.values("id"))
    write_bulk_history(
        list(unrecorded.values_list("pk", flat=True)), "+", user=None, when=timezone.now(), reason="démonstration"
    )
    PrescriberPositioning.objects.bulk_create(positionings, batch_size=2000, ignore_conflicts=True)
    created = ExitRecord.objects.count() - before
    seeding.stdout.write(
        f"Sorties de démonstration : {created} créées ({len(records)} pour {structures.count()} structures)."
    )


def _category_weights(rng: random.Random) -> dict[str, float]:
    """A structure's own mix of exits: some reach the 60 % / 25 % targets, some stay below."""
    quality = rng.uniform(0.6, 1.4)
    return {
        "durable": 0.18 * quality,
        "transition": 0.22 * quality,
        "positive": 0.17 * quality,
        "other": 0.38 / quality,
        "retrait": 0.05,
    }


def _records_for(structure, rng: random.Random) -> list[ExitRecord]:
    weights = _category_weights(rng)
    categories, category_weights = list(weights), list(weights.values())
    prescribers = [code for code, _ in PRESCRIBERS]
    by_hours = structure.kind in KINDS_ELIGIBLE_BY_HOURS
    prefix = "".join(word[0] for word in structure.name.split() if word[0].isalpha()).upper()[:4]
    records = []
    for year in YEARS:
        count = max(3, round(float(structure.insertion_posts_etp) * rng.uniform(0.9, 1.5)))
        for n in range(count):
            exit_date = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            # AI/ETTI missions are short; ACI/EI pathways last months (some under the 3-month threshold).
            stay = rng.randrange(20, 240) if by_hours else rng.randrange(30, 720)
            entry_date = exit_date - timedelta(days=stay)
            category = rng.choices(categories, category_weights)[0]
            motive = rng.choice(MOTIVES_BY_CATEGORY[category])
            situations = {}
            for months, known in FOLLOWUP_KNOWN.items():
                if rng.random() < known:
                    stays = category in ("durable", "transition", "positive") and rng.random() < 0.7
                    situations[months] = motive if stays else rng.choice(["chomage", "cdd_moins_6m", "inactif"])
                else:
                    situations[months] = ""
            records.append(
                ExitRecord.for_bulk_create(
                    structure=structure,
                    reference=f"{prefix}-{year}-{n + 1:03d}",
                    entry_date=entry_date,
                    exit_date=exit_date,
                    hours_worked=Decimal(f"{rng.uniform(30, 1100):.2f}") if by_hours or rng.random() < 0.5 else None,
                    exit_motive=motive,
                    prescriber=rng.choice(prescribers),
                    full_time=(rng.random() < 0.6) if category in ("durable", "transition") else None,
                    support_hours_internal=Decimal(f"{rng.uniform(5, 90):.1f}"),
                    support_hours_external=Decimal(f"{rng.uniform(0, 25):.1f}"),
                    training_entries=rng.choices([0, 1, 2], [0.7, 0.25, 0.05])[0],
                    training_support_actions=rng.randrange(0, 4),
                    situation_3_months=situations[3],
                    situation_6_months=situations[6],
                    situation_12_months=situations[12],
                    signed_statement=rng.random() < 0.6,
                )
            )
    return records


def _positionings_for(structure, rng: random.Random) -> list[PrescriberPositioning]:
    rows = []
    for year in YEARS:
        for code, _ in PRESCRIBERS:
            if rng.random() < 0.25:
                continue
            positioned = rng.randrange(2, 40)
            rows.append(
                PrescriberPositioning(
                    structure=structure,
                    year=year,
                    prescriber=code,
                    positioned=positioned,
                    hired=rng.randrange(0, positioned + 1) // 2,
                )
            )
    return rows


def load_definitions(seeding, path):
    """rate-definitions.json: custom rate definitions, keyed by name; `network` (a code) makes one
    a network's own."""
    fields = ["description", "excluded_motives", "durable_requires_full_time"]
    for entry in json_objects(path, read_json(path), required=["name"], optional=[*fields, "network"]):
        definition = CustomRateDefinition(name=entry["name"], **{key: entry[key] for key in fields if key in entry})
        motives = definition.excluded_motives
        if not isinstance(motives, list) or not all(isinstance(code, str) for code in motives):
            raise entry.error(path, "« excluded_motives » est une liste de codes de motifs de sortie.")
        unknown = [code for code in motives if code not in EXIT_MOTIVE_BY_CODE]
        if unknown:
            raise entry.error(path, f"motif de sortie inconnu dans « excluded_motives » : {', '.join(unknown)}.")
        if "network" in entry:
            definition.network = one_of(entry, path, "network", seeding.networks, "réseau inconnu")
        check(definition, entry, path, exclude=["created_by"], validate_unique=False)
        defaults = {key: getattr(definition, key) for key in [*fields, "network"]}
        CustomRateDefinition.objects.get_or_create(name=definition.name, defaults=defaults)
