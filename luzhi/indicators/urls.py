"""Indicator pages, mounted at /indicators/ (namespace ``indicators``)."""

from luzhi.indicators.views import cockpit, configuration, links, reporting, rules

app_name = "indicators"

# Reporting first: its fixed paths (mine/, review/) must win over the cockpit's /<code>/.
urlpatterns = [
    *reporting.urlpatterns,
    *configuration.urlpatterns,
    *links.urlpatterns,
    *rules.urlpatterns,
    *cockpit.urlpatterns,
]
