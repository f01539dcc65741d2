from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core.nav import NavItem


class ScenariosConfig(appconfig.LuzhiAppConfig):
    """Scenario lists (场景机会与需求清单), solutions, matching and matchmaking events (百企百景)."""

    name = "luzhi.scenarios"
    verbose_name = _("应用场景")
    url_prefix = "scenarios/"
    registers = ("indicators", "permissions")  # this app's indicator functions and policies
    menu = (NavItem("scenarios", _("应用场景"), "scenarios:index", 45, current=("scenarios:",)),)
