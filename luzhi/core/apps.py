from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core.nav import NavItem


class CoreConfig(appconfig.LuzhiAppConfig):
    """Shared pieces: base model, permission helpers, API base, template helpers."""

    name = "luzhi.core"
    verbose_name = _("核心")
    menu = (NavItem("api", "API", "api-docs", 200),)
