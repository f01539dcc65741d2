"""Every write of the compute app (keyword-only, ``actor=``, atomic, recorded)."""

from luzhi.compute.services.capacity import (
    accelerator_save,
    center_create,
    center_review,
    center_update,
    convention_set,
    inventory_add,
    inventory_retire,
    inventory_review,
    utilisation_report,
)
from luzhi.compute.services.placement import (
    dispatch_refresh,
    dispatch_report_usage,
    dispatch_submit,
    job_dispatch,
    job_request_create,
)
from luzhi.compute.services.programs import (
    application_review,
    application_submit,
    program_create,
    program_report_record,
    program_set_status,
    program_update,
)
from luzhi.compute.services.vouchers import (
    IdempotencyConflict,
    redemption_reverse,
    settlement_run,
    voucher_expire,
    voucher_issue,
    voucher_redeem,
    voucher_revoke,
    vouchers_expire_due,
)

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
