"""Supervision (督办): the plan office's reporting cycle.

A :class:`Round` (报送轮次, e.g. 2025年第三季度) creates one :class:`Obligation`
per task per assigned unit. The obligation carries the unit's progress report
(进展报告) for the task and its review status; every transition writes an
:class:`ObligationEvent`. Responsible units report to the task's lead unit
(channel ``contributor``), the lead consolidates and reports to the plan office
(``lead``), joint assignments (按职责分工负责) report directly (``direct``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import Unit
from luzhi.core.fields import user_field
from luzhi.core.models import EvidenceFile
from luzhi.core.models import TimeStampedModel
from luzhi.plan.models import Plan
from luzhi.plan.models import Section


class Round(TimeStampedModel):
    """A reporting round (报送轮次): one period, one due date with a grace period."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("名称"), max_length=100)
    period = models.CharField(_("报告期"), max_length=10, help_text=_("形如 2025-Q3"))
    due_date = models.DateField(_("截止日期"))
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"), default=5)
    remind_days_before = models.PositiveSmallIntegerField(_("提前提醒天数"), default=3)
    contributor_days = models.PositiveSmallIntegerField(
        _("责任单位提前天数"),
        default=3,
        help_text=_("责任单位的截止日期比牵头单位早的天数,便于牵头单位汇总"),
    )
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default="open")
    opened_by = user_field(on_delete=models.PROTECT)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The reason of the latest reopening; every reopening stays in the round's history.
    reopen_reason = models.TextField(_("重新开启理由"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="round_unique_plan_period")
        ]
        verbose_name = _("报送轮次")
        verbose_name_plural = _("报送轮次")

    def __str__(self) -> str:
        return self.name


class Obligation(TimeStampedModel):
    """What one unit owes in a round for one task: acknowledgement, then a progress report."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待签收")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    class Channel(models.TextChoices):
        LEAD = "lead", _("牵头汇总报专项办")
        CONTRIBUTOR = "contributor", _("报牵头单位")
        DIRECT = "direct", _("直报专项办")

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        RESPONSIBLE = "responsible", _("责任")
        JOINT = "joint", _("按职责分工负责")
        CITY = "city", _("各市")

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        BEHIND = "behind", _("滞后")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="obligations")
    task = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="obligations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="obligations")
    role = models.CharField(_("分工角色"), max_length=12, choices=Role.choices)
    clause = models.PositiveSmallIntegerField(
        _("条款"), default=0, help_text=_("任务中第几个分工括号(从 0 起)")
    )
    clause_text = models.TextField(_("条款内容"), blank=True)
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    channel = models.CharField(_("报送路径"), max_length=12, choices=Channel.choices)
    reports_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("汇总至"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    # The progress report (进展报告).
    progress = models.CharField(_("推进状态"), max_length=12, choices=Progress.choices, blank=True)
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), null=True, blank=True)
    achievements = models.TextField(_("工作进展与成效"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步计划"), blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    # What the reviewer marked as returned (report field names, "evidence", "values"):
    # the report form marks those parts; cleared when the report is next submitted.
    returned_fields = models.JSONField(_("退回项"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "task__order", "channel", "unit__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "task", "unit", "clause"],
                name="obligation_unique_round_task_unit_clause",
            )
        ]
        indexes = [
            models.Index(fields=["round", "unit", "status"]),
            models.Index(fields=["round", "status"]),
        ]
        verbose_name = _("报送任务")
        verbose_name_plural = _("报送任务")

    def __str__(self) -> str:
        return f"{self.round} · {self.task.path} · {self.unit}"

    @property
    def deadline(self):
        """This obligation's due date: a contributor's is earlier than its lead's."""
        return self.due_date or self.round.due_date

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.ACKNOWLEDGED, self.Status.RETURNED)


class StatusEvent(models.Model):
    """A logged step of a workflow: who took it (none for an automatic step), when, and the
    comment given. The concrete event adds what it belongs to, the action and the statuses
    from and to."""

    actor = user_field(on_delete=models.PROTECT, null=True, blank=False)
    comment = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        abstract = True


class ObligationEvent(StatusEvent):
    """One transition of an obligation: who, when, from which status to which, and why."""

    class Action(models.TextChoices):
        OPEN = "open", _("下达")
        ACKNOWLEDGE = "acknowledge", _("签收")
        SAVE = "save", _("保存草稿")
        SUBMIT = "submit", _("提交")
        RETURN = "return", _("退回")
        ACCEPT = "accept", _("通过")
        REOPEN_REQUEST = "reopen_request", _("申请重新打开")
        REOPEN_APPROVE = "reopen_approve", _("批准重新打开")
        REOPEN_REJECT = "reopen_reject", _("驳回重新打开")
        REMIND = "remind", _("提醒")

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    from_status = models.CharField(
        _("原状态"), max_length=12, choices=Obligation.Status.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=12, choices=Obligation.Status.choices)

    class Meta:
        ordering = ["obligation", "at", "pk"]
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.from_status}→{self.to_status}"


class ReportEvidence(EvidenceFile):
    """An evidence file (佐证材料) attached to a progress report."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="supervision/evidence/%Y/%m/")

    class Meta:
        ordering = ["obligation", "uploaded_at", "pk"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class ReopenRequest(TimeStampedModel):
    """A logged request to reopen an accepted (locked) report, decided by the plan office."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="reopen_requests"
    )
    requested_by = user_field(on_delete=models.PROTECT)
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    decided_by = user_field(on_delete=models.PROTECT, null=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("重新打开申请")
        verbose_name_plural = _("重新打开申请")

    def __str__(self) -> str:
        return f"{self.obligation} ({self.get_status_display()})"


class Reminder(models.Model):
    """A reminder sent for an obligation. The automatic kinds are sent once each, ever; the
    plan office's urging (催办) at most once a day per obligation."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("到期前提醒")
        DUE = "due", _("到期提醒")
        OVERDUE = "overdue", _("逾期催报")
        URGE = "urge", _("专项办催办")

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    sent_on = models.DateField(_("发送日期"))
    sent_by = user_field(_("催办人"), on_delete=models.PROTECT, null=True)
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    emails = models.PositiveIntegerField(_("邮件数"), default=0)

    class Meta:
        ordering = ["obligation", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "kind"],
                condition=~models.Q(kind="urge"),
                name="reminder_once_per_kind",
            ),
            models.UniqueConstraint(
                fields=["obligation", "kind", "sent_on"],
                condition=models.Q(kind="urge"),
                name="reminder_urge_once_a_day",
            ),
        ]
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.obligation}"


class Notification(models.Model):
    """An in-app message to one user (reminders, returns, decisions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")

    def __str__(self) -> str:
        return self.title


class QuarterlyReport(models.Model):
    """The quarterly progress report (季度进展报告) of a round, generated in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("失败")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="quarterly_reports")
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = user_field(on_delete=models.PROTECT)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="supervision/reports/", blank=True)
    docx = models.FileField(_("Word"), upload_to="supervision/reports/", blank=True)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("季度进展报告")
        verbose_name_plural = _("季度进展报告")

    def __str__(self) -> str:
        return f"{self.round} · {self.get_status_display()}"
