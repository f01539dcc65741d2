"""The registries in the API: list, detail, history, create and update of every kind (``specs.py``).

Rows are those the kind's policy lets the asking user see (exactly what the
pages list: the public sees approved records, never talent); the filters are
the pages' FilterSets; every record has ``{id}/history/``. Talent answers 403
to everyone but the plan office, as its pages do.

Writes (``POST``, ``PUT``, ``PATCH``) call the kind's ``create``/``update``
service, as the pages do, so they get the pages' rights and review: the plan
office's records are approved at once; an enterprise user's new enterprise or
algorithm product is pending, and their change to an approved enterprise
becomes its pending revision (the public record stays as approved until the
plan office decides). Unit reporters read but do not write. Errors: 401
without a token, 403 with the reason, 404 for a record the user may not see,
400 naming each refused field (the service's and the model's checks).
"""

from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework import permissions
from rest_framework import status
from rest_framework import viewsets
from rest_framework.response import Response

from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api import error_responses
from luzhi.core.api_history import HistoryMixin
from luzhi.registry.api.serializers import SERIALIZERS
from luzhi.registry.api.writes import takes_reason
from luzhi.registry.api.writes import write_serializer
from luzhi.registry.specs import KINDS
from luzhi.registry.specs import Kind


class MayList(permissions.BasePermission):
    """The kind's ``list`` action (talent: the plan office only); writes need a signed-in user
    (401), whose rights the policy and the service decide (403)."""

    def has_permission(self, request, view) -> bool:
        if request.method not in permissions.SAFE_METHODS and not request.user.is_authenticated:
            return False
        policy = view.kind.policy
        if policy.can(request.user, "list"):
            return True
        self.message = policy.message("list")
        return False


class RegistryViewSet(
    PolicyQuerysetMixin,
    HistoryMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Base of the registry viewsets; ``kind`` is set per registry."""

    kind: Kind
    permission_classes = [MayList]
    ordering_fields = ["id", "updated_at"]

    def get_serializer_class(self):
        list_serializer, detail_serializer = SERIALIZERS[self.kind.slug]
        if self.action == "create":
            return write_serializer(self.kind, create=True)
        if self.action in ("update", "partial_update"):
            return write_serializer(self.kind, create=False)
        return detail_serializer if self.action == "retrieve" else list_serializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.kind.slug == "enterprise":
            qs = qs.prefetch_related("qualifications")
        return qs.order_by("pk")

    def _record(self, obj, code):
        """The record as its detail shows it to the asking user (re-read: the service's copy may
        hold unsaved proposals)."""
        detail = SERIALIZERS[self.kind.slug][1]
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(detail(fresh, context=self.get_serializer_context()).data, status=code)

    def _values(self, serializer, service) -> dict:
        values = dict(serializer.validated_data)
        reason = values.pop("reason", "")
        if takes_reason(service):
            values["reason"] = reason
        return values

    def create(self, request, *args, **kwargs):
        self.kind.policy.require(request.user, "create")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.kind.create(actor=request.user, **self._values(serializer, self.kind.create))
        return self._record(obj, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object()
        self.kind.policy.require(request.user, "edit", obj)
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self.kind.save(obj, actor=request.user, **self._values(serializer, self.kind.update))
        return self._record(obj, status.HTTP_200_OK)


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
    detail = SERIALIZERS[spec.slug][1]
    update = {
        "request": write_serializer(spec, create=False),
        "responses": {200: detail, **error_responses(400, 401, 403, 404)},
        "description": (
            "Change the record through its service, with the pages' rights and review. An "
            "enterprise user's change to an approved enterprise becomes its pending revision: "
            "the answer shows the record as approved until the plan office decides."
        ),
    }
    cls = extend_schema_view(
        create=extend_schema(
            request=write_serializer(spec, create=True),
            responses={201: detail, **error_responses(400, 401, 403)},
            description=(
                "Register a record through its service: the plan office's is approved at once; "
                "an enterprise user's (enterprises, algorithm products) is pending until approved."
            ),
        ),
        update=extend_schema(**update),
        partial_update=extend_schema(**update),
    )(cls)
    return extend_schema(tags=["registry"])(cls)


VIEWSETS = {slug: _viewset(spec) for slug, spec in KINDS.items()}
