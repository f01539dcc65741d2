"""The proving ground's API: models and filings, deployments, benchmarks and leaderboards,
evaluation runs, the indicator's assessment. Rows by policy (the pages' filtersets); every
write calls the pages' service: 401 without a token, 403 with the reason, 400 naming the field."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework import status
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from luzhi.core.api import PolicyQuerysetMixin
from luzhi.core.api_actions import ReadAnyoneWriteSignedIn
from luzhi.core.api_actions import ServiceActions
from luzhi.core.api_actions import service_action
from luzhi.proving_ground import filters
from luzhi.proving_ground import permissions as policies
from luzhi.proving_ground import selectors
from luzhi.proving_ground import services
from luzhi.proving_ground.api import serializers as s
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import LargeModel


class ServiceWrites(ServiceActions):
    """The writes of a proving-ground viewset: each calls its service as the requesting user
    (state changes are declared with ``service_action``)."""

    service_object = "model"  # the keyword under which the services take this viewset's object

    def _create_for_model(self, request, service):
        """A new row for a model the user may see (a deployment, a run): 201 with the row."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        model = policies.models.get_or_404(request.user, "view", pk=data.pop("model").pk)
        row = service(actor=request.user, model=model, **data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


def _show_endpoint(user):
    return lambda m: policies.staff(user) or policies.is_member(user, m.provider_id)


@extend_schema(tags=["proving-ground"])
class LargeModelViewSet(ServiceWrites, PolicyQuerysetMixin, viewsets.ModelViewSet):
    """Large models (大模型) with their national filing and the province's filing record (登记备案)."""

    policy = policies.models
    queryset = LargeModel.objects.select_related("provider").prefetch_related("filing_events")
    filterset_class = filters.LargeModelFilter
    permission_classes = [ReadAnyoneWriteSignedIn]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.LargeModelUpdateSerializer if self.action == "partial_update" else s.LargeModelSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_endpoint": _show_endpoint(self.request.user)}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        model = services.model_create(actor=request.user, provider=data.pop("provider"), **data)
        return Response(self.get_serializer(model).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        model = self.get_object()
        serializer = self.get_serializer(model, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        model = services.model_update(actor=request.user, model=model, **serializer.validated_data)
        return Response(self.get_serializer(model).data)

    submit = service_action(services.filing_submit, out=s.LargeModelSerializer,
                            doc="Submit for the province's filing (provider or plan office).")
    assess = service_action(services.filing_assess, out=s.LargeModelSerializer,
                            doc="Start the safety assessment (evaluator or plan office).")
    decide = service_action(services.filing_decide, request=s.FilingDecisionSerializer, out=s.LargeModelSerializer,
                            doc="Approve with a filing number, or reject with reasons (plan office).")


@extend_schema(tags=["proving-ground"])
class DeploymentViewSet(ServiceWrites, PolicyQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Deployments: which enterprises (state-owned ones flagged) use which filed model for what."""

    policy = policies.deployments
    queryset = Deployment.objects.select_related("model")
    serializer_class = s.DeploymentSerializer
    filterset_class = filters.DeploymentFilter
    permission_classes = [ReadAnyoneWriteSignedIn]

    def create(self, request, *args, **kwargs):
        return self._create_for_model(request, services.deployment_create)


@extend_schema(tags=["proving-ground"])
class BenchmarkViewSet(viewsets.ReadOnlyModelViewSet):
    """Benchmarks of the evaluation service; ``leaderboard`` ranks models on one."""

    queryset = Benchmark.objects.all()
    serializer_class = s.BenchmarkSerializer
    filterset_class = filters.BenchmarkFilter
    lookup_field = "code"

    @extend_schema(
        responses=s.EvaluationRunSerializer(many=True),
        parameters=[OpenApiParameter("domain", str), OpenApiParameter("kind", str)],
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def leaderboard(self, request, code=None):
        rows = selectors.leaderboard(request.user, self.get_object(), domain=request.query_params.get("domain", ""),
                                     kind=request.query_params.get("kind", ""))
        return Response(s.EvaluationRunSerializer(rows, many=True).data)


@extend_schema(tags=["proving-ground"])
class EvaluationRunViewSet(ServiceWrites, PolicyQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation runs: submitted here, executed by background workers in shards."""

    policy = policies.runs
    service_object = "run"
    queryset = EvaluationRun.objects.select_related("model", "benchmark").prefetch_related("shards")
    serializer_class = s.EvaluationRunSerializer
    filterset_class = filters.EvaluationRunFilter
    permission_classes = [ReadAnyoneWriteSignedIn]

    def create(self, request, *args, **kwargs):
        return self._create_for_model(request, services.run_submit)

    cancel = service_action(services.run_cancel, out=s.EvaluationRunSerializer)
    retry = service_action(services.run_retry, out=s.EvaluationRunSerializer)


@extend_schema(tags=["proving-ground"])
class IndicatorViewSet(viewsets.ViewSet):
    """The 行业级大模型 indicator today: every visible industry model, whether it counts and why not."""

    serializer_class = s.IndustryModelAssessmentSerializer

    @extend_schema(responses=s.IndustryModelAssessmentSerializer(many=True))
    def list(self, request):
        visible = set(policies.models.visible(request.user).values_list("pk", flat=True))
        rows = [a for a in selectors.assess(period_end=timezone.localdate()) if a.model.pk in visible]
        return Response(s.IndustryModelAssessmentSerializer(rows, many=True).data)
