"""Template helpers for the registry pages."""

from django import template

register = template.Library()

# A list page's URL name → the URL prefix its spreadsheet routes use (views/imports.py).
LIST_PREFIXES = {
    "enterprise_list": "enterprises",
    "platform_list": "platforms",
    "talent_list": "talent",
    "project_list": "projects",
    "achievement_list": "achievements",
    "algorithm_list": "algorithms",
}


@register.filter
def list_prefix(url_name: str) -> str:
    """The URL prefix (enterprises, platforms, …) of a registry list page, from its URL name."""
    return LIST_PREFIXES.get(url_name, "")
