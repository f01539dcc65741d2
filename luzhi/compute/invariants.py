"""The voucher invariants, checked against the database: used by the tests (after every
step of the property-based test), the benchmark, and `luzhi compute check`.

:func:`violations` returns a list of sentences, empty when everything holds.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from luzhi.compute.models import EnterpriseYearUse
from luzhi.compute.models import LedgerAccount
from luzhi.compute.models import LedgerEntry
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherProgram
from luzhi.compute.services import ledger

K = LedgerAccount.Kind
R = Redemption.Status


def _balances(program) -> dict[str, int]:
    rows = (
        LedgerEntry.objects.filter(account__program=program)
        .values("account__key")
        .annotate(s=Sum("amount_fen"))
    )
    return {r["account__key"]: r["s"] for r in rows}


def violations(program: VoucherProgram | None = None) -> list[str]:
    """Every broken invariant of ``program`` (of every programme when None)."""
    problems = []
    unbalanced = ledger.unbalanced_transactions()
    if unbalanced:
        problems.append(f"unbalanced ledger transactions: {unbalanced[:10]}")
    programs = [program] if program is not None else list(VoucherProgram.objects.all())
    for p in programs:
        p.refresh_from_db()
        problems.extend(_program_violations(p))
    return problems


def _program_violations(p: VoucherProgram) -> list[str]:
    out = []
    bal = _balances(p)
    key = ledger.account_key
    unissued = bal.get(key(K.UNISSUED, p.pk), 0)
    if bal.get(key(K.FUNDING, p.pk), 0) != -p.budget_fen:
        out.append(f"{p.code}: funding account is not minus the budget")
    if unissued < 0:
        out.append(f"{p.code}: issued more than the budget ({unissued})")
    if unissued != p.budget_fen - p.committed_fen:
        out.append(f"{p.code}: unissued {unissued} != budget - committed {p.budget_fen - p.committed_fen}")
    vouchers = list(Voucher.objects.filter(program=p))
    committed = sum(v.face_fen - v.returned_fen for v in vouchers)
    if committed != p.committed_fen:
        out.append(f"{p.code}: committed counter {p.committed_fen} != vouchers' net face {committed}")
    by_voucher = defaultdict(lambda: {"spent": 0, "held": 0})
    payable = defaultdict(int)
    for r in Redemption.objects.filter(program=p).exclude(status__in=[R.REVERSED, R.RELEASED]):
        slot = by_voucher[r.voucher_id]
        slot["spent"] += r.subsidy_fen
        if r.status == R.HELD:
            slot["held"] += r.subsidy_fen
        elif r.status == R.REDEEMED:
            owner = f"c{r.center_id}" if r.payee == Redemption.Payee.CENTER else f"e{r.voucher.enterprise_id}"
            payable[owner] += r.subsidy_fen
    per_year = defaultdict(int)
    for v in vouchers:
        spent = by_voucher[v.pk]["spent"]
        vb = bal.get(key(K.VOUCHER, p.pk, voucher_id=v.pk), 0)
        hb = bal.get(key(K.HOLD, p.pk, voucher_id=v.pk), 0)
        if spent > v.face_fen:
            out.append(f"{v.code}: redeemed {spent} more than issued {v.face_fen}")
        if vb < 0 or hb < 0:
            out.append(f"{v.code}: negative balance (voucher {vb}, hold {hb})")
        if v.spent_fen != spent:
            out.append(f"{v.code}: spent counter {v.spent_fen} != redemptions {spent}")
        if vb != v.face_fen - spent - v.returned_fen:
            out.append(f"{v.code}: ledger balance {vb} != face - spent - returned")
        if hb != by_voucher[v.pk]["held"]:
            out.append(f"{v.code}: hold balance {hb} != held redemptions {by_voucher[v.pk]['held']}")
        per_year[(v.enterprise_id, v.year)] += v.face_fen - v.returned_fen
    for use in EnterpriseYearUse.objects.filter(program=p):
        if use.used_fen > use.cap_fen:
            out.append(f"{p.code}: enterprise {use.enterprise_id} {use.year} over its cap")
        if use.used_fen != per_year.get((use.enterprise_id, use.year), 0):
            out.append(f"{p.code}: enterprise {use.enterprise_id} {use.year} use counter out of step")
        if use.cap_fen != p.cap_fen_per_enterprise_year:
            out.append(f"{p.code}: enterprise {use.enterprise_id} cap differs from the programme's")
    for (enterprise_id, year), used in per_year.items():
        if used > p.cap_fen_per_enterprise_year:
            out.append(f"{p.code}: enterprise {enterprise_id} {year} issued {used} over the cap")
    for owner, amount in payable.items():
        acct = f"p{p.pk}:{K.PAYABLE.value}:{owner}"
        if bal.get(acct, 0) != amount:
            out.append(f"{acct}: payable {bal.get(acct, 0)} != unsettled redemptions {amount}")
    for acct, amount in bal.items():
        if f":{K.PAYABLE.value}:" in acct and amount and acct.split(":", 2)[2] not in payable:
            out.append(f"{acct}: payable {amount} without unsettled redemptions")
    paid = defaultdict(int)
    for s in Settlement.objects.filter(program=p):
        owner = f"c{s.center_id}" if s.center_id else f"e{s.enterprise_id}"
        paid[owner] += s.amount_fen
        settled = s.redemptions.aggregate(t=Sum("subsidy_fen"))["t"] or 0
        if settled != s.amount_fen:
            out.append(f"settlement {s.idempotency_key}: amount {s.amount_fen} != its redemptions {settled}")
    for owner, amount in paid.items():
        acct = f"p{p.pk}:{K.PAID.value}:{owner}"
        if bal.get(acct, 0) != amount:
            out.append(f"{acct}: paid {bal.get(acct, 0)} != settlements {amount}")
    total = sum(bal.values())
    if total != 0:
        out.append(f"{p.code}: accounts do not add up to zero ({total})")
    return out
