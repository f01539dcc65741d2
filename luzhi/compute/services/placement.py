"""Job requests and dispatch: the voucher hold and the dispatch record are written in one
transaction; the job goes to the center's scheduler after commit (a background task);
the metered usage reported back turns the hold into a redemption (proof of delivery)
and releases what was not used."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.compute import permissions
from luzhi.compute.adapters import AdapterError
from luzhi.compute.adapters import JobSpec
from luzhi.compute.adapters import adapter_for
from luzhi.compute.models import Dispatch
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import JobRequest
from luzhi.compute.models import Redemption
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherEvent
from luzhi.compute.models.ledger import LedgerAccount
from luzhi.compute.models.ledger import LedgerTransaction
from luzhi.compute.services import ledger
from luzhi.compute.services.common import event
from luzhi.compute.services.common import fingerprint
from luzhi.compute.services.common import idempotency_key as check_key
from luzhi.compute.services.common import subsidy_of
from luzhi.compute.services.vouchers import IdempotencyConflict
from luzhi.compute.services.vouchers import _refuse_unusable

E = VoucherEvent.Kind
K = LedgerAccount.Kind
T = LedgerTransaction.Kind
R = Redemption.Status


@transaction.atomic
def job_request_create(*, actor, enterprise, name: str, cards, hours, accelerator=None, precision: str = "",
                       min_tflops=None, region=None, budget_fen=None, deadline: date | None = None,
                       entrypoint: str = "") -> JobRequest:
    """An enterprise describes a job it wants placed."""
    if enterprise is None:
        raise ValidationError({"enterprise": _("未知的企业。")})
    permissions.jobs.require(actor, "request", enterprise)
    job = JobRequest(
        enterprise=enterprise, requested_by=actor if getattr(actor, "pk", None) else None, name=(name or "").strip(),
        accelerator=accelerator, precision=precision or "", min_tflops=min_tflops, cards=cards, hours=hours,
        region=region, budget_fen=budget_fen, deadline=deadline, entrypoint=(entrypoint or "").strip(),
    )
    job.full_clean()
    job.save()
    return job


@transaction.atomic
def job_dispatch(*, actor, job: JobRequest, inventory: InventoryItem, idempotency_key: str,
                 voucher: Voucher | None = None, today: date | None = None) -> Dispatch:
    """Send ``job`` to the center of ``inventory``, holding its subsidy on ``voucher`` in the
    same transaction as the dispatch record. Same key, same request: the same dispatch."""
    from luzhi.compute.placement import availability

    today = today or timezone.localdate()
    key = check_key(idempotency_key)
    permissions.dispatches.require(actor, "dispatch", job)
    digest_payload = {"job": job.pk, "inventory": inventory.pk, "voucher": getattr(voucher, "pk", None)}
    earlier = Dispatch.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        if (earlier.job_id, earlier.inventory_id) != (job.pk, inventory.pk):
            raise IdempotencyConflict({"idempotency_key": _("幂等键 %s 已用于另一次调度。") % key})
        return earlier
    inventory = InventoryItem.objects.select_for_update().select_related("center", "accelerator").get(pk=inventory.pk)
    free = availability([inventory])[inventory.pk]
    if free < job.cards:
        raise ValidationError(_("算力中心“%(c)s”当前空闲 %(f)d 卡,不足 %(n)d 卡。")
                              % {"c": inventory.center, "f": free, "n": job.cards})
    cost = inventory.price_fen_per_card_hour * job.cards * job.hours
    hold = None
    subsidy = 0
    if voucher is not None:
        voucher = Voucher.objects.select_for_update().select_related("program").get(pk=voucher.pk)
        if voucher.enterprise_id != job.enterprise_id:
            raise ValidationError({"voucher": _("只能使用本企业的券。")})
        if voucher.center_id != inventory.center_id:
            raise ValidationError({"voucher": _("该券只能在约定的算力中心“%s”使用。") % voucher.center})
        _refuse_unusable(voucher, today)
        balance = ledger.voucher_balance(voucher)
        subsidy = min(subsidy_of(cost, voucher.program.ratio_bp(inventory.accelerator.origin)), balance)
        if subsidy > 0:
            program = voucher.program
            hold = Redemption.objects.create(
                voucher=voucher, program=program, center_id=inventory.center_id, subsidy_fen=subsidy,
                idempotency_key=f"hold-{key}"[:64], payload_hash=fingerprint(digest_payload), status=R.HELD,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            ledger.post(
                T.HOLD, program,
                [
                    (ledger.account(K.HOLD, program, voucher=voucher), subsidy),
                    (ledger.account(K.VOUCHER, program, voucher=voucher), -subsidy),
                ],
                actor=actor, memo=f"dispatch {key}", voucher=voucher, redemption=hold,
            )
            changes = {"spent_fen": F("spent_fen") + subsidy}
            if subsidy == balance:
                changes["status"] = Voucher.Status.EXHAUSTED
            Voucher.objects.filter(pk=voucher.pk).update(**changes)
            event(E.HOLD, program=program, voucher=voucher, redemption=hold, actor=actor, amount_fen=subsidy,
                  note=job.name)
    dispatch = Dispatch.objects.create(
        job=job, center=inventory.center, inventory=inventory, hold=hold, idempotency_key=key,
        cost_fen=cost, subsidy_fen=subsidy,
    )
    if inventory.center.scheduler:
        from luzhi.compute.tasks import submit_dispatch

        transaction.on_commit(lambda: submit_dispatch.enqueue(dispatch.pk))
    return dispatch


def dispatch_submit(*, dispatch: Dispatch) -> Dispatch:
    """Hand a held dispatch to the center's scheduler (idempotent: the submission id is the
    dispatch key). Runs outside any transaction: the network call holds no lock."""
    dispatch = Dispatch.objects.select_related("job", "center").get(pk=dispatch.pk)
    if dispatch.status != Dispatch.Status.HELD:
        return dispatch
    job = dispatch.job
    spec = JobSpec(dispatch.idempotency_key, job.name, job.entrypoint or "true", job.cards, job.hours,
                   {"dispatch": dispatch.pk, "enterprise": job.enterprise_id})
    try:
        external = adapter_for(dispatch.center).submit(spec)
    except AdapterError as exc:
        Dispatch.objects.filter(pk=dispatch.pk).update(message=str(exc)[:2000])
        raise
    Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.HELD).update(
        status=Dispatch.Status.SUBMITTED, external_id=external, message=""
    )
    dispatch.refresh_from_db()
    return dispatch


def dispatch_refresh(*, dispatch: Dispatch) -> Dispatch:
    """Ask the scheduler where the job stands; keep its metered usage once it finished."""
    dispatch = Dispatch.objects.select_related("job", "center").get(pk=dispatch.pk)
    if not dispatch.external_id or dispatch.status in (Dispatch.Status.SUCCEEDED, Dispatch.Status.FAILED,
                                                       Dispatch.Status.CANCELLED):
        return dispatch
    status = adapter_for(dispatch.center).status(dispatch.external_id, cards=dispatch.job.cards)
    mapping = {"pending": Dispatch.Status.SUBMITTED, "running": Dispatch.Status.RUNNING,
               "succeeded": Dispatch.Status.SUCCEEDED, "failed": Dispatch.Status.FAILED,
               "cancelled": Dispatch.Status.CANCELLED}
    Dispatch.objects.filter(pk=dispatch.pk).update(
        status=mapping[status.state.value], message=status.message[:2000], metered_card_hours=status.card_hours
    )
    dispatch.refresh_from_db()
    return dispatch


@transaction.atomic
def dispatch_report_usage(*, actor, dispatch: Dispatch, card_hours, invoice_no: str, invoice_date: date,
                          today: date | None = None) -> Dispatch:
    """The center reports a finished job's metered usage with its invoice: the hold becomes
    a delivered redemption of ratio × the metered cost (never more than was held), and the
    rest of the hold goes back to the voucher."""
    today = today or timezone.localdate()
    permissions.dispatches.require(actor, "report", dispatch)
    dispatch = Dispatch.objects.select_for_update().select_related("inventory__accelerator", "job").get(pk=dispatch.pk)
    try:
        hours = Decimal(str(card_hours))
    except Exception:  # noqa: BLE001  (any unparsable number)
        raise ValidationError({"card_hours": _("卡时应为非负数。")}) from None
    if not hours.is_finite() or hours < 0:
        raise ValidationError({"card_hours": _("卡时应为非负数。")})
    invoice_no = (invoice_no or "").strip()
    if not invoice_no:
        raise ValidationError({"invoice_no": _("请填写发票号码。")})
    if invoice_date > today:
        raise ValidationError({"invoice_date": _("开票日期 %(d)s 晚于今天。") % {"d": invoice_date}})
    amount = int((hours * dispatch.inventory.price_fen_per_card_hour).to_integral_value(ROUND_HALF_UP))
    hold = dispatch.hold
    if hold is not None:
        voucher = Voucher.objects.select_for_update().select_related("program").get(pk=hold.voucher_id)
        hold = Redemption.objects.select_for_update().get(pk=hold.pk)
        if hold.status != R.HELD:
            if hold.invoice_no == invoice_no and hold.invoice_amount_fen == amount:
                return dispatch  # the same report again
            raise ValidationError(_("该作业的用量已回报过。"))
        if Redemption.objects.filter(center_id=dispatch.center_id, invoice_no=invoice_no).exclude(
            status=R.REVERSED
        ).exclude(pk=hold.pk).exists():
            raise ValidationError({"invoice_no": _("发票 %s 已核销过。") % invoice_no})
        program = voucher.program
        paid = min(subsidy_of(amount, program.ratio_bp(dispatch.inventory.accelerator.origin)), hold.subsidy_fen)
        released = hold.subsidy_fen - paid
        hold_account = ledger.account(K.HOLD, program, voucher=voucher)
        if paid:
            ledger.post(T.REDEEM, program,
                        [(ledger.account(K.PAYABLE, program, center=dispatch.center), paid), (hold_account, -paid)],
                        actor=actor, memo=invoice_no, voucher=voucher, redemption=hold)
        if released:
            ledger.post(T.RELEASE, program,
                        [(ledger.account(K.VOUCHER, program, voucher=voucher), released), (hold_account, -released)],
                        actor=actor, memo=f"release {dispatch.idempotency_key}", voucher=voucher, redemption=hold)
        Redemption.objects.filter(pk=hold.pk).update(
            status=R.REDEEMED if paid else R.RELEASED, subsidy_fen=paid or hold.subsidy_fen, invoice_no=invoice_no,
            invoice_date=invoice_date, invoice_amount_fen=amount, delivered=True,
        )
        changes = {"spent_fen": F("spent_fen") - released}
        if released and voucher.status == Voucher.Status.EXHAUSTED and today <= voucher.valid_until:
            changes["status"] = Voucher.Status.ACTIVE
        Voucher.objects.filter(pk=voucher.pk).update(**changes)
        if paid:
            event(E.REDEEM, program=program, voucher=voucher, redemption=hold, actor=actor, amount_fen=paid,
                  note=_("计量用量 %(h)s 卡时") % {"h": hours})
        if released:
            event(E.RELEASE, program=program, voucher=voucher, redemption=hold, actor=actor, amount_fen=released)
    Dispatch.objects.filter(pk=dispatch.pk).update(status=Dispatch.Status.SUCCEEDED, metered_card_hours=hours)
    dispatch.refresh_from_db()
    return dispatch
