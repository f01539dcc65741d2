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
from luzhi.core.api import transition_responses
from luzhi.core.api_actions import ReadAnyoneWriteSignedIn
from luzhi.proving_ground import filters
from luzhi.proving_ground import permissions as policies
from luzhi.proving_ground import selectors
from luzhi.proving_ground import services
from luzhi.proving_ground.api import serializers as s
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import LargeModel


class ServiceWrites:
    """The writes of a proving-ground viewset: each calls its service as the requesting user."""

    subject = "model"  # the keyword under which the services take this viewset's object

    def _transition(self, service, **extra):
        """A state change of this object: the service's result, serialised."""
        obj = service(actor=self.request.user, **{self.subject: self.get_object()}, **extra)
        return Response(self.get_serializer(obj).data)

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

    @extend_schema(request=None, responses=transition_responses(s.LargeModelSerializer))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for the province's filing (provider or plan office)."""
        return self._transition(services.filing_submit)

    @extend_schema(request=None, responses=transition_responses(s.LargeModelSerializer))
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """Start the safety assessment (evaluator or plan office)."""
        return self._transition(services.filing_assess)

    @extend_schema(
        request=s.FilingDecisionSerializer, responses=transition_responses(s.LargeModelSerializer)
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve with a filing number, or reject with reasons (plan office)."""
        data = s.FilingDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.filing_decide, **data.validated_data)


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
    subject = "run"
    queryset = EvaluationRun.objects.select_related("model", "benchmark").prefetch_related("shards")
    serializer_class = s.EvaluationRunSerializer
    filterset_class = filters.EvaluationRunFilter
    permission_classes = [ReadAnyoneWriteSignedIn]

    def create(self, request, *args, **kwargs):
        return self._create_for_model(request, services.run_submit)

    @extend_schema(request=None, responses=transition_responses(s.EvaluationRunSerializer))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(services.run_cancel)

    @extend_schema(request=None, responses=transition_responses(s.EvaluationRunSerializer))
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return self._transition(services.run_retry)


@extend_schema(tags=["proving-ground"])
class IndicatorViewSet(viewsets.ViewSet):
    """The 行业级大模型 indicator today: every visible industry model, whether it counts and why not."""

    serializer_class = s.IndustryModelAssessmentSerializer

    @extend_schema(responses=s.IndustryModelAssessmentSerializer(many=True))
    def list(self, request):
        visible = set(policies.models.visible(request.user).values_list("pk", flat=True))
        rows = [a for a in selectors.assess(period_end=timezone.localdate()) if a.model.pk in visible]
        return Response(s.IndustryModelAssessmentSerializer(rows, many=True).data)
