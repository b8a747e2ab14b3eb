"""Property-based tests of the SIRET validator: any text gives either a clean answer or a French
ValidationError, never another exception; the Luhn key and the 14 digits are what decide."""

from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from siae_portal.validators import luhn_is_valid, normalize_siret, validate_siret

ASCII_DIGITS = st.text(alphabet="0123456789", min_size=14, max_size=14)
MESSAGES = {
    "siret_format": "Le SIRET doit comporter exactement 14 chiffres.",
    "siret_checksum": "Ce SIRET est invalide : sa clé de contrôle ne correspond pas (vérifiez les chiffres saisis).",
}


def _verdict(value):
    try:
        validate_siret(value)
    except ValidationError as error:
        assert error.code in MESSAGES and error.messages == [MESSAGES[error.code]]
        return error.code
    return "valid"


def _with_key(first_13: str) -> str:
    """The 14th digit that makes the Luhn key right."""
    return next(first_13 + d for d in "0123456789" if luhn_is_valid(first_13 + d))


VALID_SIRETS = st.text(alphabet="0123456789", min_size=13, max_size=13).map(_with_key)
# Fourteen digits of every script and other numbers (², ፩), where a check with str.isdigit() slips.
DIGIT_LIKE = st.lists(
    st.one_of(st.sampled_from("0123456789"), st.characters(categories=("Nd", "No"))), min_size=14, max_size=14
).map("".join)


@given(st.one_of(st.text(), DIGIT_LIKE))
@example("²" * 14)  # superscript digits: str.isdigit() says yes, int() says no
@example("٣٥٦٠٠٠٠٠٠٠٠٠٤٨")  # Arabic-Indic digits of a valid SIRET
@example("３５６０００００００００４８")  # full-width digits
def test_any_text_gets_a_french_answer(value):
    verdict = _verdict(value)
    if verdict == "valid":
        siret = normalize_siret(value)
        assert len(siret) == 14 and all(c in "0123456789" for c in siret) and luhn_is_valid(siret)


@given(ASCII_DIGITS, st.lists(st.sampled_from([" ", "\u00a0", "\t"]), max_size=4))
def test_spaces_do_not_change_the_verdict(digits, spaces):
    spaced = "".join(spaces) + " ".join([digits[:3], digits[3:6], digits[6:9], digits[9:]])
    assert _verdict(spaced) == _verdict(digits) == ("valid" if luhn_is_valid(digits) else "siret_checksum")


@given(VALID_SIRETS, st.integers(0, 13), st.integers(1, 9))
def test_changing_one_digit_of_a_valid_siret_breaks_its_key(digits, position, shift):
    wrong = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1 :]
    assert _verdict(wrong) == "siret_checksum"
