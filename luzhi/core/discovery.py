"""How the project finds each LuZhi app's pages, API routes and demo data, so that adding
an app is one line in ``INSTALLED_APPS`` and nothing else outside the app.

An app's ``AppConfig`` may set ``url_prefix`` (its pages, from ``<app>/urls.py``,
are mounted there); an app with ``<app>/api/urls.py`` has its ``register(router)``
called on the API router; an app with ``<app>/demo.py`` contributes demo data
(see ``luzhi.demo.services``).
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.apps import apps


def luzhi_apps() -> list[AppConfig]:
    """LuZhi's own apps, in ``INSTALLED_APPS`` order."""
    return [config for config in apps.get_app_configs() if config.name.startswith("luzhi.")]


def app_module(config: AppConfig, name: str):
    """The app's submodule ``name`` (e.g. ``api.urls``), or None when the app has none."""
    dotted = f"{config.name}.{name}"
    try:
        if find_spec(dotted) is None:
            return None
    except ModuleNotFoundError:  # a parent package (e.g. ``api``) is missing
        return None
    return import_module(dotted)
