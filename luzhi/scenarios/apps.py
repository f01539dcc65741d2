from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    """Scenario lists (场景机会与需求清单), solutions, matching and matchmaking events (百企百景)."""

    name = "luzhi.scenarios"
    label = "scenarios"
    verbose_name = _("应用场景")
