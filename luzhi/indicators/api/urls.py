"""Registers the indicators API viewsets on the project router."""

from luzhi.indicators.api import views


def register(router) -> None:
    """Add the indicators endpoints to ``router`` (called from luzhi/api_urls.py)."""
    router.register("indicators", views.IndicatorViewSet, basename="indicator")
    router.register("observations", views.ObservationViewSet, basename="observation")
