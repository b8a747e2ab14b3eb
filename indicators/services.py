"""Writes of the indicators app that touch several rows at once, each in one transaction."""

from collections.abc import Mapping

from django.db import transaction

from .models import PrescriberPositioning


@transaction.atomic
def save_positionings(structure, year: int, figures: Mapping[str, tuple[int, int]]) -> None:
    """Record a year's table of people positioned and hired per prescriber, {prescriber:
    (positioned, hired)}: a row of zeros deletes the prescriber's line, an unchanged row writes
    nothing. All or nothing."""
    existing = {p.prescriber: p for p in PrescriberPositioning.objects.filter(structure=structure, year=year)}
    for prescriber, (positioned, hired) in figures.items():
        current = existing.get(prescriber)
        if positioned == 0 and hired == 0:
            if current:
                current.delete()
        elif current is None:
            PrescriberPositioning.objects.create(
                structure=structure, year=year, prescriber=prescriber, positioned=positioned, hired=hired
            )
        elif (current.positioned, current.hired) != (positioned, hired):
            current.positioned, current.hired = positioned, hired
            current.save(update_fields=["positioned", "hired"])
