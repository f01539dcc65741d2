"""Posting to the double-entry ledger: accounts, balanced transactions, reversals, balances.

Only the voucher services call :func:`post`; they hold the row locks that make
a balance read here safe to act on (see services/vouchers.py).
"""

from __future__ import annotations

from django.db import IntegrityError
from django.db import transaction
from django.db.models import Sum

from luzhi.compute.models import LedgerAccount
from luzhi.compute.models import LedgerEntry
from luzhi.compute.models import LedgerTransaction

K = LedgerAccount.Kind


class LedgerError(Exception):
    """A transaction that would break double entry (a bug, never user input)."""


def account_key(kind: str, program_id: int, *, voucher_id=None, center_id=None, enterprise_id=None) -> str:
    parts = [f"p{program_id}", kind]
    if voucher_id:
        parts.append(f"v{voucher_id}")
    if center_id:
        parts.append(f"c{center_id}")
    if enterprise_id:
        parts.append(f"e{enterprise_id}")
    return ":".join(parts)


def account(kind: str, program, *, voucher=None, center=None, enterprise=None) -> LedgerAccount:
    """The account of this kind and owner, created on first use (safe under concurrency:
    a racing insert loses on the unique key and reads the winner's row)."""
    key = account_key(
        kind, program.pk,
        voucher_id=getattr(voucher, "pk", None),
        center_id=getattr(center, "pk", None),
        enterprise_id=getattr(enterprise, "pk", None),
    )
    found = LedgerAccount.objects.filter(key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(
                key=key, kind=kind, program=program, voucher=voucher, center=center, enterprise=enterprise
            )
    except IntegrityError:
        return LedgerAccount.objects.get(key=key)


def post(kind: str, program, lines: list[tuple[LedgerAccount, int]], *, actor=None, memo: str = "",
         reverses: LedgerTransaction | None = None, **links) -> LedgerTransaction:
    """Write one balanced transaction: ``lines`` are (account, signed fen), debit positive."""
    lines = [(acct, int(amount)) for acct, amount in lines if amount]
    if len(lines) < 2 or sum(amount for _, amount in lines) != 0:
        raise LedgerError(f"unbalanced or empty transaction: {lines!r}")
    txn = LedgerTransaction.objects.create(
        kind=kind, program=program, memo=memo[:200], reverses=reverses,
        actor=actor if getattr(actor, "pk", None) else None, **links,
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=txn, account=acct, amount_fen=amount) for acct, amount in lines
    )
    return txn


def reverse(txn: LedgerTransaction, *, actor=None, memo: str = "", **links) -> LedgerTransaction:
    """A correction: a new transaction with every entry of ``txn`` negated (never an edit)."""
    lines = [(e.account, -e.amount_fen) for e in txn.entries.select_related("account")]
    return post(
        LedgerTransaction.Kind.REVERSAL, txn.program, lines, actor=actor,
        memo=memo or f"reversal of #{txn.pk}", reverses=txn, **links,
    )


def balance(acct: LedgerAccount | None) -> int:
    """An account's balance: the sum of its entries (0 for an account never used)."""
    if acct is None or acct.pk is None:
        return 0
    return LedgerEntry.objects.filter(account=acct).aggregate(s=Sum("amount_fen"))["s"] or 0


def balance_by_key(key: str) -> int:
    return LedgerEntry.objects.filter(account__key=key).aggregate(s=Sum("amount_fen"))["s"] or 0


def voucher_balance(voucher) -> int:
    """What a voucher can still pay (its outstanding balance, holds excluded)."""
    return balance_by_key(account_key(K.VOUCHER, voucher.program_id, voucher_id=voucher.pk))


def voucher_held(voucher) -> int:
    return balance_by_key(account_key(K.HOLD, voucher.program_id, voucher_id=voucher.pk))


def program_unissued(program) -> int:
    """The programme's budget not yet issued (net of balances returned)."""
    return balance_by_key(account_key(K.UNISSUED, program.pk))


def unbalanced_transactions():
    """Ids of transactions whose entries do not add up to zero (always empty)."""
    return list(
        LedgerEntry.objects.values("transaction_id")
        .annotate(s=Sum("amount_fen"))
        .exclude(s=0)
        .values_list("transaction_id", flat=True)
    )
