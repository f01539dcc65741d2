"""The registries in the API: list and detail of every kind (``registry/specs.py``).

Rows are those the kind's policy lets the asking user see (exactly what the
pages list: the public sees approved records, never talent); the filters are
the pages' FilterSets; every record has ``{id}/history/``. Talent answers 403
to everyone but the plan office, as its pages do.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets

from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api_history import HistoryMixin
from luzhi.registry.api.serializers import SERIALIZERS
from luzhi.registry.specs import KINDS, Kind


class MayList(permissions.BasePermission):
    """The kind's ``list`` action (talent: the plan office only); the message says why."""

    def has_permission(self, request, view) -> bool:
        policy = view.kind.policy
        if policy.can(request.user, "list"):
            return True
        self.message = policy.message("list")
        return False


class RegistryViewSet(PolicyQuerysetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Base of the registry viewsets; ``kind`` is set per registry."""

    kind: Kind
    permission_classes = [MayList]
    ordering_fields = ["id", "updated_at"]

    def get_serializer_class(self):
        list_serializer, detail_serializer = SERIALIZERS[self.kind.slug]
        return detail_serializer if self.action == "retrieve" else list_serializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.kind.slug == "enterprise":
            qs = qs.prefetch_related("qualifications")
        return qs.order_by("pk")


def _viewset(spec: Kind) -> type[RegistryViewSet]:
    doc = f"{spec.title}: the records the asking user may see, filtered like the list page."
    cls = type(
        f"{spec.model.__name__}RegistryViewSet",
        (RegistryViewSet,),
        {
            "__doc__": doc,
            "kind": spec,
            "policy": spec.policy,
            "queryset": spec.model._default_manager.select_related(*spec.related),
            "filterset_class": spec.filterset,
        },
    )
    return extend_schema(tags=["registry"])(cls)


VIEWSETS = {slug: _viewset(spec) for slug, spec in KINDS.items()}
