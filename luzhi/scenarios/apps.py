from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    """Scenario lists (场景机会与需求清单), solutions, matching and matchmaking events (百企百景)."""

    name = "luzhi.scenarios"
    label = "scenarios"
    verbose_name = _("应用场景")
    url_prefix = "scenarios/"

    def ready(self) -> None:
        # Registers the policies and this app's indicator functions; adds the menu entry.
        from luzhi.core import nav
        from luzhi.scenarios import indicators, permissions  # noqa: F401

        nav.register(
            nav.NavItem("scenarios", _("应用场景"), "scenarios:index", 45, current=("scenarios:",))
        )
