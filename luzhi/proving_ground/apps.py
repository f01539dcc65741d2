from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core import roles
from luzhi.core.nav import NavItem


class ProvingGroundConfig(appconfig.LuzhiAppConfig):
    """The large-model proving ground (大模型试验场): models, filings, deployments, evaluations, leaderboards."""

    name = "luzhi.proving_ground"
    verbose_name = _("大模型试验场")
    url_prefix = "proving/"
    # The indicator function (proving_ground.industry_models) and the policies register
    # themselves on import.
    registers = ("indicators", "permissions")
    menu = (
        NavItem(
            "proving_ground",
            _("大模型试验场"),
            "proving_ground:index",
            65,
            current=("proving_ground:",),
        ),
    )
    # An evaluator lands on the proving ground after signing in.
    landings = ((roles.is_evaluator, "proving_ground:index"),)
