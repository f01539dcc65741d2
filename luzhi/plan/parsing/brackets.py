"""Round brackets in the matching copy: which pairs match, which are top level.

After normalisation full-width （） are plain ``(``/``)``, so one scan serves
both styles. Brackets are matched one line at a time: a bracket left open on
one line never swallows the rest of the plan.
"""

from dataclasses import dataclass
from dataclasses import field


@dataclass
class BracketScan:
    """The brackets of one stretch of text.

    ``groups`` are the outermost matched pairs as ``(open, close)`` offsets
    (``close`` is the index of the ``)``); ``unmatched_open`` and
    ``unmatched_close`` the offsets of brackets without a partner.
    """

    groups: list[tuple[int, int]] = field(default_factory=list)
    unmatched_open: list[int] = field(default_factory=list)
    unmatched_close: list[int] = field(default_factory=list)


def scan_brackets(norm: str, start: int, end: int) -> BracketScan:
    """Match the round brackets of ``norm[start:end]`` (one line)."""
    scan = BracketScan()
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    pos = start
    while True:
        # Jump from bracket to bracket: most of a line has none.
        next_open = norm.find("(", pos, end)
        next_close = norm.find(")", pos, end)
        if next_open == -1 and next_close == -1:
            break
        if next_close == -1 or (next_open != -1 and next_open < next_close):
            stack.append(next_open)
            pos = next_open + 1
        else:
            if stack:
                pairs.append((stack.pop(), next_close))
            else:
                scan.unmatched_close.append(next_close)
            pos = next_close + 1
    scan.unmatched_open = stack
    # Pairs come out innermost first; an outermost pair is one that no pair
    # seen so far (in opening order) contains.
    pairs.sort()
    reach = -1
    for open_, close in pairs:
        if open_ > reach:
            scan.groups.append((open_, close))
            reach = close
    return scan


def depth_zero(norm: str, start: int, end: int, chars: str) -> list[int]:
    """Offsets in ``norm[start:end]`` of any of ``chars`` outside round brackets."""
    found = []
    depth = 0
    for i in range(start, end):
        ch = norm[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in chars:
            found.append(i)
    return found
