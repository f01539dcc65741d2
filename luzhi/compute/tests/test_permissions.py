"""The compute policies, table-driven: role × action × own / other object."""

from luzhi.compute import permissions as p
from luzhi.core.policy import assert_policy_table


def test_center_policy(plan_officer, reporter_bigdata, reporter_sti, operator, other_operator, enterprise_user,
                       anonymous, center):
    rows = []
    for user, edit, review in [
        (plan_officer, True, True), (reporter_bigdata, False, True), (reporter_sti, False, False),
        (operator, True, False), (other_operator, False, False), (enterprise_user, False, False),
        (anonymous, False, False),
    ]:
        rows += [(user, "edit", center, edit), (user, "report", center, edit), (user, "review", center, review),
                 (user, "import", None, review)]
    assert_policy_table(p.centers, rows)


def test_voucher_policy(plan_officer, reporter_bigdata, operator, other_operator, enterprise_user, anonymous, voucher):
    assert_policy_table(p.vouchers, [
        (operator, "redeem", voucher, True), (other_operator, "redeem", voucher, False),
        (enterprise_user, "redeem", voucher, False), (plan_officer, "redeem", voucher, False),
        (plan_officer, "issue", voucher, True), (plan_officer, "revoke", voucher, True),
        (reporter_bigdata, "issue", voucher, False),  # the programme has no unit: the plan office's
        (operator, "revoke", voucher, False), (anonymous, "redeem", voucher, False),
    ])
    visible = {u.username: p.vouchers.visible(u).filter(pk=voucher.pk).exists()
               for u in (plan_officer, operator, other_operator, enterprise_user, reporter_bigdata)}
    assert visible == {"plan_officer": True, "operator": True, "other_operator": False, "enterprise_user": True,
                       "reporter_bigdata": False}
    assert not p.vouchers.visible(anonymous).exists()


def test_application_and_programme_policies(plan_officer, reporter_bigdata, enterprise_user, operator, buyer,
                                            program, anonymous):
    from luzhi.compute.models import VoucherApplication

    own = VoucherApplication(program=program, enterprise=buyer)
    assert_policy_table(p.applications, [
        (enterprise_user, "apply", own, True), (operator, "apply", own, False), (plan_officer, "apply", own, True),
        (anonymous, "apply", own, False), (plan_officer, "review", own, True), (reporter_bigdata, "review", own, False),
        (enterprise_user, "review", own, False),
    ])
    assert_policy_table(p.programs, [
        (plan_officer, "manage", program, True), (reporter_bigdata, "manage", program, False),
        (enterprise_user, "manage", program, False), (anonymous, "view", program, True),
    ])
