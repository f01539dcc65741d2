"""Chinese numerals (十一, 两千, 一〇二) and circled item numbers (①, ㉑, ⑴)."""

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)


def chinese_to_int(numeral: str) -> int | None:
    """The value of a Chinese numeral, or None when it is not a well-formed one.

    Handles the positional forms plans use (``十一``, ``一百五十``, ``两千万``,
    ``一万亿``) and digit-by-digit forms (``二〇二四``).
    """
    if not numeral or any(ch not in NUMERAL_CHARS for ch in numeral):
        return None
    if all(ch in DIGITS for ch in numeral):
        if len(numeral) == 1:
            return DIGITS[numeral]
        # 二〇二四: read digit by digit (years, codes); 三五 ("three or five") and
        # 两 never are.
        if "两" in numeral or (len(numeral) < 4 and not set(numeral) & set("〇○零")):
            return None
        return int("".join(str(DIGITS[ch]) for ch in numeral))
    total = 0  # finished big-unit groups
    section = 0  # the group being built below the next 万/亿
    digit: int | None = None
    last_small = 10_000
    for ch in numeral:
        if ch in DIGITS:
            if digit not in (None, 0) and DIGITS[ch] != 0:
                return None  # two digits in a row: 三五 is not positional
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_small:
                return None  # 十百: units must fall
            section += (1 if digit is None else digit) * unit
            digit = None
            last_small = unit
        else:
            unit = BIG_UNITS[ch]
            section += digit or 0
            if section == 0 and total == 0:
                section = 1  # 万 alone, 亿 alone
            if total and total < unit:
                total = (total + section) * unit  # 一万亿 = (1*万)*亿
            else:
                total += section * unit
            section, digit, last_small = 0, None, 10_000
    return total + section + (digit or 0)


def circled_to_int(ch: str) -> int | None:
    """① → 1 … ⑳ → 20, ㉑ → 21 … ㊿ → 50, ⑴ → 1 … ⒇ → 20; None otherwise."""
    code = ord(ch)
    if 0x2460 <= code <= 0x2473:
        return code - 0x2460 + 1
    if 0x3251 <= code <= 0x325F:
        return code - 0x3251 + 21
    if 0x32B1 <= code <= 0x32BF:
        return code - 0x32B1 + 36
    if 0x2474 <= code <= 0x2487:
        return code - 0x2474 + 1
    return None


def int_to_chinese(value: int) -> str:
    """1 → 一, 11 → 十一, 23 → 二十三, 105 → 一百零五 (for numbering up to 9999)."""
    if not 0 < value < 10_000:
        raise ValueError(f"cannot write {value} as a section numeral")
    names = "零一二三四五六七八九"
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(names[digit] + unit_name)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text
