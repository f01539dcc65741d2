"""Milestones closed only by verification (销号), supervision orders (挂牌督办) with field
checks, and the appraisal (考核评价) with weights as data (issue 12 §2–§4)."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luzhi.plan.models import Section
from luzhi.supervision import rules
from luzhi.supervision.appraisal import unit_scores
from luzhi.supervision.models import CycleEvent
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.rules import Part
from luzhi.supervision.services import appraisal
from luzhi.supervision.services import milestones
from luzhi.supervision.services import orders

from .conftest import TASK


def pdf(name="验收报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n0000", content_type="application/pdf")


@pytest.fixture
def milestone(seed_plan, plan_officer, reporter_sti):
    task = Section.objects.get(plan=seed_plan, path=TASK)
    return milestones.milestone_create(
        actor=plan_officer,
        task=task,
        unit=reporter_sti.unit,
        year=2025,
        title="布局基础研究项目 150 项",
        due_date=date(2025, 12, 31),
        standard="立项文件印发",
        evidence_required="立项通知",
    )


# ---------------------------------------------------------------- milestones and 销号


def test_a_milestone_is_closed_only_by_the_offices_verification(
    milestone, reporter_sti, plan_officer, media
):
    assert milestone.status == "open"
    with pytest.raises(ValidationError, match="佐证材料"):
        milestones.milestone_claim(actor=reporter_sti, milestone=milestone)
    claimed = milestones.milestone_claim(actor=reporter_sti, milestone=milestone, files=[pdf()])
    assert claimed.status == "claimed" and claimed.evidence.count() == 1
    # The unit cannot close it itself.
    with pytest.raises(PermissionDenied):
        milestones.milestone_verify(actor=reporter_sti, milestone=claimed, close=True, comment="ok")
    with pytest.raises(ValidationError, match="核验意见"):
        milestones.milestone_verify(actor=plan_officer, milestone=claimed, close=True, comment="")
    closed = milestones.milestone_verify(
        actor=plan_officer, milestone=claimed, close=True, comment="立项通知核验无误"
    )
    assert closed.status == "closed" and closed.closed_by == plan_officer
    log = list(CycleEvent.objects.filter(milestone=closed).values_list("action", "comment"))
    assert log[-1] == ("close", "立项通知核验无误")
    with pytest.raises(ValidationError, match="已销号"):
        milestones.milestone_verify(actor=plan_officer, milestone=claimed, close=True, comment="x")


def test_a_refused_verification_sends_the_milestone_back(
    milestone, reporter_sti, plan_officer, media
):
    milestones.milestone_claim(actor=reporter_sti, milestone=milestone, files=[pdf()])
    back = milestones.milestone_verify(
        actor=plan_officer, milestone=milestone, close=False, comment="缺立项清单"
    )
    assert back.status == "open" and back.verification == "缺立项清单"


def test_a_unit_proposes_and_the_office_approves(seed_plan, reporter_sti, plan_officer):
    task = Section.objects.get(plan=seed_plan, path=TASK)
    proposed = milestones.milestone_create(
        actor=reporter_sti,
        task=task,
        unit=reporter_sti.unit,
        year=2026,
        title="出台扶持办法",
        due_date=date(2026, 6, 30),
        standard="印发",
    )
    assert proposed.status == "proposed"
    with pytest.raises(PermissionDenied):
        milestones.milestone_approve(actor=reporter_sti, milestone=proposed)
    assert milestones.milestone_approve(actor=plan_officer, milestone=proposed).status == "open"


def test_a_report_answers_per_milestone_and_lagging_needs_a_reason(milestone, lead, reporter_sti):
    from luzhi.supervision.services import obligation_acknowledge

    obligation_acknowledge(actor=reporter_sti, obligation=lead)
    with pytest.raises(ValidationError, match="请说明原因"):
        milestones.milestone_report(
            actor=reporter_sti, obligation=lead, milestone=milestone, state="lagging"
        )
    milestones.milestone_report(
        actor=reporter_sti, obligation=lead, milestone=milestone, state="lagging", reason="经费未到"
    )
    milestone.refresh_from_db()
    assert (milestone.state, milestone.state_reason) == ("lagging", "经费未到")


# ---------------------------------------------------------------- orders


@pytest.mark.parametrize(
    ("source", "days", "level"),
    [
        ("obligation", 0, "blue"),
        ("obligation", 16, "orange"),
        ("obligation", 31, "red"),
        ("indicator", 0, "orange"),
        ("ms_overdue", 16, "red"),
        ("ms_lagging", 15, "blue"),
    ],
)
def test_order_levels_follow_severity_and_time_overdue(source, days, level):
    assert rules.order_level(source, days) == level


def test_an_overdue_milestone_proposes_an_order_once(milestone, plan_officer):
    later = milestone.due_date + timedelta(days=20)
    proposed = orders.orders_propose(actor=plan_officer, today=later)
    mine = [o for o in proposed if o.milestone_id == milestone.pk]
    assert len(mine) == 1 and mine[0].level == "red" and mine[0].days_overdue == 20
    again = orders.orders_propose(actor=plan_officer, today=later)
    assert not [o for o in again if o.milestone_id == milestone.pk]


def test_an_order_is_issued_answered_and_closed_with_a_conclusion(
    milestone, plan_officer, reporter_sti, reporter_edu
):
    order = orders.order_create(
        actor=plan_officer, unit=reporter_sti.unit, title="基础研究立项滞后", level="blue"
    )
    with pytest.raises(ValidationError, match="建议督办"):  # not issued yet
        orders.order_respond(actor=reporter_sti, order=order, response="x")
    with pytest.raises(ValidationError) as refused:
        orders.order_issue(actor=plan_officer, order=order, deadline=None, required_response="")
    assert set(refused.value.message_dict) == {"deadline", "required_response"}
    deadline = timezone.localdate() + timedelta(days=10)
    orders.order_issue(
        actor=plan_officer, order=order, deadline=deadline, required_response="报整改方案"
    )
    with pytest.raises(PermissionDenied):
        orders.order_respond(actor=reporter_edu, order=order, response="不相干")
    orders.order_respond(actor=reporter_sti, order=order, response="11 月底前完成立项")
    with pytest.raises(ValidationError) as refused:
        orders.order_close(actor=plan_officer, order=order, facts="", evidence="", conclusion="")
    assert set(refused.value.message_dict) == {
        "conclusion_facts",
        "conclusion_evidence",
        "conclusion",
    }
    closed = orders.order_close(
        actor=plan_officer,
        order=order,
        facts="已立项 150 项",
        evidence="立项通知",
        conclusion="整改到位",
    )
    assert closed.status == "closed" and closed.answered_on_time
    note = reporter_sti.notifications.get(kind="order_closed")
    assert "已立项 150 项" in note.body and "整改到位" in note.body


def test_a_field_check_escalates_or_closes(plan_officer, reporter_sti, media):
    order = orders.order_create(actor=plan_officer, unit=reporter_sti.unit, title="督查事项")
    orders.order_issue(
        actor=plan_officer,
        order=order,
        deadline=timezone.localdate() + timedelta(days=5),
        required_response="整改",
    )
    orders.field_check_record(
        actor=plan_officer,
        order=order,
        checked_on=timezone.localdate(),
        people="张三、李四",
        findings="未整改",
        outcome="escalate",
        attachment=pdf("督查照片.pdf"),
    )
    order.refresh_from_db()
    assert order.level == "orange" and order.status == "issued"
    assert order.checks.get().attachment.name.endswith(".pdf")
    orders.field_check_record(
        actor=plan_officer,
        order=order,
        checked_on=timezone.localdate(),
        people="张三",
        findings="已整改",
        outcome="close",
        conclusion="办结",
    )
    order.refresh_from_db()
    assert order.status == "closed" and order.conclusion_facts == "已整改"


def test_a_unit_does_not_see_proposals(plan_officer, reporter_sti):
    from luzhi.supervision.permissions import orders as policy

    order = orders.order_create(actor=plan_officer, unit=reporter_sti.unit, title="内部建议")
    assert not policy.visible(reporter_sti).filter(pk=order.pk).exists()
    assert policy.visible(plan_officer).filter(pk=order.pk).exists()


# ---------------------------------------------------------------- appraisal


def test_score_is_the_weighted_mean_plus_adjustments():
    parts = {
        "indicators": Part(1, 2),  # 50
        "milestones": Part(1, 1),  # 100
        "orders": Part(0, 0),  # nothing due: full marks
        "timeliness": Part(0, 4),  # 0
        "quality": Part(3, 4),  # 75
    }
    weights = {"indicators": 30, "milestones": 30, "orders": 15, "timeliness": 15, "quality": 10}
    # (50*30 + 100*30 + 100*15 + 0*15 + 75*10) / 100 = 67.5
    assert rules.score(parts, weights) == Decimal("67.5")
    assert rules.score(parts, weights, Decimal("-2")) == Decimal("65.5")
    assert rules.score(parts, weights | {"timeliness": 0}) == Decimal("79.4")


def test_ties_share_a_rank():
    ranked = rules.rank_scores([("a", Decimal(90)), ("b", Decimal(80)), ("c", Decimal(90))])
    assert [(r, n) for r, n, _ in ranked] == [(1, "a"), (1, "c"), (3, "b")]


def test_closing_a_milestone_on_time_raises_the_units_score(
    milestone, reporter_sti, plan_officer, media
):
    appraisal.appraisal_weights_set(
        actor=plan_officer, year=2025, w_indicators=0, w_orders=0, w_timeliness=0, w_quality=0
    )
    today = date(2026, 1, 5)

    def sti_score():
        return next(s for s in unit_scores(2025, today=today) if s.unit == reporter_sti.unit)

    assert sti_score().score == Decimal("0.0")  # due and not closed
    milestones.milestone_claim(actor=reporter_sti, milestone=milestone, files=[pdf()])
    TaskMilestone.objects.filter(pk=milestone.pk).update(
        claimed_at=timezone.make_aware(timezone.datetime(2025, 12, 20, 10))
    )
    milestones.milestone_verify(actor=plan_officer, milestone=milestone, close=True, comment="核验")
    assert sti_score().score == Decimal("100.0")
    with pytest.raises(ValidationError, match="理由"):
        appraisal.score_adjust(
            actor=plan_officer, year=2025, unit=reporter_sti.unit, points=-3, reason=""
        )
    appraisal.score_adjust(
        actor=plan_officer, year=2025, unit=reporter_sti.unit, points="-3", reason="材料迟交"
    )
    assert sti_score().score == Decimal("97.0")


def test_only_the_office_sets_weights(reporter_sti):
    with pytest.raises(PermissionDenied):
        appraisal.appraisal_weights_set(actor=reporter_sti, year=2025, w_quality=50)
