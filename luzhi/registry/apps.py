from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Registries: enterprises, platforms, talent, projects, achievements, algorithm products."""

    name = "luzhi.registry"
    label = "registry"
    verbose_name = _("登记库")
    url_prefix = "registry/"

    def ready(self) -> None:
        # Registers this app's indicator functions with the indicators app.
        from luzhi.core import nav
        from luzhi.core.roles import is_enterprise_user
        from luzhi.registry import indicators  # noqa: F401

        nav.register(
            nav.NavItem(
                "registry", _("登记库"), "registry:index", 40, current=("registry:",),
                not_current=("registry:my_enterprises",),
            )
        )
        nav.register(
            nav.NavItem(
                "my_enterprises", _("我的企业"), "registry:my_enterprises", 39,
                visible=is_enterprise_user, current=("registry:my_enterprises",),
            )
        )
        nav.register_landing(is_enterprise_user, "registry:my_enterprises")
