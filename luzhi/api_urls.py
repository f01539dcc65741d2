"""The REST API router: every app with ``<app>/api/urls.py`` registers its own viewsets."""

from rest_framework.routers import DefaultRouter

from luzhi.core.discovery import app_module
from luzhi.core.discovery import luzhi_apps

router = DefaultRouter()
for _config in luzhi_apps():
    if (_module := app_module(_config, "api.urls")) is not None:
        _module.register(router)

urlpatterns = router.urls
