"""Enterprise services: per role, with bad input refused and nothing saved; tier proposals.

Personas: ``plan_officer`` (may do everything), ``reporter_sti`` (reads only),
``enterprise_user`` (edits only enterprises it is a member of), ``anonymous``.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.registry.credit_code import check_character
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import TierProposal
from luzhi.registry.models import TierRule
from luzhi.registry.services import enterprises as svc
from luzhi.registry.services import revisions
from luzhi.registry.services import tiers as tier_svc

TODAY = timezone.localdate()
TOMORROW = TODAY + timedelta(days=1)
LAST_YEAR = TODAY.year - 1


def credit_code(n: int) -> str:
    """A valid unified social credit code (the check character computed)."""
    first = f"91370100{n:09d}"
    return first + check_character(first)


def new_enterprise(n: int, *, city: City, status=RecordStatus.APPROVED, members=(), **extra):
    """An enterprise straight in the database (fixtures, not the code under test)."""
    enterprise = Enterprise.objects.create(
        name=extra.pop("name", f"测试企业{n}"),
        credit_code=credit_code(n),
        city=city,
        segment=extra.pop("segment", Segment.LARGE_MODELS),
        status=status,
        **extra,
    )
    enterprise.members.add(*members)
    return enterprise


def create_kwargs(city, **overrides) -> dict:
    values = {
        "name": "山东智算科技有限公司",
        "credit_code": credit_code(1),
        "city": city,
        "segment": Segment.LARGE_MODELS,
        "founded_on": date(2019, 5, 1),
    }
    values.update(overrides)
    return values


@pytest.fixture
def jinan(db):
    return City.objects.get(code="370100")


@pytest.fixture
def qingdao(db):
    return City.objects.get(code="370200")


@pytest.fixture
def other_enterprise_user(db):
    return make_user("other_enterprise_user", role="enterprise")


@pytest.fixture
def own(jinan, enterprise_user):
    """An approved enterprise the ``enterprise_user`` is a member of."""
    return new_enterprise(100, city=jinan, members=[enterprise_user], name="会员企业")


@pytest.fixture
def stranger(jinan):
    """An approved enterprise nobody in the personas is a member of."""
    return new_enterprise(200, city=jinan, name="他人企业")


def last_reason(obj):
    return obj.history.latest("history_date", "history_id").history_change_reason


# ------------------------------------------------------------------ enterprise_create


def test_plan_office_creates_approved(plan_officer, jinan):
    enterprise = svc.enterprise_create(actor=plan_officer, **create_kwargs(jinan))
    assert enterprise.status == RecordStatus.APPROVED
    assert list(enterprise.members.all()) == []
    record = enterprise.history.get()
    assert (
        record.history_user == plan_officer and record.history_change_reason == "enterprise created"
    )


def test_enterprise_user_creates_pending_and_becomes_member(enterprise_user, jinan):
    enterprise = svc.enterprise_create(actor=enterprise_user, **create_kwargs(jinan))
    assert enterprise.status == RecordStatus.PENDING
    assert list(enterprise.members.all()) == [enterprise_user]


@pytest.mark.parametrize("persona", ["reporter_sti", "anonymous"])
def test_create_refused(request, persona, jinan):
    with pytest.raises(PermissionDenied):
        svc.enterprise_create(actor=request.getfixturevalue(persona), **create_kwargs(jinan))
    assert not Enterprise.objects.exists()


def test_credit_code_is_normalised(plan_officer, jinan):
    code = credit_code(7)
    pasted = " " + "".join(chr(ord(c) + 0xFEE0) for c in code.lower()) + " "
    enterprise = svc.enterprise_create(
        actor=plan_officer, **create_kwargs(jinan, credit_code=pasted)
    )
    assert enterprise.credit_code == code


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"credit_code": "9144030071526726XA"}, "credit_code", "应为“G”"),
        ({"credit_code": "91440300"}, "credit_code", "18位"),
        ({"founded_on": TOMORROW}, "founded_on", "晚于今天"),
        ({"segment": "quantum"}, "segment", ""),
        ({"name": "  "}, "name", ""),
        ({"hard_tech": False, "hard_tech_since": date(2024, 1, 1)}, "hard_tech_since", "未入库"),
        ({"incubated_on": TOMORROW}, "incubated_on", "晚于今天"),
    ],
)
def test_create_bad_input_saves_nothing(plan_officer, jinan, overrides, field, fragment):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_create(actor=plan_officer, **create_kwargs(jinan, **overrides))
    assert field in exc.value.message_dict
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not Enterprise.objects.exists()


def test_unknown_city_is_refused(plan_officer, jinan):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_create(actor=plan_officer, **{**create_kwargs(jinan), "city": "火星"})
    assert "city" in exc.value.message_dict
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_names_the_existing_enterprise(plan_officer, jinan, stranger):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_create(
            actor=plan_officer, **create_kwargs(jinan, credit_code=stranger.credit_code.lower())
        )
    (message,) = exc.value.message_dict["credit_code"]
    assert "他人企业" in message and stranger.credit_code in message
    assert Enterprise.objects.count() == 1


# ------------------------------------------------------------------ enterprise_update


def test_member_edit_of_an_approved_enterprise_waits_as_a_revision(
    enterprise_user, own, qingdao, jinan, plan_officer
):
    """The approved version stays public; the change waits for the office (a pending revision)."""
    svc.enterprise_update(actor=enterprise_user, enterprise=own, city=qingdao, name="新名称")
    own.refresh_from_db()
    assert (own.status, own.city, own.name) == (RecordStatus.APPROVED, jinan, "会员企业")
    revision = revisions.pending_revision(own)
    assert revision.changes == {"city": qingdao.pk, "name": "新名称"}
    assert revision.submitted_by == enterprise_user
    # A second edit updates the same revision (one pending per enterprise), and editing
    # back to the approved value drops that field.
    svc.enterprise_update(actor=enterprise_user, enterprise=own, city=jinan, name="新名称二")
    revision.refresh_from_db()
    assert revision.changes == {"name": "新名称二"}
    assert own.revisions.count() == 1
    approved = revisions.revision_approve(actor=plan_officer, revision=revision, comment="核实")
    assert (approved.status, approved.name) == (RecordStatus.APPROVED, "新名称二")
    assert last_reason(approved) == "changes approved: 核实"
    revision.refresh_from_db()
    assert revision.status == RecordStatus.APPROVED and revision.decided_by == plan_officer
    assert revisions.pending_revision(own) is None


def test_a_rejected_revision_leaves_the_record(enterprise_user, own, plan_officer):
    svc.enterprise_update(actor=enterprise_user, enterprise=own, name="改名")
    revision = revisions.pending_revision(own)
    with pytest.raises(ValidationError):
        revisions.revision_reject(actor=plan_officer, revision=revision, comment=" ")
    with pytest.raises(PermissionDenied):
        revisions.revision_approve(actor=enterprise_user, revision=revision)
    revisions.revision_reject(actor=plan_officer, revision=revision, comment="名称与执照不符")
    own.refresh_from_db()
    assert own.name == "会员企业" and own.status == RecordStatus.APPROVED
    revision.refresh_from_db()
    assert (revision.status, revision.comment) == (RecordStatus.REJECTED, "名称与执照不符")
    with pytest.raises(ValidationError, match="已于此前处理"):
        revisions.revision_approve(actor=plan_officer, revision=revision)


def test_a_revision_is_validated_like_the_record(enterprise_user, own, stranger):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_update(actor=enterprise_user, enterprise=own, credit_code=stranger.credit_code)
    assert "credit_code" in exc.value.message_dict
    assert revisions.pending_revision(own) is None


def test_member_edit_of_a_pending_enterprise_changes_it(enterprise_user, jinan, qingdao):
    pending = new_enterprise(
        300, city=jinan, members=[enterprise_user], name="待审企业", status=RecordStatus.PENDING
    )
    updated = svc.enterprise_update(actor=enterprise_user, enterprise=pending, city=qingdao)
    assert (updated.status, updated.city) == (RecordStatus.PENDING, qingdao)
    assert last_reason(updated) == "enterprise updated"
    assert updated.history.latest("history_date", "history_id").history_user == enterprise_user


def test_plan_office_edit_stays_approved(plan_officer, own):
    updated = svc.enterprise_update(actor=plan_officer, enterprise=own, hard_tech=True)
    assert updated.status == RecordStatus.APPROVED and updated.hard_tech


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_update_refused_for_non_members(request, persona, stranger):
    with pytest.raises(PermissionDenied):
        svc.enterprise_update(actor=request.getfixturevalue(persona), enterprise=stranger, name="x")
    stranger.refresh_from_db()
    assert stranger.name == "他人企业" and stranger.status == RecordStatus.APPROVED


def test_update_to_a_duplicate_code_saves_nothing(plan_officer, own, stranger):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_update(
            actor=plan_officer, enterprise=own, credit_code=stranger.credit_code, name="改名"
        )
    assert "他人企业" in exc.value.message_dict["credit_code"][0]
    own.refresh_from_db()
    assert own.name == "会员企业"


def test_update_unknown_field_is_a_programming_error(plan_officer, own):
    with pytest.raises(TypeError):
        svc.enterprise_update(actor=plan_officer, enterprise=own, status=RecordStatus.APPROVED)


# ------------------------------------------------------------------ approve / reject


def test_approve_and_reject(plan_officer, jinan):
    pending = new_enterprise(1, city=jinan, status=RecordStatus.PENDING)
    approved = svc.enterprise_approve(actor=plan_officer, enterprise=pending, comment="材料齐全")
    assert approved.status == RecordStatus.APPROVED
    assert last_reason(approved) == "approved: 材料齐全"
    other = new_enterprise(2, city=jinan, status=RecordStatus.PENDING)
    rejected = svc.enterprise_reject(actor=plan_officer, enterprise=other, comment="代码有误")
    assert (
        rejected.status == RecordStatus.REJECTED and last_reason(rejected) == "rejected: 代码有误"
    )
    # A rejected enterprise may still be approved later (decided on its current state).
    assert (
        svc.enterprise_approve(actor=plan_officer, enterprise=rejected).status
        == RecordStatus.APPROVED
    )


def test_illegal_transitions(plan_officer, own):
    with pytest.raises(ValidationError, match="已审核"):
        svc.enterprise_approve(actor=plan_officer, enterprise=own)
    with pytest.raises(ValidationError, match="已审核"):
        svc.enterprise_reject(actor=plan_officer, enterprise=own, comment="x")


def test_reject_needs_a_reason(plan_officer, jinan):
    pending = new_enterprise(1, city=jinan, status=RecordStatus.PENDING)
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_reject(actor=plan_officer, enterprise=pending, comment=" ")
    assert "comment" in exc.value.message_dict
    pending.refresh_from_db()
    assert pending.status == RecordStatus.PENDING


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_review_refused(request, persona, jinan, enterprise_user):
    pending = new_enterprise(1, city=jinan, status=RecordStatus.PENDING, members=[enterprise_user])
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        svc.enterprise_approve(actor=actor, enterprise=pending)
    with pytest.raises(PermissionDenied):
        svc.enterprise_reject(actor=actor, enterprise=pending, comment="x")
    with pytest.raises(PermissionDenied):
        svc.enterprise_reject(actor=actor, enterprise=pending, comment="")
    pending.refresh_from_db()
    assert pending.status == RecordStatus.PENDING


# ------------------------------------------------------------------ members


def test_member_add(plan_officer, stranger, enterprise_user):
    svc.enterprise_member_add(actor=plan_officer, enterprise=stranger, user=enterprise_user)
    assert list(stranger.members.all()) == [enterprise_user]
    assert last_reason(stranger) == "member added: enterprise_user"
    # Now a member, the user may edit it.
    svc.enterprise_update(actor=enterprise_user, enterprise=stranger, name="改名")


def test_member_add_bad_input(plan_officer, stranger, reporter_sti, own, enterprise_user):
    with pytest.raises(ValidationError, match="不是企业用户"):
        svc.enterprise_member_add(actor=plan_officer, enterprise=stranger, user=reporter_sti)
    with pytest.raises(ValidationError, match="已是"):
        svc.enterprise_member_add(actor=plan_officer, enterprise=own, user=enterprise_user)
    assert not stranger.members.exists()


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_member_add_refused(request, persona, stranger, other_enterprise_user):
    with pytest.raises(PermissionDenied):
        svc.enterprise_member_add(
            actor=request.getfixturevalue(persona), enterprise=stranger, user=other_enterprise_user
        )
    assert not stranger.members.exists()


# ------------------------------------------------------------------ yearly figures


def test_year_save_creates_then_updates_one_row(enterprise_user, own):
    row = svc.enterprise_year_save(
        actor=enterprise_user,
        enterprise=own,
        year=LAST_YEAR,
        revenue="1,000",
        rd_spend=50,
        employees=30,
    )
    assert row.revenue == Decimal("1000") and row.ai_core_revenue == 0
    again = svc.enterprise_year_save(
        actor=enterprise_user, enterprise=own, year=LAST_YEAR, revenue=1200, ai_core_revenue=300
    )
    assert again.pk == row.pk and EnterpriseYear.objects.filter(enterprise=own).count() == 1
    reasons = [h.history_change_reason for h in again.history.order_by("history_id")]
    assert reasons == [f"figures created for {LAST_YEAR}", f"figures updated for {LAST_YEAR}"]
    own.refresh_from_db()
    # The figures go to the plan office as a note on the pending revision; the approved
    # enterprise stays public.
    assert own.status == RecordStatus.APPROVED
    assert f"figures for {LAST_YEAR} changed by the enterprise" in revisions.pending_revision(own).notes


def test_plan_office_year_save_keeps_status(plan_officer, own):
    svc.enterprise_year_save(actor=plan_officer, enterprise=own, year=LAST_YEAR, revenue=10)
    own.refresh_from_db()
    assert own.status == RecordStatus.APPROVED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"revenue": -1}, "revenue"),
        ({"revenue": 10, "rd_spend": "-0.01"}, "rd_spend"),
        ({"revenue": 10, "ai_core_revenue": 11}, "ai_core_revenue"),
        ({"revenue": "十万"}, "revenue"),
        ({"revenue": "NaN"}, "revenue"),
        ({"revenue": 10, "employees": -3}, "employees"),
        ({"revenue": 10, "year": TODAY.year + 1}, "year"),
    ],
)
def test_year_save_bad_input_saves_nothing(plan_officer, own, values, field):
    kwargs = {"year": LAST_YEAR, **values}
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_year_save(actor=plan_officer, enterprise=own, **kwargs)
    assert field in exc.value.message_dict
    assert not EnterpriseYear.objects.exists()


def test_year_save_update_refused_keeps_old_values(plan_officer, own):
    svc.enterprise_year_save(actor=plan_officer, enterprise=own, year=LAST_YEAR, revenue=100)
    with pytest.raises(ValidationError):
        svc.enterprise_year_save(
            actor=plan_officer, enterprise=own, year=LAST_YEAR, revenue=100, ai_core_revenue=101
        )
    assert EnterpriseYear.objects.get().ai_core_revenue == 0


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_year_save_refused(request, persona, stranger):
    with pytest.raises(PermissionDenied):
        svc.enterprise_year_save(
            actor=request.getfixturevalue(persona), enterprise=stranger, year=LAST_YEAR, revenue=1
        )
    assert not EnterpriseYear.objects.exists()


# ------------------------------------------------------------------ qualifications


def test_qualification_add_and_remove(plan_officer, own):
    qualification = svc.qualification_add(
        actor=plan_officer,
        enterprise=own,
        kind="high_tech",
        granted_on=date(2023, 12, 1),
        certificate_no=" GR202337000001 ",
    )
    assert qualification.certificate_no == "GR202337000001"
    svc.qualification_remove(actor=plan_officer, qualification=qualification, reason="证书作废")
    assert not Qualification.objects.exists()
    deleted = Qualification.history.filter(history_type="-").get()
    assert deleted.history_user == plan_officer and deleted.history_change_reason == "证书作废"
    own.refresh_from_db()
    assert own.status == RecordStatus.APPROVED


def test_member_qualification_change_is_noted_for_review(enterprise_user, own):
    svc.qualification_add(
        actor=enterprise_user, enterprise=own, kind="gazelle", granted_on=date(2024, 1, 1)
    )
    own.refresh_from_db()
    assert own.status == RecordStatus.APPROVED
    assert "qualification added" in revisions.pending_revision(own).notes


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"granted_on": TOMORROW}, "granted_on"),
        ({"granted_on": date(2024, 1, 1), "expires_on": date(2023, 1, 1)}, "expires_on"),
        ({"granted_on": date(2024, 1, 1), "kind": "nobel"}, "kind"),
    ],
)
def test_qualification_bad_input(plan_officer, own, values, field):
    kwargs = {"kind": "high_tech", **values}
    with pytest.raises(ValidationError) as exc:
        svc.qualification_add(actor=plan_officer, enterprise=own, **kwargs)
    assert field in exc.value.message_dict
    assert not Qualification.objects.exists()


def test_qualification_duplicate(plan_officer, own):
    svc.qualification_add(
        actor=plan_officer, enterprise=own, kind="high_tech", granted_on=date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        svc.qualification_add(
            actor=plan_officer, enterprise=own, kind="high_tech", granted_on=date(2024, 1, 1)
        )
    assert "kind" in exc.value.message_dict
    assert Qualification.objects.count() == 1


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_qualification_refused(request, persona, stranger):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        svc.qualification_add(
            actor=actor, enterprise=stranger, kind="high_tech", granted_on=date(2024, 1, 1)
        )
    held = Qualification.objects.create(
        enterprise=stranger, kind="high_tech", granted_on=date(2024, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        svc.qualification_remove(actor=actor, qualification=held)
    assert Qualification.objects.filter(pk=held.pk).exists()


# ------------------------------------------------------------------ tier rules


def test_tier_rule_save(plan_officer):
    rule = tier_svc.tier_rule_save(
        actor=plan_officer,
        kind="ai_leader",
        name=" 领军 ",
        conditions={"min_revenue": "50000", "min_rd_ratio": 0.05},
    )
    assert rule.name == "领军" and rule.conditions == {"min_revenue": 50000, "min_rd_ratio": 0.05}
    rule = tier_svc.tier_rule_save(
        actor=plan_officer,
        rule=rule,
        kind="ai_leader",
        name="领军",
        conditions={"min_revenue": 60000},
        active=False,
    )
    assert TierRule.objects.get().conditions == {"min_revenue": 60000} and not rule.active
    assert [h.history_change_reason for h in rule.history.order_by("history_id")] == [
        "tier rule created",
        "tier rule updated",
    ]


@pytest.mark.parametrize(
    ("kwargs", "key", "fragment"),
    [
        ({"conditions": {"min_profit": 1}}, "conditions", "min_profit"),
        ({"conditions": {"min_revenue": -5}}, "conditions", "负数"),
        ({"conditions": {"segments": ["quantum"]}}, "conditions", "quantum"),
        ({"kind": "nobel"}, "kind", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_tier_rule_bad_input(plan_officer, kwargs, key, fragment):
    values = {"kind": "ai_leader", "name": "规则", "conditions": {"min_revenue": 1}, **kwargs}
    with pytest.raises(ValidationError) as exc:
        tier_svc.tier_rule_save(actor=plan_officer, **values)
    assert fragment in " ".join(exc.value.message_dict[key])
    assert not TierRule.objects.exists()


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_tier_rule_refused(request, persona, db):
    with pytest.raises(PermissionDenied):
        tier_svc.tier_rule_save(
            actor=request.getfixturevalue(persona),
            kind="ai_leader",
            name="x",
            conditions={"min_revenue": 1},
        )
    assert not TierRule.objects.exists()


# ------------------------------------------------------------------ tier proposals


@pytest.fixture
def tier_world(jinan, plan_officer):
    """Hand-made: a leader rule, one enterprise that meets it, one that holds it but no longer
    qualifies, one without figures holding it, one pending, one that meets it and already holds it."""
    tier_svc.tier_rule_save(
        actor=plan_officer,
        kind="ai_leader",
        name="领军企业规则",
        conditions={"min_revenue": 50000, "min_rd_ratio": 0.05},
    )
    TierRule.objects.create(
        kind="gazelle", name="停用规则", conditions={"min_revenue": 1}, active=False
    )
    rising = new_enterprise(1, city=jinan, name="新星")
    EnterpriseYear.objects.create(enterprise=rising, year=LAST_YEAR - 1, revenue=1000, rd_spend=10)
    EnterpriseYear.objects.create(enterprise=rising, year=LAST_YEAR, revenue=62000, rd_spend=3782)
    falling = new_enterprise(2, city=jinan, name="衰退")
    EnterpriseYear.objects.create(enterprise=falling, year=LAST_YEAR, revenue=42000, rd_spend=4200)
    Qualification.objects.create(enterprise=falling, kind="ai_leader", granted_on=date(2023, 1, 1))
    silent = new_enterprise(3, city=jinan, name="无数据")
    Qualification.objects.create(enterprise=silent, kind="ai_leader", granted_on=date(2023, 1, 1))
    pending = new_enterprise(4, city=jinan, name="待审", status=RecordStatus.PENDING)
    EnterpriseYear.objects.create(enterprise=pending, year=LAST_YEAR, revenue=90000, rd_spend=9000)
    steady = new_enterprise(5, city=jinan, name="稳定")
    EnterpriseYear.objects.create(enterprise=steady, year=LAST_YEAR, revenue=90000, rd_spend=9000)
    Qualification.objects.create(enterprise=steady, kind="ai_leader", granted_on=date(2023, 1, 1))
    return {
        "rising": rising,
        "falling": falling,
        "silent": silent,
        "pending": pending,
        "steady": steady,
    }


def test_generate_grant_and_revoke_with_reasons(plan_officer, tier_world):
    made = tier_svc.tier_proposals_generate(actor=plan_officer)
    by_name = {p.enterprise.name: p for p in made}
    assert set(by_name) == {"新星", "衰退"}
    grant, revoke = by_name["新星"], by_name["衰退"]
    assert (grant.action, grant.kind, grant.decision) == ("grant", "ai_leader", "pending")
    assert (
        grant.reason
        == f"领军企业规则({LAST_YEAR} 年数据):营业收入 62000 万元 ≥ 50000;研发投入占比 6.1% ≥ 5%"
    )
    assert revoke.action == "revoke" and "营业收入 42000 万元 < 50000" in revoke.reason
    assert "研发投入占比 10% ≥ 5%" in revoke.reason
    assert grant.history.get().history_change_reason == "proposed by tier rules"
    # Never applied: qualifications are as they were.
    assert not Qualification.objects.filter(enterprise=tier_world["rising"]).exists()
    assert Qualification.objects.filter(enterprise=tier_world["falling"]).exists()


def test_generate_never_duplicates_a_pending_proposal(plan_officer, tier_world):
    assert len(tier_svc.tier_proposals_generate(actor=plan_officer)) == 2
    assert tier_svc.tier_proposals_generate(actor=plan_officer) == []
    assert TierProposal.objects.count() == 2


def test_generate_dry_run_stores_nothing(plan_officer, tier_world):
    made = tier_svc.tier_proposals_generate(actor=plan_officer, dry_run=True)
    assert len(made) == 2 and all(p.pk is None for p in made)
    assert not TierProposal.objects.exists()


def test_generate_without_rules(plan_officer, own):
    assert tier_svc.tier_proposals_generate(actor=plan_officer) == []


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_generate_refused(request, persona, tier_world):
    with pytest.raises(PermissionDenied):
        tier_svc.tier_proposals_generate(actor=request.getfixturevalue(persona))
    assert not TierProposal.objects.exists()


def test_decide_accept_grant_creates_qualification_today(plan_officer, tier_world):
    tier_svc.tier_proposals_generate(actor=plan_officer)
    grant = TierProposal.objects.get(action="grant")
    decided = tier_svc.tier_proposal_decide(
        actor=plan_officer, proposal=grant, accept=True, comment="同意"
    )
    assert decided.decision == "accepted" and decided.decided_by == plan_officer
    qualification = Qualification.objects.get(enterprise=tier_world["rising"])
    assert (qualification.kind, qualification.granted_on) == ("ai_leader", TODAY)
    assert (
        qualification.history.get().history_change_reason
        == f"tier proposal #{grant.pk} accepted: 同意"
    )
    assert last_reason(decided) == f"tier proposal #{grant.pk} accepted: 同意"


def test_decide_accept_revoke_removes_qualification(plan_officer, tier_world):
    tier_svc.tier_proposals_generate(actor=plan_officer)
    revoke = TierProposal.objects.get(action="revoke")
    tier_svc.tier_proposal_decide(actor=plan_officer, proposal=revoke, accept=True)
    assert not Qualification.objects.filter(enterprise=tier_world["falling"]).exists()
    assert Qualification.history.filter(history_type="-").get().history_user == plan_officer


def test_decide_reject_changes_nothing_and_cannot_be_decided_twice(plan_officer, tier_world):
    tier_svc.tier_proposals_generate(actor=plan_officer)
    revoke = TierProposal.objects.get(action="revoke")
    tier_svc.tier_proposal_decide(actor=plan_officer, proposal=revoke, accept=False, comment="待复核")
    assert Qualification.objects.filter(enterprise=tier_world["falling"]).exists()
    revoke.refresh_from_db()
    assert revoke.decision == "rejected" and last_reason(revoke).endswith("rejected: 待复核")
    with pytest.raises(ValidationError, match="已于此前决定"):
        tier_svc.tier_proposal_decide(actor=plan_officer, proposal=revoke, accept=True)
    assert Qualification.objects.filter(enterprise=tier_world["falling"]).exists()


@pytest.mark.parametrize("persona", ["enterprise_user", "reporter_sti", "anonymous"])
def test_decide_refused(request, persona, plan_officer, tier_world):
    tier_svc.tier_proposals_generate(actor=plan_officer)
    grant = TierProposal.objects.get(action="grant")
    with pytest.raises(PermissionDenied):
        tier_svc.tier_proposal_decide(
            actor=request.getfixturevalue(persona), proposal=grant, accept=True
        )
    grant.refresh_from_db()
    assert grant.decision == "pending"
    assert not Qualification.objects.filter(enterprise=tier_world["rising"]).exists()


# ------------------------------------------------------------------ the command


def test_command_prints_and_stores_proposals(tier_world, capsys):
    call_command("registry", "evaluate-tiers")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "proposed 2 tier change(s)"
    assert "建议认定 人工智能领军企业 · 新星" in out and "营业收入 62000 万元 ≥ 50000" in out
    assert "建议取消 人工智能领军企业 · 衰退" in out
    assert TierProposal.objects.count() == 2
    assert Qualification.objects.count() == 3  # nothing applied
    call_command("registry", "evaluate-tiers")
    assert capsys.readouterr().out.splitlines()[0] == "proposed 0 tier change(s)"


def test_command_dry_run_stores_nothing(tier_world, capsys):
    call_command("registry", "evaluate-tiers", "--dry-run")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "would propose 2 tier change(s) (dry run)"
    assert "新星" in out and "衰退" in out
    assert not TierProposal.objects.exists()
