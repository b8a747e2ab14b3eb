"""Demo exit records (2006-2009) and positionings for the demo structures of Nord and
Pas-de-Calais. Deterministic (one random generator per structure), idempotent (natural keys,
conflicts ignored) and bulk. The national scale lives in `indicators/demo_national.py`."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from dossiers.demo import DEMO_STRUCTURES
from dossiers.models import Network, Structure
from siae_portal.reference import EXIT_MOTIVES, KINDS_ELIGIBLE_BY_HOURS, PRESCRIBERS

from .calculations import eligibility_date
from .importer import write_bulk_history
from .models import CustomRateDefinition, ExitRecord, PrescriberPositioning

YEARS = range(2006, 2010)
FOLLOWUP_KNOWN = {3: 0.75, 6: 0.55, 12: 0.35}
MOTIVES_BY_CATEGORY = {}
for _motive in EXIT_MOTIVES:
    MOTIVES_BY_CATEGORY.setdefault(_motive.category, []).append(_motive.code)


def seed(stdout, scale="regional", **options):
    seed_regional(stdout)
    if scale == "national":
        from .demo_national import seed_national

        seed_national(stdout, **options)


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
                ExitRecord(
                    structure=structure,
                    reference=f"{prefix}-{year}-{n + 1:03d}",
                    entry_date=entry_date,
                    exit_date=exit_date,
                    eligible_from=eligibility_date(entry_date),
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


def seed_regional(stdout):
    names = [row[0] for row in DEMO_STRUCTURES]
    structures = Structure.objects.filter(name__in=names).order_by("name")
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

    uriae = Network.objects.filter(code="URIAE").first()
    CustomRateDefinition.objects.get_or_create(
        name="DDTEFP du Nord : emploi durable seulement à temps plein",
        defaults={
            "description": "Critère supplémentaire demandé lors du dialogue de gestion : un CDI ou un CDD de "
            "6 mois et plus ne compte comme emploi durable que s'il est à temps plein.",
            "durable_requires_full_time": True,
        },
    )
    if uriae:
        CustomRateDefinition.objects.get_or_create(
            name="URIAE : sans les sorties sans nouvelle ni les inactifs",
            defaults={"network": uriae, "excluded_motives": ["inactif", "sans_nouvelle"]},
        )
    created = ExitRecord.objects.count() - before
    stdout.write(f"Sorties de démonstration : {created} créées ({len(records)} pour {structures.count()} structures).")
