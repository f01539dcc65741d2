"""``{% panels "slot" key=value %}``: render what other apps registered for a page slot.

See :mod:`luzhi.core.panels`. Usage::

    {% load panels %}
    {% panels "cockpit" %}
    {% panels "unit_page" unit=unit %}
"""

from django import template

from luzhi.core.panels import render_slot

register = template.Library()


@register.simple_tag(takes_context=True, name="panels")
def panels(context, slot: str, **kwargs):
    """Every registered panel of ``slot``, given the page's request and keyword arguments."""
    return render_slot(slot, context.get("request"), **kwargs)
