from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core.nav import NavItem
from luzhi.core.roles import is_enterprise_user


class RegistryConfig(appconfig.LuzhiAppConfig):
    """Registries: enterprises, platforms, talent, projects, achievements, algorithm products."""

    name = "luzhi.registry"
    verbose_name = _("登记库")
    url_prefix = "registry/"
    registers = ("indicators",)  # this app's indicator functions
    menu = (
        NavItem(
            "registry",
            _("登记库"),
            "registry:index",
            40,
            current=("registry:",),
            not_current=("registry:my_enterprises",),
        ),
        NavItem(
            "my_enterprises",
            _("我的企业"),
            "registry:my_enterprises",
            39,
            visible=is_enterprise_user,
            current=("registry:my_enterprises",),
        ),
    )
    landings = ((is_enterprise_user, "registry:my_enterprises"),)
