"""Serializers of the proving ground's API. No API key is ever part of one: a model carries
only the *name* of the environment variable its evaluator's workers read."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import FilingEvent
from luzhi.proving_ground.models import LargeModel
from luzhi.registry.models import Enterprise


@extend_schema_field(OpenApiTypes.STR)
class Choice(serializers.ChoiceField):
    """A choice documented as a string (enum names stay unique across apps)."""


class Serializer(serializers.ModelSerializer):
    serializer_choice_field = Choice


class FilingEventSerializer(Serializer):
    class Meta:
        model = FilingEvent
        fields = ["action", "comment", "at"]


class LargeModelSerializer(Serializer):
    provider = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    filing_events = FilingEventSerializer(many=True, read_only=True)

    class Meta:
        model = LargeModel
        fields = ["id", "name", "version", "provider", "provider_name", "kind", "domain", "parameters_b",
                  "description", "endpoint_url", "endpoint_model", "api_key_env", "national_filing_no",
                  "national_filed_on", "filing", "filing_no", "filed_on", "rejection_reason", "filing_events"]
        read_only_fields = ["filing", "filing_no", "filed_on", "rejection_reason"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("show_endpoint", lambda m: False)(instance):
            for key in ("endpoint_url", "endpoint_model", "api_key_env"):
                data.pop(key, None)
        return data


class LargeModelUpdateSerializer(LargeModelSerializer):
    class Meta(LargeModelSerializer.Meta):
        read_only_fields = [*LargeModelSerializer.Meta.read_only_fields, "provider"]


class FilingDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    filing_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DeploymentSerializer(Serializer):
    model = serializers.PrimaryKeyRelatedField(queryset=LargeModel.objects.all())

    class Meta:
        model = Deployment
        fields = ["id", "model", "adopter", "adopter_name", "state_owned", "purpose", "since", "until"]


class BenchmarkSerializer(Serializer):
    class Meta:
        model = Benchmark
        fields = ["id", "code", "name", "format", "split", "shots", "domain", "description"]


class EvaluationRunSerializer(Serializer):
    model = serializers.PrimaryKeyRelatedField(queryset=LargeModel.objects.all())
    benchmark = serializers.SlugRelatedField(slug_field="code", queryset=Benchmark.objects.all())
    progress = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationRun
        fields = ["id", "model", "benchmark", "mode", "concurrency", "shard_count", "state", "accuracy", "ci_low",
                  "ci_high", "n", "unparsed", "results", "error", "created_at", "finished_at", "progress"]
        read_only_fields = ["state", "accuracy", "ci_low", "ci_high", "n", "unparsed", "results", "error",
                            "created_at", "finished_at"]

    @extend_schema_field({"type": "object", "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}}})
    def get_progress(self, run) -> dict:
        shards = list(run.shards.all())
        return {"done": sum(s.done for s in shards), "total": sum(s.total for s in shards)}


class IndustryModelAssessmentSerializer(serializers.Serializer):
    model = serializers.IntegerField(source="model.pk")
    name = serializers.CharField(source="model.__str__")
    counts = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    deployments = serializers.IntegerField()
