"""The one call every registry write makes: :func:`registry_changed`.

It bumps the ``registry`` data version, so the registry pages cached per user and
version (``core.page_cache``, the enterprise library) render afresh on the very next
request, and tells the indicators which of their computed inputs changed
(``indicators.services.data_changed``). Services call it inside their transaction: a
rolled-back write bumps nothing. The registry services call ``data_changed`` only
through it (``registry/tests/test_page_cache.py`` checks), so a write that tells the
indicators cannot forget the pages.
"""

from luzhi.core.cache import bump
from luzhi.indicators.registry import indicators_using
from luzhi.indicators.services import data_changed

SCOPE = "registry"


def registry_changed(*models) -> None:
    """Registry records changed: bump the ``registry`` version and, when ``models`` (the
    models written) are given, the version of the indicators computed from them."""
    bump(SCOPE)
    if models:
        data_changed(indicators_using(*models))
