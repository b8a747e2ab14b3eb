import pytest
from django.core.exceptions import ValidationError

from siae_portal.validators import luhn_is_valid, validate_departement, validate_siret

# A real, public SIRET (La Poste's head office) has a valid key.
VALID_SIRET = "35600000000048"


def test_luhn_accepts_a_valid_key():
    assert luhn_is_valid(VALID_SIRET)
    assert luhn_is_valid("732829320")  # a SIREN


def test_luhn_refuses_a_wrong_digit():
    assert not luhn_is_valid("35600000000049")


def test_valid_siret_passes():
    validate_siret(VALID_SIRET)
    validate_siret("356 000 000 00048")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3560000000004", "14 chiffres"),
        ("356000000000481", "14 chiffres"),
        ("3560000000004A", "14 chiffres"),
        ("35600000000049", "clé de contrôle"),
    ],
)
def test_wrong_siret_is_refused_in_french(value, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_siret(value)
    assert message in excinfo.value.messages[0]


@pytest.mark.parametrize("code", ["01", "19", "2A", "2B", "21", "59", "62", "95", "971", "974", "976"])
def test_real_departements_pass(code):
    validate_departement(code)


@pytest.mark.parametrize("code", ["00", "20", "96", "975", "977", "59 ", "nord", ""])
def test_unknown_departements_are_refused(code):
    with pytest.raises(ValidationError, match="département"):
        validate_departement(code)
