"""Filters for every registry list, shared by the web pages and the API (one filterset per model).

Each filterset has ``q`` (a case-insensitive search over the registry's text
fields), the registry's choice fields and ``city`` (the city's 6-digit code, so
URLs read ``?city=370100``). Filtersets only narrow a queryset: the caller
passes the queryset the asking user may see. Their selects are ``QuickSelect``s (the
same markup as Django's, rendered without a template per option: a list page renders
sixty options on every request).
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.core.widgets import QuickSelect
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import Talent

BOOLEAN_CHOICES = [("true", _("是")), ("false", _("否"))]


def _city_filter(field_name: str = "city") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=City.objects.all(),
        to_field_name="code",
        label=_("所在市"),
        empty_label=_("全部"),
        widget=QuickSelect,
    )


def _choice_filter(choices, label, field_name=None, **kwargs) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=field_name,
        choices=choices,
        label=label,
        empty_label=_("全部"),
        widget=QuickSelect,
        **kwargs,
    )


def _boolean_filter(label, field_name=None) -> django_filters.TypedChoiceFilter:
    """A yes/no select (a plain BooleanFilter renders as an awkward three-state widget)."""
    return django_filters.TypedChoiceFilter(
        field_name=field_name,
        choices=[("", _("全部")), *BOOLEAN_CHOICES],
        coerce=lambda value: value == "true",
        label=label,
        widget=QuickSelect,
    )


class RegistryFilterSet(django_filters.FilterSet):
    """Base: ``q`` searches ``search_fields`` (``icontains`` on each, OR-ed; every word must match).

    Search only forward relations (``provider__name``): a to-many field would repeat rows.
    """

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("搜索"))

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms[:5]:  # a bounded number of terms: each adds a clause to every field
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(condition)
        return queryset


class EnterpriseFilter(RegistryFilterSet):
    """Enterprises: by name or credit code, city, segment, qualification, hard-tech, status."""

    search_fields = ("name", "credit_code")

    city = _city_filter()
    segment = _choice_filter(Segment.choices, _("产业环节"))
    qualification = _choice_filter(
        Qualification.Kind.choices, _("资质"), "qualifications__kind", distinct=True
    )
    hard_tech = _boolean_filter(_("硬科技企业库"))
    status = _choice_filter(RecordStatus.choices, _("审核状态"))

    class Meta:
        model = Enterprise
        fields = ["q", "city", "segment", "qualification", "hard_tech", "status"]


class PlatformFilter(RegistryFilterSet):
    """Innovation platforms: by name, host or approval document; kind, level, state, city."""

    search_fields = ("name", "host", "approval_doc")

    kind = _choice_filter(Platform.Kind.choices, _("类别"))
    level = _choice_filter(Platform.Level.choices, _("级别"))
    state = _choice_filter(Platform.State.choices, _("状态"))
    city = _city_filter()
    ai_field = _boolean_filter(_("人工智能领域"))
    status = _choice_filter(RecordStatus.choices, _("审核状态"))

    class Meta:
        model = Platform
        fields = ["q", "kind", "level", "state", "city", "ai_field", "status"]


class TalentFilter(RegistryFilterSet):
    """Talent: by name, programme, field or host; level, year, city."""

    search_fields = ("name", "programme", "field", "host")

    level = _choice_filter(Talent.Level.choices, _("层次"))
    year = django_filters.NumberFilter(label=_("入选年度"))
    city = _city_filter()

    class Meta:
        model = Talent
        fields = ["q", "level", "year", "city"]


class ProjectFilter(RegistryFilterSet):
    """Research projects: by title or lead organisation; programme, state, year, city."""

    search_fields = ("title", "lead_org")

    programme = _choice_filter(Project.Programme.choices, _("计划类别"))
    state = _choice_filter(Project.State.choices, _("状态"))
    year = django_filters.NumberFilter(label=_("立项年度"))
    city = _city_filter()

    class Meta:
        model = Project
        fields = ["q", "programme", "state", "year", "city"]


class AchievementFilter(RegistryFilterSet):
    """Achievements: by title or owner; kind, 山东好成果 result, original-major flag, city."""

    search_fields = ("title", "owner", "good_round")

    kind = _choice_filter(Achievement.Kind.choices, _("类型"))
    good_result = _choice_filter([c for c in Achievement.Result.choices if c[0]], _("遴选结果"))
    original_major = _boolean_filter(_("原创性重大科技成果"))
    city = _city_filter()

    class Meta:
        model = Achievement
        fields = ["q", "kind", "good_result", "original_major", "city"]


class AlgorithmProductFilter(RegistryFilterSet):
    """Algorithm products: by name, domain or provider; state, status, the provider's city."""

    search_fields = ("name", "domain", "provider__name")

    state = _choice_filter(AlgorithmProduct.State.choices, _("状态"))
    status = _choice_filter(RecordStatus.choices, _("审核状态"))
    city = _city_filter("provider__city")

    class Meta:
        model = AlgorithmProduct
        fields = ["q", "state", "status", "city"]
