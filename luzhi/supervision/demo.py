"""Demo data of the closing half of the supervision cycle (``luzhi demo seed``): the
year's appraisal weights, milestones (one closed by verification — 销号 — one
waiting for verification, one lagging and overdue, one proposed by a unit), the
supervision orders the rules propose, one issued, answered and closed with a
conclusion, one issued and open (挂牌督办), and an adjustment of a score.

Runs after ``luzhi.demo.supervision`` (the rounds); everything goes through the
services, then a few timestamps are moved into the past so the story reads in
order. Idempotent; ``reset`` replaces it."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from luzhi.accounts.models import User
from luzhi.plan.models import Section
from luzhi.plan.selectors import current_plan
from luzhi.supervision.models import AppraisalScheme
from luzhi.supervision.models import CycleEvent
from luzhi.supervision.models import FieldCheck
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Round
from luzhi.supervision.models import ScoreAdjustment
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone
from luzhi.supervision.services import appraisal
from luzhi.supervision.services import milestones
from luzhi.supervision.services import orders


def clear() -> int:
    count = TaskMilestone.objects.count() + SupervisionOrder.objects.count()
    FieldCheck.objects.all().delete()
    CycleEvent.objects.all().delete()
    SupervisionOrder.objects.all().delete()
    TaskMilestone.objects.all().delete()
    ScoreAdjustment.objects.all().delete()
    AppraisalScheme.objects.all().delete()
    return count


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo evidence\n", content_type="application/pdf")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), timezone.get_current_timezone())


@transaction.atomic
def seed(*, seed: int = 42, today: date | None = None, reset: bool = False) -> str:
    if reset:
        clear()
    if TaskMilestone.objects.exists() or SupervisionOrder.objects.exists():
        return "supervision cycle: kept"
    plan = current_plan()
    office = User.objects.filter(username="office").first()
    users = {
        u.unit.short_name: u
        for u in User.objects.filter(role="unit_reporter", unit__isnull=False).select_related(
            "unit"
        )
    }
    sti, miit, data = (users.get(n) for n in ("省科技厅", "省工业和信息化厅", "省大数据局"))
    if plan is None or office is None or not (sti and miit and data):
        return "supervision cycle: no plan or demo accounts, nothing seeded"
    today = min(today or timezone.localdate(), timezone.localdate())
    year = today.year
    tasks = {s.path: s for s in Section.objects.filter(plan=plan, kind=Section.Kind.TASK)}
    appraisal.appraisal_weights_set(
        actor=office,
        year=year,
        w_indicators=30,
        w_milestones=30,
        w_orders=15,
        w_timeliness=15,
        w_quality=10,
    )

    def create(unit_user, path, title, due, standard, evidence=""):
        return milestones.milestone_create(
            actor=office,
            task=tasks[path],
            unit=unit_user.unit,
            year=year,
            title=title,
            due_date=due,
            standard=standard,
            evidence_required=evidence,
        )

    # 销号: claimed before its deadline with evidence, verified by the office.
    done = create(
        sti,
        "二/(一)/1",
        "印发年度基础研究项目指南并完成立项",
        today - timedelta(days=20),
        "项目指南印发,立项 150 项以上",
        "项目指南、立项通知",
    )
    milestones.milestone_claim(
        actor=sti, milestone=done, comment="已立项 156 项。", files=[_pdf("立项通知.pdf")]
    )
    milestones.milestone_verify(
        actor=office, milestone=done, close=True, comment="立项通知与项目清单核验一致,予以销号。"
    )
    TaskMilestone.objects.filter(pk=done.pk).update(
        claimed_at=_at(today - timedelta(days=25)), closed_at=_at(today - timedelta(days=22))
    )
    CycleEvent.objects.filter(milestone=done, action="claim").update(
        at=_at(today - timedelta(days=25))
    )
    CycleEvent.objects.filter(milestone=done, action="close").update(
        at=_at(today - timedelta(days=22))
    )
    # Waiting for the office's verification.
    waiting = create(
        sti,
        "二/(一)/2",
        "发布人工智能基础软件扶持计划",
        today + timedelta(days=10),
        "扶持计划印发",
        "印发文件",
    )
    milestones.milestone_claim(actor=sti, milestone=waiting, files=[_pdf("扶持计划.pdf")])
    # Lagging and overdue: the rules propose an order, which the office issues.
    lagging = create(
        miit,
        "二/(三)/2",
        "遴选第一批标杆性垂域大模型产品",
        today - timedelta(days=18),
        "公布遴选名单",
        "遴选结果公告",
    )
    # On track, due later.
    create(
        data, "二/(二)/1", "山东算网平台接入 10 个算力中心", today + timedelta(days=75), "接入清单"
    )
    # A unit's proposal waiting for approval.
    milestones.milestone_create(
        actor=data,
        task=tasks["二/(二)/3"],
        unit=data.unit,
        year=year,
        title="发布第一批高质量行业数据集",
        due_date=today + timedelta(days=90),
        standard="数据集目录发布",
    )
    current = Round.objects.filter(status=Round.Status.OPEN).order_by("-due_date").first()
    obligation = (
        Obligation.objects.filter(round=current, task=tasks["二/(三)/2"], unit=miit.unit).first()
        if current
        else None
    )
    if obligation is not None:
        from luzhi.supervision.services import obligation_acknowledge

        if obligation.status == Obligation.Status.PENDING:
            obligation = obligation_acknowledge(actor=miit, obligation=obligation)
        milestones.milestone_report(
            actor=miit,
            obligation=obligation,
            milestone=lagging,
            state="lagging",
            reason="参评企业材料补充,评审会推迟。",
        )

    proposed = orders.orders_propose(actor=office, today=today)
    by_source = {(o.source, o.milestone_id): o for o in proposed}
    answered = by_source.get((SupervisionOrder.Source.MILESTONE_OVERDUE, lagging.pk))
    if answered is not None:
        orders.order_issue(
            actor=office,
            order=answered,
            deadline=timezone.localdate() + timedelta(days=5),
            required_response="说明滞后原因,报送遴选工作倒排计划。",
        )
        orders.order_respond(
            actor=miit,
            order=answered,
            response="已召开评审会,遴选名单将于本月内公布;倒排计划附后。",
        )
        orders.order_close(
            actor=office,
            order=answered,
            facts="评审会已召开,名单已报厅党组审定。",
            evidence="评审会纪要、倒排计划",
            conclusion="整改措施可行,办结;名单公布后申请销号。",
        )
    overdue = next((o for o in proposed if o.source == SupervisionOrder.Source.OBLIGATION), None)
    if overdue is not None:
        orders.order_issue(
            actor=office,
            order=overdue,
            deadline=timezone.localdate() + timedelta(days=7),
            required_response="三日内补报进展报告,说明逾期原因。",
            level="orange",
        )
    appraisal.score_adjust(
        actor=office,
        year=year,
        unit=sti.unit,
        points="2",
        reason="牵头组织全省人工智能揭榜挂帅,成效突出。",
    )
    return (
        f"supervision cycle: {TaskMilestone.objects.count()} milestones, "
        f"{SupervisionOrder.objects.count()} supervision orders"
    )
