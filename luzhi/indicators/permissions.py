"""Who may see and do what with indicators: one policy per model, asked by pages, the
API, selectors and services alike (``luzhi.core.policy``).

- Indicators: public ones for everyone, every indicator for the plan office. Only
  the plan office configures them (sync from the plan, milestones, city split,
  the figure of record), opens the full cockpit and exports everything.
- Observations: approved values of public indicators for everyone; the plan
  office sees all; a unit reporter also sees their own unit's drafts and
  submissions. A value is reported by the plan office, a reporter of a
  responsible unit, or a city's reporter for their own city (additive
  indicators). Only the plan office reviews (approves, returns) and corrects.
- Evidence files: signed-in users who may see the observation (the public sees
  only that a file exists). Who reported and reviewed a value is shown to
  government users only.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luzhi.core import policy
from luzhi.core.roles import is_government
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import is_unit_reporter
from luzhi.core.roles import signed_in
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import Observation


class IndicatorPolicy(policy.Policy):
    """Indicators: the public ones for everyone; the plan office sees and configures all."""

    model = Indicator
    messages = {
        "configure": _("只有专项办可以配置指标。"),
        "cockpit": _("驾驶舱只对专项办开放。公众和各单位可以查看公开的计划进展。"),
        "export_all": _("完整导出只对专项办开放;公开数据请用公开版导出。"),
        "see_pending": _("只有专项办可以查看待审核数量。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs if is_plan_office(user) else qs.filter(is_public=True)

    def can_view(self, user, obj=None) -> bool:
        return obj is None or obj.is_public or is_plan_office(user)

    def can_configure(self, user, obj=None) -> bool:
        """Sync from the plan, milestones, the city split, the figure of record."""
        return is_plan_office(user)

    def can_cockpit(self, user, obj=None) -> bool:
        """The full (internal) cockpit, with non-public indicators and pending counts."""
        return is_plan_office(user)

    can_export_all = can_cockpit
    can_see_pending = can_cockpit


class ObservationPolicy(policy.Policy):
    """Indicator values (指标值) and their review."""

    model = Observation
    messages = {
        "report": _("您的单位不负责该指标,不能填报。"),
        "review": _("只有专项办可以审核指标值。"),
        "correct": _("只有专项办可以更正已审核的指标值。"),
        "download_evidence": _("佐证材料登录后可下载。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        public = qs.filter(status=Observation.Status.APPROVED, indicator__is_public=True)
        if is_unit_reporter(user):
            return public | qs.filter(reporting_unit=user.unit_id)
        return public

    def can_view(self, user, obj=None) -> bool:
        if obj is None or is_plan_office(user):
            return True
        if obj.status == Observation.Status.APPROVED and obj.indicator.is_public:
            return True
        return is_unit_reporter(user) and obj.reporting_unit_id == user.unit_id

    def can_report(self, user, obj=None) -> bool:
        """Report ``obj`` (an observation, saved or not, naming its indicator and region)."""
        if is_plan_office(user):
            return True
        if not is_unit_reporter(user) or user.unit_id is None:
            return False
        if obj is None:
            return True
        return may_report(user, obj.indicator, obj.region)

    def can_review(self, user, obj=None) -> bool:
        """Approve or return a submitted value."""
        return is_plan_office(user)

    def can_correct(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_edit_submitted(self, user, obj=None) -> bool:
        """Change a value that is already submitted (units must ask the plan office)."""
        return is_plan_office(user)

    def can_download_evidence(self, user, obj=None) -> bool:
        return signed_in(user) and self.can_view(user, obj)

    def can_see_names(self, user, obj=None) -> bool:
        """Who reported and reviewed a value: government users only, never the public."""
        return is_government(user)


class EvidencePolicy(policy.Policy):
    """Evidence files: listed with their observation; downloaded by signed-in users who
    may see it."""

    model = Evidence

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs.filter(observation__in=observations.visible(user))

    def can_download(self, user, obj=None) -> bool:
        if obj is None:
            return signed_in(user)
        return observations.can(user, "download_evidence", obj.observation)


class MilestonePolicy(policy.Policy):
    model = Milestone
    messages = {"edit": _("只有专项办可以设置年度阶段目标。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs.filter(indicator__in=indicators.visible(user))

    def can_edit(self, user, obj=None) -> bool:
        return is_plan_office(user)


class CityAllocationPolicy(policy.Policy):
    model = CityAllocation
    messages = {"edit": _("只有专项办可以分解目标。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs.filter(indicator__in=indicators.visible(user))

    def can_edit(self, user, obj=None) -> bool:
        return is_plan_office(user)


def may_report(user, indicator: Indicator, region: str = PROVINCE) -> bool:
    """A reporter of a responsible unit; a city's reporter for its own city (additive only)."""
    if is_plan_office(user):
        return True
    if not is_unit_reporter(user) or user.unit_id is None:
        return False
    unit = user.unit
    if indicator.responsible_units.filter(pk=unit.pk).exists():
        return True
    return bool(
        unit.city_id and region != PROVINCE and unit.city.code == region and indicator.is_additive
    )


indicators = policy.register(IndicatorPolicy())
observations = policy.register(ObservationPolicy())
evidence = policy.register(EvidencePolicy())
milestones = policy.register(MilestonePolicy())
allocations = policy.register(CityAllocationPolicy())


# Names the first callers used; they ask the policies above.


def can_report(user, indicator, region: str = PROVINCE) -> bool:
    return observations.can(user, "report", Observation(indicator=indicator, region=region))


def can_review(user) -> bool:
    return observations.can(user, "review")


def visible_observations(user, queryset=None):
    return observations.visible(user, queryset)


def can_download_evidence(user, observation) -> bool:
    return observations.can(user, "download_evidence", observation)
