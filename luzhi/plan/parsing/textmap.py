"""A matching copy of the plan text that keeps every index of the original.

Plans come with full-width or half-width punctuation and in simplified or
traditional characters. All the rules match against one normalised copy
(simplified, half-width), built character by character so that it has exactly
the length of the original: an index found in the copy is an index into the
text the caller passed, and every ``span`` can slice the original.
"""

from bisect import bisect_right
from functools import cache

from opencc import OpenCC

_T2S = OpenCC("t2s")

# Full-width ASCII forms (！ … ～) map to ASCII by a fixed offset; a few other
# characters that plans use for the same purpose are listed explicitly.
_EXTRA_WIDTH = {
    "\u3000": " ",  # ideographic space, used for indentation
    "\u00a0": " ",
    "\u301c": "~",  # wave dash, an alternative 〜 for ranges
    "\u3014": "(",  # 〔 and 〕: some plans bracket their assignments so (延安)
    "\u3015": ")",
}


@cache
def _fold_char(ch: str) -> str:
    """One character, half-width and simplified; always exactly one character."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if ch in _EXTRA_WIDTH:
        return _EXTRA_WIDTH[ch]
    if code < 0x2E80:
        # Nothing below the CJK blocks has a traditional form; skip OpenCC.
        return ch
    simplified = _T2S.convert(ch)
    # OpenCC converts phrases; a single character must stay a single
    # character or the copy would stop lining up with the original.
    return simplified if len(simplified) == 1 else ch


def normalize(text: str) -> str:
    """The matching copy of ``text``: same length, half-width, simplified."""
    table = {ord(ch): _fold_char(ch) for ch in set(text)}
    folded = text.translate(table)
    assert len(folded) == len(text)
    return folded


class PlanText:
    """The original text, its matching copy and a line index over both."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.norm = normalize(original)
        starts = [0]
        find = original.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.line_starts = starts

    def line_count(self) -> int:
        """How many lines the text has (a trailing newline ends the last one)."""
        return len(self.line_starts)

    def line_range(self, index: int) -> tuple[int, int]:
        """Start and end (before ``\\r\\n``/``\\n``) of the 0-based line ``index``."""
        start = self.line_starts[index]
        if index + 1 < len(self.line_starts):
            end = self.line_starts[index + 1] - 1
        else:
            end = len(self.original)
        if end > start and self.original[end - 1] == "\r":
            end -= 1
        return start, end

    def line_of(self, offset: int) -> int:
        """The 0-based line holding ``offset``."""
        return bisect_right(self.line_starts, offset) - 1

    def line_info(self, offset: int) -> tuple[int, str]:
        """1-based line number and the stripped original line at ``offset``."""
        index = self.line_of(offset)
        start, end = self.line_range(index)
        return index + 1, self.original[start:end].strip()
