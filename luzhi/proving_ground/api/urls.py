"""Registers the proving ground's API viewsets on the project router (under ``/api/proving/``)."""

from luzhi.proving_ground.api import views


def register(router) -> None:
    """Add the proving-ground endpoints to ``router`` (called from luzhi/api_urls.py)."""
    router.register("proving/models", views.LargeModelViewSet, basename="proving-model")
    router.register("proving/deployments", views.DeploymentViewSet, basename="proving-deployment")
    router.register("proving/benchmarks", views.BenchmarkViewSet, basename="proving-benchmark")
    router.register("proving/runs", views.EvaluationRunViewSet, basename="proving-run")
    router.register("proving/indicator", views.IndicatorViewSet, basename="proving-indicator")
