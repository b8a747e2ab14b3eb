"""Validators of the reference identifiers the whole portal shares: the SIRET of a structure
(14 digits, Luhn key) and the code of a département (the list in `siae_portal.reference`)."""

from django.core.exceptions import ValidationError

from siae_portal.reference import DEPARTEMENTS


def luhn_is_valid(digits: str) -> bool:
    """Luhn checksum over a string of digits (the SIRET key)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    return "".join(str(value).split())


def has_siret_format(siret: str) -> bool:
    """Fourteen ASCII digits: str.isdigit() alone also says yes to "²" or "٣" (tests/properties)."""
    return len(siret) == 14 and siret.isascii() and siret.isdigit()


def validate_siret(value: str) -> None:
    siret = normalize_siret(value)
    if not has_siret_format(siret):
        raise ValidationError("Le SIRET doit comporter exactement 14 chiffres.", code="siret_format")
    if not luhn_is_valid(siret):
        raise ValidationError(
            "Ce SIRET est invalide : sa clé de contrôle ne correspond pas (vérifiez les chiffres saisis).",
            code="siret_checksum",
        )


def validate_departement(value: str) -> None:
    if value not in DEPARTEMENTS:
        raise ValidationError(
            "« %(value)s » n'est pas un code de département français (01 à 95, 2A, 2B, 971 à 976).",
            code="departement",
            params={"value": value},
        )
