"""Several plans in force at once: a follow-up plan's target shares an existing indicator.

The plan office decides, target by target, when a later plan repeats a target ("150
basic-research projects a year" again): link it to the indicator that already measures
it (units keep reporting once; each plan's cockpit judges the value against its own
target and years), or track it separately with an indicator of its own.
``plans.link_proposals`` lists the targets that look like an existing indicator (same
name, unit and comparator); ``indicators_sync_from_plan`` leaves those to this decision.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import Unit
from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.services import lock
from luzhi.core.services import save_recorded
from luzhi.indicators import plans
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import TargetLink
from luzhi.indicators.permissions import indicators
from luzhi.indicators.services.common import data_changed
from luzhi.indicators.services.setup import DEFINITIONS
from luzhi.indicators.services.setup import _definitions
from luzhi.indicators.services.setup import _own_indicator
from luzhi.indicators.services.setup import _sync_target
from luzhi.plan.models import Target


def _clause(target: Target) -> dict:
    return {
        "plan_lineage": target.section.plan.lineage,
        "plan_path": target.section.path,
        "target_metric": target.metric,
    }


@transaction.atomic
def target_link(*, actor: User, target: Target, indicator: Indicator) -> TargetLink:
    """Measure ``target`` (of a later plan) with the existing ``indicator`` (plan office).

    Refused when the indicator belongs to the same plan, measures in another unit, or
    when the target already has an indicator of its own holding values (those would be
    lost). An own indicator without values is removed: the link replaces it.
    """
    indicators.require(actor, "configure")
    target = Target.objects.select_related("section__plan").get(pk=target.pk)
    indicator = lock(indicator)
    plan = target.section.plan
    if indicator.target_id and plans.plan_of(indicator).lineage == plan.lineage:
        raise ValidationError({"indicator": _("不能关联同一计划的指标。")})
    if indicator.unit != target.unit:
        raise ValidationError(
            {
                "indicator": _("计量单位不同(指标为“%(a)s”,目标为“%(b)s”),不能关联。")
                % {"a": indicator.unit, "b": target.unit}
            }
        )
    own = _own_indicator(_definitions(DEFINITIONS, plan), target)
    if own is not None:
        if own.observations.exists():
            raise ValidationError(
                {"target": _("该目标已有自己的指标“%s”且已有填报值,不能改为关联。") % own.name}
            )
        record_change(own, actor, "replaced by a link to another plan's indicator")
        own.delete()
    link = TargetLink.objects.select_for_update().filter(**_clause(target)).first() or TargetLink(
        **_clause(target)
    )
    link.indicator = indicator
    link.target = target
    link.linked_by = actor
    save_recorded(link, actor=actor, reason="linked")
    data_changed([indicator])
    return link


@transaction.atomic
def target_track_separately(*, actor: User, target: Target) -> Indicator:
    """Give ``target`` an indicator of its own (plan office), removing its link if it had one."""
    indicators.require(actor, "configure")
    target = Target.objects.select_related("section__plan").get(pk=target.pk)
    link = TargetLink.objects.select_for_update().filter(**_clause(target)).first()
    if link is not None:
        record_change(link, actor, "tracked separately")
        link.delete()
    spec = _definitions(DEFINITIONS, target.section.plan)
    indicator = _own_indicator(spec, target)
    units = {u.short_name: u for u in Unit.objects.all()}
    order = Indicator.objects.count()
    _sync_target(
        spec, target, indicator, units, actor, order=indicator.order if indicator else order
    )
    data_changed()
    return _own_indicator(spec, target)
