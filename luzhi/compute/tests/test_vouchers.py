"""The voucher flow and its ledger: apply → review → issue → redeem → settle, and every
refusal the issue names (caps, budget, expiry, revocation, idempotency, relatedness)."""

from datetime import date
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import connection
from django.db import transaction

from luzhi.compute import invariants
from luzhi.compute import services
from luzhi.compute.models import LedgerEntry
from luzhi.compute.models import LedgerTransaction
from luzhi.compute.models import Redemption
from luzhi.compute.models import Settlement
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherEvent
from luzhi.compute.services import ledger
from luzhi.compute.tests import factories
from luzhi.compute.tests.conftest import TODAY

INVOICE_DAY = date(2026, 3, 10)


def redeem(operator, voucher, amount, key, invoice_no=None, **kw):
    return services.voucher_redeem(
        actor=operator, voucher=voucher, invoice_no=invoice_no or f"INV-{key}", invoice_date=INVOICE_DAY,
        invoice_amount_fen=amount, idempotency_key=key, today=kw.pop("today", TODAY), **kw,
    )


def test_issue_moves_budget_to_the_voucher(voucher, program):
    assert voucher.face_fen == 500_000 and voucher.status == "active"
    assert ledger.voucher_balance(voucher) == 500_000
    assert ledger.program_unissued(program) == 10_000_000 - 500_000
    kinds = list(VoucherEvent.objects.filter(program=program).values_list("kind", flat=True))
    assert kinds == ["program_open", "apply", "approve", "issue"]
    assert invariants.violations(program) == []


def test_redeem_pays_the_ratio_of_the_invoice(voucher, operator, program):
    r = redeem(operator, voucher, 100_000, "key-00000001")
    assert r.subsidy_fen == 30_000  # 30 % for imported cards
    assert ledger.voucher_balance(voucher) == 470_000
    assert ledger.balance_by_key(ledger.account_key("payable", program.pk, center_id=voucher.center_id)) == 30_000
    assert invariants.violations(program) == []


def test_ratio_depends_on_origin(plan_officer, enterprise_user, program, buyer, center, operator):
    v = factories.issued_voucher(plan_officer, enterprise_user, program=program, enterprise=buyer, center=center,
                                 requested=100_000, origin="domestic", today=TODAY)
    assert redeem(operator, v, 10_000, "dom-00000001").subsidy_fen == 5_000  # 50 % for domestic


def test_redemption_stops_at_the_balance(voucher, operator, program):
    redeem(operator, voucher, 1_600_000, "big-00000001")  # 480,000 of 500,000
    last = redeem(operator, voucher, 1_000_000, "big-00000002")
    assert last.subsidy_fen == 20_000
    voucher.refresh_from_db()
    assert voucher.status == "exhausted"
    with pytest.raises(ValidationError, match="余额已用完"):
        redeem(operator, voucher, 1_000, "big-00000003")
    assert invariants.violations(program) == []


def test_same_key_same_payload_returns_the_first(voucher, operator):
    first = redeem(operator, voucher, 100_000, "retry-0000001", invoice_no="INV-9")
    again = redeem(operator, voucher, 100_000, "retry-0000001", invoice_no="INV-9")
    assert again.pk == first.pk
    assert Redemption.objects.count() == 1


def test_same_key_different_payload_is_refused(voucher, operator):
    redeem(operator, voucher, 100_000, "retry-0000002", invoice_no="INV-10")
    with pytest.raises(services.IdempotencyConflict):
        redeem(operator, voucher, 200_000, "retry-0000002", invoice_no="INV-10")
    assert Redemption.objects.count() == 1


@pytest.mark.parametrize("key", ["short", "has space 123", "x" * 65, "", None, "中文键中文键中文键"])
def test_malformed_key_is_refused_and_nothing_written(voucher, operator, key):
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        redeem(operator, voucher, 100_000, key, invoice_no="INV-K")
    assert "idempotency_key" in info.value.message_dict
    assert LedgerEntry.objects.count() == before and not Redemption.objects.exists()


@pytest.mark.parametrize("amount", [-100, 0, 12.5, "1.5", "abc", True, 10**20])
def test_bad_amounts_are_refused(voucher, operator, amount):
    with pytest.raises(ValidationError) as info:
        redeem(operator, voucher, amount, "amount-0001")
    assert "invoice_amount_fen" in info.value.message_dict
    assert not Redemption.objects.exists()


def test_invoice_in_the_future_is_refused(voucher, operator):
    with pytest.raises(ValidationError, match="晚于今天"):
        services.voucher_redeem(actor=operator, voucher=voucher, invoice_no="F-1",
                                invoice_date=TODAY + timedelta(days=1), invoice_amount_fen=1000,
                                idempotency_key="future-0001", today=TODAY)
    assert not Redemption.objects.exists()


def test_an_invoice_is_redeemed_once(voucher, operator):
    redeem(operator, voucher, 10_000, "inv-once-001", invoice_no="INV-ONCE")
    with pytest.raises(ValidationError, match="已核销过"):
        redeem(operator, voucher, 10_000, "inv-once-002", invoice_no="INV-ONCE")


def test_another_center_cannot_redeem(voucher, other_operator, other_center):
    with pytest.raises(PermissionDenied, match="本中心"):
        redeem(other_operator, voucher, 10_000, "other-00001")
    assert not Redemption.objects.exists()


def test_enterprise_cannot_redeem_its_own_voucher(voucher, enterprise_user):
    with pytest.raises(PermissionDenied):
        redeem(enterprise_user, voucher, 10_000, "self-000001")


def test_expired_voucher_refuses(voucher, operator, program):
    late = voucher.valid_until + timedelta(days=1)
    with pytest.raises(ValidationError, match="过期"):
        redeem(operator, voucher, 10_000, "late-000001", today=late)
    services.voucher_expire(voucher=voucher, today=late)
    voucher.refresh_from_db()
    assert voucher.status == "expired" and voucher.returned_fen == 500_000
    assert ledger.program_unissued(program) == 10_000_000
    assert invariants.violations(program) == []


def test_revoked_voucher_refuses_and_returns_its_balance(voucher, operator, plan_officer, program):
    redeem(operator, voucher, 100_000, "rev-0000001")
    services.voucher_revoke(actor=plan_officer, voucher=voucher, reason="虚假申报")
    voucher.refresh_from_db()
    assert voucher.status == "revoked" and voucher.returned_fen == 470_000
    with pytest.raises(ValidationError, match="已撤销"):
        redeem(operator, voucher, 10_000, "rev-0000002")
    assert invariants.violations(program) == []


def test_reversal_is_a_new_transaction(voucher, operator, plan_officer, program):
    r = redeem(operator, voucher, 100_000, "rvs-0000001")
    services.redemption_reverse(actor=plan_officer, redemption=r, reason="发票作废")
    assert ledger.voucher_balance(voucher) == 500_000
    kinds = list(LedgerTransaction.objects.filter(redemption=r).values_list("kind", flat=True))
    assert kinds == ["redeem", "reversal"]
    # The invoice is free again once the wrong redemption is reversed.
    redeem(operator, voucher, 100_000, "rvs-0000002", invoice_no=r.invoice_no)
    assert invariants.violations(program) == []


def test_settlement_pays_once_per_key(voucher, operator, plan_officer, program, center):
    redeem(operator, voucher, 100_000, "set-0000001")
    redeem(operator, voucher, 200_000, "set-0000002")
    s = services.settlement_run(actor=plan_officer, program=program, center=center, idempotency_key="settle-000001")
    assert s.amount_fen == 90_000
    again = services.settlement_run(actor=plan_officer, program=program, center=center,
                                    idempotency_key="settle-000001")
    assert again.pk == s.pk and Settlement.objects.count() == 1
    with pytest.raises(ValidationError, match="没有待结算"):
        services.settlement_run(actor=plan_officer, program=program, center=center, idempotency_key="settle-000002")
    assert set(Redemption.objects.values_list("status", flat=True)) == {"settled"}
    assert invariants.violations(program) == []


def test_settled_redemption_cannot_be_reversed(voucher, operator, plan_officer, program, center):
    r = redeem(operator, voucher, 100_000, "srv-0000001")
    services.settlement_run(actor=plan_officer, program=program, center=center, idempotency_key="settle-srv-01")
    with pytest.raises(ValidationError, match="未结算"):
        services.redemption_reverse(actor=plan_officer, redemption=r, reason="x")


def test_operator_cannot_settle(voucher, operator, program, center):
    with pytest.raises(PermissionDenied):
        services.settlement_run(actor=operator, program=program, center=center, idempotency_key="settle-op-01")


# ------------------------------------------------------------------ applications


def apply(user, program, enterprise, center, requested, **kw):
    kw.setdefault("contract_no", f"HT-{requested}-{kw.get('year', 2026)}")
    kw.setdefault("contract_amount_fen", requested * 10)
    return services.application_submit(
        actor=user, program=program, enterprise=enterprise, center=center, origin=kw.pop("origin", "imported"),
        requested_fen=requested, no_other_subsidy=kw.pop("no_other_subsidy", True), today=TODAY, **kw,
    )


def test_application_over_the_cap_is_refused(enterprise_user, program, buyer, center):
    with pytest.raises(ValidationError, match="剩余额度"):
        apply(enterprise_user, program, buyer, center, 1_000_001, contract_amount_fen=10_000_000)
    assert not VoucherApplication.objects.exists()


def test_application_over_the_ratio_is_refused(enterprise_user, program, buyer, center):
    with pytest.raises(ValidationError, match="补贴比例"):
        apply(enterprise_user, program, buyer, center, 400_000, contract_amount_fen=1_000_000)


def test_unknown_center_is_refused(enterprise_user, program, buyer):
    with pytest.raises(ValidationError, match="未知的算力中心"):
        apply(enterprise_user, program, buyer, None, 1000)


def test_unapproved_center_is_refused(enterprise_user, program, buyer, operator):
    pending = services.center_create(actor=operator, code="pending-1", name="待审中心", operator="x",
                                     city=buyer.city, kind="intelligent")
    with pytest.raises(ValidationError, match="未通过登记审核"):
        apply(enterprise_user, program, buyer, pending, 1000)


def test_only_members_apply_for_their_enterprise(reporter_sti, program, buyer, center):
    with pytest.raises(PermissionDenied):
        apply(reporter_sti, program, buyer, center, 1000)


def test_related_buyer_and_center_are_refused(enterprise_user, program, buyer, plan_officer):
    own = factories.center(plan_officer, code="own-1", operator_enterprise=buyer, cards=8)
    with pytest.raises(ValidationError, match="关联关系"):
        apply(enterprise_user, program, buyer, own, 1000)


def test_shared_user_makes_buyer_and_center_related(enterprise_user, program, buyer, plan_officer):
    linked = factories.center(plan_officer, code="linked-1", members=[enterprise_user], cards=8)
    with pytest.raises(ValidationError, match="关联关系"):
        apply(enterprise_user, program, buyer, linked, 1000)


def test_eligibility_rules(plan_officer, enterprise_user, buyer, center):
    strict = factories.program(plan_officer, eligibility={
        "max_employees": 100, "segments": ["robots"], "no_other_subsidy": True, "registered_in_shandong": True,
    })
    with pytest.raises(ValidationError) as info:
        apply(enterprise_user, strict, buyer, center, 1000, no_other_subsidy=False)
    messages = " ".join(info.value.message_dict["enterprise"])
    assert "从业人员超过 100" in messages and "产业环节" in messages and "其他算力补贴" in messages


def test_same_contract_in_two_programmes_is_refused(plan_officer, enterprise_user, buyer, center, program):
    apply(enterprise_user, program, buyer, center, 1000, contract_no="HT-SAME")
    other = factories.program(plan_officer, eligibility={"no_other_subsidy": True})
    with pytest.raises(ValidationError, match="其他券种"):
        apply(enterprise_user, other, buyer, center, 1000, contract_no="HT-SAME")


def test_rejection_needs_a_comment(plan_officer, enterprise_user, program, buyer, center):
    app = apply(enterprise_user, program, buyer, center, 1000)
    with pytest.raises(ValidationError, match="意见"):
        services.application_review(actor=plan_officer, application=app, decision="reject")
    services.application_review(actor=plan_officer, application=app, decision="reject", comment="材料不全")
    with pytest.raises(ValidationError):
        services.voucher_issue(actor=plan_officer, application=app, today=TODAY)


def test_programme_unit_reporter_reviews_its_programme(plan_officer, reporter_bigdata, reporter_sti,
                                                       enterprise_user, buyer, center):
    from luzhi.accounts.models import Unit

    p = factories.program(plan_officer, unit=Unit.objects.get(short_name="省大数据局"))
    app = apply(enterprise_user, p, buyer, center, 1000)
    with pytest.raises(PermissionDenied):
        services.application_review(actor=reporter_sti, application=app, decision="approve")
    services.application_review(actor=reporter_bigdata, application=app, decision="approve")
    assert services.voucher_issue(actor=reporter_bigdata, application=app, today=TODAY).face_fen == 1000


def test_issue_refuses_past_the_budget(plan_officer, enterprise_user, buyer, center):
    small = factories.program(plan_officer, budget_fen=150_000, cap=1_000_000)
    factories.issued_voucher(plan_officer, enterprise_user, program=small, enterprise=buyer, center=center,
                             requested=100_000, today=TODAY)
    app = apply(enterprise_user, small, buyer, center, 60_000)
    services.application_review(actor=plan_officer, application=app, decision="approve")
    with pytest.raises(ValidationError, match="资金不足"):
        services.voucher_issue(actor=plan_officer, application=app, today=TODAY)
    assert Voucher.objects.filter(program=small).count() == 1
    assert invariants.violations(small) == []


def test_cap_is_per_enterprise_per_year(plan_officer, enterprise_user, buyer, center, program):
    factories.issued_voucher(plan_officer, enterprise_user, program=program, enterprise=buyer, center=center,
                             requested=900_000, today=TODAY)
    with pytest.raises(ValidationError, match="剩余额度"):
        apply(enterprise_user, program, buyer, center, 200_000)
    # Next year has a cap of its own.
    nxt = apply(enterprise_user, program, buyer, center, 200_000, year=2027)
    assert nxt.year == 2027


def test_reimbursement_pays_the_enterprise(plan_officer, enterprise_user, buyer, center):
    p = factories.program(plan_officer, pattern="reimburse")
    v = factories.issued_voucher(plan_officer, enterprise_user, program=p, enterprise=buyer, center=center,
                                 requested=30_000, contract=200_000, today=TODAY, invoice_no="FP-1",
                                 invoice_date=INVOICE_DAY, invoice_amount_fen=100_000)
    v.refresh_from_db()
    assert v.status == "exhausted"
    s = services.settlement_run(actor=plan_officer, program=p, enterprise=buyer, idempotency_key="reimb-settle-1")
    assert s.amount_fen == 30_000
    assert invariants.violations(p) == []


def test_reimbursement_needs_the_invoice(plan_officer, enterprise_user, buyer, center):
    p = factories.program(plan_officer, pattern="reimburse")
    with pytest.raises(ValidationError) as info:
        apply(enterprise_user, p, buyer, center, 1000, invoice_amount_fen=5000)
    assert {"invoice_no", "invoice_date"} <= set(info.value.message_dict)


# ------------------------------------------------------------------ the database as backstop


def test_database_refuses_overspending_a_voucher(voucher):
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(spent_fen=voucher.face_fen + 1)


def test_database_refuses_issuing_past_the_budget(program):
    from luzhi.compute.models import VoucherProgram

    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherProgram.objects.filter(pk=program.pk).update(committed_fen=program.budget_fen + 1)


def test_ledger_entries_are_append_only(voucher):
    entry = LedgerEntry.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)


def test_ledger_refuses_an_unbalanced_transaction(program):
    with pytest.raises(ledger.LedgerError):
        ledger.post("fund", program, [(ledger.account("unissued", program), 5)])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the commit-time balance trigger is PostgreSQL's")
def test_database_refuses_to_commit_an_unbalanced_transaction(program):
    txn = LedgerTransaction.objects.create(kind="fund", program=program)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(transaction=txn, account=ledger.account("unissued", program), amount_fen=5)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_redemption_query_count(voucher, operator, django_assert_max_num_queries):
    redeem(operator, voucher, 1000, "warm-0000001")  # accounts exist after the first
    with django_assert_max_num_queries(22):
        redeem(operator, voucher, 1000, "count-000001")


def test_budget_burn_nets_returns_and_reversals(voucher, operator, plan_officer, program, center):
    from luzhi.compute.selectors import budget_burn
    from luzhi.compute.selectors import program_report

    r = redeem(operator, voucher, 100_000, "burn-0000001")
    redeem(operator, voucher, 100_000, "burn-0000002")
    services.redemption_reverse(actor=plan_officer, redemption=r, reason="作废")
    services.settlement_run(actor=plan_officer, program=program, center=center, idempotency_key="burn-settle-1")
    services.voucher_revoke(actor=plan_officer, voucher=voucher, reason="抽查")
    (month,) = budget_burn(program)
    assert (month["issued"], month["redeemed"], month["paid"]) == (30_000, 30_000, 30_000)
    report = program_report(program)
    assert (report["issued_fen"] - report["returned_fen"], report["redeemed_fen"]) == (30_000, 30_000)
