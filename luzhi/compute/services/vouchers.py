"""Issuing, redeeming, revoking, expiring, reversing and settling vouchers.

Concurrency: every service that moves money locks rows in one fixed order —
programme, then voucher, then redemptions (by id) — and reads balances from the
ledger only while holding those locks, so two requests never both spend the
same fen. The counters on programme, enterprise-year and voucher rows are kept
in step and checked by the database (CHECK constraints): a bug that slipped
past the locks would fail the transaction, not overspend.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.compute import permissions
from luzhi.compute.models import EnterpriseYearUse
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherEvent
from luzhi.compute.models import VoucherProgram
from luzhi.compute.models.ledger import LedgerAccount
from luzhi.compute.models.ledger import LedgerTransaction
from luzhi.compute.services import ledger
from luzhi.compute.services.common import event
from luzhi.compute.services.common import fen
from luzhi.compute.services.common import fingerprint
from luzhi.compute.services.common import idempotency_key as check_key
from luzhi.compute.services.common import subsidy_of
from luzhi.compute.services.programs import related
from luzhi.core.services import StateConflict

E = VoucherEvent.Kind
K = LedgerAccount.Kind
T = LedgerTransaction.Kind
R = Redemption.Status
V = Voucher.Status


class IdempotencyConflict(StateConflict):
    """The idempotency key was used before for a different request (the API answers 409)."""


_CHECKPOINTS: dict[str, list[Callable[[], None]]] = {}


def on_checkpoint(name: str, hook: Callable[[], None]) -> None:
    """Run ``hook`` when a service passes the named point (fault injection in tests)."""
    _CHECKPOINTS.setdefault(name, []).append(hook)


def clear_checkpoints() -> None:
    _CHECKPOINTS.clear()


def _checkpoint(name: str) -> None:
    for hook in _CHECKPOINTS.get(name, ()):
        hook()


def _lock_program(program) -> VoucherProgram:
    return VoucherProgram.objects.select_for_update().get(pk=program.pk)


def _lock_voucher(voucher, *, related: bool = False) -> Voucher:
    qs = Voucher.objects.select_for_update(of=("self",))
    if related:  # read the programme, center and enterprise in the same query (only the voucher is locked)
        qs = qs.select_related("program", "center", "enterprise")
    return qs.get(pk=voucher.pk)


def _use_row(program, enterprise, year) -> EnterpriseYearUse:
    """The enterprise's yearly-use row, created at need and locked (the programme is locked)."""
    row, _created = EnterpriseYearUse.objects.get_or_create(
        program=program, enterprise=enterprise, year=year,
        defaults={"cap_fen": program.cap_fen_per_enterprise_year},
    )
    return EnterpriseYearUse.objects.select_for_update().get(pk=row.pk)


def _return_balance(voucher: Voucher, program: VoucherProgram, *, actor, memo: str) -> int:
    """Give a voucher's unspent balance back to the programme (revoke, expire)."""
    remaining = ledger.voucher_balance(voucher)
    if remaining > 0:
        ledger.post(
            T.RETURN, program,
            [
                (ledger.account(K.UNISSUED, program), remaining),
                (ledger.account(K.VOUCHER, program, voucher=voucher), -remaining),
            ],
            actor=actor, memo=memo, voucher=voucher,
        )
        Voucher.objects.filter(pk=voucher.pk).update(returned_fen=F("returned_fen") + remaining)
        VoucherProgram.objects.filter(pk=program.pk).update(committed_fen=F("committed_fen") - remaining)
        EnterpriseYearUse.objects.filter(
            program=program, enterprise_id=voucher.enterprise_id, year=voucher.year
        ).update(used_fen=F("used_fen") - remaining)
    return remaining


@transaction.atomic
def voucher_issue(*, actor, application: VoucherApplication, valid_until: date | None = None,
                  today: date | None = None) -> Voucher:
    """Issue the voucher of an approved application: within the budget and the enterprise's
    yearly cap, both checked under the programme's lock. A reimbursement programme pays
    the proven invoice at once (the voucher is redeemed in the same transaction)."""
    today = today or timezone.localdate()
    program = _lock_program(application.program)
    application = VoucherApplication.objects.select_for_update().get(pk=application.pk)
    probe = Voucher(program=program, enterprise_id=application.enterprise_id, center_id=application.center_id)
    permissions.vouchers.require(actor, "issue", probe)
    if application.status != VoucherApplication.Status.APPROVED:
        raise StateConflict(_("申领当前为“%s”,只有审核通过的申领可以发券。") % application.get_status_display())
    if program.status != VoucherProgram.Status.OPEN or today > program.valid_until:
        raise ValidationError(_("券种计划“%s”已不在发放期内。") % program)
    amount = application.requested_fen
    unissued = ledger.program_unissued(program)
    if amount > unissued:
        raise ValidationError(
            _("计划资金不足:申请 %(a)d 分,剩余可发放 %(u)d 分。") % {"a": amount, "u": unissued}
        )
    use = _use_row(program, application.enterprise, application.year)
    if use.used_fen + amount > use.cap_fen:
        raise ValidationError(
            _("超过企业 %(y)d 年度上限:已用 %(used)d 分,上限 %(cap)d 分。")
            % {"y": application.year, "used": use.used_fen, "cap": use.cap_fen}
        )
    until = min(valid_until or program.valid_until, program.valid_until)
    if until < today:
        raise ValidationError({"valid_until": _("有效期不能早于今天。")})
    voucher = Voucher.objects.create(
        code=f"TMP-{application.pk}", program=program, application=application,
        enterprise_id=application.enterprise_id, center_id=application.center_id, origin=application.origin,
        year=application.year, face_fen=amount, valid_until=until,
    )
    voucher.code = f"{program.code[:16].upper()}-{application.year}-{voucher.pk:06d}"
    voucher.save(update_fields=["code"])
    ledger.post(
        T.ISSUE, program,
        [
            (ledger.account(K.VOUCHER, program, voucher=voucher), amount),
            (ledger.account(K.UNISSUED, program), -amount),
        ],
        actor=actor, memo=voucher.code, voucher=voucher,
    )
    VoucherProgram.objects.filter(pk=program.pk).update(committed_fen=F("committed_fen") + amount)
    EnterpriseYearUse.objects.filter(pk=use.pk).update(used_fen=F("used_fen") + amount)
    application.status = VoucherApplication.Status.ISSUED
    application.save(update_fields=["status", "updated_at"])
    event(E.ISSUE, program=program, application=application, voucher=voucher, actor=actor, amount_fen=amount)
    if program.pattern == VoucherProgram.Pattern.REIMBURSE:
        _reimburse(voucher, program, application, actor=actor)
    return voucher


def _reimburse(voucher: Voucher, program, application, *, actor) -> Redemption:
    """Pay a reimbursement voucher's whole face to the enterprise against its proven invoice."""
    amount = voucher.face_fen
    redemption = Redemption.objects.create(
        voucher=voucher, program=program, center_id=voucher.center_id, payee=Redemption.Payee.ENTERPRISE,
        invoice_no=application.invoice_no, invoice_date=application.invoice_date,
        invoice_amount_fen=application.invoice_amount_fen or 0, subsidy_fen=amount,
        idempotency_key=f"reimburse-{application.pk}", payload_hash="", status=R.REDEEMED, delivered=True,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ledger.post(
        T.REDEEM, program,
        [
            (ledger.account(K.PAYABLE, program, enterprise=voucher.enterprise), amount),
            (ledger.account(K.VOUCHER, program, voucher=voucher), -amount),
        ],
        actor=actor, memo=application.invoice_no, voucher=voucher, redemption=redemption,
    )
    Voucher.objects.filter(pk=voucher.pk).update(spent_fen=F("spent_fen") + amount, status=V.EXHAUSTED)
    event(E.REDEEM, program=program, voucher=voucher, redemption=redemption, actor=actor, amount_fen=amount,
          note=_("凭票补贴"))
    return redemption


def _refuse_unusable(voucher: Voucher, today: date) -> None:
    if voucher.status == V.REVOKED:
        raise ValidationError(_("券 %s 已撤销,不能使用。") % voucher.code)
    if voucher.status == V.EXPIRED or today > voucher.valid_until:
        raise ValidationError(_("券 %(c)s 已于 %(d)s 过期,不能使用。") % {"c": voucher.code, "d": voucher.valid_until})
    if voucher.status == V.EXHAUSTED:
        raise ValidationError(_("券 %s 余额已用完。") % voucher.code)


def _replay(key: str, payload_hash: str):
    """The earlier redemption with this key (same request), or a conflict (another request)."""
    earlier = Redemption.objects.filter(idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.payload_hash != payload_hash:
        raise IdempotencyConflict(
            {"idempotency_key": _("幂等键 %s 已用于另一笔不同的核销,请勿重复使用。") % key}
        )
    return earlier


@transaction.atomic
def voucher_redeem(*, actor, voucher: Voucher, invoice_no: str, invoice_date: date, invoice_amount_fen,
                   idempotency_key: str, today: date | None = None) -> Redemption:
    """A center redeems a voucher against its own invoice: pays ratio × amount, up to the
    voucher's remaining balance. Retrying with the same key returns the first result."""
    today = today or timezone.localdate()
    key = check_key(idempotency_key)
    amount = fen(invoice_amount_fen, "invoice_amount_fen")
    invoice_no = (invoice_no or "").strip()
    if not invoice_no:
        raise ValidationError({"invoice_no": _("请填写发票号码。")})
    if not isinstance(invoice_date, date):
        raise ValidationError({"invoice_date": _("请填写开票日期。")})
    if invoice_date > today:
        raise ValidationError({"invoice_date": _("开票日期 %(d)s 晚于今天。") % {"d": invoice_date}})
    payload = {"voucher": voucher.pk, "invoice_no": invoice_no, "invoice_date": invoice_date.isoformat(),
               "amount": amount}
    digest = fingerprint(payload)
    permissions.vouchers.require(actor, "redeem", voucher)
    voucher = _lock_voucher(voucher, related=True)
    earlier = _replay(key, digest)
    if earlier is not None:
        return earlier
    program = voucher.program
    if program.pattern != VoucherProgram.Pattern.ISSUE_FIRST:
        raise ValidationError(_("凭票补贴类券种不在算力中心核销。"))
    _refuse_unusable(voucher, today)
    if related(voucher.enterprise, voucher.center):
        raise ValidationError(_("购买方与算力中心存在关联关系,不能核销。"))
    if Redemption.objects.filter(center_id=voucher.center_id, invoice_no=invoice_no).exclude(status=R.REVERSED).exists():
        raise ValidationError({"invoice_no": _("发票 %s 已核销过。") % invoice_no})
    balance = ledger.voucher_balance(voucher)
    subsidy = min(subsidy_of(amount, program.ratio_bp(voucher.origin)), balance)
    if subsidy <= 0:
        raise ValidationError({"invoice_amount_fen": _("发票金额过小,补贴不足 1 分。")})
    try:
        with transaction.atomic():
            redemption = Redemption.objects.create(
                voucher=voucher, program=program, center_id=voucher.center_id, invoice_no=invoice_no,
                invoice_date=invoice_date, invoice_amount_fen=amount, subsidy_fen=subsidy,
                idempotency_key=key, payload_hash=digest, status=R.REDEEMED, delivered=True,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # Another voucher's redemption took this key (or invoice) a moment ago.
        _replay(key, digest)
        raise ValidationError({"invoice_no": _("发票 %s 已核销过。") % invoice_no}) from None
    ledger.post(
        T.REDEEM, program,
        [
            (ledger.account(K.PAYABLE, program, center=voucher.center), subsidy),
            (ledger.account(K.VOUCHER, program, voucher=voucher), -subsidy),
        ],
        actor=actor, memo=invoice_no, voucher=voucher, redemption=redemption,
    )
    changes = {"spent_fen": F("spent_fen") + subsidy}
    if subsidy == balance:
        changes["status"] = V.EXHAUSTED
    Voucher.objects.filter(pk=voucher.pk).update(**changes)
    event(E.REDEEM, program=program, voucher=voucher, redemption=redemption, actor=actor, amount_fen=subsidy,
          note=invoice_no)
    return redemption


@transaction.atomic
def voucher_revoke(*, actor, voucher: Voucher, reason: str) -> Voucher:
    """Revoke a voucher (e.g. a false declaration): its unspent balance goes back to the
    programme and the enterprise's cap; what was redeemed stays redeemed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("撤销时请说明原因。")})
    permissions.vouchers.require(actor, "revoke", voucher)
    program = _lock_program(voucher.program)
    voucher = _lock_voucher(voucher)
    if voucher.status not in (V.ACTIVE, V.EXHAUSTED):
        raise StateConflict(_("券 %(c)s 当前为“%(s)s”,不能撤销。") % {"c": voucher.code, "s": voucher.get_status_display()})
    returned = _return_balance(voucher, program, actor=actor, memo=f"revoke {voucher.code}")
    Voucher.objects.filter(pk=voucher.pk).update(status=V.REVOKED)
    event(E.REVOKE, program=program, voucher=voucher, actor=actor, amount_fen=returned, note=reason)
    voucher.refresh_from_db()
    return voucher


@transaction.atomic
def voucher_expire(*, actor=None, voucher: Voucher, today: date | None = None) -> Voucher:
    """Expire a voucher past its validity; its unspent balance returns to the programme."""
    today = today or timezone.localdate()
    program = _lock_program(voucher.program)
    voucher = _lock_voucher(voucher)
    if voucher.status not in (V.ACTIVE, V.EXHAUSTED) or today <= voucher.valid_until:
        raise ValidationError(_("券 %s 未到期或已失效。") % voucher.code)
    returned = _return_balance(voucher, program, actor=actor, memo=f"expire {voucher.code}")
    Voucher.objects.filter(pk=voucher.pk).update(status=V.EXPIRED)
    event(E.EXPIRE, program=program, voucher=voucher, actor=actor, amount_fen=returned)
    voucher.refresh_from_db()
    return voucher


def vouchers_expire_due(*, today: date | None = None) -> int:
    """Expire every voucher past its validity (the daily task); each in its own transaction."""
    today = today or timezone.localdate()
    count = 0
    for voucher in Voucher.objects.filter(status__in=[V.ACTIVE, V.EXHAUSTED], valid_until__lt=today):
        voucher_expire(voucher=voucher, today=today)
        count += 1
    return count


@transaction.atomic
def redemption_reverse(*, actor, redemption: Redemption, reason: str) -> Redemption:
    """Correct a wrong redemption (not yet settled) with a reversing ledger transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("冲正时请说明原因。")})
    permissions.redemptions.require(actor, "reverse", redemption)
    _lock_program(redemption.program)
    voucher = _lock_voucher(redemption.voucher)
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.status != R.REDEEMED:
        raise ValidationError(_("只有已核销、未结算的记录可以冲正(当前:%s)。") % redemption.get_status_display())
    original = redemption.transactions.get(kind=T.REDEEM)
    ledger.reverse(original, actor=actor, memo=reason[:200], voucher=voucher, redemption=redemption)
    Redemption.objects.filter(pk=redemption.pk).update(status=R.REVERSED)
    changes = {"spent_fen": F("spent_fen") - redemption.subsidy_fen}
    if voucher.status == V.EXHAUSTED:
        changes["status"] = V.ACTIVE
    Voucher.objects.filter(pk=voucher.pk).update(**changes)
    event(E.REVERSE, program=redemption.program, voucher=voucher, redemption=redemption, actor=actor,
          amount_fen=redemption.subsidy_fen, note=reason)
    redemption.refresh_from_db()
    return redemption


@transaction.atomic
def settlement_run(*, actor, program: VoucherProgram, idempotency_key: str, center=None,
                   enterprise=None) -> Settlement:
    """Pay a center (or, for reimbursement, an enterprise) every delivered, unsettled
    redemption of a programme. Idempotent: the same key returns the same settlement, so a
    worker that dies mid-way and is retried pays once; another request with the same key
    is refused."""
    key = check_key(idempotency_key)
    if (center is None) == (enterprise is None):
        raise ValidationError(_("请指定一个结算对象:算力中心或企业。"))
    permissions.settlements.require(actor, "settle", program)
    digest = fingerprint({"program": program.pk, "center": getattr(center, "pk", None),
                         "enterprise": getattr(enterprise, "pk", None)})
    program = _lock_program(program)
    earlier = Settlement.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        if earlier.payload_hash != digest:
            raise IdempotencyConflict({"idempotency_key": _("幂等键 %s 已用于另一笔结算。") % key})
        return earlier
    due = Redemption.objects.select_for_update().filter(
        program=program, status=R.REDEEMED, delivered=True, settlement__isnull=True
    ).order_by("pk")
    if center is not None:
        due = due.filter(payee=Redemption.Payee.CENTER, center=center)
    else:
        due = due.filter(payee=Redemption.Payee.ENTERPRISE, voucher__enterprise=enterprise)
    due = list(due)
    total = sum(r.subsidy_fen for r in due)
    if total <= 0:
        raise ValidationError(_("没有待结算的已交付核销。"))
    settlement = Settlement.objects.create(
        program=program, center=center, enterprise=enterprise, amount_fen=total, idempotency_key=key,
        payload_hash=digest, created_by=actor if getattr(actor, "pk", None) else None,
    )
    owner = {"center": center} if center is not None else {"enterprise": enterprise}
    ledger.post(
        T.SETTLE, program,
        [
            (ledger.account(K.PAID, program, **owner), total),
            (ledger.account(K.PAYABLE, program, **owner), -total),
        ],
        actor=actor, memo=key, settlement=settlement,
    )
    Redemption.objects.filter(pk__in=[r.pk for r in due]).update(status=R.SETTLED, settlement=settlement)
    event(E.SETTLE, program=program, settlement=settlement, actor=actor, amount_fen=total,
          note=_("%d 笔核销") % len(due))
    _checkpoint("settlement.before_commit")
    return settlement
