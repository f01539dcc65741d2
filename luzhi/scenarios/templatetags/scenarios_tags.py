"""Template helpers of the scenario pages."""

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``mapping[key]`` (the key itself when missing)."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.simple_tag
def cell(cells, city, domain):
    """A matrix cell's count (0 when empty)."""
    return cells.get((city, domain), 0)
