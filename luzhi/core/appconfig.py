"""The shape of every LuZhi app's ``AppConfig``: it declares, ``ready()`` acts.

An app says what it contributes and the base class does the registering::

    class ComputeConfig(appconfig.LuzhiAppConfig):
        name = "luzhi.compute"
        url_prefix = "compute/"                     # its pages (see luzhi.core.discovery)
        registers = ("indicators", "permissions")   # submodules that register on import
        menu = (nav.NavItem(...), ...)              # its entries of the main navigation
        landings = ((roles.is_center_operator, "compute:register"),)

Import this module (``from luzhi.core import appconfig``), not the class: Django picks an
app's config by the ``AppConfig`` subclasses its ``apps.py`` holds, and a second one there
would make the choice ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.apps import AppConfig

from luzhi.core import nav


class LuzhiAppConfig(AppConfig):
    """An app config that registers its declarations when the app registry is ready."""

    url_prefix: str | None = None  # where the app's pages (``<app>/urls.py``) are mounted
    # Submodules imported in ready(): indicator functions, policies, panels and signal
    # handlers register themselves on import.
    registers: tuple[str, ...] = ()
    menu: tuple[nav.NavItem, ...] = ()  # main-navigation entries
    # (predicate, url name): where a user for whom predicate(user) holds lands after sign-in.
    landings: tuple[tuple[Callable, str], ...] = ()

    def ready(self) -> None:
        for module in self.registers:
            import_module(f"{self.name}.{module}")
        for item in self.menu:
            nav.register(item)
        for visible, url_name in self.landings:
            nav.register_landing(visible, url_name)


def allows(policy: str, action: str) -> Callable:
    """A navigation predicate: may the user do ``action`` under ``policy``
    (``"luzhi.plan.permissions.tasks"``)? The policy is imported on first use, since
    models cannot be imported while the app registry is being built."""

    def visible(user) -> bool:
        module, _, name = policy.rpartition(".")
        return getattr(import_module(module), name).can(user, action)

    return visible
