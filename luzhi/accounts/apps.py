from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig


class AccountsConfig(appconfig.LuzhiAppConfig):
    """Users, roles and the organisations they belong to (units, cities)."""

    name = "luzhi.accounts"
    verbose_name = _("账户与单位")
    url_prefix = "accounts/"
    registers = ("lockout",)  # connects the lockout log
