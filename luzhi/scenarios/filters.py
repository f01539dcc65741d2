"""One FilterSet per model, used by the pages and the API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.core.filtering import IntegerFilter
from luzhi.core.filtering import SearchFilter
from luzhi.core.filtering import YearFilter
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution

#: A search text longer than this is cut to it (the words that matter come first).
SEARCH_MAX = 100


class ScenarioFilter(django_filters.FilterSet):
    """Scenarios by words, kind, domain, city, status and batch."""

    q = SearchFilter("title", "description", max_chars=SEARCH_MAX, label=_("关键词"))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Scenario.Kind.choices)
    domain = django_filters.ModelChoiceFilter(
        label=_("应用领域"), queryset=Domain.objects.filter(active=True), to_field_name="code"
    )
    city = django_filters.ModelChoiceFilter(label=_("所在市"), queryset=City.objects.all(), to_field_name="code")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Scenario.Status.choices)
    batch = django_filters.ModelChoiceFilter(
        label=_("批次"), queryset=ScenarioBatch.objects.all(), to_field_name="number"
    )

    class Meta:
        model = Scenario
        fields = ["q", "kind", "domain", "city", "status", "batch"]

class SolutionFilter(django_filters.FilterSet):
    """Solutions by words, domain, provider and status."""

    q = SearchFilter("title", "description", "capabilities", "provider__name", max_chars=SEARCH_MAX, label=_("关键词"))
    domain = django_filters.ModelChoiceFilter(
        label=_("应用领域"), queryset=Domain.objects.filter(active=True), to_field_name="code",
        field_name="domains",
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Solution.Status.choices)
    provider = IntegerFilter(label=_("提供企业编号"), field_name="provider_id")

    class Meta:
        model = Solution
        fields = ["q", "domain", "status", "provider"]

class RecognitionFilter(django_filters.FilterSet):
    """Recognitions by level, status, the scenario's city and domain, and year."""

    level = django_filters.ModelChoiceFilter(
        label=_("认定等级"), queryset=RecognitionLevel.objects.all(), to_field_name="code"
    )
    status = django_filters.ChoiceFilter(label=_("审核状态"), choices=Recognition.Status.choices)
    city = django_filters.ModelChoiceFilter(
        label=_("所在市"), queryset=City.objects.all(), to_field_name="code", field_name="scenario__city"
    )
    domain = django_filters.ModelChoiceFilter(
        label=_("应用领域"), queryset=Domain.objects.all(), to_field_name="code", field_name="scenario__domain"
    )
    year = YearFilter(label=_("认定年度"), field_name="recognised_on__year")

    class Meta:
        model = Recognition
        fields = ["level", "status", "city", "domain", "year"]


class BatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ScenarioBatch.Status.choices)

    class Meta:
        model = ScenarioBatch
        fields = ["status"]


class EventFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MatchmakingEvent.Status.choices)

    class Meta:
        model = MatchmakingEvent
        fields = ["status"]


class MeetingFilter(django_filters.FilterSet):
    event = django_filters.NumberFilter(label=_("对接会编号"), field_name="event_id")
    outcome = django_filters.ChoiceFilter(label=_("洽谈结果"), choices=Meeting.Outcome.choices)

    class Meta:
        model = Meeting
        fields = ["event", "outcome"]
