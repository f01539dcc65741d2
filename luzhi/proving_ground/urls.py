"""The proving ground's pages, under /proving/."""

from django.urls import path

from luzhi.proving_ground.views import evaluations
from luzhi.proving_ground.views import models

app_name = "proving_ground"

urlpatterns = [
    path("", models.index, name="index"),
    path("models/", models.model_list, name="model_list"),
    path("models/new/", models.model_form, name="model_create"),
    path("models/<int:pk>/", models.model_detail, name="model_detail"),
    path("models/<int:pk>/edit/", models.model_form, name="model_edit"),
    path("models/<int:pk>/filing/<str:action>/", models.filing_action, name="filing_action"),
    path("models/<int:pk>/deployments/", models.deployment_add, name="deployment_add"),
    path("models/<int:pk>/evaluate/", evaluations.run_submit, name="run_submit"),
    path("tested/", models.tested, name="tested"),
    path("indicator/", models.indicator, name="indicator"),
    path("runs/", evaluations.run_list, name="run_list"),
    path("runs/<int:pk>/", evaluations.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", evaluations.run_progress, name="run_progress"),
    path("runs/<int:pk>/cancel/", evaluations.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/retry/", evaluations.run_retry, name="run_retry"),
    path("leaderboard/", evaluations.leaderboard, name="leaderboard"),
]
