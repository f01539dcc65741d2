"""The REST API router: every app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from luzhi.accounts.api import views as accounts_api
from luzhi.plan.api import views as plan_api

router = DefaultRouter()
router.register("units", accounts_api.UnitViewSet, basename="unit")
router.register("cities", accounts_api.CityViewSet, basename="city")
router.register("plans", plan_api.PlanViewSet, basename="plan")
router.register("sections", plan_api.SectionViewSet, basename="section")
router.register("tasks", plan_api.TaskViewSet, basename="task")
router.register("assignments", plan_api.AssignmentViewSet, basename="assignment")
router.register("targets", plan_api.TargetViewSet, basename="target")

# Indicators and observations (the cockpit's data; units submit values here).
from luzhi.indicators.api import urls as indicators_api  # noqa: E402

indicators_api.register(router)

# Supervision (督办): reporting rounds, obligations and their reports.
from luzhi.supervision.api import urls as supervision_api  # noqa: E402

supervision_api.register(router)

urlpatterns = router.urls
