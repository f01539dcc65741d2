"""Admin for plan data: read-mostly, with django-simple-history's history view.

Plans are written by the import (``luzhi plan import`` or the import page);
the admin shows them. Section and target corrections are allowed, through the
same services as the API and with a required reason, so the history records who
changed what and why.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from luzhi.core.admin import ReadOnlyAdminMixin
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import PlanImport
from luzhi.plan.models import PlanIssuer
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.services import section_update
from luzhi.plan.services import target_update

TARGET_FIELDS = ["metric", "cmp", "value", "value_max", "unit", "by_year", "per"]


class PlanIssuerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PlanIssuer
    fields = ["order", "name_as_written", "unit"]
    readonly_fields = fields
    extra = 0


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Plan versions as imported."""

    list_display = ["title", "version", "doc_number", "issued", "created_at", "imported_by"]
    list_filter = ["lineage"]
    search_fields = ["title", "doc_number"]
    exclude = ["source_text"]
    inlines = [PlanIssuerInline]


class CorrectionForm(forms.ModelForm):
    """A model form with the reason the plan office must give for a correction."""

    reason = forms.CharField(
        label=_("修改原因"), max_length=500, help_text=_("必填,记入变更历史。")
    )


class SectionForm(CorrectionForm):
    class Meta:
        model = Section
        fields = ["title", "text"]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    """Sections of every plan version; title and text may be corrected (with a reason)."""

    form = SectionForm
    list_display = ["path", "title", "kind", "plan"]
    list_filter = ["kind", "plan"]
    search_fields = ["path", "title", "text"]
    readonly_fields = ["plan", "parent", "path", "kind", "span_start", "span_end", "order"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        section_update(
            actor=request.user,
            section=Section.objects.get(pk=obj.pk),
            reason=form.cleaned_data["reason"],
            **{name: getattr(obj, name) for name in form.changed_data if name in ("title", "text")},
        )


class AssignmentUnitInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AssignmentUnit
    fields = ["order", "role", "unit", "name_as_written"]
    readonly_fields = fields
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Assignments; change their units through PUT /api/assignments/{id}/units/."""

    list_display = ["raw", "section", "open_ended"]
    list_filter = ["section__plan", "open_ended"]
    search_fields = ["raw", "units__unit__name", "units__unit__short_name"]
    inlines = [AssignmentUnitInline]


class TargetForm(CorrectionForm):
    """A target correction; the model form runs ``Target.clean()`` (the range rule)."""

    class Meta:
        model = Target
        fields = TARGET_FIELDS


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    """Targets; a correction needs a reason and goes through ``target_update``."""

    form = TargetForm
    list_display = ["metric", "display_value", "by_year", "per", "section"]
    list_filter = ["per", "cmp", "section__plan"]
    search_fields = ["metric", "raw"]
    readonly_fields = ["section", "order", "raw", "span_start", "span_end"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        target_update(
            actor=request.user,
            target=Target.objects.get(pk=obj.pk),
            reason=form.cleaned_data["reason"],
            **{name: getattr(obj, name) for name in form.changed_data if name in TARGET_FIELDS},
        )


@admin.register(PlanImport)
class PlanImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every import: who uploaded what, the outcome and the diff."""

    list_display = ["plan", "outcome", "source_name", "actor", "created_at"]
    list_filter = ["outcome"]
