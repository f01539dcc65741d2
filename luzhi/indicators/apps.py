from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """Indicators, observations, the indicator-function registry and the cockpit."""

    name = "luzhi.indicators"
    label = "indicators"
    verbose_name = _("指标与驾驶舱")
    url_prefix = "indicators/"

    def ready(self) -> None:
        from luzhi.core import nav, roles

        nav.register(
            nav.NavItem("cockpit", _("驾驶舱"), "indicators:cockpit", 30, visible=roles.is_plan_office)
        )
        nav.register(
            nav.NavItem(
                "public_cockpit", _("目标进展"), "indicators:public_cockpit", 30,
                visible=lambda user: not roles.is_plan_office(user),
            )
        )
        nav.register(
            nav.NavItem(
                "my_indicators", _("指标填报"), "indicators:my_indicators", 100,
                visible=roles.is_government,
            )
        )
        nav.register(
            nav.NavItem(
                "review_queue", _("指标审核"), "indicators:review_queue", 110,
                visible=roles.is_plan_office,
            )
        )
