"""Serializers for indicators and observations: read shapes, and the units' write requests.

Write serializers only check the shape of a request; the view passes
``validated_data`` to a service (``luzhi.indicators.services``), which checks the
values (sign, unit, period, region, evidence), the permission, and writes.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luzhi.accounts.api.serializers import CitySerializer
from luzhi.accounts.api.serializers import UnitBriefSerializer
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import Observation
from luzhi.indicators.models import ObservationEvent
from luzhi.indicators.plans import is_linked_view
from luzhi.indicators.progress import AMBER
from luzhi.indicators.progress import GREEN
from luzhi.indicators.progress import NONE
from luzhi.indicators.progress import RED
from luzhi.indicators.services import evidence_check_all

ASSESSMENT_STATUSES = [GREEN, AMBER, RED, NONE]


# --- indicators ------------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    """A yearly milestone on the target path."""

    class Meta:
        model = Milestone
        fields = ["year", "value"]


class SeriesPointSerializer(serializers.Serializer):
    """One point of the headline series: the period's last day and its value."""

    date = serializers.DateField()
    value = serializers.FloatField()


class AssessmentSerializer(serializers.Serializer):
    """Where an indicator stands today, from approved values (the rules: docs/indicators.md)."""

    latest_value = serializers.FloatField(
        allow_null=True,
        help_text=_("最近一期的值(按来源优先级:官方统计、单位填报、各市汇总、系统计算)"),
    )
    latest_period = serializers.CharField(allow_null=True, help_text=_("最近一期,如 2026-Q1"))
    latest_source = serializers.CharField(
        allow_null=True, help_text=_("最近一期的来源:statistics、report、rollup、computed 或 ratio")
    )
    current = serializers.FloatField(
        allow_null=True,
        help_text=_("用于计算进度的当前值(期间新增类为基线年后累计;按年度考核的为当年合计)"),
    )
    progress = serializers.FloatField(allow_null=True, help_text=_("进度,1 = 100%"))
    expected = serializers.FloatField(help_text=_("时间进度,1 = 100%"))
    forecast = serializers.FloatField(allow_null=True, help_text=_("按趋势预测的完成年份末值"))
    achieved = serializers.BooleanField()
    above_range = serializers.BooleanField(help_text=_("区间目标:当前值高于上限"))
    year = serializers.IntegerField(allow_null=True, help_text=_("按年度考核的指标:考核的年份"))
    status = serializers.ChoiceField(
        choices=ASSESSMENT_STATUSES, help_text=_("green 正常、amber 关注、red 预警、none 暂无数据")
    )
    reason = serializers.CharField(help_text=_("状态的判定依据"))
    computed_value = serializers.FloatField(allow_null=True)
    reported_value = serializers.FloatField(allow_null=True)
    discrepancy = serializers.BooleanField(help_text=_("系统计算值与填报值之差超过指标的容忍度"))
    pending = serializers.IntegerField(help_text=_("待审核的值(仅专项办可见,其他人为 0)"))


def assessment_data(status) -> dict | None:
    """An :class:`~luzhi.indicators.selectors.IndicatorStatus` as the API shows it."""
    if status is None:
        return None
    a = status.assessment
    latest = status.series[-1][1] if status.series else None
    return {
        "latest_value": latest,
        "latest_period": str(status.latest_period) if status.latest_period else None,
        "latest_source": status.latest_source,
        "current": a.current,
        "progress": a.progress,
        "expected": a.expected,
        "forecast": a.forecast,
        "achieved": a.achieved,
        "above_range": a.above_range,
        "year": a.year,
        "status": a.status,
        "reason": a.reason,
        "computed_value": status.computed_value,
        "reported_value": status.reported_value,
        "discrepancy": status.discrepancy,
        "pending": status.pending,
    }


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator: its definition, target path, responsible units and current assessment.

    The view computes every indicator's assessment once per request and passes
    them in the context as ``statuses`` (indicator id → IndicatorStatus). When the plan
    asked for shares the indicator (a target link), its status holds that plan's view of
    it, and the row shows the view: that plan's target and years, no milestones (they are
    the path to its own plan's target).
    """

    # Null for an indicator with no target of its own (a ratio's numerator) and for every
    # indicator that is not a ratio: the schema says so (allow_null), as the responses do.
    plan_target = serializers.PrimaryKeyRelatedField(
        source="target", read_only=True, allow_null=True
    )
    numerator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    denominator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    responsible_units = UnitBriefSerializer(many=True, read_only=True)
    milestones = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    shared = serializers.SerializerMethodField(
        help_text=_("另一计划的指标,按所选计划关联的目标和年份考核(目标字段与进度均为所选计划的)")
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "description",
            "plan_target",
            "plan_path",
            "target_metric",
            "method",
            "function",
            "unit",
            "cmp",
            "target_value",
            "target_value_max",
            "deadline_year",
            "per_year",
            "semantics",
            "aggregation",
            "numerator",
            "denominator",
            "frequency",
            "baseline_value",
            "baseline_year",
            "milestones",
            "figure_of_record",
            "tolerance_pct",
            "responsible_units",
            "is_public",
            "order",
            "assessment",
            "shared",
        ]

    def to_representation(self, indicator: Indicator) -> dict:
        status = self.context.get("statuses", {}).get(indicator.pk)
        if status is None or not is_linked_view(status.indicator):
            return super().to_representation(indicator)
        return super().to_representation(status.indicator)

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, indicator: Indicator) -> list[dict]:
        # The path to the indicator's own plan's target: not shown for another plan's view.
        if is_linked_view(indicator):
            return []
        return MilestoneSerializer(indicator.milestones.all(), many=True).data

    @extend_schema_field(AssessmentSerializer(allow_null=True))
    def get_assessment(self, indicator: Indicator) -> dict | None:
        return assessment_data(self.context.get("statuses", {}).get(indicator.pk))

    def get_shared(self, indicator: Indicator) -> bool:
        return is_linked_view(indicator)


class IndicatorDetailSerializer(IndicatorSerializer):
    """An indicator with its headline series (approved values, for a trend chart)."""

    series = serializers.SerializerMethodField()

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "series"]

    @extend_schema_field(SeriesPointSerializer(many=True))
    def get_series(self, indicator: Indicator) -> list[dict]:
        status = self.context.get("statuses", {}).get(indicator.pk)
        points = status.series if status else []
        return [{"date": day, "value": value} for day, value in points]


class CityRowSerializer(serializers.Serializer):
    """One city's latest approved value of an indicator, with its allocated target."""

    city = CitySerializer()
    value = serializers.FloatField(allow_null=True)
    period = serializers.SerializerMethodField()
    allocation = serializers.FloatField(allow_null=True, help_text=_("分解到该市的目标"))
    share = serializers.FloatField(allow_null=True, help_text=_("value / allocation"))

    def get_period(self, row) -> str | None:
        return str(row.period) if row.period else None


# --- observations ----------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file's metadata (never its storage path); ``download`` for signed-in users."""

    name = serializers.CharField(source="original_name")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "download"]

    def get_download(self, evidence: Evidence) -> str | None:
        may_download = self.context.get("may_download")
        if not (may_download and may_download(evidence.observation)):
            return None
        request = self.context.get("request")
        path = f"/api/observations/{evidence.observation_id}/evidence/{evidence.pk}/"
        return request.build_absolute_uri(path) if request else path


class ObservationSerializer(serializers.ModelSerializer):
    """One value of an indicator for a period and a region, with its review status and evidence.

    Region names come from the ``regions`` context (code → name), read once per request.
    """

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    period = serializers.SerializerMethodField()
    period_end = serializers.SerializerMethodField()
    region_name = serializers.SerializerMethodField()
    reporting_unit = UnitBriefSerializer(read_only=True, allow_null=True)
    created_by = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    checks = serializers.SerializerMethodField(
        help_text="The value checks it broke when saved and the reporter's reason (signed in)"
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "period",
            "period_start",
            "period_end",
            "region",
            "region_name",
            "value",
            "unit",
            "source",
            "status",
            "reporting_unit",
            "note",
            "review_comment",
            "checks",
            "created_by",
            "created_at",
            "updated_at",
            "evidence",
        ]
        read_only_fields = fields

    def get_period(self, obs: Observation) -> str:
        return str(obs.period)

    def get_period_end(self, obs: Observation) -> date:
        return obs.period.end

    def get_region_name(self, obs: Observation) -> str:
        regions = self.context.get("regions") or {}
        return regions.get(obs.region, obs.region)

    def get_checks(self, obs: Observation) -> dict | None:
        request = self.context.get("request")
        if not (request and request.user.is_authenticated):
            return None  # the review's working notes are not public
        return {"breaches": obs.check_breaches, "reason": obs.check_reason}

    def get_created_by(self, obs: Observation) -> str | None:
        request = self.context.get("request")
        if not (request and request.user.is_authenticated and obs.created_by):
            return None  # user names are hidden from the public
        return obs.created_by.get_username()


class ObservationEventSerializer(serializers.ModelSerializer):
    """One step of an observation's review timeline."""

    actor = serializers.SerializerMethodField()

    class Meta:
        model = ObservationEvent
        fields = ["id", "at", "action", "from_status", "to_status", "value", "comment", "actor"]

    def get_actor(self, event: ObservationEvent) -> str | None:
        request = self.context.get("request")
        if not (request and request.user.is_authenticated and event.actor):
            return None
        return event.actor.get_username()


# --- write requests --------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class ValueField(serializers.CharField):
    """A number as JSON or text (``1,234.5`` too); its sign and format are the service's to check."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)  # as the web form
        kwargs.setdefault("help_text", _("数值,不能为负数;须使用指标的计量单位"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):  # CharField would turn true into "True"
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "binary"}})
class EvidenceFilesField(serializers.ListField):
    """Evidence uploads: repeat ``files`` (or ``files[]``) in a multipart body."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.FileField())
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist") and f"{self.field_name}[]" in dictionary:
            return dictionary.getlist(f"{self.field_name}[]")
        return super().get_value(dictionary)


class ObservationSaveSerializer(serializers.Serializer):
    """A value for an indicator/period/region; a second save of the same slot updates it."""

    indicator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        help_text=_("指标代码,如 basic-research-projects"),
        error_messages={"does_not_exist": _("没有代码为“{value}”的指标。")},
    )
    period = serializers.CharField(help_text=_("周期:2026、2026-Q1 或 2026-01(按指标的频次)"))
    region = serializers.CharField(
        required=False,
        allow_blank=True,
        default=PROVINCE,
        help_text=_("设区市代码或名称(济南 / 济南市 / 370100);省略或“全省”为全省"),
    )
    value = ValueField()
    unit = serializers.CharField(
        required=False, allow_blank=True, help_text=_("计量单位;给出时须与指标一致")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(
        choices=Observation.Source.choices,
        default=Observation.Source.REPORT,
        help_text=_("report(单位填报)或 statistics(官方统计)"),
    )
    submit = serializers.BooleanField(default=False, help_text=_("true:保存并提交审核"))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("校验说明:数值未通过校验规则时提交必填,说明数值为何无误"),
    )
    files = EvidenceFilesField(
        required=False, help_text=_("佐证材料:PDF、PNG、JPG 或 XLSX(仅 multipart)")
    )

    def validate_files(self, files):
        """Check every file before anything is written, reporting all bad files at once.

        The same check as the web form (the service checks again); checking first
        keeps a good file of a refused request from being written to storage.
        """
        try:
            return evidence_check_all(files)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class ObservationReviewSerializer(serializers.Serializer):
    """The plan office's comment on approving or returning a value (required to return)."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ObservationCorrectSerializer(serializers.Serializer):
    """A correction of an approved value, with the reason kept in its history."""

    value = ValueField()
    reason = serializers.CharField(allow_blank=True, max_length=500, help_text=_("更正原因(必填)"))
