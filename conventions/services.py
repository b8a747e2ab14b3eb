"""The writes of the dialogue de gestion, each all-or-nothing: propose, comment, agree, change an
objective, close. Every change of a convention, a year or an objective is kept by simple_history
(who, when, the previous value, and the reason when one is required)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import update_change_reason

from .calculations import convention_years_valid
from .models import Convention, ConventionComment, ConventionYear, Objective


class ConventionError(Exception):
    """A refused change, with its French message; nothing was written."""


@dataclass(frozen=True)
class ObjectiveInput:
    """One objective as a form hands it over: `target` a fraction 0-1 for a rate, a count for exits."""

    year: int
    indicator: str
    target: Decimal
    definition: object = None  # a CustomRateDefinition, or None for the official rule


@transaction.atomic
def propose(structure, user, *, first_year, last_year, etp: dict, objectives, reference: str = "") -> Convention:
    """A new proposed convention of `structure` with its years (ETP per year) and objectives."""
    message = convention_years_valid(first_year, last_year)
    if message:
        raise ConventionError(message)
    convention = Convention.objects.create(
        structure=structure, first_year=first_year, last_year=last_year, reference=reference, proposed_by=user
    )
    years = {}
    for year in range(first_year, last_year + 1):
        years[year] = ConventionYear.objects.create(
            convention=convention, structure=structure, year=year, insertion_posts_etp=etp.get(year, 0)
        )
    for item in objectives:
        if item.year not in years:
            raise ConventionError(f"L'année {item.year} n'est pas une année de la convention.")
        Objective.objects.create(
            convention_year=years[item.year], indicator=item.indicator, target=item.target, definition=item.definition
        )
    return convention


@transaction.atomic
def comment(convention: Convention, user, role: str, text: str) -> ConventionComment:
    text = (text or "").strip()
    if not text:
        raise ConventionError("Le commentaire est vide.")
    return ConventionComment.objects.create(convention=convention, author=user, author_role=role, text=text)


@transaction.atomic
def agree(convention: Convention, user, *, reference: str | None = None) -> Convention:
    """The agent concludes the convention: its years become agreed, which the database refuses when
    another agreed convention already covers one of them."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.status != Convention.Status.PROPOSED:
        raise ConventionError("Seule une convention proposée peut être conclue.")
    taken = sorted(
        ConventionYear.objects.filter(
            structure_id=convention.structure_id, agreed=True, year__in=convention.years
        ).values_list("year", flat=True)
    )
    if taken:
        years = ", ".join(map(str, taken))
        raise ConventionError(f"Une convention conclue couvre déjà {years} pour cette structure.")
    convention.status = Convention.Status.AGREED
    convention.agreed_by = user
    convention.agreed_at = timezone.now()
    if reference is not None:
        convention.reference = reference.strip()
    try:
        with transaction.atomic():
            for row in convention.convention_years.all():
                row.agreed = True
                row.save(update_fields=["agreed"])
            convention.save()
    except IntegrityError:  # a concurrent agreement won the race
        raise ConventionError("Une convention conclue couvre déjà une de ces années pour cette structure.") from None
    return convention


@transaction.atomic
def close(convention: Convention, user) -> Convention:
    """An agreed convention ends: its years are free for another agreement."""
    if convention.status != Convention.Status.AGREED:
        raise ConventionError("Seule une convention conclue peut être close.")
    convention.status = Convention.Status.CLOSED
    convention.save()
    for row in convention.convention_years.all():
        row.agreed = False
        row.save(update_fields=["agreed"])
    return convention


@transaction.atomic
def set_objectives(convention: Convention, user, objectives, *, reason: str = "", etp: dict | None = None) -> int:
    """Sets the targets (and ETP) given, creating or updating each objective; an objective given
    with `target=None` is removed. After agreement a `reason` is required and kept in the history.
    Returns how many rows changed."""
    reason = (reason or "").strip()
    if convention.status == Convention.Status.CLOSED:
        raise ConventionError("Une convention close ne se modifie plus.")
    if convention.status == Convention.Status.AGREED and not reason:
        raise ConventionError("Indiquez le motif de la modification : la convention est conclue.")
    years = {row.year: row for row in convention.convention_years.all()}
    existing = {(o.convention_year.year, o.indicator): o for o in Objective.objects.filter(
        convention_year__convention=convention).select_related("convention_year")}  # fmt: skip
    changed = 0
    for item in objectives:
        if item.year not in years:
            raise ConventionError(f"L'année {item.year} n'est pas une année de la convention.")
        objective = existing.get((item.year, item.indicator))
        if item.target is None:
            if objective is not None:
                objective._change_reason = reason
                objective.delete()
                changed += 1
            continue
        definition_id = item.definition.pk if item.definition is not None else None
        if objective is None:
            objective = Objective(convention_year=years[item.year], indicator=item.indicator)
        elif objective.target == item.target and objective.definition_id == definition_id:
            continue
        objective.target = item.target
        objective.definition = item.definition
        objective.save()
        if reason:
            update_change_reason(objective, reason)
        changed += 1
    for year, value in (etp or {}).items():
        row = years.get(year)
        if row is not None and value is not None and row.insertion_posts_etp != value:
            row.insertion_posts_etp = value
            row.save(update_fields=["insertion_posts_etp"])
            if reason:
                update_change_reason(row, reason)
            changed += 1
    return changed
