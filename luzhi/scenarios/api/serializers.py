"""API shapes of the scenario app. Reads are model serializers; writes are plain serializers
whose validated data go to the services (which validate again and decide who may)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.core.api import TimeOfDayField
from luzhi.registry.models import Enterprise
from luzhi.scenarios.models import DESCRIPTION_MAX
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import EventParty
from luzhi.scenarios.models import EventSlot
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution
from luzhi.scenarios.permissions import scenarios as scenario_policy


def inline_choice(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field documented inline (the enum's name would collide with other apps' "kind"
    and "outcome" enums in the shared schema)."""

    values = [value for value, _label in choices]
    described = " / ".join(f"{value} ({label})" for value, label in choices)

    # A pattern, not an enum: drf-spectacular hoists every enum into a named component.
    @extend_schema_field({"type": "string", "pattern": f"^({'|'.join(values)})$", "description": described})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["code", "name", "order", "active"]


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecognitionLevel
        fields = ["code", "name", "order", "counts_as_leading", "marks_benchmark"]


class BatchSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)
    scenario_count = serializers.SerializerMethodField(help_text=_("入选场景数(未入选的不计)"))

    class Meta:
        model = ScenarioBatch
        fields = ["id", "number", "label", "title", "status", "collect_until", "published_on", "note", "scenario_count"]

    def get_scenario_count(self, batch) -> int:
        """Annotated by the list's selector; counted here for a single batch (create, transitions)."""
        if hasattr(batch, "scenario_count"):
            return batch.scenario_count
        return batch.scenarios.exclude(status=Scenario.Status.WITHDRAWN).count()


class BatchCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    number = serializers.IntegerField(required=False, min_value=1, max_value=32000)
    collect_until = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(required=False, help_text=_("默认为今天"))


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("部门报送的 .xlsx(第一行为表头)"))
    dry_run = serializers.BooleanField(default=True, help_text=_("true: 只检查不写入"))


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("行号;0 表示整个文件"))
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)


class ScenarioSerializer(serializers.ModelSerializer):
    """A scenario; contact details only for signed-in users."""

    batch = serializers.IntegerField(source="batch.number", read_only=True)
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    publisher = serializers.CharField(read_only=True)
    publisher_unit = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    publisher_enterprise = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    kind = inline_choice(Scenario.Kind.choices, read_only=True)
    # Null for those who may not see them (the public), else the text (possibly empty).
    contact_name = serializers.CharField(read_only=True, allow_null=True)
    contact_phone = serializers.CharField(read_only=True, allow_null=True)
    contact_email = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Scenario
        fields = [
            "id", "batch", "kind", "domain", "title", "description", "publisher", "publisher_unit",
            "publisher_enterprise", "city", "budget_min", "budget_max", "contact_name", "contact_phone",
            "contact_email", "status", "published_on", "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not scenario_policy.can(request.user, "see_contact", instance):
            for field in ("contact_name", "contact_phone", "contact_email"):
                data[field] = None
        return data


class ScenarioWriteSerializer(serializers.Serializer):
    """Fields of a scenario as a publisher writes them (codes for domain and city)."""

    batch = serializers.SlugRelatedField(slug_field="number", queryset=ScenarioBatch.objects.all(), required=False)
    kind = inline_choice(Scenario.Kind.choices, required=False)
    domain = serializers.SlugRelatedField(slug_field="code", queryset=Domain.objects.filter(active=True), required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True,
                                        help_text=_("10 至 %d 个字") % DESCRIPTION_MAX)
    publisher_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    publisher_enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    city = serializers.SlugRelatedField(slug_field="code", queryset=City.objects.all(), required=False, allow_null=True)
    budget_min = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    budget_max = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AdvanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in (Scenario.Status.MATCHING, Scenario.Status.LANDED)])


class SolutionSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    domains = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Solution
        fields = ["id", "provider", "provider_name", "title", "description", "domains", "capabilities",
                  "reference_cases", "status", "updated_at"]


class SolutionWriteSerializer(serializers.Serializer):
    provider = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    domains = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Domain.objects.filter(active=True), required=False)
    capabilities = serializers.CharField(required=False, allow_blank=True)
    reference_cases = serializers.CharField(required=False, allow_blank=True)
    publish = serializers.BooleanField(required=False, default=False)


class WhySerializer(serializers.Serializer):
    terms = serializers.ListField(child=serializers.CharField(), help_text=_("共有的关键词(越少见越靠前)"))
    domains = serializers.ListField(child=serializers.CharField(), help_text=_("共同的应用领域代码"))
    same_city = serializers.BooleanField()


class SolutionMatchSerializer(serializers.Serializer):
    score = serializers.FloatField()
    why = WhySerializer()
    solution = SolutionSerializer()


class ScenarioMatchSerializer(serializers.Serializer):
    score = serializers.FloatField()
    why = WhySerializer()
    scenario = ScenarioSerializer()


class RecognitionSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Recognition
        fields = ["id", "scenario", "level", "body", "doc_number", "recognised_on", "status", "review_comment"]


class RecognitionWriteSerializer(serializers.Serializer):
    scenario = serializers.PrimaryKeyRelatedField(queryset=Scenario.objects.all())
    level = serializers.SlugRelatedField(slug_field="code", queryset=RecognitionLevel.objects.all())
    body = serializers.CharField(max_length=100)
    doc_number = serializers.CharField(max_length=100)
    recognised_on = serializers.DateField()


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SlotSerializer(serializers.ModelSerializer):
    starts_at = TimeOfDayField()
    ends_at = TimeOfDayField()

    class Meta:
        model = EventSlot
        fields = ["id", "starts_at", "ends_at"]


class PartySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = EventParty
        fields = ["id", "side", "name", "unit", "enterprise", "max_meetings", "scenarios", "solutions"]


class EventSerializer(serializers.ModelSerializer):
    slots = SlotSerializer(many=True, read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = MatchmakingEvent
        fields = ["id", "title", "date", "city", "venue", "organiser", "description", "tables",
                  "meeting_limit", "status", "slots"]


class SlotWriteSerializer(serializers.Serializer):
    starts_at = TimeOfDayField()
    ends_at = TimeOfDayField()


class EventWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    city = serializers.SlugRelatedField(slug_field="code", queryset=City.objects.all(), required=False, allow_null=True)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organiser = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    tables = serializers.IntegerField(min_value=1, max_value=500, default=10)
    meeting_limit = serializers.IntegerField(min_value=1, max_value=50, default=4)
    slots = SlotWriteSerializer(many=True)


class RegisterSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=EventParty.Side.choices)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    scenarios = serializers.PrimaryKeyRelatedField(queryset=Scenario.objects.all(), many=True, required=False)
    solutions = serializers.PrimaryKeyRelatedField(queryset=Solution.objects.all(), many=True, required=False)
    max_meetings = serializers.IntegerField(min_value=1, max_value=50, required=False)


class MeetingSerializer(serializers.ModelSerializer):
    slot = SlotSerializer(read_only=True)
    demand_name = serializers.CharField(source="demand.__str__", read_only=True)
    outcome = inline_choice(Meeting.Outcome.choices, read_only=True)
    supply_name = serializers.CharField(source="supply.__str__", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "event", "slot", "demand", "demand_name", "supply", "supply_name", "scenario",
                  "solution", "score", "reasons", "origin", "outcome", "outcome_note"]


class MeetingAddSerializer(serializers.Serializer):
    slot = serializers.PrimaryKeyRelatedField(queryset=EventSlot.objects.all())
    demand = serializers.PrimaryKeyRelatedField(queryset=EventParty.objects.all())
    supply = serializers.PrimaryKeyRelatedField(queryset=EventParty.objects.all())
    scenario = serializers.PrimaryKeyRelatedField(queryset=Scenario.objects.all(), required=False, allow_null=True)


class MoveSerializer(serializers.Serializer):
    slot = serializers.PrimaryKeyRelatedField(queryset=EventSlot.objects.all())


class OutcomeSerializer(serializers.Serializer):
    outcome = inline_choice([c for c in Meeting.Outcome.choices if c[0]])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
