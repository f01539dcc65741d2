"""Registers the plan API viewsets on the project router."""

from luzhi.plan.api import views


def register(router) -> None:
    router.register("plans", views.PlanViewSet, basename="plan")
    router.register("sections", views.SectionViewSet, basename="section")
    router.register("tasks", views.TaskViewSet, basename="task")
    router.register("assignments", views.AssignmentViewSet, basename="assignment")
    router.register("targets", views.TargetViewSet, basename="target")
