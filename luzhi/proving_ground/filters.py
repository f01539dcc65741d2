"""One FilterSet per model, shared by the pages and the API (callers pass the policy's queryset)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from luzhi.core.filtering import SearchFilter
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import LargeModel


class LargeModelFilter(django_filters.FilterSet):
    q = SearchFilter("name", "provider__name", "domain", label=_("搜索"))
    kind = django_filters.ChoiceFilter(choices=LargeModel.Kind.choices, label=_("类型"), empty_label=_("全部"))
    filing = django_filters.ChoiceFilter(choices=LargeModel.Filing.choices, label=_("登记备案状态"),
                                         empty_label=_("全部"))
    domain = django_filters.CharFilter(field_name="domain", label=_("行业领域"))
    provider = django_filters.NumberFilter(field_name="provider_id", label=_("提供企业"))

    class Meta:
        model = LargeModel
        fields = ["q", "kind", "filing", "domain", "provider"]


class DeploymentFilter(django_filters.FilterSet):
    model = django_filters.NumberFilter(field_name="model_id", label=_("大模型"))
    state_owned = django_filters.BooleanFilter(field_name="state_owned", label=_("国有企业"))

    class Meta:
        model = Deployment
        fields = ["model", "state_owned"]


class EvaluationRunFilter(django_filters.FilterSet):
    model = django_filters.NumberFilter(field_name="model_id", label=_("大模型"))
    benchmark = django_filters.CharFilter(field_name="benchmark__code", label=_("评测集"))
    state = django_filters.ChoiceFilter(choices=EvaluationRun.State.choices, label=_("状态"), empty_label=_("全部"))

    class Meta:
        model = EvaluationRun
        fields = ["model", "benchmark", "state"]


class BenchmarkFilter(django_filters.FilterSet):
    format = django_filters.ChoiceFilter(choices=Benchmark.Format.choices, label=_("格式"), empty_label=_("全部"))
    domain = django_filters.CharFilter(field_name="domain", label=_("领域"))

    class Meta:
        model = Benchmark
        fields = ["format", "domain"]
