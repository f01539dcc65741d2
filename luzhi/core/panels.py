"""Page slots (面板插槽): pages name a slot, other apps fill it.

A page of one app shows what another app contributes without importing it:
the cockpit (indicators) and the unit page (plan) carry ``{% panels "cockpit" %}``
and ``{% panels "unit_page" unit=unit %}``; an app registers a template and a
context function for the slot from its ``AppConfig.ready()``. Dependencies keep
pointing one way: the contributing app uses ``core``, the page's app knows only
the slot's name.

A context function is called as ``context(request, **kwargs)`` with the
keyword arguments the page passes; it decides who may see the panel and returns
the template's context, or None to render nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe

PanelContext = Callable[..., dict | None]


@dataclass(frozen=True)
class Panel:
    """One registered contribution to a slot."""

    slot: str
    template: str
    context: PanelContext


_registry: dict[str, list[Panel]] = {}


def register(slot: str, template: str, context: PanelContext) -> Panel:
    """Add a panel to a slot; registering the same template for a slot again replaces it
    (re-imports in tests and the autoreloader do not show a panel twice)."""
    panel = Panel(slot, template, context)
    panels = [p for p in _registry.get(slot, []) if p.template != template]
    panels.append(panel)
    _registry[slot] = panels
    return panel


def unregister(slot: str, template: str) -> None:
    """Remove a panel (tests)."""
    _registry[slot] = [p for p in _registry.get(slot, []) if p.template != template]


def panels_for(slot: str) -> list[Panel]:
    """The panels of a slot, in registration order."""
    return list(_registry.get(slot, []))


def render_slot(slot: str, request, **kwargs) -> SafeString:
    """Render every panel of a slot whose context function returns a context.

    Each template is rendered by Django's template engine (so it autoescapes);
    the joined result is therefore safe to insert into the page.
    """
    parts = []
    for panel in panels_for(slot):
        context = panel.context(request, **kwargs)
        if context is None:
            continue
        parts.append(conditional_escape(render_to_string(panel.template, context, request=request)))
    return mark_safe("".join(parts))  # noqa: S308  (each part is a rendered, autoescaped template)
