"""Text normalisation and tokenizers.

:class:`Tokenizer` segments with jieba (its own instance, not the global one)
after adding every lexicon word, maps each word to its concept and drops
stopwords, punctuation and single characters that are not lexicon words. By
default it also emits each kept word's characters, marked ``#`` (``#焊``), so
that words sharing characters but not a lexicon entry (焊缝 / 焊接) still meet:
concepts carry synonyms, characters carry partial overlap, and BM25's IDF
weighs both (bench/matching.py: this hybrid beats either alone).
:func:`char_tokens` is the plain character baseline the benchmark compares with.

Text is capped at :data:`MAX_CHARS` characters before segmentation: a very
long description costs time and adds nothing a reader would match on; callers
that accept text from people tell them when they cut it (see ``cli.py``).
"""

from __future__ import annotations

import html
import logging
import re
import sys
import threading
import unicodedata
from functools import lru_cache

from luzhi.scenarios.ranking.lexicon import Lexicon
from luzhi.scenarios.ranking.lexicon import load_lexicon

MAX_CHARS = 4000
CHAR_MARK = "#"  # marks a character feature (never shown as a shared term)
#: With character features, each concept counts this many times: a shared concept says more
#: than a shared character (chosen on the benchmark's development half).
CONCEPT_REPEAT = 2
_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")
_WORDISH = re.compile(r"[0-9a-z\u3400-\u9fff]")
_CHAR_OR_WORD = re.compile(r"[\u3400-\u9fff]|[0-9a-z]+")


def normalise(text: str | None, limit: int = MAX_CHARS) -> str:
    """Lower-case, half-width, without markup, one space between words, at most ``limit`` chars."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", html.unescape(str(text)))
    text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", text).strip().lower()[:limit]


def char_tokens(text: str | None) -> list[str]:
    """The baseline: every CJK character, and every run of letters and digits, as a token."""
    return _CHAR_OR_WORD.findall(normalise(text))


class Tokenizer:
    """jieba with the domain lexicon, synonyms mapped to their concept.

    ``lexicon=None`` gives plain jieba (the benchmark's "jieba + BM25"): no
    domain words, no synonyms, the same stopwords.
    """

    def __init__(
        self, lexicon: Lexicon | None = None, *, stopwords: frozenset | None = None, chars: bool = False
    ):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.lexicon = lexicon
        self.chars = chars
        self.stopwords = stopwords if stopwords is not None else (
            lexicon.stopwords if lexicon else load_lexicon().stopwords
        )
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._ready = False
        self._marks: dict[str, str] = {}

    def _initialise(self) -> None:
        with self._lock:
            if self._ready:
                return
            self._jieba.initialize()
            if self.lexicon is not None:
                for word in self.lexicon.words:
                    # A high frequency makes jieba prefer the whole term over its parts.
                    self._jieba.add_word(word, freq=200_000)
            self._ready = True

    def words(self, text: str | None) -> list[str]:
        """The words of ``text`` as written (lower-case), stopwords and punctuation dropped."""
        if not self._ready:
            self._initialise()
        words = []
        known = self.lexicon.concept if self.lexicon else {}
        for word in self._jieba.cut(normalise(text), HMM=False):
            word = word.strip()
            if not word or word in self.stopwords or not _WORDISH.search(word):
                continue
            if len(word) == 1 and word not in known:
                continue
            words.append(word)
        return words

    def tokens(self, text: str | None) -> list[str]:
        """The concepts of ``text`` (each word mapped to its lexicon concept), then, with
        ``chars``, the concepts again (``CONCEPT_REPEAT``) and the characters of those words
        marked ``#``."""
        words = self.words(text)
        canonical = self.lexicon.concept if self.lexicon is not None else {}
        # Interned: a large index holds millions of tokens but few distinct ones.
        out = [sys.intern(canonical.get(w, w)) for w in words]
        if self.chars:
            out *= CONCEPT_REPEAT
            marks = self._marks
            for w in words:
                for c in _CHAR_OR_WORD.findall(w):
                    mark = marks.get(c)
                    if mark is None:
                        mark = marks[c] = sys.intern(CHAR_MARK + c)
                    out.append(mark)
        return out


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """LuZhi's tokenizer (lexicon concepts + characters), one per process (jieba loads in
    about a second)."""
    return Tokenizer(load_lexicon(), chars=True)
