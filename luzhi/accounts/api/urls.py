"""Registers the units and cities API viewsets on the project router."""

from luzhi.accounts.api import views


def register(router) -> None:
    router.register("units", views.UnitViewSet, basename="unit")
    router.register("cities", views.CityViewSet, basename="city")
