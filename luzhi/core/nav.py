"""The main navigation, filled by the apps: each app registers its menu entries from its
``AppConfig.ready()``, so adding an app never edits ``base.html``.

An entry names a URL, who sees it (a role predicate from :mod:`luzhi.core.roles`,
given the user), which pages count as "here" (view names, or prefixes ending in
``:``), and optionally a badge (a count, given the request) with the data it counts
(``badge_scopes``: a page cached per data version, ``core.page_cache``, depends on them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch
from django.urls import reverse


def _everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation."""

    key: str
    label: object  # a lazy translation
    url_name: str
    order: int
    visible: Callable = _everyone
    current: tuple[str, ...] = ()  # view names, or "app:" prefixes, that make this entry current
    not_current: tuple[str, ...] = ()  # view names under a prefix that belong to another entry
    badge: Callable | None = None  # request -> int (0 shows nothing)
    badge_label: object = ""  # what the badge counts, for screen readers
    badge_scopes: tuple[str, ...] = ()  # the ContentVersion scopes of what the badge counts

    def is_current(self, view_name: str | None) -> bool:
        if not view_name or view_name in self.not_current:
            return False
        names = self.current or (self.url_name,)
        return any(
            view_name.startswith(name) if name.endswith(":") else view_name == name
            for name in names
        )


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> NavItem:
    """Add (or replace, by key) a navigation entry."""
    _items[item.key] = item
    return item


def unregister(key: str) -> None:
    _items.pop(key, None)


def badge_scopes() -> tuple[str, ...]:
    """The data the badges count: a cached page that shows the navigation depends on it."""
    return tuple(sorted({scope for item in _items.values() for scope in item.badge_scopes}))


def items_for(request) -> list[dict]:
    """The entries this request's user sees, in order, with their URL, current flag and badge."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    rows = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        rows.append(
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "current": item.is_current(view_name),
                "badge": item.badge(request) if item.badge else 0,
                "badge_label": item.badge_label,
            }
        )
    return rows


# ------------------------------------------------------------------ landing after sign-in

_landings: list[tuple[int, Callable, str]] = []


def register_landing(visible: Callable, url_name: str, order: int = 50) -> None:
    """Where a user for whom ``visible(user)`` holds lands after signing in (lowest order wins)."""
    _landings.append((order, visible, url_name))


def landing_for(user) -> str | None:
    """The URL name a user lands on after signing in, or None (the home page)."""
    for _order, visible, url_name in sorted(_landings, key=lambda row: row[0]):
        if visible(user):
            return url_name
    return None
