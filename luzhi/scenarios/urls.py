"""Pages of the scenario app (filled in by views/)."""

from django.urls import path

from luzhi.scenarios import views

app_name = "scenarios"
urlpatterns = [path("", views.index, name="index")]
