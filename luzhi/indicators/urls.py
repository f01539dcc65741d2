"""Indicator pages, mounted at /indicators/ (namespace ``indicators``)."""

from luzhi.indicators.views import cockpit, reporting

app_name = "indicators"

urlpatterns = [*cockpit.urlpatterns, *reporting.urlpatterns]
