"""LuZhi's URL map: each app's pages under its ``url_prefix``, the REST API with its OpenAPI
schema, admin, auth, i18n, health check and error pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView
from drf_spectacular.views import SpectacularSwaggerSplitView

from luzhi.core import views as core_views
from luzhi.core.discovery import luzhi_apps
from luzhi.plan import views as plan_views

urlpatterns = [
    path("", plan_views.home, name="home"),
    *[
        path(config.url_prefix, include(f"{config.name}.urls"))
        for config in luzhi_apps()
        if getattr(config, "url_prefix", None)
    ],
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Changing the language is harmless and public pages are cached without a CSRF token.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/", include("luzhi.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("welcome/", core_views.landing, name="landing"),
    path("favicon.ico", core_views.favicon),
]
# Uploaded files (evidence) are never served from MEDIA_URL: they go through views that
# check who may see them (indicators:evidence_download).

handler403 = "luzhi.core.views.permission_denied"
handler404 = "luzhi.core.views.page_not_found"
handler500 = "luzhi.core.views.server_error"
