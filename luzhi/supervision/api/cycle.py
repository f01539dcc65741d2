"""The API of the closing half of the cycle: milestones (工作要点, 销号) and supervision
orders (督办单). Rows are those the model's policy shows the user (the same as the pages,
through the same filtersets); every write is an action calling the same service."""

from rest_framework import serializers
from rest_framework import viewsets

from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api_actions import ServiceActions
from luzhi.core.api_actions import service_action
from luzhi.supervision.filters import MilestoneFilter
from luzhi.supervision.filters import OrderFilter
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.permissions import milestones as milestone_policy
from luzhi.supervision.permissions import orders as order_policy
from luzhi.supervision.services import milestones
from luzhi.supervision.services import orders


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


class MilestoneViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
    """Milestones (工作要点); ``verify`` (plan office) closes one (销号) or sends it back."""

    policy = milestone_policy
    service_object = "milestone"
    queryset = TaskMilestone.objects.select_related("task", "unit").order_by(
        "year", "due_date", "pk"
    )
    serializer_class = TaskMilestoneSerializer
    filterset_class = MilestoneFilter

    verify = service_action(
        milestones.milestone_verify, request=MilestoneVerifySerializer, out=TaskMilestoneSerializer
    )


class OrderViewSet(PolicyQuerysetMixin, ServiceActions, viewsets.ReadOnlyModelViewSet):
    """Supervision orders (督办单): issue and close (plan office), respond (the unit)."""

    policy = order_policy
    service_object = "order"
    queryset = SupervisionOrder.objects.select_related("unit").order_by("-created_at", "-pk")
    serializer_class = SupervisionOrderSerializer
    filterset_class = OrderFilter

    issue = service_action(orders.order_issue, request=OrderIssueSerializer, out=SupervisionOrderSerializer)
    respond = service_action(
        orders.order_respond, request=OrderRespondSerializer, out=SupervisionOrderSerializer
    )
    close = service_action(orders.order_close, request=OrderCloseSerializer, out=SupervisionOrderSerializer)
