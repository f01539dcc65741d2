"""Who may see and do what in the supervision cycle: one policy per model (core.policy),
asked by views, the API, selectors and services alike. Role predicates come from
:mod:`luzhi.core.roles`; no role logic lives anywhere else in the app."""

from django.utils.translation import gettext_lazy as _

from luzhi.core.policy import Policy
from luzhi.core.policy import register
from luzhi.core.roles import is_government
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import is_unit_reporter
from luzhi.core.roles import reporter_of
from luzhi.supervision.models import AppraisalScheme
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Round
from luzhi.supervision.models import SupervisionOrder
from luzhi.supervision.models import TaskMilestone


def is_reporter_of(user, unit_id) -> bool:
    """A signed-in reporter of the given unit."""
    return reporter_of(user, unit_id)


def reviewer_unit_id(obligation: Obligation) -> int | None:
    """The unit that reviews a contribution (the consolidating lead); None: the plan office."""
    if obligation.channel == Obligation.Channel.CONTRIBUTOR and obligation.reports_to_id:
        return obligation.reports_to.unit_id
    return None


class OfficeManagedPolicy(Policy):
    """Seen by the plan office and every unit's reporters (all rows), managed by the office."""

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs if is_government(user) else qs.none()

    def can_view(self, user, obj=None):
        return is_government(user)

    def can_manage(self, user, obj=None):
        return is_plan_office(user)


class RoundPolicy(OfficeManagedPolicy):
    """Managing is opening, closing and reopening rounds, urging, the quarterly report."""

    model = Round
    messages = {
        "manage": _("只有专项办可以下达或结束报送任务。"),
        "view": _("报送轮次仅对专项办和各单位填报员可见。"),
    }


class ObligationPolicy(Policy):
    model = Obligation
    messages = {
        "write": _("只有本单位填报员可以签收和填报。"),
        "review": _("您不是该报告的审核方。"),
    }

    def visible(self, user, qs=None):
        """All for the plan office; a reporter's own unit's and those reporting to it."""
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        if is_unit_reporter(user):
            return qs.filter(unit=user.unit_id) | qs.filter(
                reports_to__unit=user.unit_id, channel=Obligation.Channel.CONTRIBUTOR
            )
        return qs.none()

    def can_view(self, user, obj=None):
        if obj is None:
            return is_government(user)
        return (
            is_plan_office(user)
            or reporter_of(user, obj.unit_id)
            or reporter_of(user, reviewer_unit_id(obj))
        )

    def can_write(self, user, obj=None):
        """Acknowledge, draft and submit: a reporter of the obligation's own unit."""
        return obj is not None and reporter_of(user, obj.unit_id)

    def can_review(self, user, obj=None):
        """Accept or return: the lead unit for a contribution, the plan office otherwise."""
        if obj is None:
            return False
        lead_unit = reviewer_unit_id(obj)
        if lead_unit is not None:
            return reporter_of(user, lead_unit)
        return is_plan_office(user)

    def can_request_reopen(self, user, obj=None):
        """An accepted report may be asked back by its author or its reviewer."""
        return (
            obj is not None
            and obj.is_locked
            and (self.can_write(user, obj) or self.can_review(user, obj))
        )


class MilestonePolicy(Policy):
    model = TaskMilestone
    messages = {
        "create": _("只有专项办可以制定工作要点。"),
        "propose": _("只有本单位填报员可以提出本单位的工作要点。"),
        "approve": _("只有专项办可以审定工作要点。"),
        "claim": _("只有责任单位的填报员可以申请销号。"),
        "verify": _("只有专项办可以核验销号。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        if is_unit_reporter(user):
            return qs.filter(unit=user.unit_id)
        return qs.none()

    def can_view(self, user, obj=None):
        if obj is None:
            return is_government(user)
        return super().can_view(user, obj)

    def can_create(self, user, obj=None):
        return is_plan_office(user)

    def can_propose(self, user, obj=None):
        return is_unit_reporter(user) and (obj is None or reporter_of(user, obj.unit_id))

    def can_approve(self, user, obj=None):
        return is_plan_office(user)

    def can_claim(self, user, obj=None):
        return obj is not None and reporter_of(user, obj.unit_id)

    def can_verify(self, user, obj=None):
        return is_plan_office(user)


class OrderPolicy(Policy):
    model = SupervisionOrder
    messages = {
        "manage": _("只有专项办可以立项、下发、督查和办结督办单。"),
        "respond": _("只有被督办单位的填报员可以反馈整改措施。"),
    }

    def visible(self, user, qs=None):
        """The plan office sees every order, proposals included; a unit sees the orders
        issued to it (a proposal the office has not issued is internal)."""
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        if is_unit_reporter(user):
            return qs.filter(unit=user.unit_id).exclude(
                status__in=[SupervisionOrder.Status.PROPOSED, SupervisionOrder.Status.DISMISSED]
            )
        return qs.none()

    def can_view(self, user, obj=None):
        if obj is None:
            return is_government(user)
        return super().can_view(user, obj)

    def can_manage(self, user, obj=None):
        return is_plan_office(user)

    def can_respond(self, user, obj=None):
        return obj is not None and reporter_of(user, obj.unit_id)


class AppraisalPolicy(OfficeManagedPolicy):
    """Managing is setting the year's weights and adjusting scores."""

    model = AppraisalScheme
    messages = {
        "view": _("考核评价仅对专项办和各单位填报员可见。"),
        "manage": _("只有专项办可以设置考核权重和调整得分。"),
    }


rounds = register(RoundPolicy())
obligations = register(ObligationPolicy())
milestones = register(MilestonePolicy())
orders = register(OrderPolicy())
appraisal = register(AppraisalPolicy())


# The names the rest of the app used before the policies; each asks its policy.
def can_manage_rounds(user) -> bool:
    return rounds.can(user, "manage")


def can_see_rounds(user) -> bool:
    return rounds.can(user, "view")


def can_write(user, obligation: Obligation) -> bool:
    return obligations.can(user, "write", obligation)


def can_review(user, obligation: Obligation) -> bool:
    return obligations.can(user, "review", obligation)


def can_view(user, obligation: Obligation) -> bool:
    return obligations.can(user, "view", obligation)


def can_request_reopen(user, obligation: Obligation) -> bool:
    return obligations.can(user, "request_reopen", obligation)


def visible_obligations(user, queryset=None):
    return obligations.visible(user, queryset)
