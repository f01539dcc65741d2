"""Rendered parts of the signed-in supervision pages, cached per user and data version.

The round overview and the inbox are read far more often than the reporting cycle
changes, yet rendering them (a hundred obligations with their lights) cost 60–140 ms
of CPU per request. Their heavy parts (and the whole pages) are kept by
:class:`luzhi.core.page_cache.PageCache` (per user, data version, day, language and
request) under the ``supervision`` and ``plan`` scopes: every supervision service calls
:func:`changed` inside its transaction, so the very next request renders afresh;
``plan`` is bumped by the plan and unit services (task titles, unit names).
"""

from __future__ import annotations

from luzhi.core.cache import bump
from luzhi.core.page_cache import PageCache

SCOPES = ("supervision", "plan")
_pages = PageCache("supervision", SCOPES)

key = _pages.key
fragment = _pages.fragment
value = _pages.value
page = _pages.page
versions_read = _pages.versions_read


def changed() -> None:
    """Mark the supervision data changed (call inside the writing service's transaction)."""
    bump("supervision")
