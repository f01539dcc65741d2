"""Background work of the compute app (Django's tasks API; the worker is `luzhi db_worker`).

Every task takes ids and is idempotent: submitting a dispatch twice sends it
once (the submission id is the dispatch key); settling with the same key pays
once; expiring skips vouchers already expired.
"""

from datetime import date

from django_tasks import task

from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import Dispatch
from luzhi.compute.models import VoucherProgram


@task()
def submit_dispatch(dispatch_id: int) -> str:
    """Send a held dispatch to its center's scheduler; returns the scheduler's job id."""
    from luzhi.compute.services.placement import dispatch_submit

    return dispatch_submit(dispatch=Dispatch.objects.get(pk=dispatch_id)).external_id


@task()
def refresh_dispatch(dispatch_id: int) -> str:
    """Ask the scheduler where a dispatched job stands; returns its status."""
    from luzhi.compute.services.placement import dispatch_refresh

    return dispatch_refresh(dispatch=Dispatch.objects.get(pk=dispatch_id)).status


@task()
def settle_center(program_id: int, center_id: int, idempotency_key: str, actor_id: int) -> int:
    """Settle a center's delivered redemptions; a retry with the same key pays nothing twice."""
    from luzhi.accounts.models import User
    from luzhi.compute.services import settlement_run

    settlement = settlement_run(
        actor=User.objects.get(pk=actor_id), program=VoucherProgram.objects.get(pk=program_id),
        center=ComputeCenter.objects.get(pk=center_id), idempotency_key=idempotency_key,
    )
    return settlement.amount_fen


@task()
def expire_vouchers(day: str | None = None) -> int:
    """Expire every voucher past its validity (daily)."""
    from luzhi.compute.services import vouchers_expire_due

    return vouchers_expire_due(today=date.fromisoformat(day) if day else None)
