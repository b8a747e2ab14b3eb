"""Numbers as French users write and read them: `1 250 000`, `1 250 000,50`, `14 mois` (pure).

`parse_number` never raises anything but NumberError (a French message); `format_number` writes
what `parse_number` reads back: grouping by a narrow no-break space, a decimal comma, the unit.
"""

import re
from decimal import Decimal, InvalidOperation

# Spaces French text puts between digit groups: plain, no-break, narrow no-break, thin.
GROUP_SPACES = " \u00a0\u202f\u2009"
GROUP_SEPARATOR = "\u202f"
_NUMBER = re.compile(r"^([+-]?)([0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[,.]([0-9]+))?$")
MAX_DIGITS = 14
MAX_DECIMALS = 2


class NumberError(ValueError):
    """The text is not a number this question accepts; the message says why, in French."""


def _squeeze(text: str) -> str:
    for space in GROUP_SPACES:
        text = text.replace(space, " ")
    return " ".join(text.split())


def parse_number(text: str, *, unit: str = "") -> Decimal | None:
    """The number written in `text` (None when blank). `unit` (e.g. "€", "mois") may follow it."""
    text = _squeeze(text or "")
    if not text:
        return None
    if unit and text.endswith(unit):
        text = text[: -len(unit)].rstrip()
    match = _NUMBER.match(text)
    if not match:
        expected = f" suivi de « {unit} »" if unit else ""
        raise NumberError(f"« {text} » n'est pas un nombre : écrivez par exemple 1 250 000 ou 12,5{expected}.")
    sign, integer, decimals = match.groups()
    integer = integer.replace(" ", "")
    decimals = decimals or ""
    if len(decimals) > MAX_DECIMALS:
        raise NumberError(f"Deux chiffres après la virgule au plus (« {text} »).")
    if len(integer.lstrip("0")) > MAX_DIGITS - MAX_DECIMALS:
        raise NumberError("Ce nombre est trop grand.")
    try:
        return Decimal(f"{sign}{integer}.{decimals or '0'}").normalize() + 0
    except InvalidOperation as error:  # pragma: no cover (the pattern admits only digits)
        raise NumberError("Ce nombre est illisible.") from error


def format_number(value: Decimal | int | str | None, *, unit: str = "") -> str:
    """`value` in French: 1 250 000,5 (narrow no-break spaces), then the unit if any."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)  # stored out of shape (raw admin edit): shown as it is
    if not number.is_finite():
        return str(value)
    sign = "-" if number < 0 else ""
    integer, _, decimals = format(abs(number).normalize(), "f").partition(".")
    groups = []
    while len(integer) > 3:
        integer, groups = integer[:-3], [integer[-3:], *groups]
    text = sign + GROUP_SEPARATOR.join([integer, *groups]) + (f",{decimals}" if decimals else "")
    return f"{text}\u00a0{unit}" if unit else text
