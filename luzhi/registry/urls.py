"""Registry pages, mounted at /registry/ (namespace ``registry``)."""

from luzhi.registry.views import drilldown, enterprises, imports, records, tiers

app_name = "registry"

urlpatterns = [
    *imports.urlpatterns,
    *enterprises.urlpatterns,
    *tiers.urlpatterns,
    *records.urlpatterns,
    *drilldown.urlpatterns,
]
