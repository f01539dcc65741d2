"""FilterSets for units and cities, shared by the API and the web pages."""

import django_filters
from django.db.models import Q
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.core.text import normalize_name


class UnitFilter(django_filters.FilterSet):
    """Units by kind and city; ``search`` matches full name, short name or any alias.

    The search text is normalised like the alias table (traditional → simplified,
    full-width → half-width), so 省科技廳 finds 山东省科学技术厅.
    """

    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), label=_("所在市"))
    search = django_filters.CharFilter(method="filter_search", label=_("名称或别名"))

    class Meta:
        model = Unit
        fields = ["kind", "city", "search"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        key = normalize_name(value)
        if not key:
            return queryset
        matches = Unit.objects.filter(
            Q(name__icontains=key)
            | Q(short_name__icontains=key)
            | Q(aliases__normalized__icontains=key)
        ).values("pk")
        # A subquery rather than a join keeps the outer queryset free of duplicates.
        return queryset.filter(pk__in=matches)
