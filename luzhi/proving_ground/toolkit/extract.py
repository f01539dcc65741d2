"""Answer extraction for generate mode: which option did the reply state?

Every pattern below is a way of *stating* an answer, in Chinese or English;
all matches are collected with their positions and the **last** one wins, so
a reply that corrects itself ("答案是A……不对，应该是C") counts as C. A reply
that states nothing is *unparsed* (``None``) and counted separately; the
extractor never falls back to "the first capital letter" (which reads
"A common mistake…" as A).

The reply is NFKC-normalised first (full-width Ｃ and （） become C and ()),
and Markdown emphasis is removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_L = r"([{letters}])(?![A-Za-z])"  # the option letter, not the start of a word ("CPU")
_OPEN = r"[\(\[【<]?\s*"

#: (name, pattern) — ``{L}`` is the letter group. Order does not matter: the last match wins.
PATTERNS: list[tuple[str, str]] = [
    # 答案是C / 正确答案：C / 答案应该是C / 答案为(C) / 最终答案选C
    ("zh_answer", r"答案\s*(?:应该|应当|应|就|当|仍然|仍)?\s*(?:是|为|选)?\s*:?\s*(?:选项)?\s*" + _OPEN + "{L}"),
    # 选C / 选择C / 故选C / 应选：C / 选项C
    ("zh_choose", r"(?<!不)选(?:择)?(?:项)?\s*:?\s*" + _OPEN + "{L}"),
    # 而是C / 应该是C / 应是C (a correction)
    ("zh_correction", r"(?:而|应该|应当|应|其实|实际上)\s*是\s*(?:选项)?\s*" + _OPEN + "{L}"),
    # C是正确的 / C项正确 / C选项正确 / 选项C是对的
    ("zh_correct", r"(?<![A-Za-z])" + "{L}" + r"\s*(?:项|选项)?\s*(?:是|为)?\s*(?:正确|对)(?:的)?(?:答案|选项)?"),
    # (C) or (C) standing alone
    ("paren", r"\(\s*{L}\s*\)"),
    # The answer is C / answer: C / the correct answer would be (C)
    ("en_answer", r"(?i:answer)\s*(?:(?i:is|would be|should be|will be|must be))?\s*:?\s*" + _OPEN + "{L}"),
    # the correct option is C / correct choice: C
    ("en_option", r"(?i:correct\s+(?:option|choice))\s*(?:(?i:is))?\s*:?\s*" + _OPEN + "{L}"),
    # option C is correct / C is correct
    ("en_correct", r"(?:(?i:option|choice)\s+)?" + "{L}" + r"\s+(?i:is\s+(?:the\s+)?(?:correct|right))"),
    # I choose C / select option C / pick (C)
    ("en_choose", r"(?i:\b(?:choose|pick|select|go with))\s+(?:(?i:option|choice)\s+)?" + _OPEN + "{L}"),
    # A reply that begins with the letter: "C", "C.", "C. 北京", "C、", "C:"
    ("leading", r"^\s*" + _OPEN + "{L}" + r"\s*(?:$|[.、:\)\]】,，。])"),
]

# A stated letter that is immediately negated does not count ("答案不是A", "not A").
_NEGATED = re.compile(r"(?:不是|并非|不选|排除|(?i:\bnot\b)|(?i:isn't))\s*(?:选项)?\s*\(?\s*$")


@lru_cache(maxsize=16)
def _compiled(letters: str) -> list[tuple[str, re.Pattern]]:
    cls = re.escape(letters)
    return [(name, re.compile(p.replace("{L}", _L.format(letters=cls)), re.M)) for name, p in PATTERNS]


def normalise(reply: str) -> str:
    text = unicodedata.normalize("NFKC", reply or "")
    return text.replace("**", "").replace("__", "").replace("`", "")


def extract_choice(reply: str, letters: str = "ABCD") -> str | None:
    """The option letter the reply states last, or ``None`` when it states none."""
    text = normalise(reply)
    best: tuple[int, str] | None = None
    for _name, pattern in _compiled(letters):
        for m in pattern.finditer(text):
            start = m.start(1)
            if _NEGATED.search(text[max(0, m.start() - 8):m.start()]):
                continue
            if best is None or start > best[0]:
                best = (start, m.group(1))
    return best[1] if best else None
