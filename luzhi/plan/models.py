"""The action plan as versioned data.

A :class:`Plan` row is one version of one plan text. Importing a changed text
creates the next version; nothing is overwritten. Every section, assignment
and target keeps the character span of the source text it was parsed from, so
the UI can show each clause highlighted in the original.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import Unit
from luzhi.core.fields import quantity_field
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel


class Plan(TimeStampedModel):
    """One version of an action plan (行动计划), with its source text."""

    lineage = models.CharField(
        _("计划标识"),
        max_length=200,
        db_index=True,
        help_text=_("同一计划各版本共用的标识(规范化标题)。"),
    )
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    issued = models.DateField(_("印发日期"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("起始年份"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("截止年份"), null=True, blank=True)
    issuer_names = models.JSONField(_("印发单位(原文)"), default=list, blank=True)
    issuers = models.ManyToManyField(
        Unit, through="PlanIssuer", related_name="issued_plans", verbose_name=_("印发单位")
    )
    # Several plans may be in force at once (a follow-up plan repeats targets); the main one
    # is what pages show by default. Every version of a lineage carries the same flag.
    is_main = models.BooleanField(
        _("主计划"), default=False, help_text=_("驾驶舱等页面默认显示的计划。")
    )
    source_text = models.TextField(_("原文"), blank=True)
    source_sha256 = models.CharField(_("原文摘要"), max_length=64, db_index=True)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        related_name="next_version",
        on_delete=models.PROTECT,
        verbose_name=_("上一版本"),
    )
    imported_by = user_field(_("导入人"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["lineage", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="plan_unique_version")
        ]
        verbose_name = _("行动计划")
        verbose_name_plural = _("行动计划")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("plan:plan_detail", args=[self.pk])

    # The plan's years: every progress, forecast, baseline and period comes from these.

    @property
    def first_year(self) -> int | None:
        """The first year the plan is in force (起始年份; else the year after it was issued)."""
        if self.period_start:
            return self.period_start
        return self.issued.year + 1 if self.issued else None

    @property
    def baseline_year(self) -> int | None:
        """The year before the plan begins: its baseline (基线年)."""
        first = self.first_year
        return first - 1 if first else None

    @property
    def first_day(self) -> date | None:
        """The first day that counts towards the plan's targets (1 January of its first year)."""
        first = self.first_year
        return date(first, 1, 1) if first else None


class PlanIssuer(models.Model):
    """An issuing unit of a plan, in the order the document lists them."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="issuer_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name_as_written = models.CharField(_("原文名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"))

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="planissuer_unique_order")
        ]

    def __str__(self) -> str:
        return self.name_as_written


class Section(TimeStampedModel):
    """A node of the plan's tree: a part (一、), an action (（一）) or a task (1.)."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("目标")
        HEADING = "heading", _("部分")
        ACTION = "action", _("行动")
        TASK = "task", _("任务")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    path = models.CharField(_("编号路径"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=500)
    text = models.TextField(_("正文"), blank=True)
    span_start = models.PositiveIntegerField(_("原文起点"))
    span_end = models.PositiveIntegerField(_("原文终点"))
    order = models.PositiveIntegerField(_("顺序"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "path"], name="section_unique_path")]
        indexes = [models.Index(fields=["plan", "kind", "order"])]
        verbose_name = _("章节")
        verbose_name_plural = _("章节")

    def __str__(self) -> str:
        return f"{self.path} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plan:task_detail", args=[self.pk])


class TaskManager(models.Manager):
    """Only the sections that are tasks (numbered items and measures)."""

    def get_queryset(self):
        return super().get_queryset().filter(kind=Section.Kind.TASK)


class Task(Section):
    """A task (任务): a numbered item under an action, or a measure under 重点举措."""

    objects = TaskManager()

    class Meta:
        proxy = True
        verbose_name = _("任务")
        verbose_name_plural = _("任务")


class Assignment(TimeStampedModel):
    """A bracketed division of labour (分工) governing the sentences before it."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="assignments")
    order = models.PositiveSmallIntegerField(_("顺序"))
    raw = models.CharField(_("原文"), max_length=1000)
    open_ended = models.BooleanField(_("含“等”"), default=False)
    span_start = models.PositiveIntegerField(_("原文起点"))
    span_end = models.PositiveIntegerField(_("原文终点"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "order"]
        verbose_name = _("分工")
        verbose_name_plural = _("分工")

    def __str__(self) -> str:
        return self.raw


class AssignmentUnit(models.Model):
    """One unit of an assignment with its role: lead (牵头), responsible (责任) or joint."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        RESPONSIBLE = "responsible", _("责任")
        JOINT = "joint", _("按职责分工负责")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignment_roles")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    name_as_written = models.CharField(_("原文名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment", "order"]
        indexes = [models.Index(fields=["unit", "role"])]
        verbose_name = _("分工单位")
        verbose_name_plural = _("分工单位")

    def __str__(self) -> str:
        return f"{self.name_as_written} ({self.get_role_display()})"


class Target(TimeStampedModel):
    """A quantitative target (目标) as written in a goal or task."""

    class Cmp(models.TextChoices):
        GTE = ">=", _("不少于")
        GT = ">", _("超过")
        EQ = "=", _("达到")
        APPROX = "≈", _("左右")
        RANGE = "range", _("区间")
        # Upper bounds (降至…以下, 控制在…以内, 不超过, 低于): lower is better, e.g. a PUE.
        LTE = "<=", _("不超过")
        LT = "<", _("低于")

    class Per(models.TextChoices):
        YEAR = "year", _("每年")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(_("顺序"))
    metric = models.CharField(_("指标"), max_length=200)
    cmp = models.CharField(_("比较"), max_length=5, choices=Cmp.choices)
    value = quantity_field(_("目标值"))
    value_max = quantity_field(_("目标上限"), null=True, blank=True)
    # Blank for a bare number: an upper bound such as a data centre's PUE (降至1.25以下).
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    by_year = models.PositiveSmallIntegerField(_("完成年份"), null=True, blank=True)
    per = models.CharField(_("周期"), max_length=5, choices=Per.choices, blank=True)
    raw = models.CharField(_("原文"), max_length=500)
    span_start = models.PositiveIntegerField(_("原文起点"))
    span_end = models.PositiveIntegerField(_("原文终点"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "order"]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")

    def __str__(self) -> str:
        return f"{self.metric} {self.display_value}"

    def clean(self) -> None:
        """The one place the range rule lives (pages, API, admin and import alike)."""
        if self.cmp == self.Cmp.RANGE:
            if self.value_max is None:
                raise ValidationError({"value_max": _("区间目标必须有上限。")})
            if self.value is not None and self.value_max < self.value:
                raise ValidationError({"value_max": _("区间目标的上限必须不小于下限。")})
        elif self.value_max is not None:
            raise ValidationError({"value_max": _("只有区间目标才有上限。")})
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("目标值不能为负数。")})

    @property
    def display_value(self) -> str:
        """The target as a short human string: ≥150项/年, 1–2个, ≈500个."""
        value = _fmt(self.value)
        if self.cmp == self.Cmp.RANGE and self.value_max is not None:
            text = f"{value}–{_fmt(self.value_max)}{self.unit}"
        else:
            symbol = {"=": "", ">=": "≥", ">": ">", "≈": "≈", "<=": "≤", "<": "<"}.get(self.cmp, "")
            text = f"{symbol}{value}{self.unit}"
        return f"{text}/年" if self.per == self.Per.YEAR else text


def _fmt(number) -> str:
    """Format a Decimal without trailing zeros (14.0000 → 14, 0.5000 → 0.5)."""
    text = format(number.normalize(), "f")
    return text


class PlanImport(models.Model):
    """One import of a plan text: who uploaded what, and what it changed."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("新建计划")
        NEW_VERSION = "new_version", _("新版本")
        UNCHANGED = "unchanged", _("无变化")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="imports")
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    diff = models.JSONField(_("差异"), default=dict, blank=True)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("原文摘要"), max_length=64)
    created_units = models.JSONField(_("新建单位"), default=list, blank=True)
    actor = user_field(_("操作人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("计划导入记录")
        verbose_name_plural = _("计划导入记录")

    def __str__(self) -> str:
        return f"{self.plan} {self.get_outcome_display()}"
