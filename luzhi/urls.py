"""LuZhi's URL map: pages, the REST API with its OpenAPI schema, admin, auth and i18n."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from luzhi.plan import views as plan_views

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("plan/", include("luzhi.plan.urls")),
    path("indicators/", include("luzhi.indicators.urls")),
    path("registry/", include("luzhi.registry.urls")),
    path("supervision/", include("luzhi.supervision.urls")),
    path("accounts/", include("luzhi.accounts.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("luzhi.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
# Uploaded files (evidence) are never served from MEDIA_URL: they go through views that
# check who may see them (indicators:evidence_download).
