"""The appraisal (考核评价): weights the plan office sets as data, and its adjustments."""

from __future__ import annotations

from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import Unit
from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.supervision.models import AppraisalScheme
from luzhi.supervision.models import ScoreAdjustment
from luzhi.supervision.permissions import appraisal as policy

WEIGHT_FIELDS = ("w_indicators", "w_milestones", "w_orders", "w_timeliness", "w_quality")


@transaction.atomic
def appraisal_weights_set(*, actor: User, year: int, **weights) -> AppraisalScheme:
    """Set the year's weights (whole numbers; they need not add up to 100, the score is
    their weighted mean). Logged in the scheme's history."""
    policy.require(actor, "manage")
    unknown = set(weights) - set(WEIGHT_FIELDS)
    if unknown:
        raise ValidationError(_("未知的权重:%s。") % "、".join(sorted(unknown)))
    scheme = AppraisalScheme.objects.select_for_update().filter(year=year).first()
    scheme = scheme or AppraisalScheme(year=year)
    problems = {}
    for name, value in weights.items():
        try:
            number = int(value)
        except (TypeError, ValueError):
            problems[name] = _("权重应为 0–100 的整数,收到“%s”。") % value
            continue
        if not 0 <= number <= 100:
            problems[name] = _("权重应在 0–100 之间,收到 %d。") % number
        setattr(scheme, name, number)
    if problems:
        raise ValidationError(problems)
    if not sum(getattr(scheme, f) for f in WEIGHT_FIELDS):
        raise ValidationError(_("权重不能全部为 0。"))
    scheme.full_clean()
    record_change(scheme, actor, "weights set")
    scheme.save()
    return scheme


@transaction.atomic
def score_adjust(*, actor: User, year: int, unit: Unit, points, reason: str) -> ScoreAdjustment:
    """The office adds or takes points from a unit's score, with a reason (logged)."""
    policy.require(actor, "manage")
    reason = (reason or "").strip()
    problems = {}
    try:
        value = Decimal(str(points).strip())
        if not value.is_finite() or abs(value) > 20:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems["points"] = _("加减分应为 -20 到 20 之间的数,收到“%s”。") % points
    if not reason:
        problems["reason"] = _("调整得分须写明理由。")
    if problems:
        raise ValidationError(problems)
    adjustment = ScoreAdjustment(year=year, unit=unit, points=value, reason=reason, actor=actor)
    adjustment.full_clean()
    adjustment.save()
    return adjustment
