"""The indicators API: indicators with where they stand, and observations with their review.

Reads: everyone sees public indicators and approved values; the plan office sees
everything; a unit reporter also sees their own unit's drafts and submissions
(the policies in ``luzhi.indicators.permissions``).

Writes are explicit endpoints that call the same services as the reporting
pages (``luzhi.indicators.services``). They only require a signed-in user: the
service decides who may report or review what and refuses with a message, so a
reporter of another unit gets 403 and bad values get 400 naming the field.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.core.api import error_responses
from luzhi.core.api import transition_responses
from luzhi.core.api_history import HistoryMixin
from luzhi.indicators.api.serializers import ASSESSMENT_STATUSES
from luzhi.indicators.api.serializers import CityRowSerializer
from luzhi.indicators.api.serializers import IndicatorDetailSerializer
from luzhi.indicators.api.serializers import IndicatorSerializer
from luzhi.indicators.api.serializers import ObservationCorrectSerializer
from luzhi.indicators.api.serializers import ObservationEventSerializer
from luzhi.indicators.api.serializers import ObservationReviewSerializer
from luzhi.indicators.api.serializers import ObservationSaveSerializer
from luzhi.indicators.api.serializers import ObservationSerializer
from luzhi.indicators.files import evidence_response
from luzhi.indicators.filters import AnyPlanIndicatorFilter
from luzhi.indicators.filters import IndicatorFilter
from luzhi.indicators.filters import ObservationFilter
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.permissions import indicators as indicator_policy
from luzhi.indicators.permissions import observations as observation_policy
from luzhi.indicators.selectors import city_breakdown
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.services import REPORT_FIELDS
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_correct
from luzhi.indicators.services import observation_return
from luzhi.indicators.services import observation_save
from luzhi.indicators.services import observation_submit
from luzhi.plan.models import Plan

ERRORS = error_responses(400, 401, 403, 404)  # LuZhi's error shape (core.api)


# --------------------------------------------------------------------------- indicators


PLAN_PARAMETER = (
    "A plan by id or 计划标识 (lineage: its newest version); 400 for a plan you may not see. "
    "Several plans can be in force: a later plan's target may share an indicator of another "
    "plan (a target link)."
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=ASSESSMENT_STATUSES,
                description="Only indicators with this assessment status (in the plan's judgement)",
            ),
            OpenApiParameter(
                "plan",
                str,
                description=PLAN_PARAMETER
                + " The plan's indicators, its shared ones included, judged on its own target "
                "and years (target fields, milestones and assessment). Default: the main plan.",
            ),
        ]
    ),
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "plan",
                str,
                description=PLAN_PARAMETER
                + " The indicator judged on that plan's target and years (404 when the plan "
                "has no such indicator). Default: its own plan.",
            )
        ]
    ),
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicators (指标) with their definition, target path, responsible units and assessment.

    Looked up by code. The plan office sees every indicator; everyone else the
    public ones. Assessments come from approved values only. The list is one plan's
    (``?plan=``, else the main plan's, as the cockpit); an indicator another plan shares
    is shown with that plan's target, years and assessment (``shared``).
    """

    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"
    ordering_fields = ["order", "code", "name"]

    @property
    def filterset_class(self):
        # The list defaults to the main plan; an indicator's own endpoint finds any indicator.
        return IndicatorFilter if self.action == "list" else AnyPlanIndicatorFilter

    def get_queryset(self):
        queryset = (
            Indicator.objects.order_by("order", "code")
            .select_related("numerator", "denominator")
            .prefetch_related(
                Prefetch("responsible_units", queryset=Unit.objects.order_by("order", "pk")),
                "milestones",
            )
        )
        return indicator_policy.visible(self.request.user, queryset)

    def get_serializer_class(self):
        return IndicatorDetailSerializer if self.action == "retrieve" else IndicatorSerializer

    @cached_property
    def plan(self) -> Plan | None:
        """The plan whose target and years the indicators are judged on (see filterset_class)."""
        data = self.request.query_params
        return self.filterset_class(data, request=self.request).chosen_plan

    @cached_property
    def statuses(self) -> dict:
        """Every visible indicator's assessment in the plan (each indicator's own without one),
        computed once per request (a fixed query count). The status of an indicator the plan
        shares holds the plan's view of it (``plans.judged_for``), which the serializer shows."""
        user = self.request.user
        public = not indicator_policy.can(user, "cockpit")
        return {s.indicator.pk: s for s in indicator_statuses(user=user, public=public, plan=self.plan)}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # Not while drf-spectacular inspects the view: the schema needs no database.
        if self.action in ("list", "retrieve") and not getattr(self, "swagger_fake_view", False):
            context["statuses"] = self.statuses
        return context

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        wanted = self.request.query_params.get("status") if self.action == "list" else None
        if wanted:
            if wanted not in ASSESSMENT_STATUSES:
                raise serializers.ValidationError(
                    {"status": [_("状态应为 %s 之一。") % "、".join(ASSESSMENT_STATUSES)]}
                )
            queryset = queryset.filter(
                pk__in=[pk for pk, s in self.statuses.items() if s.status == wanted]
            )
        return queryset

    @extend_schema(
        summary="Latest approved value per city, with the city's allocated target",
        responses={200: CityRowSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def cities(self, request, code=None):
        indicator = self.get_object()
        return Response(CityRowSerializer(city_breakdown(indicator), many=True).data)


# --------------------------------------------------------------------------- observations

WRITE_ACTIONS = {"create", "submit", "approve", "return_value", "correct"}


def transition(summary: str, request=None, **route):
    """A POST action moving one value through review: its route and its schema (the value,
    or the transition's errors in LuZhi's error shape)."""

    def decorate(method):
        routed = action(detail=True, methods=["post"], filter_backends=[], **route)(method)
        return extend_schema(
            summary=summary,
            request=request,
            responses=transition_responses(ObservationSerializer),
        )(routed)

    return decorate


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "period", str, description="One period: 2026, 2026-Q1 or 2026-01 (400 otherwise)"
            ),
            OpenApiParameter(
                "region",
                str,
                description="A city code (370100), a city name (济南 / 济南市) or 全省 / 370000",
            ),
            OpenApiParameter(
                "plan",
                str,
                description=PLAN_PARAMETER
                + " Values of the plan's indicators, its shared ones included. No default: "
                "a value is reported once, whichever plans judge it.",
            ),
        ]
    )
)
class ObservationViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Observations (指标值): indicator × period × region values with evidence and review status.

    ``POST`` saves a value (a second save of the same indicator, period, region
    and source updates the same row, with history); explicit actions submit,
    approve, return and correct it.
    """

    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    ordering_fields = ["period_start", "updated_at", "value", "region", "status"]

    def get_queryset(self):
        queryset = (
            Observation.objects.select_related("indicator", "reporting_unit", "created_by")
            .prefetch_related("evidence")
            .order_by("-period_start", "indicator__order", "region", "source")
        )
        return observation_policy.visible(self.request.user, queryset)

    def get_permissions(self):
        # The default class lets only the plan office write. Reporting is for units
        # too: the service checks who may report or review what (403 with a reason).
        if self.action in WRITE_ACTIONS:
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return context
        regions = {PROVINCE: _("全省")}
        regions.update(City.objects.values_list("code", "name"))
        user = self.request.user
        context["regions"] = regions
        context["may_download"] = lambda observation: observation_policy.can(
            user, "download_evidence", observation
        )
        return context

    def _respond(self, observation: Observation, status_code: int = status.HTTP_200_OK):
        fresh = (
            Observation.objects.select_related("indicator", "reporting_unit", "created_by")
            .prefetch_related("evidence")
            .get(pk=observation.pk)
        )
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Save a value for an indicator, period and region (and optionally submit it)",
        request={
            "application/json": ObservationSaveSerializer,
            "multipart/form-data": ObservationSaveSerializer,
        },
        responses={
            201: OpenApiResponse(ObservationSerializer, description="A new value"),
            200: OpenApiResponse(ObservationSerializer, description="The same slot, updated"),
            **ERRORS,
        },
    )
    def create(self, request):
        serializer = ObservationSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        observation = observation_save(
            actor=request.user,
            indicator=data["indicator"],
            submit=data["submit"],
            files=data.get("files", []),
            **{name: data.get(name) for name in REPORT_FIELDS},
        )
        created = observation.history.count() == 1
        return self._respond(
            observation, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _decide(self, request, service, serializer_class):
        """Validate the request's body with ``serializer_class``, then call the service on
        the value (the service checks who may; 403/409 with its message)."""
        observation = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(
            service(actor=request.user, observation=observation, **serializer.validated_data)
        )

    @transition(
        "Submit a draft or returned value for review (reason: why a value breaking a check is right)",
        request=None,
    )
    def submit(self, request, pk=None):
        reason = str(request.data.get("reason") or "") if hasattr(request.data, "get") else ""
        observation = observation_submit(
            actor=request.user, observation=self.get_object(), reason=reason
        )
        return self._respond(observation)

    @transition("Approve a submitted value (plan office)", ObservationReviewSerializer)
    def approve(self, request, pk=None):
        return self._decide(request, observation_approve, ObservationReviewSerializer)

    @transition(
        "Return a submitted value to its unit with a comment (plan office)",
        ObservationReviewSerializer,
        url_path="return",
        url_name="return",
    )
    def return_value(self, request, pk=None):
        return self._decide(request, observation_return, ObservationReviewSerializer)

    @transition("Correct an approved value, saying why (plan office)", ObservationCorrectSerializer)
    def correct(self, request, pk=None):
        return self._decide(request, observation_correct, ObservationCorrectSerializer)

    @extend_schema(
        summary="Review timeline: who moved the value from what to what, and why",
        responses={200: ObservationEventSerializer(many=True), 404: ERRORS[404]},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        observation = self.get_object()
        events = observation.events.select_related("actor")
        return Response(
            ObservationEventSerializer(events, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Download an evidence file (signed-in users who may see the value)",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            403: ERRORS[403],
            404: ERRORS[404],
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>\d+)",
        url_name="evidence",
        pagination_class=None,
        filter_backends=[],
    )
    def evidence(self, request, pk=None, evidence_id=None):
        observation = self.get_object()
        evidence = get_object_or_404(Evidence, pk=evidence_id, observation=observation)
        if not observation_policy.can(request.user, "download_evidence", observation):
            self.permission_denied(request, message=_("佐证材料登录后可下载。"))
        return evidence_response(evidence, inline=False)
