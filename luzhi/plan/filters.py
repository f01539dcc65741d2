"""FilterSets for plan data, shared by the API's read endpoints and the web pages.

One per model: the API viewsets name them as ``filterset_class``; the matrix page
builds :class:`AssignmentUnitFilter` (its form is the page's filter form) and
the units page :class:`luzhi.accounts.filters.UnitFilter`.
"""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from luzhi.accounts.models import Unit
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.models import Task
from luzhi.plan.permissions import plans as plan_policy
from luzhi.plan.selectors import current_plans
from luzhi.plan.selectors import plan_by_ref


class PlanRefField(forms.ModelChoiceField):
    """A plan by id or by its 计划标识 (lineage: the newest version), among the field's plans."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        plan = plan_by_ref(str(value), self.queryset)
        if plan is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return plan


def _visible_plans(request) -> QuerySet[Plan]:
    return plan_policy.visible(getattr(request, "user", None), Plan.objects.defer("source_text"))


@extend_schema_field(OpenApiTypes.STR)
class PlanRefFilter(django_filters.ModelChoiceFilter):
    """``?plan=``: a plan the user may see, by id or 计划标识 (400 for any other value).

    Filters nothing itself: the FilterSet names a ``method`` saying what "of this plan" means
    for its model (for indicators, ``luzhi.indicators.plans.in_plan``).
    """

    field_class = PlanRefField

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", _visible_plans)
        super().__init__(**kwargs)


class PlanFilter(django_filters.FilterSet):
    """Plans by lineage (all versions of one plan) or only the newest version of each."""

    lineage = django_filters.CharFilter(label=_("计划标识"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("仅最新版本"))

    class Meta:
        model = Plan
        fields = ["lineage", "version", "doc_number"]

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        newest = current_plans().values("pk")
        return queryset.filter(pk__in=newest) if value else queryset.exclude(pk__in=newest)


def under_path(queryset: QuerySet, field: str, value: str) -> QuerySet:
    """Rows whose ``field`` (a section path) lies under the section ``value`` (e.g. 二/(一))."""
    value = (value or "").rstrip("/")
    return queryset.filter(**{f"{field}__startswith": f"{value}/"}) if value else queryset


class SubtreeFilter(django_filters.CharFilter):
    """Rows whose section path (``field_name``) lies under the section given (e.g. 二/(一))."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return under_path(qs, self.field_name, value)


class SectionFilter(django_filters.FilterSet):
    """Sections of a plan by kind, path (exact, or ``path_prefix`` for a subtree) and parent."""

    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label=_("计划"))
    parent = django_filters.ModelChoiceFilter(queryset=Section.objects.all(), label=_("上级章节"))
    path = django_filters.CharFilter(label=_("编号路径"))
    path_prefix = SubtreeFilter(field_name="path", label=_("编号路径前缀"))

    class Meta:
        model = Section
        fields = ["plan", "kind", "path", "parent"]


@extend_schema_field(OpenApiTypes.INT)
class UnitIdFilter(django_filters.ModelChoiceFilter):
    """A unit given by id (typed for the OpenAPI schema, which cannot guess a method filter)."""


def _filter_unit_role(queryset: QuerySet, prefix: str, unit: Unit | None, role: str) -> QuerySet:
    """Filter on one assignment-unit link holding both the unit and the role (one join)."""
    conditions = {}
    if unit is not None:
        conditions[f"{prefix}unit"] = unit
    if role:
        conditions[f"{prefix}role"] = role
    return queryset.filter(**conditions).distinct() if conditions else queryset


class _UnitRoleFilterSet(django_filters.FilterSet):
    """Adds ``unit`` and ``role`` filters applied together to the same assignment link."""

    unit_role_prefix = "units__"
    unit = UnitIdFilter(queryset=Unit.objects.all(), method="filter_noop", label=_("单位"))
    role = django_filters.ChoiceFilter(
        choices=AssignmentUnit.Role.choices, method="filter_noop", label=_("角色")
    )

    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # Applied together in filter_queryset: unit=A&role=lead means A leads.
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return _filter_unit_role(
            queryset,
            self.unit_role_prefix,
            self.form.cleaned_data.get("unit"),
            self.form.cleaned_data.get("role") or "",
        )


class TaskFilter(_UnitRoleFilterSet):
    """Tasks by plan, parent action, path, action (a subtree, ``二/(一)``), and the units
    assigned to them (with a role)."""

    unit_role_prefix = "assignments__units__"
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all(), label=_("计划"))
    parent = django_filters.ModelChoiceFilter(queryset=Section.objects.all(), label=_("所属行动"))
    path = django_filters.CharFilter(label=_("编号路径"))
    action = SubtreeFilter(field_name="path", label=_("行动"))

    class Meta:
        model = Task
        fields = ["plan", "parent", "path", "action", "unit", "role"]


class AssignmentUnitFilter(django_filters.FilterSet):
    """The responsibility matrix's cells (assignment units) by action and by unit.

    Built for one plan (:meth:`for_plan`): the action is one of the plan's parts
    or actions and the unit one of the units carrying its tasks, so a value that
    is not in the plan is a form error (and ignored), never a query on raw input.
    """

    action = django_filters.ChoiceFilter(method="filter_action", label=_("行动"))
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.none(), label=_("单位"), empty_label=_("全部单位")
    )

    class Meta:
        model = AssignmentUnit
        fields = ["action", "unit"]

    @classmethod
    def for_plan(
        cls, data, plan: Plan, groups: list[Section], units: QuerySet
    ) -> "AssignmentUnitFilter":
        """The matrix filter of ``plan``: choices from its parts and actions and its units."""
        filterset = cls(
            data or None,
            queryset=AssignmentUnit.objects.filter(assignment__section__plan=plan),
        )
        filterset.filters["action"].extra["choices"] = [
            (section.path, f"{section.path} {section.title}") for section in groups
        ]
        filterset.filters["action"].extra["empty_label"] = _("全部行动与举措")
        filterset.filters["unit"].queryset = units
        return filterset

    def filter_action(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return under_path(queryset, "assignment__section__path", value)

    def cleaned(self) -> dict:
        """The valid filters (``action`` path or "", ``unit`` or None); invalid ones are dropped."""
        if not self.is_bound:
            return {"action": "", "unit": None}
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {"action": data.get("action") or "", "unit": data.get("unit")}


class AssignmentFilter(_UnitRoleFilterSet):
    """Assignments by plan, section, unit and role."""

    plan = django_filters.ModelChoiceFilter(
        field_name="section__plan", queryset=Plan.objects.all(), label=_("计划")
    )
    section = django_filters.ModelChoiceFilter(queryset=Section.objects.all(), label=_("章节"))

    class Meta:
        model = Assignment
        fields = ["plan", "section", "open_ended", "unit", "role"]


class TargetFilter(django_filters.FilterSet):
    """Targets by plan, section, period (``per=year``), comparator, year, and metric text."""

    plan = django_filters.ModelChoiceFilter(
        field_name="section__plan", queryset=Plan.objects.all(), label=_("计划")
    )
    section = django_filters.ModelChoiceFilter(queryset=Section.objects.all(), label=_("章节"))
    per = django_filters.ChoiceFilter(choices=Target.Per.choices, label=_("周期"))
    metric = django_filters.CharFilter(lookup_expr="icontains", label=_("指标"))

    class Meta:
        model = Target
        fields = ["plan", "section", "per", "cmp", "by_year", "metric"]
