"""Units of measure in the reader's language.

Units are stored as the plan writes them (亿元, 家, 个 …): they are data, compared and
exported as stored. Pages show them through :func:`unit_label`, which looks a known
unit up in the gettext catalogue (the entries below are marked with ``gettext_noop``
so ``makemessages`` collects them); an unknown unit is shown as stored.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

#: Every unit the plan parser knows (``plan.parsing.targets.UNITS``) and the ones the
#: indicator definitions and mechanisms add. Kept in step by a test.
KNOWN_UNITS = (
    N_("万亿元"),
    N_("亿元"),
    N_("万元"),
    N_("元"),
    N_("EFlops"),
    N_("PFlops"),
    N_("EFLOPS"),
    N_("PFLOPS"),
    N_("%"),
    N_("批次"),
    N_("家"),
    N_("个"),
    N_("项"),
    N_("名"),
    N_("人"),
    N_("批"),
    N_("件"),
    N_("套"),
    N_("所"),
    N_("座"),
    N_("条"),
    N_("台"),
    N_("次"),
    N_("万人"),
    N_("人次"),
    N_("个百分点"),
    N_("倍"),
    N_("年"),
    N_("小时"),
    N_("卡时"),
)
_KNOWN = frozenset(KNOWN_UNITS)


def unit_label(unit: str | None) -> str:
    """``unit`` in the active language (``亿元`` → "×10⁸ yuan" in English: "1000 ×10⁸ yuan"
    reads where "1000 100 million yuan" would not)."""
    text = (unit or "").strip()
    return gettext(text) if text in _KNOWN else text


def with_unit(number: str, unit: str | None) -> str:
    """``number`` followed by ``unit`` in the active language: "10项" in Chinese, "10 items"
    in English (no space before a Han unit or "%")."""
    label = unit_label(unit)
    if not label:
        return number
    # As the plan writes it when shown as stored ("14EFlops", "10项"); spaced once translated.
    tight = label == "%" or label == (unit or "").strip() or "\u4e00" <= label[0] <= "\u9fff"
    return f"{number}{label}" if tight else f"{number} {label}"
