"""Template helpers for the registry pages."""

from django import template

from luzhi.registry.specs import KINDS

register = template.Library()


@register.filter
def list_prefix(url_name: str) -> str:
    """The URL prefix (enterprises, platforms, …) of a registry list page, from its URL name."""
    slug = (url_name or "").removesuffix("_list")
    spec = KINDS.get(slug)
    return spec.prefix if spec is not None and url_name.endswith("_list") else ""
