"""Text normalisation for matching Chinese names written in different conventions.

Plan texts come with full-width or half-width punctuation, in simplified or
traditional characters, with lead markers (☆). Names are matched on a
normalised form; what is shown to users stays as written.
"""

import unicodedata
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")
_MARKERS = str.maketrans("", "", "☆★*＊")
_WHITESPACE = str.maketrans("", "", " \t\r\n\u3000\u00a0")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones."""
    return _T2S.convert(text)


def fold_width(text: str) -> str:
    """Fold full-width ASCII forms (（），：１) to half-width; keep CJK punctuation like 、。"""
    return unicodedata.normalize("NFKC", text)


def normalize_name(name: str) -> str:
    """The key under which a unit name is matched: simplified, half-width, no markers or spaces."""
    return to_simplified(fold_width(name)).translate(_MARKERS).translate(_WHITESPACE)
