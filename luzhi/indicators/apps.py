from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core import roles
from luzhi.core.nav import NavItem


def _not_plan_office(user) -> bool:
    return not roles.is_plan_office(user)


class IndicatorsConfig(appconfig.LuzhiAppConfig):
    """Indicators, observations, the indicator-function registry and the cockpit."""

    name = "luzhi.indicators"
    verbose_name = _("指标与驾驶舱")
    url_prefix = "indicators/"
    menu = (
        NavItem("cockpit", _("驾驶舱"), "indicators:cockpit", 30, visible=roles.is_plan_office),
        NavItem(
            "public_cockpit",
            _("目标进展"),
            "indicators:public_cockpit",
            30,
            visible=_not_plan_office,
        ),
        NavItem(
            "my_indicators",
            _("指标填报"),
            "indicators:my_indicators",
            100,
            visible=roles.is_government,
        ),
        NavItem(
            "review_queue",
            _("指标审核"),
            "indicators:review_queue",
            110,
            visible=roles.is_plan_office,
        ),
    )
