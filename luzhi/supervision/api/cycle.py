"""The API of the closing half of the cycle: milestones (工作要点, 销号) and supervision
orders (督办单). Rows are those the model's policy shows the user (the same as the pages,
through the same filtersets); every write is an action calling the same service."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from luzhi.core.api import TRANSITION_ERRORS
from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api import error_responses
from luzhi.supervision.filters import MilestoneFilter
from luzhi.supervision.filters import OrderFilter
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.permissions import milestones as milestone_policy
from luzhi.supervision.permissions import orders as order_policy
from luzhi.supervision.services import milestones
from luzhi.supervision.services import orders

REFUSALS = error_responses(*TRANSITION_ERRORS)


class TaskMilestoneSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.__str__", read_only=True)
    task_path = serializers.CharField(source="task.path", read_only=True)

    class Meta:
        model = TaskMilestone
        fields = [
            "id",
            "year",
            "task",
            "task_path",
            "unit",
            "unit_name",
            "title",
            "due_date",
            "standard",
            "evidence_required",
            "status",
            "state",
            "state_reason",
            "claimed_at",
            "closed_at",
            "verification",
        ]


class MilestoneVerifySerializer(serializers.Serializer):
    close = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000)


class SupervisionOrderSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.__str__", read_only=True)

    class Meta:
        model = SupervisionOrder
        fields = [
            "id",
            "unit",
            "unit_name",
            "source",
            "title",
            "facts",
            "level",
            "status",
            "task",
            "milestone",
            "indicator",
            "days_overdue",
            "deadline",
            "required_response",
            "issued_at",
            "response",
            "responded_at",
            "conclusion_facts",
            "conclusion_evidence",
            "conclusion",
            "closed_at",
        ]


class OrderIssueSerializer(serializers.Serializer):
    deadline = serializers.DateField()
    required_response = serializers.CharField(max_length=2000)
    level = serializers.ChoiceField(choices=SupervisionOrder.Level.choices, required=False)


class OrderRespondSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=2000)


class OrderCloseSerializer(serializers.Serializer):
    facts = serializers.CharField(max_length=2000)
    evidence = serializers.CharField(max_length=2000)
    conclusion = serializers.CharField(max_length=2000)


class MilestoneViewSet(PolicyQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Milestones (工作要点); ``verify`` (plan office) closes one (销号) or sends it back."""

    policy = milestone_policy
    queryset = TaskMilestone.objects.select_related("task", "unit").order_by(
        "year", "due_date", "pk"
    )
    serializer_class = TaskMilestoneSerializer
    filterset_class = MilestoneFilter

    @extend_schema(request=MilestoneVerifySerializer, responses={200: TaskMilestoneSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def verify(self, request, pk=None):
        data = MilestoneVerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = milestones.milestone_verify(
            actor=request.user, milestone=self.get_object(), **data.validated_data
        )
        return Response(TaskMilestoneSerializer(milestone).data)


class OrderViewSet(PolicyQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision orders (督办单): issue and close (plan office), respond (the unit)."""

    policy = order_policy
    queryset = SupervisionOrder.objects.select_related("unit").order_by("-created_at", "-pk")
    serializer_class = SupervisionOrderSerializer
    filterset_class = OrderFilter

    def _run(self, request, serializer_class, call):
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        order = call(actor=request.user, order=self.get_object(), **data.validated_data)
        return Response(SupervisionOrderSerializer(order).data)

    @extend_schema(request=OrderIssueSerializer, responses={200: SupervisionOrderSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request, pk=None):
        return self._run(request, OrderIssueSerializer, orders.order_issue)

    @extend_schema(request=OrderRespondSerializer, responses={200: SupervisionOrderSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def respond(self, request, pk=None):
        return self._run(request, OrderRespondSerializer, orders.order_respond)

    @extend_schema(request=OrderCloseSerializer, responses={200: SupervisionOrderSerializer, **REFUSALS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        return self._run(request, OrderCloseSerializer, orders.order_close)
