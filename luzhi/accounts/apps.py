from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles and the organisations they belong to (units, cities)."""

    name = "luzhi.accounts"
    label = "accounts"
    verbose_name = _("账户与单位")
    url_prefix = "accounts/"

    def ready(self):
        from luzhi.accounts import lockout  # noqa: F401  (connects the lockout log)
