"""Registers the scenario API on the project router."""

from luzhi.scenarios.api import views


def register(router) -> None:
    """Add the scenario endpoints to ``router`` (called from luzhi/api_urls.py)."""
    router.register("scenario-domains", views.DomainViewSet, basename="scenario-domain")
    router.register("recognition-levels", views.LevelViewSet, basename="recognition-level")
    router.register("scenario-batches", views.BatchViewSet, basename="scenario-batch")
    router.register("scenarios", views.ScenarioViewSet, basename="scenario")
    router.register("solutions", views.SolutionViewSet, basename="solution")
    router.register("recognitions", views.RecognitionViewSet, basename="recognition")
    router.register("matchmaking-events", views.EventViewSet, basename="matchmaking-event")
    router.register("meetings", views.MeetingViewSet, basename="meeting")
