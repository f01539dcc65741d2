"""Background work (django-tasks, run by `luzhi db_worker`): keeping the match index current.

Services call :func:`enqueue_index` inside their transaction; the task is queued
once the transaction commits and brings each record's index row up to date
(idempotent: running it twice, late, or for a deleted record is harmless).
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task


@task()
def index_records(kind: str, ids: list[int]) -> dict[str, int]:
    """Re-index the given scenarios or solutions; returns how many rows were indexed/removed."""
    from luzhi.scenarios.services.index import index_record

    counts = {"indexed": 0, "removed": 0}
    for object_id in ids:
        counts[index_record(kind=kind, object_id=object_id)] += 1
    return counts


def enqueue_index(kind: str, ids: list[int]) -> None:
    """Queue re-indexing of ``ids`` once the current transaction commits."""
    ids = sorted({int(i) for i in ids})
    if ids:
        transaction.on_commit(lambda: index_records.enqueue(kind=kind, ids=ids))


@task()
def rebuild_index() -> dict[str, int]:
    """Rebuild the whole match index (``luzhi scenarios reindex --background``)."""
    from luzhi.scenarios.services.index import index_rebuild

    return index_rebuild()
