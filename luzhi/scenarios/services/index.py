"""The match index (``MatchDocument`` rows): one per open scenario and published solution.

:func:`index_record` brings one record's row up to date (or removes it when the
record is no longer matchable); it runs in the background
(``tasks.index_records``) after every change, and is idempotent.
:func:`index_rebuild` rebuilds every row (``luzhi scenarios reindex``). Rows hold
the tokens (jieba + lexicon), so a process builds its BM25 index from them
without segmenting again (``matching.py``).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.db import transaction

from luzhi.scenarios import conf
from luzhi.scenarios.models import MatchDocument
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution
from luzhi.scenarios.ranking.dense import load_encoder
from luzhi.scenarios.ranking.dense import to_bytes
from luzhi.scenarios.ranking.index import document_tokens
from luzhi.scenarios.ranking.text import default_tokenizer

log = logging.getLogger(__name__)
K = MatchDocument.Kind


def open_scenarios():
    """Scenarios that look for solutions: published in a published batch, not yet landed."""
    return Scenario.objects.filter(
        status__in=Scenario.OPEN, batch__status=ScenarioBatch.Status.PUBLISHED
    ).select_related("domain", "city")


def published_solutions():
    return Solution.objects.filter(status=Solution.Status.PUBLISHED).select_related(
        "provider__city"
    ).prefetch_related("domains")


@lru_cache(maxsize=2)
def _encoder(path: str):
    return load_encoder(path)


def encoder():
    """The configured encoder, or None (no model directory, or it cannot be loaded)."""
    path = conf.model_dir()
    if not path:
        return None
    try:
        return _encoder(path)
    except Exception as exc:  # noqa: BLE001  (a broken model must not stop indexing)
        log.warning("scenario matching: model %s unavailable (%s); lexical ranking only", path, exc)
        return None


def scenario_text(scenario: Scenario) -> tuple[str, ...]:
    return (scenario.title, scenario.description)


def solution_text(solution: Solution) -> tuple[str, ...]:
    return (solution.title, solution.description, solution.capabilities, solution.reference_cases)


def _row(kind: str, obj) -> MatchDocument:
    tokenizer = default_tokenizer()
    if kind == K.SCENARIO:
        texts, domains = scenario_text(obj), [obj.domain.code]
        city = obj.city.code if obj.city_id else ""
    else:
        texts, domains = solution_text(obj), sorted(d.code for d in obj.domains.all())
        city = obj.provider.city.code
    return MatchDocument(
        kind=kind, object_id=obj.pk, tokens=document_tokens(tokenizer, *texts),
        domains=domains, city=city,
    )


def _embed(rows: list[MatchDocument], texts: list[str]) -> None:
    model = encoder()
    if model is None or not rows:
        return
    for row, vector in zip(rows, model.encode(texts), strict=True):
        row.embedding, row.model = to_bytes(vector), model.name


def _source(kind: str):
    return open_scenarios() if kind == K.SCENARIO else published_solutions()


@transaction.atomic
def index_record(*, kind: str, object_id: int) -> str:
    """Bring one record's index row up to date: "indexed", or "removed" when the record is
    gone or no longer matchable."""
    obj = _source(kind).filter(pk=object_id).first()
    if obj is None:
        MatchDocument.objects.filter(kind=kind, object_id=object_id).delete()
        return "removed"
    row = _row(kind, obj)
    _embed([row], [" ".join(scenario_text(obj) if kind == K.SCENARIO else solution_text(obj)[:3])])
    MatchDocument.objects.update_or_create(
        kind=kind, object_id=object_id,
        defaults={f: getattr(row, f) for f in ("tokens", "domains", "city", "embedding", "model")},
    )
    return "indexed"


def index_rebuild(*, batch_size: int = 500) -> dict[str, int]:
    """Rebuild the whole index from the records (idempotent; one transaction per kind)."""
    counts = {}
    for kind in (K.SCENARIO, K.SOLUTION):
        with transaction.atomic():
            MatchDocument.objects.filter(kind=kind).delete()
            rows, texts = [], []
            for obj in _source(kind).iterator(chunk_size=batch_size):
                rows.append(_row(kind, obj))
                parts = scenario_text(obj) if kind == K.SCENARIO else solution_text(obj)[:3]
                texts.append(" ".join(parts))
            _embed(rows, texts)
            MatchDocument.objects.bulk_create(rows, batch_size=batch_size)
        counts[kind] = len(rows)
    return counts
