"""Property-based: random sequences of issue / redeem / retry / revoke / expire / reverse /
settle, with every invariant checked after each step (Hypothesis stateful testing).

The machine keeps its own model of what must be true (what each voucher paid, what
each key returned) and compares the database with it; ``invariants.violations``
checks the ledger, the counters and the caps.
"""

from __future__ import annotations

import itertools
from datetime import date
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import initialize
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule
from hypothesis.stateful import run_state_machine_as_test

from luzhi.compute import invariants
from luzhi.compute import services
from luzhi.compute.models import Redemption
from luzhi.compute.models import Voucher
from luzhi.compute.services import ledger
from luzhi.compute.tests import factories

TODAY = date(2026, 3, 15)
SERIAL = itertools.count(1)


class VoucherMachine(RuleBasedStateMachine):
    """One programme, two enterprises, one center; the day moves forward now and then."""

    office = operator = applicant = center = None  # set by the test before running

    @initialize(budget=st.integers(50_000, 400_000), cap=st.integers(30_000, 200_000),
                ratio=st.integers(1000, 10_000))
    def setup(self, budget, cap, ratio):
        self.today = TODAY
        self.program = factories.program(
            self.office, budget_fen=budget, cap=cap, ratio_domestic_bp=ratio, ratio_imported_bp=ratio,
            valid_until=date(2027, 12, 31),
        )
        self.enterprises = [factories.enterprise(members=[self.applicant]) for _ in range(2)]
        self.vouchers: list[Voucher] = []
        self.keys: dict[str, tuple[int, int]] = {}  # key -> (redemption id, invoice amount)

    def _next(self) -> int:
        # Unique across examples too: they share the center, whose invoice numbers are unique.
        return next(SERIAL)

    @rule(who=st.integers(0, 1), amount=st.integers(1, 120_000), days=st.integers(0, 60))
    def issue(self, who, amount, days):
        used = sum(v.face_fen - v.returned_fen for v in self._fresh() if v.enterprise_id == self.enterprises[who].pk)
        unissued = ledger.program_unissued(self.program)
        try:
            v = factories.issued_voucher(
                self.office, self.applicant, program=self.program, enterprise=self.enterprises[who],
                center=self.center, requested=amount, contract=amount * 20, today=self.today,
                contract_no=f"H-{self._next()}",
            )
        except ValidationError:
            # Refused only when it did not fit the cap or the budget.
            assert amount > self.program.cap_fen_per_enterprise_year - used or amount > unissued
            return
        assert amount <= unissued and used + amount <= self.program.cap_fen_per_enterprise_year
        if days:
            Voucher.objects.filter(pk=v.pk).update(valid_until=self.today + timedelta(days=days))
        self.vouchers.append(v)

    def _fresh(self) -> list[Voucher]:
        return list(Voucher.objects.filter(pk__in=[v.pk for v in self.vouchers]))

    @precondition(lambda self: self.vouchers)
    @rule(data=st.data(), amount=st.integers(1, 300_000))
    def redeem(self, data, amount):
        voucher = data.draw(st.sampled_from(self._fresh()))
        balance = ledger.voucher_balance(voucher)
        key = f"key-{self._next():06d}"
        try:
            r = services.voucher_redeem(
                actor=self.operator, voucher=voucher, invoice_no=f"INV-{key}", invoice_date=TODAY,
                invoice_amount_fen=amount, idempotency_key=key, today=self.today,
            )
        except ValidationError:
            usable = voucher.status == "active" and self.today <= voucher.valid_until and balance > 0
            expected = min(amount * self.program.ratio_imported_bp // 10_000, balance)
            assert not usable or expected == 0
            return
        assert r.subsidy_fen == min(amount * self.program.ratio_imported_bp // 10_000, balance)
        self.keys[key] = (r.pk, amount)

    @precondition(lambda self: self.keys)
    @rule(data=st.data(), same=st.booleans())
    def retry(self, data, same):
        key = data.draw(st.sampled_from(sorted(self.keys)))
        pk, amount = self.keys[key]
        r = Redemption.objects.get(pk=pk)
        try:
            again = services.voucher_redeem(
                actor=self.operator, voucher=r.voucher, invoice_no=r.invoice_no, invoice_date=r.invoice_date,
                invoice_amount_fen=amount if same else amount + 1, idempotency_key=key, today=self.today,
            )
        except services.IdempotencyConflict:
            assert not same
            return
        assert same and again.pk == pk

    @precondition(lambda self: self.vouchers)
    @rule(data=st.data())
    def revoke(self, data):
        voucher = data.draw(st.sampled_from(self._fresh()))
        try:
            services.voucher_revoke(actor=self.office, voucher=voucher, reason="抽查不合格")
        except ValidationError:
            assert voucher.status in ("revoked", "expired")

    @rule(days=st.integers(1, 90))
    def time_passes(self, days):
        self.today += timedelta(days=days)
        services.vouchers_expire_due(today=self.today)
        assert not Voucher.objects.filter(pk__in=[v.pk for v in self.vouchers], status__in=["active", "exhausted"],
                                          valid_until__lt=self.today).exists()

    @precondition(lambda self: self.keys)
    @rule(data=st.data())
    def reverse(self, data):
        pk, _amount = self.keys[data.draw(st.sampled_from(sorted(self.keys)))]
        r = Redemption.objects.get(pk=pk)
        try:
            services.redemption_reverse(actor=self.office, redemption=r, reason="更正")
        except ValidationError:
            assert r.status != "redeemed"

    @rule()
    def settle(self):
        due = Redemption.objects.filter(program=self.program, status="redeemed").count()
        try:
            s = services.settlement_run(actor=self.office, program=self.program, center=self.center,
                                        idempotency_key=f"settle-{self._next():06d}")
        except ValidationError:
            assert due == 0
            return
        assert s.redemptions.count() == due

    @invariant()
    def every_invariant_holds(self):
        if getattr(self, "program", None) is not None:
            assert invariants.violations(self.program) == []


@pytest.mark.django_db
def test_random_voucher_histories_keep_every_invariant(plan_officer, operator, enterprise_user, center):
    VoucherMachine.office, VoucherMachine.operator = plan_officer, operator
    VoucherMachine.applicant, VoucherMachine.center = enterprise_user, center
    run_state_machine_as_test(VoucherMachine, settings=settings(
        max_examples=20, stateful_step_count=15, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    ))
