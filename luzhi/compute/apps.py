from django.utils.translation import gettext_lazy as _

from luzhi.core import appconfig
from luzhi.core import roles
from luzhi.core.nav import NavItem


def _voucher_holder(user) -> bool:
    return roles.is_enterprise_user(user) or roles.is_center_operator(user)


class ComputeConfig(appconfig.LuzhiAppConfig):
    """Compute (算力): accelerators, compute centers and capacity, vouchers over a ledger, job placement."""

    name = "luzhi.compute"
    verbose_name = _("算力")
    url_prefix = "compute/"
    # The indicator functions (compute.province_eflops, compute.intelligent_share) and the
    # policies register themselves on import.
    registers = ("indicators", "permissions")
    menu = (
        NavItem(
            "compute",
            _("算力"),
            "compute:register",
            60,
            current=("compute:",),
            not_current=("compute:my_vouchers", "compute:placement", "compute:dispatches"),
        ),
        NavItem(
            "compute_vouchers",
            _("我的算力券"),
            "compute:my_vouchers",
            61,
            visible=_voucher_holder,
            current=("compute:my_vouchers", "compute:placement"),
        ),
        NavItem(
            "compute_dispatches",
            _("调度记录"),
            "compute:dispatches",
            62,
            visible=roles.is_center_operator,
            current=("compute:dispatches",),
        ),
    )
    # A center operator lands on the register (its center, its reviews) after signing in.
    landings = ((roles.is_center_operator, "compute:register"),)
