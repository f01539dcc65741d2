"""Compute (算力): the accelerator catalogue, compute centers and their capacity, voucher
programmes over a double-entry ledger, and job placement.

Models are grouped by mechanism: :mod:`.capacity` (what the province has),
:mod:`.vouchers` (who gets subsidised compute), :mod:`.ledger` (every movement of
money) and :mod:`.placement` (where a job runs).
"""

from luzhi.compute.models.capacity import (
    AcceleratorModel,
    CenterKind,
    ComputeCenter,
    CountingConvention,
    InventoryItem,
    Origin,
    Precision,
    UtilisationReport,
)
from luzhi.compute.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from luzhi.compute.models.placement import Dispatch, JobRequest
from luzhi.compute.models.vouchers import (
    EnterpriseYearUse,
    Redemption,
    Settlement,
    Voucher,
    VoucherApplication,
    VoucherEvent,
    VoucherProgram,
)
from luzhi.core.fields import ReviewStatus

__all__ = [
    "AcceleratorModel",
    "CenterKind",
    "ComputeCenter",
    "CountingConvention",
    "Dispatch",
    "EnterpriseYearUse",
    "InventoryItem",
    "JobRequest",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Origin",
    "Precision",
    "Redemption",
    "ReviewStatus",
    "Settlement",
    "UtilisationReport",
    "Voucher",
    "VoucherApplication",
    "VoucherEvent",
    "VoucherProgram",
]
