"""The supervision API: rounds, obligations with their reports and timelines, the bulletin.

Reads are for the plan office and unit reporters (a reporter sees its own unit's
obligations and those reporting to it); everyone else gets 403. Every write is
an explicit endpoint calling the same service as the pages
(``luzhi.supervision.services``), which decides who may do what: a refused
transition is 403 with a reason, bad input 400 naming the field.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from luzhi.core.api import TRANSITION_ERRORS
from luzhi.core.api import error_responses
from luzhi.core.api_actions import ServiceActions
from luzhi.core.api_actions import service_action
from luzhi.core.permissions import require
from luzhi.supervision import services
from luzhi.supervision.api.serializers import CommentSerializer
from luzhi.supervision.api.serializers import DecisionSerializer
from luzhi.supervision.api.serializers import ObligationDetailSerializer
from luzhi.supervision.api.serializers import ObligationSerializer
from luzhi.supervision.api.serializers import ReasonSerializer
from luzhi.supervision.api.serializers import ReportSerializer
from luzhi.supervision.api.serializers import RoundOpenSerializer
from luzhi.supervision.api.serializers import RoundSerializer
from luzhi.supervision.api.serializers import TallySerializer
from luzhi.supervision.api.serializers import UrgeResultSerializer
from luzhi.supervision.api.serializers import UrgeSerializer
from luzhi.supervision.bulletin import bulletin_rows
from luzhi.supervision.filters import ObligationFilter
from luzhi.supervision.filters import RoundFilter
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ReopenRequest
from luzhi.supervision.models import Round
from luzhi.supervision.permissions import can_manage_rounds
from luzhi.supervision.permissions import can_see_rounds
from luzhi.supervision.permissions import visible_obligations
from luzhi.supervision.reminders import urge_targets
from luzhi.supervision.tasks import enqueue_urge

# Documented error answers: bad input (400), not signed in (401), refused or wrong state
# (403, with the reason), no such visible object (404).
WRITE_ERRORS = error_responses(400, 401, 403)
ACTION_ERRORS = error_responses(*TRANSITION_ERRORS)


class SupervisionReader(permissions.BasePermission):
    """Signed-in plan office or unit reporters; the services check each write."""

    message = "只有专项办和责任单位填报员可以使用督办接口。"

    def has_permission(self, request, view) -> bool:
        return can_see_rounds(request.user)


class RoundViewSet(ServiceActions, viewsets.ReadOnlyModelViewSet):
    """Reporting rounds (报送轮次). ``POST`` opens one (plan office)."""

    service_object = "round_"
    serializer_class = RoundSerializer
    permission_classes = [SupervisionReader]
    queryset = Round.objects.all()
    filterset_class = RoundFilter

    @extend_schema(request=RoundOpenSerializer, responses={201: RoundSerializer, **WRITE_ERRORS})
    def create(self, request):
        serializer = RoundOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = services.round_open(actor=request.user, **serializer.validated_data)
        return Response(RoundSerializer(round_).data, status=status.HTTP_201_CREATED)

    close = service_action(services.round_close, out=RoundSerializer)

    @extend_schema(request=UrgeSerializer, responses={202: UrgeResultSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def urge(self, request, pk=None):
        """催办 (plan office): queue reminders to the overdue obligations (of one ``unit``)."""
        require(can_manage_rounds(request.user), _("只有专项办可以催办。"))
        round_ = self.get_object()
        serializer = UrgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit_id = serializer.validated_data["unit"]
        targets = urge_targets(round_=round_, today=timezone.localdate(), unit_id=unit_id)
        if targets:
            enqueue_urge(round_id=round_.pk, actor_id=request.user.pk, unit_id=unit_id)
        return Response({"queued": len(targets)}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: TallySerializer(many=True), **error_responses(401, 403, 404)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def bulletin(self, request, pk=None):
        """The ranking bulletin (通报): units by appraisal score, then on-time rate, then
        acceptance rate (``luzhi.supervision.bulletin``)."""
        rows = bulletin_rows(round_=self.get_object(), today=timezone.localdate())
        rows = [{**row, "name": row["unit"], "unit": row["unit_id"]} for row in rows]
        return Response(TallySerializer(rows, many=True).data)


class ObligationViewSet(ServiceActions, viewsets.ReadOnlyModelViewSet):
    """Obligations (报送任务): one unit's report on one task in one round, with its timeline."""

    service_object = "obligation"
    permission_classes = [SupervisionReader]
    filterset_class = ObligationFilter

    def get_queryset(self):
        queryset = Obligation.objects.select_related("round", "task", "unit").order_by(
            "round", "task__order", "unit__order"
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor", "evidence")
        return visible_obligations(self.request.user, queryset)

    def get_serializer_class(self):
        return ObligationDetailSerializer if self.action != "list" else ObligationSerializer

    def action_response(self, result, serializer_class, status=status.HTTP_200_OK):
        """The obligation re-read, with its timeline and evidence, after a write."""
        fresh = self.get_queryset().prefetch_related("events__actor", "evidence")
        obligation = get_object_or_404(fresh, pk=result.pk)
        return Response(serializer_class(obligation).data, status=status)

    acknowledge = service_action(
        services.obligation_acknowledge, out=ObligationDetailSerializer,
        doc="签收 (the obligation's unit).",
    )  # fmt: skip

    @extend_schema(
        request={"application/json": ReportSerializer, "multipart/form-data": ReportSerializer},
        responses={200: ObligationDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def report(self, request, pk=None):
        """Save the progress report as a draft, or submit it (``submit: true``)."""
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obligation = services.report_save(
            actor=request.user, obligation=self.get_object(), **serializer.validated_data
        )
        return self.action_response(obligation, ObligationDetailSerializer)

    accept = service_action(
        services.report_accept, request=CommentSerializer, out=ObligationDetailSerializer,
        doc="通过 (the lead unit for a contribution, the plan office otherwise).",
    )  # fmt: skip
    return_report = service_action(
        services.report_return, request=CommentSerializer, out=ObligationDetailSerializer,
        url_path="return", url_name="return", doc="退回 with a comment (the reviewer).",
    )  # fmt: skip

    @extend_schema(request=ReasonSerializer, responses={201: None, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="reopen-request", filter_backends=[])
    def reopen_request(self, request, pk=None):
        """Ask the plan office to reopen an accepted report."""
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reopen = services.reopen_request(
            actor=request.user, obligation=self.get_object(), **serializer.validated_data
        )
        return Response({"id": reopen.pk, "status": reopen.status}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DecisionSerializer, responses={200: ObligationDetailSerializer, **ACTION_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="reopen-decide", filter_backends=[])
    def reopen_decide(self, request, pk=None):
        """Approve or reject the pending reopen request (plan office)."""
        obligation = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pending = get_object_or_404(
            ReopenRequest, obligation=obligation, status=ReopenRequest.Status.PENDING
        )
        services.reopen_decide(actor=request.user, request=pending, **serializer.validated_data)
        return self.action_response(obligation, ObligationDetailSerializer)
