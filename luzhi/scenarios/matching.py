"""Ranking solutions for a scenario and scenarios for a solution, for the asking user.

Each process keeps one in-memory :class:`ranking.Index` per side, built from the
``MatchDocument`` rows (already tokenised) and rebuilt when they change: a query
first reads the rows' count and latest change (one indexed query) and rebuilds
only if they differ from what the index was built from. Results are re-read
through the model's policy, so a user sees only records they may see.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Count
from django.db.models import Max

from luzhi.scenarios.models import MatchDocument
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import scenarios as scenario_policy
from luzhi.scenarios.permissions import solutions as solution_policy
from luzhi.scenarios.ranking.dense import from_bytes
from luzhi.scenarios.ranking.index import Document
from luzhi.scenarios.ranking.index import Hit
from luzhi.scenarios.ranking.index import Index
from luzhi.scenarios.ranking.index import Query
from luzhi.scenarios.ranking.index import query_tokens
from luzhi.scenarios.ranking.text import default_tokenizer
from luzhi.scenarios.services.index import encoder
from luzhi.scenarios.services.index import scenario_text
from luzhi.scenarios.services.index import solution_text

K = MatchDocument.Kind
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, Index]] = {}


@dataclass
class Match:
    """A ranked record and why it was matched (shared key terms, domains, same city)."""

    object: object
    hit: Hit

    @property
    def score(self) -> float:
        return self.hit.score


def _version(kind: str) -> tuple:
    row = MatchDocument.objects.filter(kind=kind).aggregate(n=Count("pk"), last=Max("updated_at"))
    return (row["n"], row["last"])


def index_for(kind: str) -> Index:
    """The in-memory index of one side, rebuilt if its rows changed since it was built."""
    version = _version(kind)
    cached = _cache.get(kind)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _cache.get(kind)
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = list(
            MatchDocument.objects.filter(kind=kind)
            .order_by("object_id")
            .values_list("object_id", "tokens", "domains", "city", "embedding", "model")
        )
        documents = [
            Document(id=oid, tokens=tuple(tokens), domains=frozenset(domains), city=city)
            for oid, tokens, domains, city, _e, _m in rows
        ]
        model = encoder()
        embeddings = None
        if model is not None and rows and all(r[4] is not None and r[5] == model.name for r in rows):
            embeddings = np.vstack([from_bytes(bytes(r[4])) for r in rows])
        index = Index(documents, encoder=model if embeddings is not None else None, embeddings=embeddings)
        _cache[kind] = (version, index)
        return index


def forget() -> None:
    """Drop the in-memory indexes (tests; the next query rebuilds them)."""
    _cache.clear()


def scenario_query(scenario: Scenario) -> Query:
    title, description = scenario_text(scenario)
    return Query(
        tokens=tuple(query_tokens(default_tokenizer(), title, description)),
        domains=frozenset([scenario.domain.code]),
        city=scenario.city.code if scenario.city_id else "",
        text=f"{title} {description}",
    )


def solution_query(solution: Solution) -> Query:
    title, description, capabilities, _cases = solution_text(solution)
    return Query(
        tokens=tuple(query_tokens(default_tokenizer(), title, description, capabilities)),
        domains=frozenset(d.code for d in solution.domains.all()),
        city=solution.provider.city.code,
        text=f"{title} {description} {capabilities}",
    )


def _resolve(hits: list[Hit], qs) -> list[Match]:
    objects = {o.pk: o for o in qs.filter(pk__in=[h.id for h in hits])}
    return [Match(objects[h.id], h) for h in hits if h.id in objects]


def solutions_for(scenario: Scenario, *, user, k: int = 20, among=None) -> list[Match]:
    """The solutions best matching ``scenario`` that ``user`` may see, best first
    (only those with ids in ``among`` when given)."""
    hits = index_for(K.SOLUTION).search(scenario_query(scenario), k=k, allowed=among)
    qs = solution_policy.visible(user).select_related("provider__city").prefetch_related("domains")
    return _resolve(hits, qs)


def scenarios_for(solution: Solution, *, user, k: int = 20, among=None) -> list[Match]:
    """The open scenarios best matching ``solution`` that ``user`` may see, best first."""
    hits = index_for(K.SCENARIO).search(solution_query(solution), k=k, allowed=among)
    qs = scenario_policy.visible(user).select_related("domain", "city", "batch")
    return _resolve(hits, qs)
