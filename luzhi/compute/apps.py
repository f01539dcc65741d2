from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComputeConfig(AppConfig):
    """Compute (算力): accelerators, compute centers and capacity, vouchers over a ledger, job placement."""

    name = "luzhi.compute"
    label = "compute"
    verbose_name = _("算力")
