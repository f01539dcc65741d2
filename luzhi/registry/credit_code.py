"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, last one a check.

Characters come from ``0-9`` and ``A-Y`` without I, O, Z, S, V (31 symbols).
The check character is ``31 − (Σ value(c_i) · 3^(i−1) mod 31) mod 31``,
mapped back to the same alphabet (a result of 31 counts as 0).
"""

import re
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    if len(first17) != 17:
        raise ValueError("a credit code's first 17 characters")
    total = sum(map(mul, map(VALUES.__getitem__, first17), WEIGHTS))  # in C: an import checks every code
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Upper-case, with spaces and full-width characters folded (what people paste)."""
    text = (raw or "").strip().upper()
    if text.isascii():  # nothing full-width to fold (nearly every code)
        return text.replace(" ", "")
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text).replace(" ", "")


def validate_credit_code(value: str) -> None:
    """Raise ValidationError saying what is wrong: length, characters, or the check character."""
    code = normalize_credit_code(value)
    if len(code) == 18 and SHAPE.match(code) and code[17] == check_character(code[:17]):
        return  # the usual case, in one pass; the checks below say what is wrong
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位,“%(code)s”为%(n)d位。"), params={"code": value, "n": len(code)},
            code="length",
        )
    bad = sorted({c for c in code if c not in VALUES})
    if bad or not SHAPE.match(code):
        raise ValidationError(
            _("统一社会信用代码“%(code)s”含有不允许的字符%(chars)s(第3—8位须为数字,不用I、O、Z、S、V)。"),
            params={"code": value, "chars": "".join(bad) and f"“{''.join(bad)}”"},
            code="characters",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码“%(code)s”校验位错误:应为“%(expected)s”。"),
            params={"code": value, "expected": expected},
            code="check",
        )
