"""The double-entry ledger behind every movement of voucher money (复式记账).

A :class:`LedgerTransaction` is one movement; its :class:`LedgerEntry` rows
(signed integer fen, debit positive) always add up to zero. Entries are
append-only: a correction is a new transaction that reverses an old one. An
account's balance is the sum of its entries, never a stored number.

On PostgreSQL the database enforces this too (migration 0002): entries and
transactions refuse UPDATE and DELETE, and a deferred constraint trigger
refuses to commit a transaction whose entries do not add up to zero.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luzhi.core.fields import user_field


class LedgerAccount(models.Model):
    """An account of one programme: its funding source, its unissued budget, one per
    voucher (outstanding balance) and per voucher hold, and per payee what is owed
    (payable) and what was paid."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("资金来源")
        UNISSUED = "unissued", _("待发放预算")
        VOUCHER = "voucher", _("券余额")
        HOLD = "hold", _("冻结")
        PAYABLE = "payable", _("应付")
        PAID = "paid", _("已付")

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    program = models.ForeignKey("VoucherProgram", on_delete=models.PROTECT, related_name="accounts")
    voucher = models.ForeignKey("Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    center = models.ForeignKey("ComputeCenter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("账户")
        verbose_name_plural = _("账户")

    def __str__(self) -> str:
        return self.key


class LedgerTransaction(models.Model):
    """One movement of money: two or more entries that add up to zero."""

    class Kind(models.TextChoices):
        FUND = "fund", _("拨入预算")
        ISSUE = "issue", _("发券")
        HOLD = "hold", _("冻结")
        RELEASE = "release", _("释放")
        REDEEM = "redeem", _("核销")
        SETTLE = "settle", _("结算")
        RETURN = "return", _("收回余额")
        REVERSAL = "reversal", _("冲正")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    program = models.ForeignKey("VoucherProgram", on_delete=models.PROTECT, related_name="transactions")
    voucher = models.ForeignKey("Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions")
    redemption = models.ForeignKey(
        "Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    settlement = models.ForeignKey(
        "Settlement", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    # A transaction is reversed at most once.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    memo = models.CharField(max_length=200, blank=True)
    actor = user_field(blank=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class LedgerEntry(models.Model):
    """One line of a transaction: an account and a signed amount in fen (debit positive)."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount_fen = models.BigIntegerField()

    class Meta:
        ordering = ["transaction", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_fen=0), name="compute_entry_not_zero"),
        ]
        verbose_name = _("分录")
        verbose_name_plural = _("分录")

    def __str__(self) -> str:
        return f"{self.account} {self.amount_fen:+d}"
