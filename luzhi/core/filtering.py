"""Filters shared by the apps' filtersets.

django-filter's ``NumberFilter`` takes a decimal: ``?year=0.0`` or ``?provider=-2e109``
then reach the database lookup and end in a 500 (a year outside 1–9999, an integer out
of range). :class:`IntegerFilter` takes whole numbers within bounds and answers anything
else with a 400 that names the parameter.
"""

import django_filters
from django import forms
from django.db.models import Q

#: The largest id a BigAutoField holds.
MAX_ID = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter with bounds (default: a database id, 1 … 2**63-1)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_ID, **kwargs):
        kwargs.setdefault("min_value", min_value)
        kwargs.setdefault("max_value", max_value)
        super().__init__(*args, **kwargs)


def YearFilter(*args, **kwargs) -> IntegerFilter:  # noqa: N802  (reads as a filter class)
    """A calendar year (1–9999, what a date lookup accepts)."""
    return IntegerFilter(*args, min_value=1, max_value=9999, **kwargs)


def SearchFilter(*fields: str, max_chars: int | None = None, **kwargs) -> django_filters.CharFilter:  # noqa: N802
    """``?q=``: the rows where any of ``fields`` contains the text, ignoring case (an empty
    ``q`` filters nothing). ``max_chars`` cuts a long text to its first characters."""

    def search(qs, name, value):
        text = value[:max_chars] if max_chars else value
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": text})
        return qs.filter(condition)

    return django_filters.CharFilter(method=search, **kwargs)
