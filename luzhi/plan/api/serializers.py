"""Serializers for plan data: read shapes, and the plan office's write requests.

Write serializers only validate input; the view passes ``validated_data`` to a
service (``luzhi.plan.services``), which is the only code that writes.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luzhi.accounts.api.serializers import UnitBriefSerializer
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanIssuer
from luzhi.plan.models import Section
from luzhi.plan.models import Target


class PlanSerializer(serializers.ModelSerializer):
    """One version of a plan (list shape)."""

    class Meta:
        model = Plan
        fields = [
            "id",
            "lineage",
            "version",
            "title",
            "doc_number",
            "issued",
            "period_start",
            "period_end",
            "previous",
            "source_name",
            "created_at",
        ]


class PlanIssuerSerializer(serializers.ModelSerializer):
    """An issuing unit of a plan, as written and as resolved."""

    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = PlanIssuer
        fields = ["order", "name_as_written", "unit"]


class PlanCountsSerializer(serializers.Serializer):
    """How much a plan version holds."""

    sections = serializers.IntegerField()
    tasks = serializers.IntegerField()
    assignments = serializers.IntegerField()
    targets = serializers.IntegerField()


class PlanDetailSerializer(PlanSerializer):
    """One plan version with its issuing units and counts."""

    issuers = PlanIssuerSerializer(source="issuer_links", many=True, read_only=True)
    counts = serializers.SerializerMethodField()
    next_version = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "issuers", "counts", "next_version"]

    @extend_schema_field(PlanCountsSerializer)
    def get_counts(self, plan: Plan) -> dict:
        return {
            "sections": plan.sections.count(),
            "tasks": plan.sections.filter(kind=Section.Kind.TASK).count(),
            "assignments": Assignment.objects.filter(section__plan=plan).count(),
            "targets": Target.objects.filter(section__plan=plan).count(),
        }

    def get_next_version(self, plan: Plan) -> int | None:
        return Plan.objects.filter(previous=plan).values_list("pk", flat=True).first()


class SectionSerializer(serializers.ModelSerializer):
    """A node of the plan tree (part, action, task or goal)."""

    class Meta:
        model = Section
        fields = [
            "id",
            "plan",
            "parent",
            "path",
            "kind",
            "title",
            "text",
            "span_start",
            "span_end",
            "order",
            "updated_at",
        ]


class AssignmentUnitSerializer(serializers.ModelSerializer):
    """One unit of an assignment with its role."""

    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = AssignmentUnit
        fields = ["unit", "role", "name_as_written", "order"]


class AssignmentNestedSerializer(serializers.ModelSerializer):
    """An assignment inside a task: its units by role."""

    units = AssignmentUnitSerializer(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "order", "raw", "open_ended", "span_start", "span_end", "units"]


class AssignmentSerializer(AssignmentNestedSerializer):
    """An assignment (分工) with its section and plan."""

    plan = serializers.IntegerField(source="section.plan_id", read_only=True)
    section_path = serializers.CharField(source="section.path", read_only=True)

    class Meta(AssignmentNestedSerializer.Meta):
        fields = [
            "id",
            "plan",
            "section",
            "section_path",
            *AssignmentNestedSerializer.Meta.fields[1:],
        ]


class TargetNestedSerializer(serializers.ModelSerializer):
    """A target inside a task."""

    display_value = serializers.CharField(read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "order",
            "metric",
            "cmp",
            "value",
            "value_max",
            "unit",
            "by_year",
            "per",
            "display_value",
            "raw",
            "span_start",
            "span_end",
        ]


class TargetSerializer(TargetNestedSerializer):
    """A quantitative target (目标) with its section and plan."""

    plan = serializers.IntegerField(source="section.plan_id", read_only=True)
    section_path = serializers.CharField(source="section.path", read_only=True)

    class Meta(TargetNestedSerializer.Meta):
        fields = [
            "id",
            "plan",
            "section",
            "section_path",
            *TargetNestedSerializer.Meta.fields[1:],
            "updated_at",
        ]


class TaskSerializer(serializers.ModelSerializer):
    """A task (任务) with its action, assignments (units and roles) and targets."""

    parent_path = serializers.CharField(source="parent.path", read_only=True, allow_null=True)
    parent_title = serializers.CharField(source="parent.title", read_only=True, allow_null=True)
    assignments = AssignmentNestedSerializer(many=True, read_only=True)
    targets = TargetNestedSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = [
            "id",
            "plan",
            "parent",
            "parent_path",
            "parent_title",
            "path",
            "title",
            "text",
            "span_start",
            "span_end",
            "order",
            "assignments",
            "targets",
        ]


# --- write requests --------------------------------------------------------------------------


class ReasonField(serializers.CharField):
    """Why the plan office changes the record; kept in the record's history."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", gettext_lazy("修改原因(必填,记入历史)"))
        super().__init__(**kwargs)


class TargetUpdateSerializer(serializers.ModelSerializer):
    """A correction of a stored target; fields left out keep their value.

    Only the fields' types are checked here; the range rule lives in
    ``Target.clean()`` and ``target_update`` applies it (a 400 naming ``value_max``).
    """

    reason = ReasonField()

    class Meta:
        model = Target
        fields = ["metric", "cmp", "value", "value_max", "unit", "by_year", "per", "reason"]
        extra_kwargs = {
            name: {"required": False}
            for name in ["metric", "cmp", "value", "value_max", "unit", "by_year", "per"]
        }


class SectionUpdateSerializer(serializers.Serializer):
    """A correction of a section's title or text; at least one of them."""

    title = serializers.CharField(max_length=500, required=False)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    reason = ReasonField()

    def validate(self, attrs):
        if "title" not in attrs and "text" not in attrs:
            raise serializers.ValidationError({"title": _("请提供 title 或 text。")})
        return attrs


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class UnitRefField(serializers.Field):
    """A unit given by id (integer) or by name as written (resolved through the alias table)."""

    default_error_messages = {"invalid": gettext_lazy("单位须为编号(整数)或名称(字符串)。")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        if isinstance(data, str):
            data = data.strip()
            if not data:
                self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class AssignmentUnitsSerializer(serializers.Serializer):
    """New units of an assignment by role; roles left out keep their units."""

    lead = serializers.ListField(
        child=UnitRefField(), required=False, help_text=gettext_lazy("牵头单位")
    )
    responsible = serializers.ListField(
        child=UnitRefField(), required=False, help_text=gettext_lazy("责任单位")
    )
    joint = serializers.ListField(
        child=UnitRefField(), required=False, help_text=gettext_lazy("按职责分工负责的单位")
    )
    open_ended = serializers.BooleanField(required=False, help_text=gettext_lazy("名单末尾含“等”"))
    reason = ReasonField()

    def validate(self, attrs):
        if not any(role in attrs for role in ("lead", "responsible", "joint")):
            raise serializers.ValidationError(
                {"lead": _("请至少给出 lead、responsible 或 joint 之一。")}
            )
        return attrs


class PlanImportSerializer(serializers.Serializer):
    """A plan text (UTF-8 / GB18030 .txt) or its JSON export, uploaded as multipart."""

    file = serializers.FileField()
    create_units = serializers.BooleanField(
        default=False, help_text=gettext_lazy("新建别名表中没有的单位,而不是拒绝导入")
    )

    def validate_file(self, file):
        limit = settings.LUZHI_PLAN_UPLOAD_MAX_BYTES
        if file.size > limit:
            raise serializers.ValidationError(
                _("文件过大(%(size)d 字节),上限 %(limit)d 字节。")
                % {"size": file.size, "limit": limit}
            )
        return file


class PlanImportResultSerializer(serializers.Serializer):
    """What an import did."""

    plan = PlanSerializer()
    outcome = serializers.ChoiceField(choices=["created", "new_version", "unchanged"])
    import_id = serializers.IntegerField()
    created_units = serializers.ListField(child=serializers.CharField())
    diff = serializers.JSONField()


class PlanDiffQuerySerializer(serializers.Serializer):
    """``?against=``: the plan version to compare with (default: the previous version)."""

    against = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all(), required=False)


class PlanDocumentQuerySerializer(serializers.Serializer):
    """``?source=false`` leaves the (long) source text out of the document."""

    source = serializers.BooleanField(default=True)
