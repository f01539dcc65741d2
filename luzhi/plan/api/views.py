"""The plan API: plans, sections, tasks, assignments and targets.

Reads are open to everyone (the plan is a public document). Each write is an
explicit endpoint for the plan office that validates the request and calls one
service in ``luzhi.plan.services``; the service checks the permission again and
records who changed what and why.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api import ProblemsError
from luzhi.core.api import error_responses
from luzhi.core.api_history import HistoryMixin
from luzhi.plan.api.serializers import AssignmentSerializer
from luzhi.plan.api.serializers import AssignmentUnitsSerializer
from luzhi.plan.api.serializers import PlanDetailSerializer
from luzhi.plan.api.serializers import PlanDiffQuerySerializer
from luzhi.plan.api.serializers import PlanDocumentQuerySerializer
from luzhi.plan.api.serializers import PlanImportResultSerializer
from luzhi.plan.api.serializers import PlanImportSerializer
from luzhi.plan.api.serializers import PlanSerializer
from luzhi.plan.api.serializers import SectionSerializer
from luzhi.plan.api.serializers import SectionUpdateSerializer
from luzhi.plan.api.serializers import TargetSerializer
from luzhi.plan.api.serializers import TargetUpdateSerializer
from luzhi.plan.api.serializers import TaskSerializer
from luzhi.plan.diff import diff_plans
from luzhi.plan.filters import AssignmentFilter
from luzhi.plan.filters import PlanFilter
from luzhi.plan.filters import SectionFilter
from luzhi.plan.filters import TargetFilter
from luzhi.plan.filters import TaskFilter
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.models import Task
from luzhi.plan.permissions import assignments
from luzhi.plan.permissions import plans
from luzhi.plan.permissions import sections
from luzhi.plan.permissions import targets
from luzhi.plan.permissions import tasks
from luzhi.plan.selectors import current_plan
from luzhi.plan.selectors import plan_to_document
from luzhi.plan.services import PlanImportError
from luzhi.plan.services import assignment_set_units
from luzhi.plan.services import plan_import
from luzhi.plan.services import section_update
from luzhi.plan.services import target_update

ERRORS = error_responses(400, 401, 403, 404)  # LuZhi's error shape (core.api)


def _units_prefetch() -> Prefetch:
    return Prefetch(
        "units", queryset=AssignmentUnit.objects.order_by("order").select_related("unit")
    )


class PlanViewSet(PolicyQuerysetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Plan versions; ``?lineage=`` all versions of one plan, ``?current=true`` the newest ones.

    Everyone reads the version in force of each plan; superseded versions are the
    plan office's (others get 404), as on the pages (``luzhi.plan.permissions``).
    """

    policy = plans
    queryset = Plan.objects.order_by("lineage", "-version")
    filterset_class = PlanFilter
    ordering_fields = ["issued", "version", "created_at", "title"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("issuer_links__unit")
        # The source text is long and only the document endpoint needs it.
        return queryset.defer("source_text") if self.action == "list" else queryset

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    @extend_schema(
        summary="The plan as the plan JSON document",
        parameters=[PlanDocumentQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def document(self, request, pk=None):
        query = PlanDocumentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(
            plan_to_document(self.get_object(), include_source=query.validated_data["source"])
        )

    @extend_schema(
        summary="What changed from another version (default: the previous one) to this one",
        parameters=[PlanDiffQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def diff(self, request, pk=None):
        plan = self.get_object()
        query = PlanDiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        against = query.validated_data.get("against") or plan.previous
        if against is None:
            raise serializers.ValidationError(
                {"against": [_("此版本没有上一版本,请用 ?against= 指定要比较的计划。")]}
            )
        return Response(
            {
                "plan": plan.pk,
                "against": against.pk,
                "diff": diff_plans(
                    plan_to_document(against, include_source=False),
                    plan_to_document(plan, include_source=False),
                ),
            }
        )

    @extend_schema(
        summary="Import a plan text or its JSON export (plan office)",
        request={"multipart/form-data": PlanImportSerializer},
        responses={
            201: PlanImportResultSerializer,
            200: PlanImportResultSerializer,
            **ERRORS,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
    )
    def import_plan(self, request):
        serializer = PlanImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            result = plan_import(
                actor=request.user,
                data=upload.read(),
                source_name=upload.name or "",
                create_units=serializer.validated_data["create_units"],
            )
        except PlanImportError as exc:
            raise ProblemsError(
                {"file": [str(problem) for problem in exc.problems]},
                problems=[
                    {
                        "line": problem.line,
                        "text": problem.text,
                        "where": problem.where,
                        "message": str(problem.message),
                    }
                    for problem in exc.problems
                ],
            ) from exc
        body = PlanImportResultSerializer(
            {
                "plan": result.plan,
                "outcome": result.outcome,
                "import_id": result.record.pk,
                "created_units": result.created_units,
                "diff": result.diff,
            }
        ).data
        created = result.outcome != "unchanged"
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SectionViewSet(PolicyQuerysetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """The plan tree: parts, actions, goals and tasks of every plan version."""

    policy = sections
    queryset = Section.objects.order_by("plan", "order")
    serializer_class = SectionSerializer
    filterset_class = SectionFilter
    ordering_fields = ["order", "path"]

    @extend_schema(
        summary="Correct a section's title or text (plan office)",
        request=SectionUpdateSerializer,
        responses={200: SectionSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        section = self.get_object()
        serializer = SectionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        section = section_update(actor=request.user, section=section, **serializer.validated_data)
        return Response(SectionSerializer(section, context=self.get_serializer_context()).data)


class TaskViewSet(PolicyQuerysetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Tasks with their assignments (units and roles) and targets.

    The list shows the current plan's tasks unless ``?plan=`` picks a version.
    """

    queryset = (
        Task.objects.order_by("plan", "order")
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.order_by("order").prefetch_related(_units_prefetch()),
            ),
            Prefetch("targets", queryset=Target.objects.order_by("order")),
        )
    )
    policy = tasks
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    ordering_fields = ["order", "path"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and not self.request.query_params.get("plan"):
            plan = current_plan()
            queryset = queryset.filter(plan=plan) if plan else queryset.none()
        return queryset


class AssignmentViewSet(PolicyQuerysetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Assignments (分工): which units lead, are responsible or share a section's work."""

    queryset = (
        Assignment.objects.order_by("section__plan", "section__order", "order")
        .select_related("section")
        .prefetch_related(_units_prefetch())
    )
    policy = assignments
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["order", "section__order"]

    def get_history_records(self, obj) -> list:
        # The assignment's units live in their own table: show their changes here too.
        return [
            *obj.history.select_related("history_user"),
            *AssignmentUnit.history.filter(assignment_id=obj.pk).select_related("history_user"),
        ]

    @extend_schema(
        summary="Replace an assignment's units, role by role (plan office)",
        request=AssignmentUnitsSerializer,
        responses={200: AssignmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post", "put"], filter_backends=[])
    def units(self, request, pk=None):
        assignment = self.get_object()
        serializer = AssignmentUnitsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment_set_units(
            actor=request.user,
            assignment=assignment,
            reason=data["reason"],
            units={role: data[role] for role in ("lead", "responsible", "joint") if role in data},
            open_ended=data.get("open_ended"),
        )
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentSerializer(fresh, context=self.get_serializer_context()).data)


class TargetViewSet(PolicyQuerysetMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Quantitative targets (目标) as written in the plan."""

    queryset = Target.objects.order_by("section__plan", "section__order", "order").select_related(
        "section"
    )
    policy = targets
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["order", "by_year", "metric"]

    @extend_schema(
        summary="Correct a target (plan office; a reason is required)",
        request=TargetUpdateSerializer,
        responses={200: TargetSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        target = self.get_object()
        # Not partial=True: every target field is optional anyway, and reason must stay required.
        serializer = TargetUpdateSerializer(target, data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        reason = fields.pop("reason")
        target = target_update(actor=request.user, target=target, reason=reason, **fields)
        return Response(TargetSerializer(target, context=self.get_serializer_context()).data)
