"""The scenario API: batches, scenarios, solutions, matches, recognitions, events, meetings.

Reads list what the model's policy lets the caller see (the pages' rows) and use
the pages' FilterSets. Every write is an explicit endpoint calling the same
service as the pages, which decides who may: 401 without credentials, 403 with
the reason, 400 naming the field, 404 for what the caller may not see.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from luzhi.core.api import TRANSITION_ERRORS, PolicyQuerysetMixin, error_responses
from luzhi.core.api_history import HistoryMixin
from luzhi.core.files import XLSX_CONTENT_TYPE, file_response
from luzhi.scenarios import matching, selectors, services
from luzhi.scenarios.api import serializers as s
from luzhi.scenarios.exports import batch_workbook_bytes
from luzhi.scenarios.filters import (
    BatchFilter,
    EventFilter,
    MeetingFilter,
    RecognitionFilter,
    ScenarioFilter,
    SolutionFilter,
)
from luzhi.scenarios.models import (
    Domain,
    MatchmakingEvent,
    Meeting,
    Recognition,
    RecognitionLevel,
    Scenario,
    ScenarioBatch,
    Solution,
)
from luzhi.scenarios.permissions import batches, events, recognitions, scenarios, solutions

ERRORS = error_responses(400, 401, 403, 404)
TRANSITION = error_responses(*TRANSITION_ERRORS)
READ = {404: ERRORS[404]}
MATCH_ERRORS = {400: ERRORS[400], 404: ERRORS[404]}
TOP = OpenApiParameter("top", OpenApiTypes.INT, description="How many matches (1–100, default 20); else 400")


class ReadAnyoneWriteSignedIn(permissions.BasePermission):
    """Anyone reads (rows narrowed by the policy); writes need a signed-in user, and the
    service decides whether this one may."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class TopSerializer(serializers.Serializer):
    top = serializers.IntegerField(min_value=1, max_value=100, default=20)


def _top(request) -> int:
    """``?top=``, 1–100 (default 20); a bad value is a 400 naming ``top``."""
    params = TopSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data["top"]


class _Base(PolicyQuerysetMixin, viewsets.GenericViewSet):
    permission_classes = [ReadAnyoneWriteSignedIn]


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
    serializer_class = s.BatchSerializer
    filterset_class = BatchFilter
    queryset = ScenarioBatch.objects.all()

    def get_queryset(self):
        return selectors.visible_batches(self.request.user)

    @extend_schema(request=s.BatchCreateSerializer, responses={201: s.BatchSerializer, **ERRORS})
    def create(self, request):
        data = _valid(s.BatchCreateSerializer, request)
        batch = services.batch_create(actor=request.user, **data)
        return Response(s.BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    def _transition(self, request, service, **extra):
        batch = service(actor=request.user, batch=self.get_object(), **extra)
        return Response(s.BatchSerializer(batch).data)

    @extend_schema(request=None, responses={200: s.BatchSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """End collection; the plan office reviews (征集中 → 审核中)."""
        return self._transition(request, services.batch_close)

    @extend_schema(request=None, responses={200: s.BatchSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request, pk=None):
        """Back to collection (审核中 → 征集中)."""
        return self._transition(request, services.batch_reopen)

    @extend_schema(request=s.PublishSerializer, responses={200: s.BatchSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        """Publish the batch as a whole on a date (审核中 → 已发布)."""
        data = _valid(s.PublishSerializer, request)
        return self._transition(request, services.batch_publish, published_on=data.get("published_on"))

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={200: s.ImportReportSerializer, **ERRORS},
        description="Dry run (default) lists every row error; dry_run=false writes all rows or none.",
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=[MultiPartParser, FormParser], url_path="import")
    def import_(self, request, pk=None):
        data = _valid(s.ImportSerializer, request)
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


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScenarioViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Scenarios (场景机会与需求). The public sees those of published batches; publishers their own."""

    policy = scenarios
    serializer_class = s.ScenarioSerializer
    filterset_class = ScenarioFilter
    queryset = Scenario.objects.all()
    ordering_fields = ["published_on", "updated_at", "id"]

    def get_queryset(self):
        return selectors.visible_scenarios(self.request.user)

    def _respond(self, scenario, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=scenario.pk)).data, status=code)

    @extend_schema(request=s.ScenarioWriteSerializer, responses={201: s.ScenarioSerializer, **ERRORS})
    def create(self, request):
        """File a scenario in a collecting batch (``batch`` is its number)."""
        data = dict(_valid(s.ScenarioWriteSerializer, request))
        batch = data.pop("batch", None)
        if batch is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"batch": ["请指定批次(批次号)。"]})
        scenario = services.scenario_create(actor=request.user, batch=batch, **data)
        return self._respond(scenario, status.HTTP_201_CREATED)

    @extend_schema(request=s.ScenarioWriteSerializer, responses={200: s.ScenarioSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        """Change a scenario (the publisher while collecting, the plan office)."""
        data = dict(_valid(s.ScenarioWriteSerializer, request, partial=True))
        for field in ("batch", "publisher_unit", "publisher_enterprise"):
            data.pop(field, None)
        scenario = services.scenario_update(actor=request.user, scenario=self.get_object(), **data)
        return self._respond(scenario)

    @extend_schema(request=s.WithdrawSerializer, responses={200: s.ScenarioSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        """Leave the scenario out of its batch at review (未入选), with the reason."""
        data = _valid(s.WithdrawSerializer, request)
        return self._respond(services.scenario_withdraw(actor=request.user, scenario=self.get_object(), **data))

    @extend_schema(request=None, responses={200: s.ScenarioSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def restore(self, request, pk=None):
        return self._respond(services.scenario_restore(actor=request.user, scenario=self.get_object()))

    @extend_schema(request=s.AdvanceSerializer, responses={200: s.ScenarioSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def advance(self, request, pk=None):
        """Report progress: 对接中 (matching) or 落地 (landed)."""
        data = _valid(s.AdvanceSerializer, request)
        return self._respond(
            services.scenario_advance(actor=request.user, scenario=self.get_object(), to=data["status"])
        )

    @extend_schema(parameters=[TOP], responses={200: s.SolutionMatchSerializer(many=True), **MATCH_ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def matches(self, request, pk=None):
        """The solutions best matching this scenario, best first, each with why it matched."""
        found = matching.solutions_for(self.get_object(), user=request.user, k=_top(request))
        return Response([
            {"score": m.score, "why": m.hit.reasons, "solution": s.SolutionSerializer(m.object).data}
            for m in found
        ])


class SolutionViewSet(HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Solutions (供给) of enterprises in the registry. The public sees published ones."""

    policy = solutions
    serializer_class = s.SolutionSerializer
    filterset_class = SolutionFilter
    queryset = Solution.objects.all()

    def get_queryset(self):
        return selectors.visible_solutions(self.request.user)

    def _respond(self, solution, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=solution.pk)).data, status=code)

    @extend_schema(request=s.SolutionWriteSerializer, responses={201: s.SolutionSerializer, **ERRORS})
    def create(self, request):
        data = dict(_valid(s.SolutionWriteSerializer, request))
        solution = services.solution_create(
            actor=request.user, provider=data.pop("provider", None), domains=data.pop("domains", []),
            publish=data.pop("publish", False), **data,
        ) if data.get("provider") else _missing("provider")
        return self._respond(solution, status.HTTP_201_CREATED)

    @extend_schema(request=s.SolutionWriteSerializer, responses={200: s.SolutionSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        data = dict(_valid(s.SolutionWriteSerializer, request, partial=True))
        data.pop("provider", None)
        data.pop("publish", None)
        solution = services.solution_update(
            actor=request.user, solution=self.get_object(), domains=data.pop("domains", None), **data
        )
        return self._respond(solution)

    @extend_schema(request=None, responses={200: s.SolutionSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        return self._respond(services.solution_set_status(
            actor=request.user, solution=self.get_object(), status=Solution.Status.PUBLISHED))

    @extend_schema(request=None, responses={200: s.SolutionSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        return self._respond(services.solution_set_status(
            actor=request.user, solution=self.get_object(), status=Solution.Status.WITHDRAWN))

    @extend_schema(parameters=[TOP], responses={200: s.ScenarioMatchSerializer(many=True), **MATCH_ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def matches(self, request, pk=None):
        """The open scenarios best matching this solution, best first, each with why."""
        found = matching.scenarios_for(self.get_object(), user=request.user, k=_top(request))
        return Response([
            {"score": m.score, "why": m.hit.reasons,
             "scenario": s.ScenarioSerializer(m.object, context={"request": request}).data}
            for m in found
        ])


def _missing(field):
    from rest_framework.exceptions import ValidationError

    raise ValidationError({field: ["该字段是必填项。"]})


class RecognitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Recognitions (认定) of scenarios; approved ones count toward the indicators."""

    policy = recognitions
    serializer_class = s.RecognitionSerializer
    filterset_class = RecognitionFilter
    queryset = Recognition.objects.all()

    def get_queryset(self):
        return selectors.visible_recognitions(self.request.user)

    @extend_schema(request=s.RecognitionWriteSerializer, responses={201: s.RecognitionSerializer, **ERRORS})
    def create(self, request):
        data = dict(_valid(s.RecognitionWriteSerializer, request))
        scenario = scenarios.get_or_404(request.user, pk=data.pop("scenario").pk)
        recognition = services.recognition_submit(actor=request.user, scenario=scenario, **data)
        return Response(s.RecognitionSerializer(recognition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewSerializer, responses={200: s.RecognitionSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        """Approve or reject (with a comment) a recognition (plan office)."""
        data = _valid(s.ReviewSerializer, request)
        recognition = services.recognition_review(actor=request.user, recognition=self.get_object(), **data)
        return Response(s.RecognitionSerializer(recognition).data)


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """Matchmaking events (对接会)."""

    policy = events
    serializer_class = s.EventSerializer
    filterset_class = EventFilter
    queryset = MatchmakingEvent.objects.prefetch_related("slots").select_related("city")

    @extend_schema(request=s.EventWriteSerializer, responses={201: s.EventSerializer, **ERRORS})
    def create(self, request):
        data = dict(_valid(s.EventWriteSerializer, request))
        slots = [(x["starts_at"], x["ends_at"]) for x in data.pop("slots")]
        event = services.event_create(actor=request.user, slots=slots, **data)
        return Response(s.EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RegisterSerializer, responses={201: s.PartySerializer, **ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def register(self, request, pk=None):
        """Register a party (the organiser anyone; a publisher itself) while registration is open."""
        data = dict(_valid(s.RegisterSerializer, request))
        party = services.party_register(actor=request.user, event=self.get_object(), **data)
        return Response(s.PartySerializer(party).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.PartySerializer(many=True), **READ})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def parties(self, request, pk=None):
        event = self.get_object()
        return Response(s.PartySerializer(selectors.event_parties(event, request.user), many=True).data)

    @extend_schema(request=None, responses={200: s.MeetingSerializer(many=True), **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def propose(self, request, pk=None):
        """Propose (again) the meetings from the matches, within limits and slots."""
        event = self.get_object()
        services.meetings_propose(actor=request.user, event=event)
        return Response(s.MeetingSerializer(selectors.visible_meetings(request.user, event), many=True).data)

    @extend_schema(request=None, responses={200: s.EventSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        """Publish the schedule (排期中 → 日程已发布)."""
        return Response(s.EventSerializer(services.schedule_publish(actor=request.user, event=self.get_object())).data)

    @extend_schema(request=None, responses={200: s.EventSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        return Response(s.EventSerializer(services.event_close(actor=request.user, event=self.get_object())).data)

    @extend_schema(request=s.MeetingAddSerializer, responses={201: s.MeetingSerializer, **ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[], url_path="meetings")
    def add_meeting(self, request, pk=None):
        """The organiser adds a meeting by hand."""
        data = dict(_valid(s.MeetingAddSerializer, request))
        meeting = services.meeting_add(actor=request.user, event=self.get_object(), **data)
        return Response(s.MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Meetings of events whose schedule the caller may see (``?event=`` to pick one)."""

    permission_classes = [ReadAnyoneWriteSignedIn]
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    queryset = Meeting.objects.all()

    def get_queryset(self):
        user = self.request.user
        visible = [e.pk for e in MatchmakingEvent.objects.all() if events.can(user, "see_schedule", e)]
        return Meeting.objects.filter(event_id__in=visible).select_related(
            "slot", "demand__unit", "demand__enterprise", "supply__unit", "supply__enterprise"
        )

    def _meeting(self, pk):
        # DRF's get_object_or_404: a malformed id ("null", "5e-324") is a 404, not a ValueError.
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(request=s.MoveSerializer, responses={200: s.MeetingSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request, pk=None):
        data = _valid(s.MoveSerializer, request)
        return Response(s.MeetingSerializer(services.meeting_move(actor=request.user, meeting=self._meeting(pk), **data)).data)

    @extend_schema(request=None, responses={204: None, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        services.meeting_cancel(actor=request.user, meeting=self._meeting(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.OutcomeSerializer, responses={200: s.MeetingSerializer, **TRANSITION})
    @action(detail=True, methods=["post"], filter_backends=[])
    def outcome(self, request, pk=None):
        """Record 签约 / 跟进 / 无果; moves the scenario to 落地 / 对接中 / as it is."""
        data = _valid(s.OutcomeSerializer, request)
        return Response(s.MeetingSerializer(services.meeting_outcome(actor=request.user, meeting=self._meeting(pk), **data)).data)


