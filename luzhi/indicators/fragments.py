"""Cached pieces of the cockpit, so the first request after a write rebuilds only what changed.

Each entry lives under a key naming the piece (a card, the task board, a city panel) and
holds ``(tag, value)``, where the tag names everything the piece shows: stored assessment
versions, the day, the plan's content version (``core.cache``: every plan and accounts
service bumps it). A piece is used only when its tag matches what the request reads from
the database, so it is never stale; a new tag replaces the entry instead of adding one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

TIMEOUT = 24 * 3600


def cached(key: str, tag: str, build: Callable[[], Any]) -> Any:
    """The value stored under ``key`` for ``tag``, else ``build()`` (then stored)."""
    entry = cache.get(key)
    if entry is not None and entry[0] == tag:
        return entry[1]
    value = build()
    cache.set(key, (tag, value), TIMEOUT)
    return value


def statuses_tag(statuses) -> str:
    """What the indicators show on the task board: each one's status and last edit (its name,
    code and target; a changed value that leaves the status alone leaves the board alone)."""
    raw = "|".join(f"{s.indicator.pk}:{s.status}:{s.indicator.updated_at}" for s in statuses)
    return hashlib.sha256(raw.encode()).hexdigest()


def content_versions() -> tuple[int, int]:
    """(the indicator data version, the plan's content version) in one query: what the
    cockpit's cached content is checked against on every request."""
    from django.db import connection

    from luzhi.core.models import ContentVersion
    from luzhi.indicators.models import DATA_VERSION_KEY
    from luzhi.indicators.models import DataVersion

    quote = connection.ops.quote_name
    sql = (
        f"SELECT (SELECT {quote('counter')} FROM {quote(DataVersion._meta.db_table)} "  # noqa: S608  (model names)
        f"WHERE {quote('key')} = %s), "
        f"(SELECT {quote('counter')} FROM {quote(ContentVersion._meta.db_table)} "
        f"WHERE {quote('scope')} = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [DATA_VERSION_KEY, "plan"])
        data, plan = cursor.fetchone()
    return data or 0, plan or 0
