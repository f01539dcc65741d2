"""What the province has: accelerators, compute centers, their inventory and utilisation,
and the counting convention that turns them into EFLOPS."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.accounts.models import city_field
from luzhi.core.fields import invalid_fields
from luzhi.core.fields import review_status_field
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel


class Origin(models.TextChoices):
    """Where an accelerator comes from; a programme may subsidise the two differently."""

    DOMESTIC = "domestic", _("国产")
    IMPORTED = "imported", _("进口")


class Precision(models.TextChoices):
    """The numeric precision a peak figure is quoted at (dense, never sparse)."""

    FP64 = "fp64", "FP64"
    FP32 = "fp32", "FP32"
    TF32 = "tf32", "TF32"
    FP16 = "fp16", "FP16/BF16"
    INT8 = "int8", "INT8"


class CenterKind(models.TextChoices):
    """The three kinds of compute the province counts separately."""

    GENERAL = "general", _("通用算力")
    INTELLIGENT = "intelligent", _("智能算力")
    SUPERCOMPUTING = "supercomputing", _("超算算力")


FIGURE = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True}


class AcceleratorModel(TimeStampedModel):
    """One accelerator card in the catalogue (加速卡型号): its dense peak figures and where
    each figure comes from. The plan office keeps the catalogue; centers' inventories
    point at it, so a corrected figure corrects every center at once."""

    vendor = models.CharField(_("厂商"), max_length=60)
    name = models.CharField(_("型号"), max_length=80)
    origin = models.CharField(_("产地"), max_length=10, choices=Origin.choices)
    fp64 = models.DecimalField(_("FP64 峰值(TFLOPS)"), **FIGURE)
    fp32 = models.DecimalField(_("FP32 峰值(TFLOPS)"), **FIGURE)
    tf32 = models.DecimalField(_("TF32 峰值(TFLOPS)"), **FIGURE)
    fp16 = models.DecimalField(_("FP16/BF16 峰值(TFLOPS)"), **FIGURE)
    int8 = models.DecimalField(_("INT8 峰值(TOPS)"), **FIGURE)
    memory_gb = models.PositiveIntegerField(_("显存(GB)"), null=True, blank=True)
    # {"fp16": "NVIDIA A100 datasheet, https://…", ...}: one citation per figure given.
    sources = models.JSONField(_("数据来源"), default=dict, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="compute_accelerator_unique"),
        ]
        verbose_name = _("加速卡型号")
        verbose_name_plural = _("加速卡型号")

    def __str__(self) -> str:
        return f"{self.vendor} {self.name}"

    def peak(self, precision: str) -> Decimal | None:
        """The dense peak at ``precision`` in TFLOPS (TOPS for INT8), None when unknown."""
        return getattr(self, precision)

    def clean(self) -> None:
        errors = {}
        sources = self.sources if isinstance(self.sources, dict) else {}
        if not isinstance(self.sources, dict):
            errors["sources"] = _("数据来源应为“指标 → 出处”的对照表。")
        for p in Precision.values:
            value = getattr(self, p)
            if value is None:
                continue
            if value <= 0:
                errors[p] = _("峰值必须大于 0。")
            elif not str(sources.get(p, "")).strip():
                errors[p] = _("请注明 %(figure)s 数值的出处(厂商公开规格书)。") % {
                    "figure": Precision(p).label
                }
        if errors:
            raise ValidationError(errors)


class CountingConvention(TimeStampedModel):
    """At which precision a kind of center's capacity is counted (统计口径).

    Data the plan office edits, never code: by default intelligent compute at
    FP16, general at FP32, supercomputing at FP64 (docs/compute.md gives the
    source). Changing a row changes every computed value from then on.
    """

    DEFAULTS = {
        CenterKind.INTELLIGENT: Precision.FP16,
        CenterKind.GENERAL: Precision.FP32,
        CenterKind.SUPERCOMPUTING: Precision.FP64,
    }

    kind = models.CharField(_("算力类型"), max_length=20, choices=CenterKind.choices, unique=True)
    precision = models.CharField(_("计量精度"), max_length=5, choices=Precision.choices)
    source = models.TextField(_("口径依据"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("算力统计口径")
        verbose_name_plural = _("算力统计口径")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_precision_display()}"


class ComputeCenter(TimeStampedModel):
    """A compute center (算力中心) in the province register.

    Its operator (a center operator user, in ``members``) keeps it current; a
    reporter of a unit that owns the register (省大数据局, 省通信管理局) reviews
    each change, and only approved centers and inventory count.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("在建")
        OPERATING = "operating", _("运营中")
        RETIRED = "retired", _("已停运")

    class Scheduler(models.TextChoices):
        NONE = "", _("未接入")
        SLURM = "slurm", "Slurm REST"
        KUBERNETES = "kubernetes", "Kubernetes"
        RAY = "ray", "Ray Jobs"

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    operator = models.CharField(_("运营单位"), max_length=120)
    operator_enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("运营企业(企业库)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    city = city_field()
    kind = models.CharField(_("类型"), max_length=20, choices=CenterKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPERATING)
    commissioned_on = models.DateField(_("投运日期"), null=True, blank=True)
    cpu_servers = models.PositiveIntegerField(_("CPU 服务器(台)"), default=0)
    cpu_fp32_tflops = models.DecimalField(
        _("CPU FP32 峰值合计(TFLOPS)"), max_digits=12, decimal_places=2, default=0
    )
    cpu_fp64_tflops = models.DecimalField(
        _("CPU FP64 峰值合计(TFLOPS)"), max_digits=12, decimal_places=2, default=0
    )
    scheduler = models.CharField(
        _("调度系统"), max_length=12, choices=Scheduler.choices, default="", blank=True
    )
    scheduler_url = models.URLField(_("调度接口地址"), blank=True)
    review_status = review_status_field()
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="compute_centers",
        verbose_name=_("运营人员"),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["city__order", "name"]
        indexes = [models.Index(fields=["review_status", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cpu_fp32_tflops__gte=0, cpu_fp64_tflops__gte=0),
                name="compute_center_cpu_not_negative",
            ),
        ]
        verbose_name = _("算力中心")
        verbose_name_plural = _("算力中心")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.commissioned_on and self.commissioned_on > timezone.localdate() and (
            self.status != self.Status.PLANNED
        ):
            errors["commissioned_on"] = _("投运日期晚于今天的中心应为“在建”状态。")
        errors |= invalid_fields(
            self, ("cpu_fp32_tflops", "cpu_fp64_tflops"), lambda v: v < 0, _("峰值不能为负数。")
        )
        if self.scheduler and not self.scheduler_url:
            errors["scheduler_url"] = _("接入调度系统时请填写接口地址。")
        if errors:
            raise ValidationError(errors)


class InventoryItem(TimeStampedModel):
    """A batch of identical accelerators in a center (台账): how many, since when, until
    when, and the price per card-hour the center charges for them."""

    center = models.ForeignKey(ComputeCenter, on_delete=models.CASCADE, related_name="inventory")
    accelerator = models.ForeignKey(
        AcceleratorModel, verbose_name=_("加速卡型号"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("数量(卡)"))
    installed_on = models.DateField(_("上架日期"))
    retired_on = models.DateField(_("下架日期"), null=True, blank=True)
    price_fen_per_card_hour = models.BigIntegerField(_("价格(分/卡时)"), default=0)
    review_status = review_status_field()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["center", "installed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gt=0), name="compute_inventory_count_positive"),
            models.CheckConstraint(
                condition=models.Q(price_fen_per_card_hour__gte=0), name="compute_inventory_price_not_negative"
            ),
        ]
        verbose_name = _("算力台账")
        verbose_name_plural = _("算力台账")

    def __str__(self) -> str:
        return f"{self.center} · {self.accelerator} × {self.count}"

    def clean(self) -> None:
        errors = {}
        if self.count is not None and self.count <= 0:
            errors["count"] = _("数量必须是正整数。")
        if self.price_fen_per_card_hour is not None and self.price_fen_per_card_hour < 0:
            errors["price_fen_per_card_hour"] = _("价格不能为负数。")
        if self.retired_on and self.installed_on and self.retired_on < self.installed_on:
            errors["retired_on"] = _("下架日期不能早于上架日期。")
        if errors:
            raise ValidationError(errors)

    def in_service(self, day: date) -> bool:
        return self.installed_on <= day and (self.retired_on is None or self.retired_on > day)


class UtilisationReport(TimeStampedModel):
    """A center's utilisation for one month (月度利用率), reported by its operator."""

    center = models.ForeignKey(ComputeCenter, on_delete=models.CASCADE, related_name="utilisation")
    month = models.DateField(_("月份"))  # the first day of the month
    utilisation = models.DecimalField(_("利用率(%)"), max_digits=5, decimal_places=2)
    card_hours = models.BigIntegerField(_("已用卡时"), null=True, blank=True)
    reported_by = user_field()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["center", "month"]
        constraints = [
            models.UniqueConstraint(fields=["center", "month"], name="compute_utilisation_unique"),
            models.CheckConstraint(
                condition=models.Q(utilisation__gte=0, utilisation__lte=100),
                name="compute_utilisation_percent",
            ),
        ]
        verbose_name = _("月度利用率")
        verbose_name_plural = _("月度利用率")

    def __str__(self) -> str:
        return f"{self.center} {self.month:%Y-%m}: {self.utilisation}%"

    def clean(self) -> None:
        errors = {}
        if self.month:
            if self.month.day != 1:
                self.month = self.month.replace(day=1)
            if self.month > timezone.localdate().replace(day=1):
                errors["month"] = _("不能填报尚未开始的月份。")
        if self.utilisation is not None and not (0 <= self.utilisation <= 100):
            errors["utilisation"] = _("利用率应在 0 到 100 之间。")
        if self.card_hours is not None and self.card_hours < 0:
            errors["card_hours"] = _("卡时不能为负数。")
        if errors:
            raise ValidationError(errors)
