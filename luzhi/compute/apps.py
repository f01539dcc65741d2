from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComputeConfig(AppConfig):
    """Compute (算力): accelerators, compute centers and capacity, vouchers over a ledger, job placement."""

    name = "luzhi.compute"
    label = "compute"
    verbose_name = _("算力")
    url_prefix = "compute/"

    def ready(self) -> None:
        # The indicator functions (compute.province_eflops, compute.intelligent_share) and the
        # policies register themselves on import; the menu entries are registered here.
        from luzhi.compute import indicators, permissions  # noqa: F401
        from luzhi.core import nav, roles

        nav.register(
            nav.NavItem("compute", _("算力"), "compute:register", 60, current=("compute:",),
                        not_current=("compute:my_vouchers", "compute:placement", "compute:dispatches"))
        )
        nav.register(
            nav.NavItem("compute_vouchers", _("我的算力券"), "compute:my_vouchers", 61,
                        visible=lambda user: roles.is_enterprise_user(user) or roles.is_center_operator(user),
                        current=("compute:my_vouchers", "compute:placement"))
        )
        nav.register(
            nav.NavItem("compute_dispatches", _("调度记录"), "compute:dispatches", 62,
                        visible=roles.is_center_operator, current=("compute:dispatches",))
        )
        # A center operator lands on the register (its center, its reviews) after signing in.
        nav.register_landing(roles.is_center_operator, "compute:register")
