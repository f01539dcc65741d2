"""The units and cities API.

Everyone may read units (contact details only for the plan office and unit
reporters). The plan office creates and edits units and their aliases; a unit
reporter may change only their own unit's contact details. Each write calls one
service in ``luzhi.accounts.services``, which checks the permission again.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from luzhi.accounts.api.serializers import CONTACT_FIELDS
from luzhi.accounts.api.serializers import CitySerializer
from luzhi.accounts.api.serializers import UnitAliasAddSerializer
from luzhi.accounts.api.serializers import UnitAliasSerializer
from luzhi.accounts.api.serializers import UnitContactOutSerializer
from luzhi.accounts.api.serializers import UnitContactSerializer
from luzhi.accounts.api.serializers import UnitSerializer
from luzhi.accounts.api.serializers import UnitWriteSerializer
from luzhi.accounts.filters import UnitFilter
from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.permissions import cities
from luzhi.accounts.permissions import units
from luzhi.accounts.services import unit_alias_add
from luzhi.accounts.services import unit_create_full
from luzhi.accounts.services import unit_update
from luzhi.accounts.services import unit_update_contact
from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api import error_responses
from luzhi.core.api_history import HistoryMixin

ERRORS = error_responses(400, 401, 403, 404)  # LuZhi's error shape (core.api)


class UnitViewSet(PolicyQuerysetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Government units (单位) with aliases; ``?search=`` matches any name or alias."""

    policy = units
    queryset = Unit.objects.select_related("city").prefetch_related("aliases")
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["order", "name", "kind"]

    def _out(self, unit: Unit) -> dict:
        fresh = self.get_queryset().get(pk=unit.pk)
        return UnitSerializer(fresh, context=self.get_serializer_context()).data

    def get_history_records(self, obj) -> list:
        # Aliases added to the unit are part of its story.
        return [
            *obj.history.select_related("history_user"),
            *UnitAlias.history.filter(unit_id=obj.pk).select_related("history_user"),
        ]

    def get_history_hidden_fields(self, obj) -> set[str]:
        if units.can(self.request.user, "view_contact", obj):
            return set()
        return set(CONTACT_FIELDS)

    @extend_schema(
        summary="Create a unit (plan office)",
        request=UnitWriteSerializer,
        responses={201: UnitSerializer, **ERRORS},
    )
    def create(self, request):
        serializer = UnitWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        unit = unit_create_full(actor=request.user, **data)
        return Response(self._out(unit), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a unit (plan office)",
        request=UnitWriteSerializer,
        responses={200: UnitSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        unit = self.get_object()
        serializer = UnitWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "aliases" in data:
            raise serializers.ValidationError(
                {"aliases": [_("请用 POST /api/units/{id}/aliases/ 添加别名。")]}
            )
        reason = data.pop("reason", "")
        unit = unit_update(actor=request.user, unit=unit, reason=reason, **data)
        return Response(self._out(unit))

    @extend_schema(
        summary="Change a unit's contact details (its own reporters or the plan office)",
        request=UnitContactSerializer,
        responses={200: UnitContactOutSerializer, **ERRORS},
    )
    @action(
        detail=True, methods=["patch"], permission_classes=[IsAuthenticated], filter_backends=[]
    )
    def contact(self, request, pk=None):
        unit = self.get_object()
        serializer = UnitContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        current = {name: getattr(unit, name) for name in CONTACT_FIELDS}
        unit = unit_update_contact(
            actor=request.user, unit=unit, **(current | serializer.validated_data)
        )
        return Response(UnitContactOutSerializer(unit).data)

    @extend_schema(
        summary="Add an alias (a name plan texts use) to a unit (plan office)",
        request=UnitAliasAddSerializer,
        responses={201: UnitAliasSerializer, 200: UnitAliasSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def aliases(self, request, pk=None):
        unit = self.get_object()
        serializer = UnitAliasAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alias, created = unit_alias_add(
            actor=request.user, unit=unit, alias=serializer.validated_data["alias"]
        )
        return Response(
            UnitAliasSerializer(alias).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CityViewSet(PolicyQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Shandong's 16 prefecture-level cities (reference data)."""

    policy = cities
    queryset = City.objects.all()
    serializer_class = CitySerializer
    pagination_class = None
    ordering_fields = ["order", "code", "name"]
