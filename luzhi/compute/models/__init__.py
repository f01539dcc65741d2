"""Compute (算力): the accelerator catalogue, compute centers and their capacity, voucher
programmes over a double-entry ledger, and job placement.

Models are grouped by mechanism: :mod:`.capacity` (what the province has),
:mod:`.vouchers` (who gets subsidised compute), :mod:`.ledger` (every movement of
money) and :mod:`.placement` (where a job runs).
"""

from luzhi.compute.models.capacity import AcceleratorModel
from luzhi.compute.models.capacity import CenterKind
from luzhi.compute.models.capacity import ComputeCenter
from luzhi.compute.models.capacity import CountingConvention
from luzhi.compute.models.capacity import InventoryItem
from luzhi.compute.models.capacity import Origin
from luzhi.compute.models.capacity import Precision
from luzhi.compute.models.capacity import UtilisationReport
from luzhi.compute.models.ledger import LedgerAccount
from luzhi.compute.models.ledger import LedgerEntry
from luzhi.compute.models.ledger import LedgerTransaction
from luzhi.compute.models.placement import Dispatch
from luzhi.compute.models.placement import JobRequest
from luzhi.compute.models.vouchers import EnterpriseYearUse
from luzhi.compute.models.vouchers import Redemption
from luzhi.compute.models.vouchers import Settlement
from luzhi.compute.models.vouchers import Voucher
from luzhi.compute.models.vouchers import VoucherApplication
from luzhi.compute.models.vouchers import VoucherEvent
from luzhi.compute.models.vouchers import VoucherProgram
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
