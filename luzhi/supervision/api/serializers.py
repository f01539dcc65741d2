"""Serializers of the supervision API (reads) and of its write actions' inputs."""

from rest_framework import serializers

from luzhi.plan.models import Plan
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import ReportEvidence
from luzhi.supervision.models import Round


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = [
            "id",
            "plan",
            "name",
            "period",
            "due_date",
            "grace_days",
            "remind_days_before",
            "status",
            "closed_at",
            "created_at",
        ]


class RoundOpenSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.filter(next_version__isnull=True).defer("source_text"),
        required=False,
        allow_null=True,
        default=None,
        help_text="The plan in force the round belongs to (the main plan if left out).",
    )
    period = serializers.CharField(help_text="2025-Q3")
    due_date = serializers.DateField()
    name = serializers.CharField(required=False, allow_blank=True, default="")
    grace_days = serializers.IntegerField(required=False, min_value=0, max_value=60, default=5)
    remind_days_before = serializers.IntegerField(
        required=False, min_value=0, max_value=30, default=3
    )


class ObligationEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = ObligationEvent
        fields = ["action", "actor", "from_status", "to_status", "comment", "at"]


class ReportEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class ObligationSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(read_only=True)
    task_path = serializers.CharField(source="task.path", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    light = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "round",
            "task",
            "task_path",
            "task_title",
            "unit",
            "unit_name",
            "role",
            "channel",
            "reports_to",
            "status",
            "light",
            "acknowledged_at",
            "first_submitted_at",
            "submitted_at",
            "decided_at",
            "progress",
            "percent",
            "achievements",
            "problems",
            "next_steps",
            "review_comment",
        ]

    def get_light(self, obligation) -> str:
        from luzhi.supervision.selectors import light_of

        return light_of(obligation)


class ObligationDetailSerializer(ObligationSerializer):
    events = ObligationEventSerializer(many=True, read_only=True)
    evidence = ReportEvidenceSerializer(many=True, read_only=True)

    class Meta(ObligationSerializer.Meta):
        fields = [*ObligationSerializer.Meta.fields, "events", "evidence"]


class ReportSerializer(serializers.Serializer):
    """A progress report: saved as a draft, or submitted with ``submit: true``."""

    progress = serializers.CharField(required=False, allow_blank=True, default="")
    # The service checks the range and says what it received: no 0–100 check here.
    percent = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    achievements = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text='Owed indicator values by indicator id, e.g. {"12": "11.5"}',
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    submit = serializers.BooleanField(required=False, default=False)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class UrgeSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)


class UrgeResultSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="Obligations the background task will urge")


class TallySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    unit = serializers.IntegerField()
    name = serializers.CharField()
    obligations = serializers.IntegerField()
    on_time = serializers.IntegerField()
    submitted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    overdue = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1)
    acceptance_rate = serializers.DecimalField(max_digits=5, decimal_places=1)
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        allow_null=True,
        help_text="The unit's substance score for the year (null: nothing due yet)",
    )
