"""Registry pages, mounted at /registry/ (namespace ``registry``)."""

from luzhi.registry.views import drilldown, enterprises, imports, records

app_name = "registry"

urlpatterns = [
    *imports.urlpatterns,
    *enterprises.urlpatterns,
    *records.urlpatterns,
    *drilldown.urlpatterns,
]
