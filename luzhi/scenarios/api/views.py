"""The scenario API: batches, scenarios, solutions, matches, recognitions, events, meetings.

Reads list what the model's policy lets the caller see (the pages' rows) and use
the pages' FilterSets. Every write is an explicit endpoint calling the same
service as the pages, which decides who may: 401 without credentials, 403 with
the reason, 400 naming the field, 404 for what the caller may not see.
"""

from functools import partial

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api import error_responses
from luzhi.core.api import transition_responses
from luzhi.core.api_actions import ReadAnyoneWriteSignedIn
from luzhi.core.api_actions import ServiceActions
from luzhi.core.api_actions import service_action
from luzhi.core.api_actions import service_create
from luzhi.core.api_actions import validated
from luzhi.core.api_history import HistoryMixin
from luzhi.core.files import XLSX_CONTENT_TYPE
from luzhi.core.files import file_response
from luzhi.scenarios import matching
from luzhi.scenarios import selectors
from luzhi.scenarios import services
from luzhi.scenarios.api import serializers as s
from luzhi.scenarios.exports import batch_workbook_bytes
from luzhi.scenarios.filters import BatchFilter
from luzhi.scenarios.filters import EventFilter
from luzhi.scenarios.filters import MeetingFilter
from luzhi.scenarios.filters import RecognitionFilter
from luzhi.scenarios.filters import ScenarioFilter
from luzhi.scenarios.filters import SolutionFilter
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import batches
from luzhi.scenarios.permissions import events
from luzhi.scenarios.permissions import recognitions
from luzhi.scenarios.permissions import scenarios
from luzhi.scenarios.permissions import solutions

ERRORS = error_responses(400, 401, 403, 404)
READ = {404: ERRORS[404]}
MATCH_ERRORS = {400: ERRORS[400], 404: ERRORS[404]}
TOP = OpenApiParameter("top", OpenApiTypes.INT, description="How many matches (1–100, default 20); else 400")


class TopSerializer(serializers.Serializer):
    top = serializers.IntegerField(min_value=1, max_value=100, default=20)


def _top(request) -> int:
    """``?top=``, 1–100 (default 20); a bad value is a 400 naming ``top``."""
    params = TopSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data["top"]


def _matches(found, key: str, serialize) -> Response:
    """Matches, best first: each its score, why it matched and the matched object under ``key``."""
    return Response([{"score": m.score, "why": m.hit.reasons, key: serialize(m.object)} for m in found])


class _Base(PolicyQuerysetMixin, ServiceActions, viewsets.GenericViewSet):
    permission_classes = [ReadAnyoneWriteSignedIn]


class _Reread:
    """Answers with the record read again through the viewset's queryset: its annotations,
    and the contact details only for those who may see them, as in a list."""

    def action_response(self, result, serializer_class, status=status.HTTP_200_OK):
        return super().action_response(self.get_queryset().get(pk=result.pk), serializer_class, status)


class DomainViewSet(viewsets.ReadOnlyModelViewSet):
    """Application domains (应用领域), data the plan office keeps."""

    queryset = Domain.objects.all()
    serializer_class = s.DomainSerializer
    lookup_field = "code"
    pagination_class = None


class LevelViewSet(viewsets.ReadOnlyModelViewSet):
    """Recognition levels (认定等级): 典型案例, 标杆场景, 全国领先 …"""

    queryset = RecognitionLevel.objects.all()
    serializer_class = s.LevelSerializer
    lookup_field = "code"
    pagination_class = None


class BatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Batches of the scenario list (第N批). The public sees published batches."""

    policy = batches
    service_object = "batch"
    serializer_class = s.BatchSerializer
    filterset_class = BatchFilter
    queryset = ScenarioBatch.objects.all()

    def get_queryset(self):
        return selectors.visible_batches(self.request.user)

    create = service_create(services.batch_create, request=s.BatchCreateSerializer, out=s.BatchSerializer)

    close = service_action(services.batch_close, out=s.BatchSerializer,
                           doc="End collection; the plan office reviews (征集中 → 审核中).")
    reopen = service_action(services.batch_reopen, out=s.BatchSerializer, doc="Back to collection (审核中 → 征集中).")
    publish = service_action(services.batch_publish, request=s.PublishSerializer, out=s.BatchSerializer,
                             doc="Publish the batch as a whole on a date (审核中 → 已发布).")

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={200: s.ImportReportSerializer, **ERRORS},
        description="Dry run (default) lists every row error; dry_run=false writes all rows or none.",
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[MultiPartParser, FormParser], url_path="import")
    def import_(self, request, pk=None):
        data = validated(s.ImportSerializer, request)
        report = services.batch_import(
            actor=request.user, batch=self.get_object(), data=data["file"].read(), dry_run=data["dry_run"]
        )
        body = {
            "dry_run": report.dry_run, "ok": report.ok, "rows": report.rows, "created": report.created,
            "error_count": report.error_count,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
        }
        return Response(body, status=status.HTTP_200_OK)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, **READ})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk=None):
        """The batch's scenarios as .xlsx (the import's columns)."""
        batch = self.get_object()
        return file_response(
            batch_workbook_bytes(batch=batch, user=request.user),
            filename=f"场景清单{batch}.xlsx", content_type=XLSX_CONTENT_TYPE,
        )


class ScenarioViewSet(_Reread, HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Scenarios (场景机会与需求). The public sees those of published batches; publishers their own."""

    policy = scenarios
    service_object = "scenario"
    serializer_class = s.ScenarioSerializer
    filterset_class = ScenarioFilter
    queryset = Scenario.objects.all()
    ordering_fields = ["published_on", "updated_at", "id"]

    def get_queryset(self):
        return selectors.visible_scenarios(self.request.user)

    @extend_schema(request=s.ScenarioWriteSerializer, responses={201: s.ScenarioSerializer, **ERRORS})
    def create(self, request):
        """File a scenario in a collecting batch (``batch`` is its number)."""
        data = dict(validated(s.ScenarioWriteSerializer, request))
        batch = data.pop("batch", None)
        if batch is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"batch": ["请指定批次(批次号)。"]})
        scenario = services.scenario_create(actor=request.user, batch=batch, **data)
        return self.action_response(scenario, s.ScenarioSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=s.ScenarioWriteSerializer, responses={200: s.ScenarioSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        """Change a scenario (the publisher while collecting, the plan office)."""
        data = dict(validated(s.ScenarioWriteSerializer, request, partial=True))
        for field in ("batch", "publisher_unit", "publisher_enterprise"):
            data.pop(field, None)
        scenario = services.scenario_update(actor=request.user, scenario=self.get_object(), **data)
        return self.action_response(scenario, s.ScenarioSerializer)

    withdraw = service_action(
        services.scenario_withdraw, request=s.WithdrawSerializer, out=s.ScenarioSerializer,
        doc="Leave the scenario out of its batch at review (未入选), with the reason.")
    restore = service_action(services.scenario_restore, out=s.ScenarioSerializer)

    @extend_schema(request=s.AdvanceSerializer, responses=transition_responses(s.ScenarioSerializer))
    @action(detail=True, methods=["post"], filter_backends=[])
    def advance(self, request, pk=None):
        """Report progress: 对接中 (matching) or 落地 (landed)."""
        to = validated(s.AdvanceSerializer, request)["status"]
        scenario = services.scenario_advance(actor=request.user, scenario=self.get_object(), to=to)
        return self.action_response(scenario, s.ScenarioSerializer)

    @extend_schema(parameters=[TOP], responses={200: s.SolutionMatchSerializer(many=True), **MATCH_ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def matches(self, request, pk=None):
        """The solutions best matching this scenario, best first, each with why it matched."""
        found = matching.solutions_for(self.get_object(), user=request.user, k=_top(request))
        return _matches(found, "solution", lambda solution: s.SolutionSerializer(solution).data)


class SolutionViewSet(_Reread, HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Solutions (供给) of enterprises in the registry. The public sees published ones."""

    policy = solutions
    service_object = "solution"
    serializer_class = s.SolutionSerializer
    filterset_class = SolutionFilter
    queryset = Solution.objects.all()

    def get_queryset(self):
        return selectors.visible_solutions(self.request.user)

    @extend_schema(request=s.SolutionWriteSerializer, responses={201: s.SolutionSerializer, **ERRORS})
    def create(self, request):
        data = dict(validated(s.SolutionWriteSerializer, request))
        solution = services.solution_create(
            actor=request.user, provider=data.pop("provider", None), domains=data.pop("domains", []),
            publish=data.pop("publish", False), **data,
        ) if data.get("provider") else _missing("provider")
        return self.action_response(solution, s.SolutionSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=s.SolutionWriteSerializer, responses={200: s.SolutionSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        data = dict(validated(s.SolutionWriteSerializer, request, partial=True))
        data.pop("provider", None)
        data.pop("publish", None)
        solution = services.solution_update(
            actor=request.user, solution=self.get_object(), domains=data.pop("domains", None), **data
        )
        return self.action_response(solution, s.SolutionSerializer)

    publish = service_action(partial(services.solution_set_status, status=Solution.Status.PUBLISHED),
                             out=s.SolutionSerializer)
    withdraw = service_action(partial(services.solution_set_status, status=Solution.Status.WITHDRAWN),
                              out=s.SolutionSerializer)

    @extend_schema(parameters=[TOP], responses={200: s.ScenarioMatchSerializer(many=True), **MATCH_ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def matches(self, request, pk=None):
        """The open scenarios best matching this solution, best first, each with why."""
        found = matching.scenarios_for(self.get_object(), user=request.user, k=_top(request))
        return _matches(
            found, "scenario", lambda scenario: s.ScenarioSerializer(scenario, context={"request": request}).data
        )


def _missing(field):
    from rest_framework.exceptions import ValidationError

    raise ValidationError({field: ["该字段是必填项。"]})


class RecognitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Recognitions (认定) of scenarios; approved ones count toward the indicators."""

    policy = recognitions
    service_object = "recognition"
    serializer_class = s.RecognitionSerializer
    filterset_class = RecognitionFilter
    queryset = Recognition.objects.all()

    def get_queryset(self):
        return selectors.visible_recognitions(self.request.user)

    @extend_schema(request=s.RecognitionWriteSerializer, responses={201: s.RecognitionSerializer, **ERRORS})
    def create(self, request):
        data = dict(validated(s.RecognitionWriteSerializer, request))
        scenario = scenarios.get_or_404(request.user, pk=data.pop("scenario").pk)
        recognition = services.recognition_submit(actor=request.user, scenario=scenario, **data)
        return self.action_response(recognition, s.RecognitionSerializer, status.HTTP_201_CREATED)

    review = service_action(services.recognition_review, request=s.ReviewSerializer, out=s.RecognitionSerializer,
                            doc="Approve or reject (with a comment) a recognition (plan office).")


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Matchmaking events (对接会)."""

    policy = events
    service_object = "event"
    serializer_class = s.EventSerializer
    filterset_class = EventFilter
    queryset = MatchmakingEvent.objects.prefetch_related("slots").select_related("city")

    @extend_schema(request=s.EventWriteSerializer, responses={201: s.EventSerializer, **ERRORS})
    def create(self, request):
        data = dict(validated(s.EventWriteSerializer, request))
        slots = [(x["starts_at"], x["ends_at"]) for x in data.pop("slots")]
        event = services.event_create(actor=request.user, slots=slots, **data)
        return self.action_response(event, s.EventSerializer, status.HTTP_201_CREATED)

    register = service_action(
        services.party_register, request=s.RegisterSerializer, out=s.PartySerializer,
        status=status.HTTP_201_CREATED, conflict=False,
        doc="Register a party (the organiser anyone; a publisher itself) while registration is open.")

    @extend_schema(responses={200: s.PartySerializer(many=True), **READ})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def parties(self, request, pk=None):
        event = self.get_object()
        return Response(s.PartySerializer(selectors.event_parties(event, request.user), many=True).data)

    @extend_schema(request=None, responses=transition_responses(s.MeetingSerializer(many=True)))
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def propose(self, request, pk=None):
        """Propose (again) the meetings from the matches, within limits and slots."""
        event = self.get_object()
        services.meetings_propose(actor=request.user, event=event)
        return Response(s.MeetingSerializer(selectors.visible_meetings(request.user, event), many=True).data)

    publish = service_action(services.schedule_publish, out=s.EventSerializer,
                             doc="Publish the schedule (排期中 → 日程已发布).")
    close = service_action(services.event_close, out=s.EventSerializer)
    add_meeting = service_action(
        services.meeting_add, request=s.MeetingAddSerializer, out=s.MeetingSerializer,
        status=status.HTTP_201_CREATED, conflict=False, url_path="meetings",
        doc="The organiser adds a meeting by hand.")


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceActions, viewsets.GenericViewSet):
    """Meetings of events whose schedule the caller may see (``?event=`` to pick one)."""

    permission_classes = [ReadAnyoneWriteSignedIn]
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    queryset = Meeting.objects.all()
    service_object = "meeting"

    def get_queryset(self):
        user = self.request.user
        visible = [e.pk for e in MatchmakingEvent.objects.all() if events.can(user, "see_schedule", e)]
        return Meeting.objects.filter(event_id__in=visible).select_related(
            "slot", "demand__unit", "demand__enterprise", "supply__unit", "supply__enterprise"
        )

    move = service_action(services.meeting_move, request=s.MoveSerializer, out=s.MeetingSerializer)
    cancel = service_action(services.meeting_cancel, out=None, status=status.HTTP_204_NO_CONTENT)
    outcome = service_action(
        services.meeting_outcome, request=s.OutcomeSerializer, out=s.MeetingSerializer,
        doc="Record 签约 / 跟进 / 无果; moves the scenario to 落地 / 对接中 / as it is.")


