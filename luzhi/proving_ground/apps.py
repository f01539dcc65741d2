from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvingGroundConfig(AppConfig):
    """The large-model proving ground (大模型试验场): models, filings, deployments, evaluations, leaderboards."""

    name = "luzhi.proving_ground"
    label = "proving_ground"
    verbose_name = _("大模型试验场")
    url_prefix = "proving/"

    def ready(self) -> None:
        # The indicator function (proving_ground.industry_models) and the policies register
        # themselves on import; the menu entry is registered here.
        from luzhi.core import nav, roles
        from luzhi.proving_ground import indicators, permissions  # noqa: F401

        nav.register(
            nav.NavItem("proving_ground", _("大模型试验场"), "proving_ground:index", 65,
                        current=("proving_ground:",))
        )
        # An evaluator lands on the proving ground after signing in.
        nav.register_landing(roles.is_evaluator, "proving_ground:index")
