"""Demo conventions: every regional demo structure has an agreed 2007-2009 convention whose
objectives are set against its own generated results, so that some are reached, some missed and
some missed within one exit's worth; one structure also has a proposed 2010-2012 convention
awaiting the agent. Idempotent: a structure that has conventions keeps them."""

from decimal import ROUND_HALF_UP, Decimal

from accounts.models import User
from conventions import services
from conventions.models import Convention
from conventions.services import ObjectiveInput
from dossiers.models import Structure
from indicators.calculations import DURABLE_RATE, OFFICIAL, compute_rate, summarize
from indicators.selectors import motive_counts

YEARS = (2007, 2008, 2009)
# Per structure, in turn: objectives reached, missed beyond the margin, missed within it.
PLANS = ("reached", "missed", "within_margin")


def _target(numerator: int, denominator: int, plan: str) -> Decimal:
    if not denominator:
        return Decimal("0.6000")
    rate = numerator / denominator
    if plan == "reached":
        value = max(rate - 0.05, 0)
    elif plan == "missed":
        value = min(rate + 3 / denominator, 1)
    else:  # half an exit above what was achieved
        value = min(rate + 0.5 / denominator, 1)
    return Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def generate(seeding, path=None):
    structures = list(
        Structure.objects.filter(pk__in=[s.pk for s in seeding.structures.values()])
        .exclude(conventions__isnull=False)
        .order_by("name")
    )
    if not structures:
        return
    # Each convention agreed by an agent of its structure's département.
    agents = {}
    for user in User.objects.filter(memberships__role="agent", memberships__is_active=True).order_by("-email"):
        for departement in user.scope.departements:
            agents[departement] = user
    counts = motive_counts([s.pk for s in structures], YEARS[0], YEARS[-1], "structure", "year")
    for index, structure in enumerate(structures):
        plan = PLANS[index % len(PLANS)]
        objectives, etp = [], {}
        for year in YEARS:
            by_motive = counts.get((structure.pk, year), {})
            exits = summarize(by_motive).total if by_motive else 0
            official, durable = compute_rate(by_motive, OFFICIAL), compute_rate(by_motive, DURABLE_RATE)
            forecast = {"reached": exits - 2, "missed": exits + 5, "within_margin": exits + 1}[plan]
            objectives += [
                ObjectiveInput(year, "exits", Decimal(max(forecast, 0))),
                ObjectiveInput(year, "official", _target(official.numerator, official.denominator, plan)),
                ObjectiveInput(year, "durable", _target(durable.numerator, durable.denominator, plan)),
            ]
            etp[year] = structure.insertion_posts_etp
        convention = services.propose(
            structure, None, first_year=YEARS[0], last_year=YEARS[-1], etp=etp, objectives=objectives,
            reference=f"CONV-{structure.departement}-2007-{index + 1:03d}",
        )  # fmt: skip
        services.agree(convention, agents.get(structure.departement))
    first = structures[0]
    services.propose(
        first, None, first_year=2010, last_year=2012, etp=dict.fromkeys(range(2010, 2013), first.insertion_posts_etp),
        objectives=[ObjectiveInput(y, i, Decimal(t)) for y in range(2010, 2013)
                    for i, t in (("exits", 20), ("official", "0.6"), ("durable", "0.25"))],
    )  # fmt: skip
    seeding.stdout.write(
        f"Conventions de démonstration : {len(structures)} conclues 2007-2009, "
        f"1 proposée 2010-2012 ({first.name}) ; {Convention.objects.count()} au total."
    )
