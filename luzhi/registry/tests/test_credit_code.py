"""The unified social credit code check (GB 32100-2015): shape, alphabet, check character."""

import random

import pytest
from django.core.exceptions import ValidationError

from luzhi.registry.credit_code import ALPHABET
from luzhi.registry.credit_code import check_character
from luzhi.registry.credit_code import normalize_credit_code
from luzhi.registry.credit_code import validate_credit_code


def make_code(rng: random.Random) -> str:
    """A random well-formed code: 2 registration chars, a 6-digit area code, 9 ID chars, check."""
    head = "".join(rng.choice(ALPHABET) for _ in range(2))
    area = "".join(rng.choice("0123456789") for _ in range(6))
    body = "".join(rng.choice(ALPHABET) for _ in range(9))
    first17 = head + area + body
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    "code",
    [
        "9144030071526726XG",  # published codes of real enterprises
        "91330100716105852F",
        "91370100MA3C1234" + "5" + check_character("91370100MA3C12345"),
    ],
)
def test_valid_codes(code):
    validate_credit_code(code)


def test_generated_codes_are_valid():
    rng = random.Random(2025)
    for _ in range(300):
        validate_credit_code(make_code(rng))


def test_check_character_weights():
    # The published example: 9144030071526726X → G.
    assert check_character("9144030071526726X") == "G"
    assert check_character("91330100716105852") == "F"


def test_check_character_of_zero_total_is_zero():
    assert check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("９１４４０３００７１５２６７２６ＸＧ", "9144030071526726XG"),  # full-width
        ("9144030071526726xg", "9144030071526726XG"),  # lower case
        (" 9144 0300 7152 6726 XG ", "9144030071526726XG"),  # spaces as pasted
    ],
)
def test_input_is_normalised(raw, expected):
    assert normalize_credit_code(raw) == expected
    validate_credit_code(raw)


@pytest.mark.parametrize("code", ["", "9144030071526726X", "9144030071526726XGG", "123"])
def test_wrong_length(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "length"
    assert "18位" in exc.value.messages[0]


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_alphabet(letter):
    code = "91440300" + letter + "1526726XG"
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "characters"
    assert f"“{letter}”" in exc.value.messages[0]


@pytest.mark.parametrize("position", range(2, 8))
def test_letters_in_positions_3_to_8(position):
    code = list("9144030071526726XG")
    code[position] = "A"
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("".join(code))
    assert exc.value.code == "characters"
    assert "第3—8位须为数字" in exc.value.messages[0]


def test_punctuation_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91440300-1526726XG")
    assert exc.value.code == "characters"


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("9144030071526726XA")
    assert exc.value.code == "check"
    assert "应为“G”" in exc.value.messages[0]


def test_every_wrong_check_character_is_caught():
    first17 = "91330100716105852"
    for char in ALPHABET:
        if char == "F":
            continue
        with pytest.raises(ValidationError) as exc:
            validate_credit_code(first17 + char)
        assert "应为“F”" in exc.value.messages[0]


def test_a_single_changed_character_is_caught():
    # The check character catches every single-character substitution.
    code = "9144030071526726XG"
    for position in (0, 1, 8, 12, 16):
        for char in ALPHABET:
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_credit_code(changed)
