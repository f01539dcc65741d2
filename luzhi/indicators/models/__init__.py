"""Indicators (指标) and their observations (指标值).

Every quantitative target of the plan becomes an :class:`Indicator`. Its values
are :class:`Observation` rows: indicator × period × region, from a registry
function (computed), a unit's report, or official statistics, each with
evidence and a review status. Province values of additive indicators are
rolled up from cities; ratios are computed from their parts.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.core.fields import quantity_field
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel
from luzhi.indicators.models.rules import ValueRule  # noqa: F401  (one of the app's models)
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.plan.models import Target

PROVINCE = "370000"  # 山东省's administrative code; cities use their own codes.


class Indicator(TimeStampedModel):
    """A target being tracked: how it is measured, its baseline, its target path."""

    class Method(models.TextChoices):
        COMPUTED = "computed", _("系统计算")
        REPORTED = "reported", _("单位填报")

    class Semantics(models.TextChoices):
        STOCK = "stock", _("存量")  # the value at a point in time (platforms in operation)
        FLOW = "flow", _("期间新增")  # new in the period; cumulative since the baseline

    class FigureOfRecord(models.TextChoices):
        """Which value is the headline of an indicator that has both a computed function and
        unit-reported values (the other is shown beside it, a discrepancy flagged)."""

        REPORTED = "reported", _("以填报值为准")
        COMPUTED = "computed", _("以系统计算值为准")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("各市加总")
        RATIO = "ratio", _("由分子分母计算")
        NONE = "none", _("仅全省")

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("口径说明"), blank=True)
    target = models.ForeignKey(
        Target,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        verbose_name=_("计划目标"),
    )
    # Where the target stands in the plan, so a new plan version can be re-linked.
    plan_path = models.CharField(_("条款路径"), max_length=100, blank=True)
    target_metric = models.CharField(_("目标指标"), max_length=200, blank=True)
    method = models.CharField(_("计量方式"), max_length=10, choices=Method.choices)
    function = models.CharField(_("计算函数"), max_length=100, blank=True)
    unit = models.CharField(_("计量单位"), max_length=20)
    cmp = models.CharField(_("比较"), max_length=5, choices=Target.Cmp.choices)
    target_value = quantity_field(_("目标值"))
    target_value_max = quantity_field(_("目标上限"), null=True, blank=True)
    deadline_year = models.PositiveSmallIntegerField(_("完成年份"), null=True, blank=True)
    per_year = models.BooleanField(_("按年度考核"), default=False)
    semantics = models.CharField(_("口径"), max_length=5, choices=Semantics.choices)
    aggregation = models.CharField(_("区域汇总"), max_length=5, choices=Aggregation.choices)
    numerator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("分子指标"),
    )
    denominator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("分母指标"),
    )
    frequency = models.CharField(_("频次"), max_length=7, choices=PeriodType.choices)
    baseline_value = quantity_field(_("基线值"), default=0)
    # The year before the plan begins (set from the plan by indicators_sync_from_plan).
    baseline_year = models.PositiveSmallIntegerField(_("基线年份"))
    figure_of_record = models.CharField(
        _("口径值"),
        max_length=8,
        choices=FigureOfRecord.choices,
        default=FigureOfRecord.REPORTED,
        help_text=_("既有系统计算值又有单位填报值时,以哪一个为准(另一个并列显示)。"),
    )
    tolerance_pct = models.DecimalField(
        _("差异容忍度(%)"),
        max_digits=6,
        decimal_places=2,
        default=5,
        help_text=_("系统计算值与填报值相差超过该比例时提示差异。"),
    )
    responsible_units = models.ManyToManyField(
        Unit, blank=True, related_name="indicators", verbose_name=_("责任单位")
    )
    is_public = models.BooleanField(_("公开"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords(m2m_fields=[responsible_units])

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.method == self.Method.COMPUTED and not self.function:
            raise ValidationError({"function": _("系统计算的指标必须指定计算函数。")})
        if self.aggregation == self.Aggregation.RATIO and not (
            self.numerator_id and self.denominator_id
        ):
            raise ValidationError({"numerator": _("比率指标必须指定分子和分母指标。")})
        if self.cmp == Target.Cmp.RANGE and self.target_value_max is None:
            raise ValidationError({"target_value_max": _("区间目标必须有上限。")})

    @property
    def is_additive(self) -> bool:
        return self.aggregation == self.Aggregation.SUM

    @property
    def headline_is_computed(self) -> bool:
        """The computed value is the figure of record (when the indicator has a function)."""
        return bool(self.function) and self.figure_of_record == self.FigureOfRecord.COMPUTED


class TargetLink(TimeStampedModel):
    """A target of another plan measured by an existing indicator, so units report once.

    A follow-up plan that repeats a target (again "150 basic-research projects a year")
    links it to the indicator that already measures it, by the plan office's decision
    (``services.target_link``; proposed when name, unit and comparator match). The
    observations stay the indicator's; each plan's cockpit judges them against its own
    target and years. The link is keyed by where the target stands in its plan (lineage,
    clause path, metric), so a new version of that plan re-links it like an indicator.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="target_links", verbose_name=_("指标")
    )
    target = models.OneToOneField(
        Target,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicator_link",
        verbose_name=_("计划目标"),
    )
    plan_lineage = models.CharField(_("计划标识"), max_length=200)
    plan_path = models.CharField(_("条款路径"), max_length=100)
    target_metric = models.CharField(_("目标指标"), max_length=200)
    linked_by = user_field(_("关联人"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_lineage", "plan_path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_lineage", "plan_path", "target_metric"],
                name="targetlink_unique_clause",
            )
        ]
        verbose_name = _("目标关联")
        verbose_name_plural = _("目标关联")

    def __str__(self) -> str:
        return f"{self.target_metric} → {self.indicator_id}"


class Milestone(models.Model):
    """A yearly milestone on the target path, set by the plan office."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = quantity_field(_("阶段目标"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="milestone_unique_year")
        ]
        verbose_name = _("年度阶段目标")
        verbose_name_plural = _("年度阶段目标")

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class CityAllocation(models.Model):
    """The share of a provincial target allocated to one city (分解到市)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="allocations")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    value = quantity_field(_("分解目标"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "city__order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "city"], name="allocation_unique_city")
        ]
        verbose_name = _("分市目标")
        verbose_name_plural = _("分市目标")

    def __str__(self) -> str:
        return f"{self.indicator} {self.city}: {self.value}"


class Observation(TimeStampedModel):
    """One value of an indicator for one period and one region (the province or a city)."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("系统计算")
        REPORT = "report", _("单位填报")
        STATISTICS = "statistics", _("官方统计")
        ROLLUP = "rollup", _("各市汇总")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已审核")
        RETURNED = "returned", _("已退回")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations")
    period_type = models.CharField(_("周期类型"), max_length=7, choices=PeriodType.choices)
    period_start = models.DateField(_("周期起始"))
    region = models.CharField(_("区域代码"), max_length=6, default=PROVINCE)
    value = quantity_field(_("数值"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reporting_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("填报单位"),
    )
    note = models.TextField(_("说明"), blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    # The value checks (checks.py) the value broke when it was saved, and the reporter's reason
    # for submitting it anyway: [{"rule": id, "kind": ..., "message": ...}, ...].
    check_breaches = models.JSONField(_("未通过的校验规则"), default=list, blank=True)
    check_reason = models.TextField(_("校验说明"), blank=True)
    created_by = user_field(_("填报人"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_type", "period_start", "region", "source"],
                name="observation_unique_slot",
            )
        ]
        indexes = [
            models.Index(fields=["status", "region", "indicator", "period_start"]),
        ]
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} {self.region_name}: {self.value}"

    @property
    def period(self) -> Period:
        return Period(PeriodType(self.period_type), self.period_start)

    @property
    def region_name(self) -> str:
        return region_name(self.region)


def region_name(code: str) -> str:
    """山东省 for the province code, else the city's name."""
    if code == PROVINCE:
        return str(_("全省"))
    from luzhi.accounts.models import City as _City

    city = _City.objects.filter(code=code).only("name").first()
    return city.name if city else code


class Evidence(models.Model):
    """A file backing an observation: PDF, image or spreadsheet, checked on upload."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = user_field(blank=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


class ObservationEvent(models.Model):
    """One step of an observation's review: who moved it from what to what, and why."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="events")
    actor = user_field(blank=False)
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    value = quantity_field(null=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} → {self.to_status}"


DATA_VERSION_KEY = "indicators"


class DataVersion(models.Model):
    """A counter bumped by every write to indicator data, so cached cockpit pages know they are stale.

    One row per ``key``; services bump it inside their transaction (a rolled-back
    write leaves it unchanged). Reading it is one primary-key lookup.
    """

    key = models.CharField(max_length=30, unique=True)
    counter = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.key}: {self.counter}"


class StoredAssessment(models.Model):
    """An indicator's assessment as the cockpit last computed it, kept for the next request.

    Every write that changes what an indicator shows bumps its ``version`` inside
    the write's transaction (``services.data_changed``); a reader recomputes an
    assessment only when the stored one is for another ``version`` or another
    day, and stores it only if the version is still the one it read (a
    conditional update), so a value approved and read on the very next request
    always shows the new figures, whatever the timing of the background refresh.
    """

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, primary_key=True, related_name="stored_assessment"
    )
    version = models.PositiveBigIntegerField(default=1)
    computed_version = models.PositiveBigIntegerField(default=0)
    as_of = models.DateField(null=True)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("指标评估(缓存)")
        verbose_name_plural = _("指标评估(缓存)")

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.version} ({self.computed_version})"
