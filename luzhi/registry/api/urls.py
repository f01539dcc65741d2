"""Registers the registries' API (``/api/registry/<prefix>/``), one viewset per kind."""

from luzhi.registry.api.views import VIEWSETS
from luzhi.registry.specs import KINDS


def register(router) -> None:
    """Add ``registry/<prefix>`` for every registry kind (called from luzhi/api_urls.py)."""
    for slug, spec in KINDS.items():
        router.register(f"registry/{spec.prefix}", VIEWSETS[slug], basename=f"registry-{slug}")
