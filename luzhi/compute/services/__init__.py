"""Every write of the compute app (keyword-only, ``actor=``, atomic, recorded)."""

from luzhi.compute.services.capacity import accelerator_save
from luzhi.compute.services.capacity import center_create
from luzhi.compute.services.capacity import center_review
from luzhi.compute.services.capacity import center_update
from luzhi.compute.services.capacity import convention_set
from luzhi.compute.services.capacity import inventory_add
from luzhi.compute.services.capacity import inventory_retire
from luzhi.compute.services.capacity import inventory_review
from luzhi.compute.services.capacity import utilisation_report
from luzhi.compute.services.placement import dispatch_refresh
from luzhi.compute.services.placement import dispatch_report_usage
from luzhi.compute.services.placement import dispatch_submit
from luzhi.compute.services.placement import job_dispatch
from luzhi.compute.services.placement import job_request_create
from luzhi.compute.services.programs import application_review
from luzhi.compute.services.programs import application_submit
from luzhi.compute.services.programs import program_create
from luzhi.compute.services.programs import program_report_record
from luzhi.compute.services.programs import program_set_status
from luzhi.compute.services.programs import program_update
from luzhi.compute.services.vouchers import IdempotencyConflict
from luzhi.compute.services.vouchers import redemption_reverse
from luzhi.compute.services.vouchers import settlement_run
from luzhi.compute.services.vouchers import voucher_expire
from luzhi.compute.services.vouchers import voucher_issue
from luzhi.compute.services.vouchers import voucher_redeem
from luzhi.compute.services.vouchers import voucher_revoke
from luzhi.compute.services.vouchers import vouchers_expire_due

__all__ = [
    "IdempotencyConflict",
    "accelerator_save",
    "application_review",
    "application_submit",
    "center_create",
    "center_review",
    "center_update",
    "convention_set",
    "dispatch_refresh",
    "dispatch_report_usage",
    "dispatch_submit",
    "inventory_add",
    "inventory_retire",
    "inventory_review",
    "job_dispatch",
    "job_request_create",
    "program_create",
    "program_report_record",
    "program_set_status",
    "program_update",
    "redemption_reverse",
    "settlement_run",
    "utilisation_report",
    "voucher_expire",
    "voucher_issue",
    "voucher_redeem",
    "voucher_revoke",
    "vouchers_expire_due",
]
