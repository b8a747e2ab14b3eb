"""French numbers: what users type is read, nonsense is refused in French, and what the portal
writes reads back the same (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siae_portal.numbers import NumberError, format_number, parse_number


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1 250 000", "", Decimal("1250000")),
        ("1\u00a0250\u00a0000,50 €", "€", Decimal("1250000.5")),
        ("1\u202f250\u202f000,50€", "€", Decimal("1250000.5")),
        ("14 mois", "mois", Decimal("14")),
        ("12,5", "", Decimal("12.5")),
        ("12.5", "", Decimal("12.5")),
        ("-3", "", Decimal("-3")),
        ("  ", "", None),
    ],
)
def test_what_french_users_type(text, unit, expected):
    assert parse_number(text, unit=unit) == expected


@pytest.mark.parametrize("text", ["beaucoup", "12 mois", "1 25 000", "1,2,3", "12,345", "1e5", "∞", "٣"])
def test_nonsense_is_refused_in_french(text):
    with pytest.raises(NumberError) as error:
        parse_number(text)
    assert "nombre" in str(error.value) or "virgule" in str(error.value)


def test_french_display():
    assert format_number(Decimal("1250000.5"), unit="€") == "1\u202f250\u202f000,5\u00a0€"
    assert format_number("14", unit="mois") == "14\u00a0mois"
    assert format_number("-1234") == "-1\u202f234"
    assert format_number("") == ""
    assert format_number("pas un nombre") == "pas un nombre"


@given(st.text())
def test_never_an_exception_other_than_a_french_message(text):
    try:
        parse_number(text, unit="€")
    except NumberError as error:
        assert str(error)


@given(
    st.decimals(min_value=-(10**12) + 1, max_value=10**12 - 1, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "€", "mois", "%"]),
)
def test_round_trip(value, unit):
    assert parse_number(format_number(value, unit=unit), unit=unit) == value
