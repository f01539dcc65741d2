"""Job placement (算网融合调度): a job request ranked against centers, and the dispatch of
a job to the chosen center's own scheduler, with the voucher hold it carries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luzhi.accounts.models import city_field
from luzhi.compute.models.capacity import AcceleratorModel
from luzhi.compute.models.capacity import ComputeCenter
from luzhi.compute.models.capacity import InventoryItem
from luzhi.compute.models.capacity import Precision
from luzhi.core.fields import user_field
from luzhi.core.models import TimeStampedModel


class JobRequest(TimeStampedModel):
    """What an enterprise wants to run: an accelerator (or a precision), how many cards,
    for how long, where it would like it, its budget and deadline."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    requested_by = user_field(blank=False)
    name = models.CharField(_("作业名称"), max_length=120)
    accelerator = models.ForeignKey(
        AcceleratorModel, verbose_name=_("加速卡型号"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    precision = models.CharField(_("精度"), max_length=5, choices=Precision.choices, blank=True)
    min_tflops = models.DecimalField(_("每卡最低峰值(TFLOPS)"), max_digits=10, decimal_places=2, null=True, blank=True)
    cards = models.PositiveIntegerField(_("卡数"))
    hours = models.PositiveIntegerField(_("时长(小时)"))
    region = city_field(_("优先地区"), null=True, blank=True)
    budget_fen = models.BigIntegerField(_("预算(分)"), null=True, blank=True)
    deadline = models.DateField(_("最晚完成日期"), null=True, blank=True)
    entrypoint = models.CharField(_("启动命令"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("作业需求")
        verbose_name_plural = _("作业需求")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if not self.accelerator_id and not self.precision:
            errors["precision"] = _("请选择加速卡型号或计算精度。")
        if self.cards is not None and self.cards <= 0:
            errors["cards"] = _("卡数必须是正整数。")
        if self.hours is not None and self.hours <= 0:
            errors["hours"] = _("时长必须是正整数。")
        if self.budget_fen is not None and self.budget_fen <= 0:
            errors["budget_fen"] = _("预算必须是正整数(分)。")
        if self.deadline and self.deadline < timezone.localdate():
            errors["deadline"] = _("最晚完成日期已过。")
        if errors:
            raise ValidationError(errors)


class Dispatch(TimeStampedModel):
    """A job sent to a center: written in the same transaction as its voucher hold; the
    center's scheduler runs it; the metered usage it reports back is the proof of
    delivery that lets the hold become a redemption and be settled."""

    class Status(models.TextChoices):
        HELD = "held", _("已冻结待提交")
        SUBMITTED = "submitted", _("已提交")
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    job = models.ForeignKey(JobRequest, on_delete=models.PROTECT, related_name="dispatches")
    center = models.ForeignKey(ComputeCenter, on_delete=models.PROTECT, related_name="dispatches")
    inventory = models.ForeignKey(InventoryItem, on_delete=models.PROTECT, related_name="+")
    hold = models.OneToOneField(
        "Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="dispatch"
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    cost_fen = models.BigIntegerField(_("预估费用(分)"))
    subsidy_fen = models.BigIntegerField(_("预估补贴(分)"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.HELD)
    external_id = models.CharField(_("调度系统作业号"), max_length=120, blank=True)
    message = models.TextField(blank=True)
    metered_card_hours = models.DecimalField(
        _("计量卡时"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_fen__gte=0, subsidy_fen__gte=0), name="compute_dispatch_not_negative"
            ),
        ]
        verbose_name = _("调度记录")
        verbose_name_plural = _("调度记录")

    def __str__(self) -> str:
        return f"{self.job} → {self.center}"
