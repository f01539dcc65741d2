from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared pieces: base model, permission helpers, API base, template helpers."""

    name = "luzhi.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from luzhi.core import nav

        nav.register(nav.NavItem("api", "API", "api-docs", 200))
