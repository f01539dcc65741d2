"""The curated domain lexicon: AI and industry terms, each with its synonyms.

``data/lexicon.txt`` holds one concept a line: the canonical term first, then
the other ways people write it, separated by spaces; ``[领域]`` lines start a
domain's section and ``#`` starts a comment. Every word of a line is added to
jieba's dictionary (so 机器视觉质检 stays one word instead of 机器/视觉/质检) and
mapped to the line's first word, so a scenario asking for 外观检测 meets a
solution offering 表面缺陷检测. ``data/stopwords.txt`` lists words that carry no
purpose in these texts (提供, 实现, 一套 …).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LEXICON = DATA / "lexicon.txt"
STOPWORDS = DATA / "stopwords.txt"


@dataclass
class Lexicon:
    """Surface words → concept, each concept's domain section, and the stopwords."""

    concept: dict[str, str] = field(default_factory=dict)
    domain: dict[str, str] = field(default_factory=dict)  # concept → section name
    stopwords: frozenset[str] = frozenset()

    @property
    def words(self) -> list[str]:
        return list(self.concept)

    def canonical(self, word: str) -> str:
        return self.concept.get(word, word)


def parse_lexicon(text: str, stopwords: str = "") -> Lexicon:
    """A :class:`Lexicon` from the text of a lexicon file (and of a stopword file)."""
    lexicon = Lexicon()
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        words = [w.lower() for w in line.split()]
        head = words[0]
        for word in words:
            previous = lexicon.concept.get(word)
            if previous is not None and previous != head:
                raise ValueError(f"lexicon line {number}: {word!r} already means {previous!r}")
            lexicon.concept[word] = head
        lexicon.domain.setdefault(head, section)
    lexicon.stopwords = frozenset(
        w.strip().lower() for w in stopwords.split() if w.strip() and not w.startswith("#")
    )
    return lexicon


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None, stopwords: str | None = None) -> Lexicon:
    """The lexicon shipped with LuZhi (or one at ``path``), read once per process."""
    text = Path(path or LEXICON).read_text("utf-8")
    stop = Path(stopwords or STOPWORDS).read_text("utf-8")
    return parse_lexicon(text, stop)
