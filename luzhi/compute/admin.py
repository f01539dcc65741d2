"""Admin for the compute app: view only. Every write is a service with its event and ledger
entries (pages and API); the admin lets the operators of the site look at the rows, the
ledger included, and at django-simple-history's record of the registers."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import Dispatch
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import JobRequest
from luzhi.compute.models import LedgerEntry
from luzhi.compute.models import LedgerTransaction
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import UtilisationReport
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherEvent
from luzhi.compute.models import VoucherProgram
from luzhi.core.admin import ReadOnlyAdminMixin


@admin.register(AcceleratorModel)
class AcceleratorAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["vendor", "name", "origin", "fp64", "fp32", "tf32", "fp16", "int8", "memory_gb"]
    list_filter = ["origin", "vendor"]
    search_fields = ["vendor", "name"]


@admin.register(CountingConvention)
class ConventionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["kind", "precision", "source"]


class InventoryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InventoryItem
    fields = ["accelerator", "count", "installed_on", "retired_on", "price_fen_per_card_hour", "review_status"]
    readonly_fields = fields
    extra = 0


@admin.register(ComputeCenter)
class CenterAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "operator", "city", "kind", "status", "review_status", "commissioned_on"]
    list_filter = ["kind", "status", "review_status", "city"]
    search_fields = ["code", "name", "operator"]
    inlines = [InventoryInline]


@admin.register(UtilisationReport)
class UtilisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["center", "month", "utilisation", "card_hours", "reported_by"]
    list_filter = ["center"]


@admin.register(VoucherProgram)
class ProgramAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "pattern", "budget_fen", "committed_fen", "valid_from", "valid_until",
                    "status"]
    list_filter = ["kind", "pattern", "status"]
    search_fields = ["code", "name"]


@admin.register(VoucherApplication)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "program", "enterprise", "center", "contract_no", "requested_fen", "status", "created_at"]
    list_filter = ["status", "program"]
    search_fields = ["contract_no", "enterprise__name"]


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "program", "enterprise", "center", "face_fen", "spent_fen", "returned_fen",
                    "valid_until", "status"]
    list_filter = ["status", "program"]
    search_fields = ["code", "enterprise__name"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["idempotency_key", "voucher", "center", "invoice_no", "invoice_amount_fen", "subsidy_fen",
                    "status", "created_at"]
    list_filter = ["status", "program"]
    search_fields = ["idempotency_key", "invoice_no", "voucher__code"]


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["idempotency_key", "program", "center", "enterprise", "amount_fen", "created_at"]
    list_filter = ["program"]


@admin.register(VoucherEvent)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "program", "actor", "amount_fen", "note"]
    list_filter = ["kind", "program"]


class EntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "amount_fen"]
    readonly_fields = fields
    extra = 0


@admin.register(LedgerTransaction)
class TransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The ledger: append-only (corrections are reversals), so view only here as everywhere."""

    list_display = ["pk", "kind", "program", "memo", "actor", "created_at"]
    list_filter = ["kind", "program"]
    inlines = [EntryInline]


@admin.register(JobRequest)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "enterprise", "accelerator", "precision", "cards", "hours", "created_at"]


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["idempotency_key", "job", "center", "status", "cost_fen", "subsidy_fen", "external_id",
                    "metered_card_hours", "created_at"]
    list_filter = ["status", "center"]
