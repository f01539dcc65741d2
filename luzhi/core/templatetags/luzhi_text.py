"""Stored data shown in the reader's language: ``{{ indicator.unit|unit }}`` and
``{{ round|round_name }}`` (a built-in library: every template has them without ``load``)."""

from django import template

from luzhi.core.units import unit_label

register = template.Library()


@register.filter(name="unit")
def unit(value) -> str:
    """A unit of measure in the active language (see ``luzhi.core.units``)."""
    return unit_label(value)


@register.filter(name="round_name")
def round_name(round_) -> str:
    """A reporting round's name: the period's label in the active language when the stored
    name is the one generated from the period (in the site's language), else the custom
    name as the plan office wrote it."""
    if round_ is None:
        return ""
    name = getattr(round_, "name", "") or ""
    period = getattr(round_, "period", "") or ""
    if not period:
        return name
    from django.conf import settings
    from django.utils import translation

    from luzhi.indicators.periods import Period

    try:
        parsed = Period.parse(period)
    except ValueError:
        return name
    with translation.override(settings.LANGUAGE_CODE):
        generated = parsed.label()
    if name and name != generated:
        return name
    return parsed.label()
