"""Registers the compute API viewsets on the project router (under ``/api/compute/``)."""

from luzhi.compute.api import views


def register(router) -> None:
    """Add the compute endpoints to ``router`` (called from luzhi/api_urls.py)."""
    router.register("compute/accelerators", views.AcceleratorViewSet, basename="compute-accelerator")
    router.register("compute/conventions", views.ConventionViewSet, basename="compute-convention")
    router.register("compute/centers", views.CenterViewSet, basename="compute-center")
    router.register("compute/capacity", views.CapacityViewSet, basename="compute-capacity")
    router.register("compute/programs", views.ProgramViewSet, basename="compute-program")
    router.register("compute/applications", views.ApplicationViewSet, basename="compute-application")
    router.register("compute/vouchers", views.VoucherViewSet, basename="compute-voucher")
    router.register("compute/redemptions", views.RedemptionViewSet, basename="compute-redemption")
    router.register("compute/settlements", views.SettlementViewSet, basename="compute-settlement")
    router.register("compute/jobs", views.JobViewSet, basename="compute-job")
    router.register("compute/dispatches", views.DispatchViewSet, basename="compute-dispatch")
