from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig


class DemoConfig(appconfig.LuzhiAppConfig):
    """Demo data loader: it may use every app, and nothing depends on it."""

    name = "luzhi.demo"
    verbose_name = _("演示数据")
