"""``{% main_nav %}``: the navigation entries the apps registered (luzhi.core.nav)."""

from django import template

from luzhi.core.nav import items_for

register = template.Library()


@register.inclusion_tag("core/_nav.html", takes_context=True)
def main_nav(context):
    return {"items": items_for(context.get("request"))}
