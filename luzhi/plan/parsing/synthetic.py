"""A large valid plan built from the seed, for benchmarks and the linearity test."""

import re
from itertools import pairwise
from pathlib import Path

from .numerals import int_to_chinese

SEED_PATH = (
    Path(__file__).resolve().parent.parent / "seed" / "shandong-ai-action-plan-2025-2027.txt"
)
_ACTION_RE = re.compile(r"^\([一二三四五六七八九十]+\)", re.MULTILINE)


def seed_text() -> str:
    """The seed plan as shipped in the repository."""
    return SEED_PATH.read_text(encoding="utf-8")


def make_synthetic_plan(n_copies: int) -> str:
    """The seed with its 二、重点任务 actions repeated ``n_copies`` times.

    The copies are renumbered (一) … (七), (八) … (十四), … so every path stays
    unique; past (十) the numerals are 十一, 十二, … which the parser must read.
    The notice, the goals and 三、重点举措 appear once.
    """
    if n_copies < 1:
        raise ValueError("n_copies must be at least 1")
    text = seed_text()
    part_two = text.index("二、重点任务")
    part_three = text.index("三、重点举措")
    body_start = text.index("\n", part_two) + 1
    body = text[body_start:part_three]
    starts = [match.start() for match in _ACTION_RE.finditer(body)] + [len(body)]
    actions = [body[a:b] for a, b in pairwise(starts)]
    pieces = [text[:body_start]]
    number = 0
    for _ in range(n_copies):
        for action in actions:
            number += 1
            pieces.append(_ACTION_RE.sub(f"({int_to_chinese(number)})", action, count=1))
    pieces.append(text[part_three:])
    return "".join(pieces)
