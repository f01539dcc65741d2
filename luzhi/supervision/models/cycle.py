"""The closing half of the supervision cycle (督办闭环): milestones closed by verification
(工作要点 / 销号), supervision orders (督办单 / 挂牌督办) with field checks (督查),
and the year-end appraisal (考核评价) whose weights are data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import Unit
from luzhi.core.fields import user_field
from luzhi.core.models import EvidenceFile
from luzhi.core.models import TimeStampedModel
from luzhi.plan.models import Section

from .reporting import Obligation
from .reporting import StatusEvent


class TaskMilestone(TimeStampedModel):
    """A milestone (工作要点) of a task for one year: what, who, by when, how it is judged
    done, and the evidence required. Closed (销号) only by the plan office's verification."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审定")
        OPEN = "open", _("推进中")
        CLAIMED = "claimed", _("待核验")
        CLOSED = "closed", _("已销号")
        REJECTED = "rejected", _("未采纳")

    class State(models.TextChoices):
        DONE = "done", _("已完成")
        ON_TRACK = "on_track", _("按计划推进")
        LAGGING = "lagging", _("滞后")

    task = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("责任单位")
    )
    title = models.CharField(_("工作要点"), max_length=300)
    due_date = models.DateField(_("完成时限"))
    standard = models.TextField(_("完成标准"))
    evidence_required = models.TextField(_("佐证材料要求"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    state = models.CharField(_("推进情况"), max_length=10, choices=State.choices, blank=True)
    state_reason = models.TextField(_("滞后原因"), blank=True)
    claimed_at = models.DateTimeField(_("申请销号时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = user_field(on_delete=models.PROTECT, null=True)
    verification = models.TextField(_("核验意见"), blank=True)
    created_by = user_field(on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "task__order", "due_date", "pk"]
        indexes = [models.Index(fields=["year", "unit", "status"])]
        verbose_name = _("工作要点")
        verbose_name_plural = _("工作要点")

    def __str__(self) -> str:
        return self.title

    @property
    def closed_on_time(self) -> bool:
        return bool(self.closed_at and self.claimed_at and self.claimed_at.date() <= self.due_date)


class MilestoneUpdate(models.Model):
    """A progress report's answer for one milestone: done, on track, or lagging with a reason."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="milestone_updates"
    )
    milestone = models.ForeignKey(TaskMilestone, on_delete=models.CASCADE, related_name="updates")
    state = models.CharField(_("推进情况"), max_length=10, choices=TaskMilestone.State.choices)
    reason = models.TextField(_("滞后原因"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now=True)

    class Meta:
        ordering = ["milestone", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "milestone"], name="milestone_update_once_per_report"
            )
        ]
        verbose_name = _("工作要点进展")
        verbose_name_plural = _("工作要点进展")

    def __str__(self) -> str:
        return f"{self.milestone} · {self.get_state_display()}"


class MilestoneEvidence(EvidenceFile):
    """An evidence file submitted with a request to close (销号) a milestone."""

    milestone = models.ForeignKey(TaskMilestone, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="supervision/milestones/%Y/%m/")

    class Meta:
        ordering = ["milestone", "uploaded_at", "pk"]
        verbose_name = _("销号佐证材料")
        verbose_name_plural = _("销号佐证材料")


#: The steps a :class:`CycleEvent` records, as the history shows them.
ACTION_LABELS = {
    "create": _("制定"),
    "propose": _("提出"),
    "approve": _("审定采纳"),
    "decline": _("不采纳"),
    "claim": _("申请销号"),
    "close": _("销号/办结"),
    "refuse": _("核验不通过"),
    "issue": _("下发"),
    "dismiss": _("不予督办"),
    "respond": _("反馈整改措施"),
    "check": _("督查"),
    "check_close": _("督查办结"),
    "escalate": _("升级督办"),
}


class CycleEvent(StatusEvent):
    """One logged step of a milestone or a supervision order: who, when, what, why."""

    milestone = models.ForeignKey(
        TaskMilestone, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    order = models.ForeignKey(
        "SupervisionOrder", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class SupervisionOrder(TimeStampedModel):
    """A supervision order (督办单, 挂牌督办): proposed by a rule, issued by the plan office
    with a deadline and the response it requires, answered by the unit, closed with a
    conclusion (facts, evidence) fed back to the unit."""

    class Level(models.TextChoices):
        BLUE = "blue", _("蓝色督办")
        ORANGE = "orange", _("橙色督办")
        RED = "red", _("红色督办")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("建议督办")
        ISSUED = "issued", _("已下发")
        RESPONDED = "responded", _("已反馈")
        CLOSED = "closed", _("已办结")
        DISMISSED = "dismissed", _("不予督办")

    class Source(models.TextChoices):
        INDICATOR = "indicator", _("指标红灯")
        MILESTONE_LAGGING = "ms_lagging", _("工作要点滞后")
        MILESTONE_OVERDUE = "ms_overdue", _("工作要点逾期")
        OBLIGATION = "obligation", _("逾期未报")
        MANUAL = "manual", _("专项办立项")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="orders", verbose_name=_("督办单位")
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    source_key = models.CharField(_("来源标识"), max_length=60, blank=True)
    title = models.CharField(_("督办事项"), max_length=300)
    facts = models.TextField(_("问题事实"), blank=True)
    level = models.CharField(_("督办等级"), max_length=6, choices=Level.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    task = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    milestone = models.ForeignKey(
        TaskMilestone, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_orders",
    )
    days_overdue = models.PositiveIntegerField(_("逾期天数"), default=0)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    required_response = models.TextField(_("整改要求"), blank=True)
    issued_at = models.DateTimeField(_("下发时间"), null=True, blank=True)
    issued_by = user_field(on_delete=models.PROTECT, null=True)
    response = models.TextField(_("整改措施"), blank=True)
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    conclusion_facts = models.TextField(_("督查事实"), blank=True)
    conclusion_evidence = models.TextField(_("督查依据"), blank=True)
    conclusion = models.TextField(_("督办结论"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=models.Q(status__in=["proposed", "issued", "responded"]),
                name="order_one_open_per_source",
            )
        ]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ISSUED, self.Status.RESPONDED)

    @property
    def answered_on_time(self) -> bool:
        return bool(
            self.responded_at and self.deadline and self.responded_at.date() <= self.deadline
        )


class FieldCheck(models.Model):
    """A field check (督查): date, people, findings, an attachment; it may close or escalate
    the order it checks."""

    class Outcome(models.TextChoices):
        NOTE = "note", _("仅记录")
        CLOSE = "close", _("办结")
        ESCALATE = "escalate", _("升级督办")

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("督查日期"))
    people = models.CharField(_("督查人员"), max_length=300)
    findings = models.TextField(_("督查发现"))
    attachment = models.FileField(_("附件"), upload_to="supervision/checks/%Y/%m/", blank=True)
    outcome = models.CharField(_("处理"), max_length=8, choices=Outcome.choices)
    recorded_by = user_field(on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["order", "checked_on", "pk"]
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")

    def __str__(self) -> str:
        return f"{self.order} · {self.checked_on}"


class AppraisalScheme(TimeStampedModel):
    """The appraisal weights (考核评价权重) of one year, set by the plan office as data."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    w_indicators = models.PositiveSmallIntegerField(_("指标达成权重"), default=30)
    w_milestones = models.PositiveSmallIntegerField(_("按时销号权重"), default=30)
    w_orders = models.PositiveSmallIntegerField(_("督办按时反馈权重"), default=15)
    w_timeliness = models.PositiveSmallIntegerField(_("按时报送权重"), default=15)
    w_quality = models.PositiveSmallIntegerField(_("报送质量权重"), default=10)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")

    def __str__(self) -> str:
        return str(self.year)

    @property
    def weights(self) -> dict[str, int]:
        return {
            "indicators": self.w_indicators,
            "milestones": self.w_milestones,
            "orders": self.w_orders,
            "timeliness": self.w_timeliness,
            "quality": self.w_quality,
        }


class ScoreAdjustment(models.Model):
    """The plan office's adjustment of a unit's score, with its reason (logged)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="score_adjustments")
    points = models.DecimalField(_("加减分"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("理由"))
    actor = user_field(on_delete=models.PROTECT)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["year", "unit", "at"]
        verbose_name = _("考核调整")
        verbose_name_plural = _("考核调整")

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.points:+}"
