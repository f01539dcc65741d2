"""Serializers of the compute API: rows out, and the input of each write endpoint.

Amounts are integers in fen (分); the serializers refuse fractions and negatives
before the service sees them, the services check everything else.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CenterKind
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import Dispatch
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import JobRequest
from luzhi.compute.models import Origin
from luzhi.compute.models import Precision
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import UtilisationReport
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherEvent
from luzhi.compute.models import VoucherProgram
from luzhi.compute.services import ledger
from luzhi.compute.services.common import MAX_FEN


@extend_schema_field(OpenApiTypes.STR)
class Choice(serializers.ChoiceField):
    """A choice field documented as a string (the allowed values are in each model's docs):
    the API's enum names stay unique across apps without project-wide overrides."""


class Serializer(serializers.ModelSerializer):
    serializer_choice_field = Choice


def Fen(**kwargs):  # noqa: N802  (a field factory, named like a field)
    return serializers.IntegerField(min_value=1, max_value=MAX_FEN, **kwargs)


class AcceleratorSerializer(Serializer):
    class Meta:
        model = AcceleratorModel
        fields = ["id", "vendor", "name", "origin", "fp64", "fp32", "tf32", "fp16", "int8", "memory_gb",
                  "sources", "notes"]


class ConventionSerializer(Serializer):
    class Meta:
        model = CountingConvention
        fields = ["kind", "precision", "source"]


class InventorySerializer(Serializer):
    accelerator_name = serializers.CharField(source="accelerator.__str__", read_only=True)

    class Meta:
        model = InventoryItem
        fields = ["id", "accelerator", "accelerator_name", "count", "installed_on", "retired_on",
                  "price_fen_per_card_hour", "review_status"]
        read_only_fields = ["review_status"]


class UtilisationSerializer(Serializer):
    class Meta:
        model = UtilisationReport
        fields = ["month", "utilisation", "card_hours"]


class CenterSerializer(Serializer):
    city = serializers.SlugRelatedField(slug_field="code", queryset=ComputeCenter._meta.get_field("city").related_model.objects.all())

    class Meta:
        model = ComputeCenter
        fields = ["id", "code", "name", "operator", "operator_enterprise", "city", "kind", "status",
                  "commissioned_on", "cpu_servers", "cpu_fp32_tflops", "cpu_fp64_tflops", "scheduler",
                  "scheduler_url", "review_status"]
        read_only_fields = ["review_status"]


class CenterDetailSerializer(CenterSerializer):
    inventory = InventorySerializer(many=True, read_only=True)
    utilisation = UtilisationSerializer(many=True, read_only=True)

    class Meta(CenterSerializer.Meta):
        fields = [*CenterSerializer.Meta.fields, "inventory", "utilisation"]


class CenterUpdateSerializer(CenterSerializer):
    class Meta(CenterSerializer.Meta):
        fields = [f for f in CenterSerializer.Meta.fields if f not in ("id", "code", "review_status")]
        extra_kwargs = {f: {"required": False} for f in fields}


class CenterDecisionSerializer(serializers.Serializer):
    decision = Choice(choices=["approve", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class InventoryAddSerializer(serializers.Serializer):
    accelerator = serializers.PrimaryKeyRelatedField(queryset=AcceleratorModel.objects.all())
    count = serializers.IntegerField(min_value=1, max_value=10_000_000)
    installed_on = serializers.DateField()
    retired_on = serializers.DateField(required=False, allow_null=True)
    price_fen_per_card_hour = serializers.IntegerField(min_value=0, max_value=MAX_FEN, default=0)


class UtilisationInputSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="Any day of the month (stored as its first day).")
    utilisation = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    card_hours = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class CapacityCitySerializer(serializers.Serializer):
    code = serializers.CharField()
    city = serializers.CharField()
    centers = serializers.IntegerField()
    eflops = serializers.DecimalField(max_digits=14, decimal_places=4)
    intelligent_share = serializers.DecimalField(max_digits=6, decimal_places=2)


@extend_schema_serializer(many=False)  # served by a viewset's list action, but one object
class CapacitySerializer(serializers.Serializer):
    day = serializers.DateField()
    eflops = serializers.DecimalField(max_digits=14, decimal_places=4)
    intelligent_share = serializers.DecimalField(max_digits=6, decimal_places=2)
    by_kind = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=4))
    cities = CapacityCitySerializer(many=True)
    conventions = serializers.DictField(child=serializers.CharField())


class ProgramSerializer(Serializer):
    unissued_fen = serializers.SerializerMethodField()

    class Meta:
        model = VoucherProgram
        fields = ["id", "code", "name", "kind", "pattern", "unit", "budget_fen", "committed_fen", "unissued_fen",
                  "valid_from", "valid_until", "ratio_domestic_bp", "ratio_imported_bp",
                  "cap_fen_per_enterprise_year", "eligibility", "policy_source", "status"]
        read_only_fields = ["committed_fen", "status"]

    def get_unissued_fen(self, obj) -> int:
        return ledger.program_unissued(obj)


class ProgramCreateSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=120)
    kind = Choice(choices=VoucherProgram.Kind.choices)
    pattern = Choice(choices=VoucherProgram.Pattern.choices)
    budget_fen = Fen()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    ratio_domestic_bp = serializers.IntegerField(min_value=0, max_value=10_000)
    ratio_imported_bp = serializers.IntegerField(min_value=0, max_value=10_000)
    cap_fen_per_enterprise_year = Fen()
    eligibility = serializers.DictField(required=False, default=dict)
    policy_source = serializers.CharField(required=False, allow_blank=True, default="")


class ProgramReportSerializer(serializers.Serializer):
    budget_fen = serializers.IntegerField()
    issued_fen = serializers.IntegerField()
    returned_fen = serializers.IntegerField()
    redeemed_fen = serializers.IntegerField()
    held_fen = serializers.IntegerField()
    settled_fen = serializers.IntegerField()
    unissued_fen = serializers.IntegerField()
    vouchers = serializers.IntegerField()
    enterprises = serializers.IntegerField()
    by_month = serializers.ListField(child=serializers.DictField())


class ApplicationSerializer(Serializer):
    class Meta:
        model = VoucherApplication
        fields = ["id", "program", "enterprise", "center", "contract_no", "contract_amount_fen", "origin",
                  "requested_fen", "year", "no_other_subsidy", "invoice_no", "invoice_date", "invoice_amount_fen",
                  "status", "review_comment", "created_at"]


class ApplicationCreateSerializer(serializers.Serializer):
    program = serializers.PrimaryKeyRelatedField(queryset=VoucherProgram.objects.all())
    enterprise = serializers.IntegerField(help_text="Id of the applying enterprise (you must be its member).")
    center = serializers.IntegerField(help_text="Id of a registered, approved compute center.")
    contract_no = serializers.CharField(max_length=60)
    contract_amount_fen = Fen()
    origin = Choice(choices=Origin.choices)
    requested_fen = Fen()
    no_other_subsidy = serializers.BooleanField(default=False)
    year = serializers.IntegerField(required=False, min_value=2024, max_value=2100)
    invoice_no = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    invoice_date = serializers.DateField(required=False, allow_null=True)
    invoice_amount_fen = Fen(required=False, allow_null=True)


class VoucherIssueSerializer(serializers.Serializer):
    valid_until = serializers.DateField(required=False, allow_null=True)


class VoucherSerializer(Serializer):
    balance_fen = serializers.SerializerMethodField()
    held_fen = serializers.SerializerMethodField()

    class Meta:
        model = Voucher
        fields = ["id", "code", "program", "application", "enterprise", "center", "origin", "year", "face_fen",
                  "balance_fen", "held_fen", "valid_until", "status", "created_at"]

    def get_balance_fen(self, obj) -> int:
        return ledger.voucher_balance(obj)

    def get_held_fen(self, obj) -> int:
        return ledger.voucher_held(obj)


class RedeemSerializer(serializers.Serializer):
    invoice_no = serializers.CharField(max_length=60)
    invoice_date = serializers.DateField()
    invoice_amount_fen = Fen()
    idempotency_key = serializers.CharField(max_length=200, help_text="8–64 of A–Z a–z 0–9 - _ (a UUID fits).")


class ComputeReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RedemptionSerializer(Serializer):
    class Meta:
        model = Redemption
        fields = ["id", "voucher", "program", "center", "payee", "invoice_no", "invoice_date", "invoice_amount_fen",
                  "subsidy_fen", "idempotency_key", "status", "delivered", "settlement", "created_at"]


class SettlementSerializer(Serializer):
    class Meta:
        model = Settlement
        fields = ["id", "program", "center", "enterprise", "amount_fen", "idempotency_key", "created_at"]


class SettlementRunSerializer(serializers.Serializer):
    center = serializers.IntegerField(required=False, allow_null=True)
    enterprise = serializers.IntegerField(required=False, allow_null=True)
    idempotency_key = serializers.CharField(max_length=200)


class VoucherEventSerializer(Serializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = VoucherEvent
        fields = ["id", "kind", "amount_fen", "note", "actor", "created_at", "application", "voucher",
                  "redemption", "settlement"]


class JobRequestSerializer(Serializer):
    class Meta:
        model = JobRequest
        fields = ["id", "enterprise", "name", "accelerator", "precision", "min_tflops", "cards", "hours", "region",
                  "budget_fen", "deadline", "entrypoint", "created_at"]


class JobRequestCreateSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    name = serializers.CharField(max_length=120)
    accelerator = serializers.PrimaryKeyRelatedField(queryset=AcceleratorModel.objects.all(), required=False,
                                                     allow_null=True)
    precision = Choice(choices=Precision.choices, required=False, allow_blank=True, default="")
    min_tflops = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    cards = serializers.IntegerField(min_value=1, max_value=100_000)
    hours = serializers.IntegerField(min_value=1, max_value=100_000)
    region = serializers.CharField(required=False, allow_blank=True, help_text="City code, e.g. 370100")
    budget_fen = Fen(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    entrypoint = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class PlacementOptionSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    center = serializers.IntegerField(source="center.pk")
    center_name = serializers.CharField(source="center.name")
    city = serializers.CharField(source="center.city.name")
    inventory = serializers.IntegerField(source="item.pk")
    accelerator = serializers.CharField(source="item.accelerator.__str__")
    available = serializers.IntegerField()
    fits = serializers.BooleanField()
    within_budget = serializers.BooleanField()
    region_match = serializers.BooleanField()
    cost_fen = serializers.IntegerField()
    subsidy_fen = serializers.IntegerField()
    net_fen = serializers.IntegerField()
    voucher = serializers.CharField(source="voucher.code", allow_null=True, default=None)


class DispatchInputSerializer(serializers.Serializer):
    inventory = serializers.PrimaryKeyRelatedField(queryset=InventoryItem.objects.all())
    voucher = serializers.PrimaryKeyRelatedField(queryset=Voucher.objects.all(), required=False, allow_null=True)
    idempotency_key = serializers.CharField(max_length=200)


class DispatchSerializer(Serializer):
    class Meta:
        model = Dispatch
        fields = ["id", "job", "center", "inventory", "hold", "idempotency_key", "cost_fen", "subsidy_fen", "status",
                  "external_id", "message", "metered_card_hours", "created_at"]


class DispatchUsageSerializer(serializers.Serializer):
    card_hours = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)
    invoice_no = serializers.CharField(max_length=60)
    invoice_date = serializers.DateField()


KINDS = CenterKind
