"""The cockpit (驾驶舱), its public variant, drill-down pages and exports.

Views are thin: parse (``as_of``, filters), authorise, call the selectors, render.
The cockpit reads every indicator's status with one ``indicator_statuses`` call
and the rest of the page (milestones, task board, the default city panel) with a
fixed number of queries, so its query count does not grow with the number of
indicators. The few reads that only these pages need are the ``page_*``
functions in ``views/pages.py``. Chart options come from the pure functions in
``charts.py``.

Modules: ``common`` (the day, the plan, who may see what), ``cards`` (a card and its chart),
``overview`` (the cockpit pages), ``detail`` (indicator and observation pages), ``exports``.
"""

from django.urls import path

from luzhi.indicators.views.cockpit.detail import indicator_detail, observation_detail
from luzhi.indicators.views.cockpit.exports import city_xlsx, cockpit_xlsx
from luzhi.indicators.views.cockpit.overview import city_panel, cockpit, public_cockpit

urlpatterns = [
    path("cockpit/", cockpit, name="cockpit"),
    path("public/", public_cockpit, name="public_cockpit"),
    path("cockpit/city/", city_panel, name="city_panel"),
    path("cockpit.xlsx", cockpit_xlsx, name="cockpit_xlsx"),
    path("cities.xlsx", city_xlsx, name="city_xlsx"),
    path("observations/<int:pk>/", observation_detail, name="observation_detail"),
    path("<slug:code>/", indicator_detail, name="indicator_detail"),
]
