from rest_framework import viewsets

from luzhi.accounts.models import City, Unit


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Unit.objects.all()


class CityViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = City.objects.all()
