"""One filterset per model, used by the pages and the API alike (issue 9)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import Unit
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Round
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone


class RoundFilter(django_filters.FilterSet):
    class Meta:
        model = Round
        fields = ["plan", "status", "period"]


class ObligationFilter(django_filters.FilterSet):
    """A round's obligations by status, unit, channel, task (the round page and the API)."""

    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), label=_("单位"), empty_label=_("全部单位")
    )
    status = django_filters.ChoiceFilter(
        choices=Obligation.Status.choices, label=_("状态"), empty_label=_("全部状态")
    )

    class Meta:
        model = Obligation
        fields = ["round", "unit", "status", "channel", "task"]


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=SupervisionOrder.Status.choices, label=_("状态"), empty_label=_("全部状态")
    )
    level = django_filters.ChoiceFilter(
        choices=SupervisionOrder.Level.choices, label=_("督办等级"), empty_label=_("全部等级")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), label=_("单位"), empty_label=_("全部单位")
    )

    class Meta:
        model = SupervisionOrder
        fields = ["status", "level", "unit", "source"]


class MilestoneFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=TaskMilestone.Status.choices, label=_("状态"), empty_label=_("全部状态")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), label=_("单位"), empty_label=_("全部单位")
    )
    year = django_filters.NumberFilter(label=_("年度"), min_value=2000, max_value=2100)

    class Meta:
        model = TaskMilestone
        fields = ["status", "unit", "year", "task"]
