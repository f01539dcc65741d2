"""Ranking scenarios against solutions (and back), with no Django.

Used by the web app (through ``luzhi.scenarios.matching``), by the command
``luzhi scenarios match`` (``cli.py``, which runs before Django is loaded) and by
``bench/matching.py``. Nothing here touches a database.

- :mod:`.text`: normalisation and the two tokenizers: jieba with the curated
  domain lexicon (words mapped to their concept, so synonyms meet), and plain
  characters (the baseline).
- :mod:`.lexicon`: the curated domain lexicon (``data/lexicon.txt``).
- :mod:`.index`: a BM25 index (bm25s) of one side plus the structured fit
  (shared domain, same city) and the "why matched" explanation.
- :mod:`.dense`: an optional sentence-embedding encoder from a local model
  directory, fused with the lexical ranking by reciprocal rank.
"""

from luzhi.scenarios.ranking.index import Document
from luzhi.scenarios.ranking.index import Hit
from luzhi.scenarios.ranking.index import Index
from luzhi.scenarios.ranking.index import Query
from luzhi.scenarios.ranking.index import Weights
from luzhi.scenarios.ranking.text import Tokenizer
from luzhi.scenarios.ranking.text import char_tokens
from luzhi.scenarios.ranking.text import default_tokenizer

__all__ = [
    "Document",
    "Hit",
    "Index",
    "Query",
    "Tokenizer",
    "Weights",
    "char_tokens",
    "default_tokenizer",
]
