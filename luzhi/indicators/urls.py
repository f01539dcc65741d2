"""Indicator pages, mounted at /indicators/ (namespace ``indicators``)."""

from django.urls import path

from luzhi.indicators.views.cockpit.detail import indicator_detail
from luzhi.indicators.views.cockpit.detail import observation_detail
from luzhi.indicators.views.cockpit.exports import city_xlsx
from luzhi.indicators.views.cockpit.exports import cockpit_xlsx
from luzhi.indicators.views.cockpit.overview import city_panel
from luzhi.indicators.views.cockpit.overview import cockpit
from luzhi.indicators.views.cockpit.overview import public_cockpit
from luzhi.indicators.views.configuration import allocation_edit
from luzhi.indicators.views.configuration import figure_of_record_edit
from luzhi.indicators.views.configuration import indicators_sync
from luzhi.indicators.views.configuration import milestone_edit
from luzhi.indicators.views.links import target_links
from luzhi.indicators.views.reporting import evidence_download
from luzhi.indicators.views.reporting import my_indicators
from luzhi.indicators.views.reporting import observation_correct_view
from luzhi.indicators.views.reporting import observation_review
from luzhi.indicators.views.reporting import observation_submit_view
from luzhi.indicators.views.reporting import report
from luzhi.indicators.views.reporting import review_queue
from luzhi.indicators.views.rules import value_rules_edit

app_name = "indicators"

# Order matters: the fixed paths (mine/, review/, sync/, cockpit/, …) come before the
# indicator pages' /<code>/.
urlpatterns = [
    # reporting: a unit's indicators, the review queue, one indicator's report
    path("mine/", my_indicators, name="my_indicators"),
    path("review/", review_queue, name="review_queue"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
    path("observations/<int:pk>/submit/", observation_submit_view, name="observation_submit"),
    path("observations/<int:pk>/review/", observation_review, name="observation_review"),
    path("observations/<int:pk>/correct/", observation_correct_view, name="observation_correct"),
    path("<slug:code>/report/", report, name="report"),
    # configuration by the plan office
    path("sync/", indicators_sync, name="sync"),
    path("<slug:code>/allocation/", allocation_edit, name="allocation_edit"),
    path("<slug:code>/milestones/", milestone_edit, name="milestone_edit"),
    path("<slug:code>/figure-of-record/", figure_of_record_edit, name="figure_of_record_edit"),
    path("plans/<int:plan_id>/links/", target_links, name="target_links"),
    path("<slug:code>/rules/", value_rules_edit, name="value_rules"),
    # the cockpit, its public variant, drill-down and exports
    path("cockpit/", cockpit, name="cockpit"),
    path("public/", public_cockpit, name="public_cockpit"),
    path("cockpit/city/", city_panel, name="city_panel"),
    path("cockpit.xlsx", cockpit_xlsx, name="cockpit_xlsx"),
    path("cities.xlsx", city_xlsx, name="city_xlsx"),
    path("observations/<int:pk>/", observation_detail, name="observation_detail"),
    path("<slug:code>/", indicator_detail, name="indicator_detail"),
]
