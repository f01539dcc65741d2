"""Value rules (校验规则): the checks a reported value must pass before review."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luzhi.core.fields import quantity_field
from luzhi.core.models import TimeStampedModel


class ValueRule(TimeStampedModel):
    """A check a reported value must pass before review (as DHIS2's validation rules).

    Rules are data the plan office edits: bounds, the largest plausible change
    from the previous value, a city's value not above the province's, a part not
    above its whole. A value that breaks one is refused unless the reporter gives
    a reason (``luzhi.indicators.checks``).
    """

    class Kind(models.TextChoices):
        BOUNDS = "bounds", _("取值范围")
        CHANGE = "change", _("与上期相比的变化")
        CITY_LE_PROVINCE = "city_le_province", _("各市不超过全省")
        PART_LE_WHOLE = "part_le_whole", _("部分不超过整体")

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="value_rules", verbose_name=_("指标")
    )
    kind = models.CharField(_("规则类型"), max_length=20, choices=Kind.choices)
    minimum = quantity_field(_("最小值"), null=True, blank=True)
    maximum = quantity_field(_("最大值"), null=True, blank=True)
    max_rise_pct = models.DecimalField(
        _("最大增幅(%)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("与上期值相比最多增加的百分比,例如 200 表示最多为上期的 3 倍。"),
    )
    max_fall_pct = models.DecimalField(
        _("最大降幅(%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("与上期值相比最多减少的百分比;存量指标通常不应明显下降。"),
    )
    max_abs_change = quantity_field(
        _("最大变化量"),
        null=True,
        blank=True,
        help_text=_("与上期值相比最多变化的绝对量(增减均计)。"),
    )
    whole = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="part_rules",
        verbose_name=_("整体指标"),
        help_text=_("本指标是其一部分的指标,例如智能算力是总算力的一部分。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "kind"],
                condition=~models.Q(kind="part_le_whole"),
                name="value_rule_one_per_kind",
            ),
            models.UniqueConstraint(
                fields=["indicator", "whole"],
                condition=models.Q(kind="part_le_whole"),
                name="value_rule_one_per_whole",
            ),
        ]
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.get_kind_display()}"

    def clean(self) -> None:
        kind = self.Kind
        if self.kind == kind.BOUNDS:
            if self.minimum is None and self.maximum is None:
                raise ValidationError({"minimum": _("取值范围至少要有最小值或最大值。")})
            if None not in (self.minimum, self.maximum) and self.minimum > self.maximum:
                raise ValidationError({"maximum": _("最大值不能小于最小值。")})
        if self.kind == kind.CHANGE and (
            self.max_rise_pct is None and self.max_fall_pct is None and self.max_abs_change is None
        ):
            raise ValidationError(
                {"max_rise_pct": _("请至少填写最大增幅、最大降幅或最大变化量之一。")}
            )
        if self.kind == kind.CHANGE and self.max_fall_pct is not None and self.max_fall_pct > 100:
            raise ValidationError({"max_fall_pct": _("最大降幅应在 0 至 100 之间。")})
        for name in ("max_rise_pct", "max_fall_pct", "max_abs_change"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError({name: _("不能为负数。")})
        if self.kind == kind.PART_LE_WHOLE:
            if self.whole_id is None:
                raise ValidationError({"whole": _("请选择整体指标。")})
            if self.whole_id == self.indicator_id:
                raise ValidationError({"whole": _("整体指标不能是本指标自己。")})
        elif self.whole_id is not None:
            self.whole = None
        if self.kind == kind.CITY_LE_PROVINCE and not self.indicator.is_additive:
            raise ValidationError(
                {"kind": _("只有各市填报、可加总的指标才有“各市不超过全省”规则。")}
            )
