"""Registers the supervision API viewsets on the project router."""

from luzhi.supervision.api import cycle
from luzhi.supervision.api import views


def register(router) -> None:
    """Add the supervision endpoints to ``router`` (called from luzhi/api_urls.py)."""
    router.register("rounds", views.RoundViewSet, basename="round")
    router.register("obligations", views.ObligationViewSet, basename="obligation")
    router.register("milestones", cycle.MilestoneViewSet, basename="milestone")
    router.register("supervision-orders", cycle.OrderViewSet, basename="supervision-order")
