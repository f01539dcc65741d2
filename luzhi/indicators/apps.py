from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """Indicators, observations, the indicator-function registry and the cockpit."""

    name = "luzhi.indicators"
    label = "indicators"
    verbose_name = _("指标与驾驶舱")
