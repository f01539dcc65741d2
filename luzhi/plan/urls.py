"""Pages of the plan: home, tasks, matrix, units, versions and imports."""

from django.urls import path

from luzhi.plan import views

urlpatterns = [
    path("", views.home, name="home"),
]
