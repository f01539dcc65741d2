"""Pages of the scenario app (namespace ``scenarios``)."""

from django.urls import path

from luzhi.scenarios import views

app_name = "scenarios"
urlpatterns = [
    path("", views.index, name="index"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:number>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:number>/export.xlsx", views.batch_export, name="batch_export"),
    path("batches/<int:number>/import/", views.batch_import, name="batch_import"),
    path("batches/<int:number>/new/", views.scenario_create, name="scenario_create"),
    path("batches/<int:number>/<slug:action>/", views.batch_action, name="batch_action"),
    path("list/", views.scenario_list, name="scenario_list"),
    path("<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("<int:pk>/edit/", views.scenario_edit, name="scenario_edit"),
    path("<int:pk>/matches/", views.scenario_matches, name="scenario_matches"),
    path("<int:pk>/do/<slug:action>/", views.scenario_action, name="scenario_action"),
    path("solutions/", views.solution_list, name="solution_list"),
    path("solutions/new/", views.solution_create, name="solution_create"),
    path("solutions/<int:pk>/", views.solution_detail, name="solution_detail"),
    path("solutions/<int:pk>/edit/", views.solution_edit, name="solution_edit"),
    path("solutions/<int:pk>/do/<slug:action>/", views.solution_action, name="solution_action"),
    path("recognitions/", views.recognition_list, name="recognition_list"),
    path("recognitions/<int:pk>/review/", views.recognition_review, name="recognition_review"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/do/<slug:action>/", views.event_action, name="event_action"),
    path("meetings/<int:pk>/<slug:action>/", views.meeting_action, name="meeting_action"),
]
