"""A BM25 index of one side (solutions, or scenarios) with structured fit and explanations.

Score of a document for a query (the "full" ranker):

    text score / best text score of this query     (BM25 over lexicon concepts, 0..1)
  + Weights.domain   if they share a domain         (工业制造 meets 工业制造)
  + Weights.city     if they are in the same city   (a local provider is easier to meet)

(the tokens are lexicon concepts and ``#``-marked characters: ``text.Tokenizer``).

With an encoder (:mod:`.dense`) the lexical ranking above and the embedding
ranking are fused by reciprocal rank (``1/(k + rank)`` summed over both lists).
``Weights(structure=False)`` is plain BM25 (the benchmark's baselines).

Every hit says why it was found: the shared key terms (rarest first), the
shared domains and whether the city is the same.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

import numpy as np

from luzhi.scenarios.ranking.text import CHAR_MARK
from luzhi.scenarios.ranking.text import Tokenizer

TITLE_REPEAT = 2  # a title says what a record is about: its words count twice
MAX_TERMS = 5  # key terms shown in "why matched"


@dataclass(frozen=True)
class Document:
    """One indexed record: its tokens (see :func:`document_tokens`), domains and city."""

    id: object
    tokens: tuple[str, ...]
    domains: frozenset[str] = frozenset()
    city: str = ""


@dataclass(frozen=True)
class Query:
    """What to rank against: tokens, domains, city, and the raw text for a dense encoder."""

    tokens: tuple[str, ...]
    domains: frozenset[str] = frozenset()
    city: str = ""
    text: str = ""


@dataclass(frozen=True)
class Weights:
    """How the parts of the score add up (tuned on the benchmark's development half)."""

    domain: float = 0.35
    city: float = 0.05
    structure: bool = True
    rrf_k: int = 60
    dense_candidates: int = 100
    #: Pseudo-relevance feedback: the concepts of the best ``feedback_docs`` documents of a
    #: first pass (up to ``feedback_terms``, by their BM25 weight there) join the query for
    #: the second pass — how a scenario meets solutions written in other words. 0 turns it off.
    feedback_docs: int = 2
    feedback_terms: int = 20


@dataclass
class Hit:
    """A ranked document and why it was found."""

    id: object
    score: float
    text_score: float
    domains: tuple[str, ...] = ()
    same_city: bool = False
    terms: tuple[str, ...] = ()
    dense_rank: int | None = None

    @property
    def reasons(self) -> dict:
        return {"terms": list(self.terms), "domains": list(self.domains), "same_city": self.same_city}


def document_tokens(tokenizer: Tokenizer, title: str, *texts: str) -> list[str]:
    """A record's tokens: its title's (repeated, see TITLE_REPEAT) then the other texts'."""
    head = tokenizer.tokens(title)
    tokens = head * TITLE_REPEAT
    for text in texts:
        tokens.extend(tokenizer.tokens(text))
    return tokens


def query_tokens(tokenizer: Tokenizer, title: str, *texts: str) -> list[str]:
    """A query's tokens: the title's and the texts', as often as they occur (a term the
    scenario repeats matters more to it)."""
    tokens = tokenizer.tokens(title)
    for text in texts:
        tokens.extend(tokenizer.tokens(text))
    return tokens


@dataclass
class Index:
    """BM25 (bm25s) over documents' tokens, plus domain and city arrays for the structured fit."""

    documents: Sequence[Document]
    weights: Weights = field(default_factory=Weights)
    encoder: object | None = None  # .dense.Encoder
    embeddings: np.ndarray | None = None  # one normalised row per document

    def domains_of(self, i: int) -> frozenset[str]:
        return self._doc_domains[i]

    def __post_init__(self) -> None:
        self.ids = [d.id for d in self.documents]
        self.position = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self.size = len(self.ids)
        self._bm25 = build_bm25([d.tokens for d in self.documents]) if self.size else None
        if self._bm25 is not None:
            self._df = np.diff(self._bm25.scores["indptr"])  # documents containing each entry
            self._feedback_rows()
        domains = sorted({x for d in self.documents for x in d.domains})
        self._domain_index = {name: i for i, name in enumerate(domains)}
        self._domains = np.zeros((self.size, max(1, len(domains))), dtype=bool)
        cities = sorted({d.city for d in self.documents if d.city})
        self._city_index = {name: i + 1 for i, name in enumerate(cities)}
        self._cities = np.zeros(self.size, dtype=np.int32)
        for i, doc in enumerate(self.documents):
            for name in doc.domains:
                self._domains[i, self._domain_index[name]] = True
            self._cities[i] = self._city_index.get(doc.city, 0)
        self._doc_domains = [d.domains for d in self.documents]
        self._doc_cities = [d.city for d in self.documents]
        # The tokens live on in the BM25 matrix; the documents' copies are not kept.
        self.documents = None
        if self.embeddings is not None and len(self.embeddings) != self.size:
            raise ValueError("one embedding per document is needed")

    def _feedback_rows(self) -> None:
        """The concept entries of the BM25 matrix by document (the matrix is by token), for
        the feedback pass: row pointers, token ids and weights."""
        scores = self._bm25.scores
        vocab = self._bm25.vocab_dict
        concept = np.zeros(len(vocab), dtype=bool)
        for token, column in vocab.items():
            concept[column] = bool(token) and not token.startswith(CHAR_MARK)
        self._token_of = {column: token for token, column in vocab.items() if concept[column]}
        entry_token = np.repeat(np.arange(len(self._df), dtype=np.int32), self._df)
        keep = concept[entry_token]
        docs = scores["indices"][keep]
        order = np.argsort(docs, kind="stable")
        self._fb_tokens = entry_token[keep][order]
        self._fb_weights = scores["data"][keep][order]
        self._fb_ptr = np.concatenate([[0], np.cumsum(np.bincount(docs, minlength=self.size))]).astype(np.int64)

    def expanded(self, query: Query, first: Sequence[int]) -> tuple[str, ...]:
        """The concepts that weigh most in documents ``first`` and are not in ``query``."""
        weights: dict[int, float] = {}
        for i in first:
            start, end = self._fb_ptr[i], self._fb_ptr[i + 1]
            for token, weight in zip(self._fb_tokens[start:end].tolist(), self._fb_weights[start:end].tolist(),
                                     strict=True):
                weights[token] = weights.get(token, 0.0) + weight
        present = set(query.tokens)
        return tuple([self._token_of[t] for t in sorted(weights, key=lambda t: (-weights[t], t))
                      if self._token_of[t] not in present][: self.weights.feedback_terms])

    # ------------------------------------------------------------------ scoring

    def _token_ids(self, tokens: Sequence[str]) -> list[int]:
        vocab = self._bm25.vocab_dict
        return [vocab[t] for t in tokens if t in vocab and t]

    def text_scores(self, query: Query) -> np.ndarray:
        """BM25 of every document for the query's tokens (zeros when nothing is shared)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        ids = self._token_ids(query.tokens)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return self._bm25.get_scores_from_ids(ids)

    def scores(self, query: Query, text: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(final lexical + structured score, normalised text score) of every document;
        ``text`` is the query's BM25 when already known."""
        text = self.text_scores(query) if text is None else text
        if not self.weights.structure:
            return text, text
        best = float(text.max()) if self.size else 0.0
        text = text / best if best > 0 else text
        score = text.astype(np.float32, copy=True)
        columns = [self._domain_index[d] for d in query.domains if d in self._domain_index]
        if columns and self.weights.domain:
            score += self.weights.domain * self._domains[:, columns].any(axis=1)
        city = self._city_index.get(query.city, 0)
        if city and self.weights.city:
            score += self.weights.city * (self._cities == city)
        return score, text

    def search(
        self, query: Query, *, k: int = 20, allowed: Collection | None = None, exclude=None
    ) -> list[Hit]:
        """The ``k`` best documents (only those in ``allowed`` when given), best first.

        A document needs a shared concept or a shared domain to be returned at all.
        """
        if not self.size or k <= 0:
            return []
        allowed_mask = None
        if allowed is not None or exclude is not None:
            allowed_mask = np.ones(self.size, dtype=bool)
            if allowed is not None:
                allowed_mask[:] = False
                allowed_mask[[self.position[i] for i in allowed if i in self.position]] = True
            if exclude is not None and exclude in self.position:
                allowed_mask[self.position[exclude]] = False

        def candidates_of(score):
            mask = score > 0
            return np.flatnonzero(mask if allowed_mask is None else mask & allowed_mask)

        raw = self.text_scores(query)
        score, text = self.scores(query, raw)
        candidates = candidates_of(score)
        if not len(candidates):
            return []
        if self.weights.feedback_docs and self._bm25 is not None:
            extra = self.expanded(query, _top(candidates, score, self.weights.feedback_docs))
            if extra:
                # BM25 adds up over the query's tokens: only the added ones need scoring.
                raw = raw + self.text_scores(replace(query, tokens=extra))
                score, text = self.scores(query, raw)
                candidates = candidates_of(score)
        dense_rank: dict[int, int] = {}
        if self.encoder is not None and self.embeddings is not None and query.text:
            order, dense_rank = self._fused(query, score, candidates)
        else:
            order = _top(candidates, score, k)
        return [
            self._hit(int(i), query, float(score[i]), float(text[i]), dense_rank.get(int(i)))
            for i in order[:k]
        ]

    def _fused(self, query: Query, score: np.ndarray, candidates: np.ndarray):
        """Reciprocal-rank fusion of the lexical ranking and the embedding ranking:
        the fused order and each document's rank in the embedding ranking."""
        n = self.weights.dense_candidates
        lexical = _top(candidates, score, n)
        vector = self.encoder.encode([query.text])[0]
        similarity = self.embeddings[candidates] @ vector
        dense = [int(candidates[j]) for j in np.argsort(-similarity)[:n]]
        k = self.weights.rrf_k
        fused: dict[int, float] = {}
        for rank, i in enumerate(lexical, start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (k + rank)
        for rank, i in enumerate(dense, start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (k + rank)
        ranks = {i: r for r, i in enumerate(dense, start=1)}
        return sorted(fused, key=lambda i: (-fused[i], i)), ranks

    # ------------------------------------------------------------------ explanation

    def _hit(self, i: int, query: Query, score: float, text: float, dense_rank) -> Hit:
        return Hit(
            id=self.ids[i],
            score=round(score, 4),
            text_score=round(text, 4),
            domains=tuple(sorted(self._doc_domains[i] & query.domains)),
            same_city=bool(query.city and self._doc_cities[i] == query.city),
            terms=self.shared_terms(query, i),
            dense_rank=dense_rank,
        )

    def shared_terms(self, query: Query, i: int) -> tuple[str, ...]:
        """The query's concepts that document ``i`` contains, rarest (most telling) first."""
        if self._bm25 is None:
            return ()
        scores = self._bm25.scores
        indptr, indices = scores["indptr"], scores["indices"]
        vocab = self._bm25.vocab_dict
        found = []
        for token in dict.fromkeys(query.tokens):
            column = vocab.get(token)
            if column is None or not token or token.startswith(CHAR_MARK):
                continue
            start, end = indptr[column], indptr[column + 1]
            at = np.searchsorted(indices[start:end], i)
            if at < end - start and indices[start + at] == i:
                found.append((int(self._df[column]), token))
        found.sort()
        return tuple(token for _df, token in found[:MAX_TERMS])


def _top(candidates: np.ndarray, score: np.ndarray, k: int) -> list[int]:
    """The ``k`` best of ``candidates`` by score, best first (ties: index order)."""
    values = score[candidates]
    if len(candidates) > k:
        part = np.argpartition(-values, k - 1)[:k]
        candidates, values = candidates[part], values[part]
    order = np.lexsort((candidates, -values))
    return [int(candidates[j]) for j in order]


def build_bm25(corpus: Sequence[Sequence[str]], *, k1: float = 1.5, b: float = 0.75):
    """A ``bm25s.BM25`` (Lucene variant, bm25s's default) over ``corpus``, its sparse matrix
    computed here with whole-array numpy operations.

    bm25s's own ``index`` loops over the documents in Python (about 0.5 ms each);
    this gives the same matrix (tests compare the two) several times faster, and
    bm25s scores the queries as usual.
    """
    import bm25s

    vocab: dict[str, int] = {}
    lengths = np.fromiter((len(doc) for doc in corpus), dtype=np.int64, count=len(corpus))
    flat = np.fromiter(
        (vocab.setdefault(t, len(vocab)) for doc in corpus for t in doc),
        dtype=np.int64, count=int(lengths.sum()),
    )
    n_docs, n_vocab = len(corpus), len(vocab) + 1  # + bm25s's empty token
    vocab[""] = n_vocab - 1
    rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    pairs, tf = np.unique(flat * n_docs + rows, return_counts=True)  # sorted by (token, doc)
    tokens, docs = pairs // n_docs, pairs % n_docs
    df = np.bincount(tokens, minlength=n_vocab)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    avg = lengths.mean() if n_docs else 0.0
    tfc = tf / (tf + k1 * (1 - b + b * lengths[docs] / avg))
    retriever = bm25s.BM25(k1=k1, b=b)
    retriever.scores = {
        "data": (idf[tokens] * tfc).astype(np.float32),
        "indices": docs.astype(np.int32),
        "indptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64),
        "num_docs": n_docs,
    }
    retriever.vocab_dict = vocab
    retriever.unique_token_ids_set = set(vocab.values())
    retriever.nonoccurrence_array = None  # only BM25L and BM25+ use one
    return retriever
