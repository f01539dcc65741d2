from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvingGroundConfig(AppConfig):
    """The large-model proving ground (大模型试验场): models, filings, deployments, evaluations, leaderboards."""

    name = "luzhi.proving_ground"
    label = "proving_ground"
    verbose_name = _("大模型试验场")
