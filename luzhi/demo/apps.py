from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data loader: it may use every app, and nothing depends on it."""

    name = "luzhi.demo"
    label = "demo"
    verbose_name = _("演示数据")
