"""Who may see and do what in the scenario app: one policy per model.

- The plan office (专项办) runs the lists: batches, review, publication,
  recognition review, domains and levels; it sees everything.
- A unit reporter publishes its unit's scenarios (a city's reporter is its city
  government's); an enterprise user publishes its enterprises' scenarios and
  solutions. Each edits only its own, and a scenario only while it is being
  collected.
- The public sees published batches and their scenarios, published solutions and
  approved recognitions; contact details only to signed-in users.
- Matchmaking events are run by the plan office or the organising unit's reporters.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luzhi.core.policy import Policy
from luzhi.core.policy import register
from luzhi.core.roles import is_enterprise_user
from luzhi.core.roles import is_government
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import is_unit_reporter
from luzhi.core.roles import reporter_of
from luzhi.core.roles import signed_in
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution


def enterprise_ids(user) -> set[int]:
    """The enterprises an enterprise user keeps (memoised on the user object per request)."""
    if not is_enterprise_user(user):
        return set()
    cached = getattr(user, "_scenario_enterprise_ids", None)
    if cached is None:
        cached = set(user.enterprises.values_list("pk", flat=True))
        user._scenario_enterprise_ids = cached
    return cached


def publishes_for(user, *, unit_id=None, enterprise_id=None) -> bool:
    """Is ``user`` the publisher named by ``unit_id`` / ``enterprise_id``?"""
    if unit_id is not None and reporter_of(user, unit_id):
        return True
    return enterprise_id is not None and enterprise_id in enterprise_ids(user)


class BatchPolicy(Policy):
    """Batches: the plan office runs them; signed-in publishers see the open ones too."""

    model = ScenarioBatch
    messages = {"manage": _("只有专项办可以管理场景清单批次。"), "submit": _("该批次不在征集中,不能再添加场景。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        shown = [ScenarioBatch.Status.PUBLISHED]
        if signed_in(user):
            shown.append(ScenarioBatch.Status.COLLECTING)
        return qs.filter(status__in=shown)

    def can_manage(self, user, obj=None):
        return is_plan_office(user)

    def can_submit(self, user, obj=None):
        """Add a scenario to the batch: a publisher, while it is collecting."""
        if obj is not None and obj.status != ScenarioBatch.Status.COLLECTING:
            return False
        return is_government(user) or is_enterprise_user(user)


class ScenarioPolicy(Policy):
    """Scenarios: public once published; the publisher and the plan office see the rest."""

    model = Scenario
    messages = {
        "create": _("只有专项办、单位填报员和企业用户可以发布场景。"),
        "edit": _("只有发布方在征集阶段、或专项办可以修改该场景。"),
        "review": _("只有专项办可以审核场景清单。"),
        "advance": _("只有场景发布方或专项办可以更新场景进展。"),
        "recognise": _("只有专项办和单位填报员可以登记场景认定。"),
    }

    @staticmethod
    def public_q() -> Q:
        return Q(status__in=Scenario.PUBLIC, batch__status=ScenarioBatch.Status.PUBLISHED)

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        own = Q(pk__in=[])
        if is_unit_reporter(user):
            own = Q(publisher_unit_id=user.unit_id)
        elif ids := enterprise_ids(user):
            own = Q(publisher_enterprise_id__in=ids)
        return qs.filter(self.public_q() | own)

    def is_publisher(self, user, obj) -> bool:
        return obj is not None and publishes_for(
            user, unit_id=obj.publisher_unit_id, enterprise_id=obj.publisher_enterprise_id
        )

    def can_create(self, user, obj=None):
        return is_government(user) or is_enterprise_user(user)

    def can_edit(self, user, obj=None):
        if is_plan_office(user):
            return True
        if obj is None:
            return self.can_create(user)
        return (
            self.is_publisher(user, obj)
            and obj.status == Scenario.Status.COLLECTING
            and obj.batch.status == ScenarioBatch.Status.COLLECTING
        )

    def can_review(self, user, obj=None):
        return is_plan_office(user)

    def can_advance(self, user, obj=None):
        return is_plan_office(user) or self.is_publisher(user, obj)

    def can_recognise(self, user, obj=None):
        return is_government(user)

    def can_see_contact(self, user, obj=None):
        return signed_in(user)


class SolutionPolicy(Policy):
    """Solutions: public once published; the provider's members and the plan office keep them."""

    model = Solution
    messages = {
        "create": _("只有企业用户和专项办可以登记解决方案。"),
        "edit": _("只有提供企业的用户或专项办可以修改该方案。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        shown = Q(status=Solution.Status.PUBLISHED)
        if ids := enterprise_ids(user):
            shown |= Q(provider_id__in=ids)
        return qs.filter(shown)

    def can_create(self, user, obj=None):
        return is_plan_office(user) or is_enterprise_user(user)

    def can_edit(self, user, obj=None):
        if is_plan_office(user):
            return True
        if obj is None:
            return is_enterprise_user(user)
        return obj.provider_id in enterprise_ids(user)


class RecognitionPolicy(Policy):
    """Recognitions: approved ones are public; government users see pending ones; the plan
    office reviews."""

    model = Recognition
    messages = {
        "submit": _("只有专项办和单位填报员可以登记场景认定。"),
        "review": _("只有专项办可以审核场景认定。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_government(user):
            return qs
        return qs.filter(status=Recognition.Status.APPROVED)

    def can_submit(self, user, obj=None):
        return is_government(user)

    def can_review(self, user, obj=None):
        return is_plan_office(user)


class EventPolicy(Policy):
    """Matchmaking events: everyone sees them; the plan office or the organiser's reporters run
    them; publishers register while registration is open; the schedule is for signed-in users
    once published (organisers see it while they draft it)."""

    model = MatchmakingEvent
    messages = {
        "manage": _("只有专项办或主办单位可以管理对接会。"),
        "register": _("对接会不在报名阶段,或您没有可报名的场景或方案。"),
        "see_schedule": _("洽谈日程发布后,登录用户可以查看。"),
    }

    def can_manage(self, user, obj=None):
        if is_plan_office(user):
            return True
        return obj is not None and reporter_of(user, obj.organiser_id)

    def can_create(self, user, obj=None):
        return is_plan_office(user) or is_unit_reporter(user)

    def can_register(self, user, obj=None):
        if obj is not None and obj.status != MatchmakingEvent.Status.REGISTRATION:
            return False
        return is_government(user) or is_enterprise_user(user)

    def can_see_schedule(self, user, obj=None):
        if obj is not None and self.can_manage(user, obj):
            return True
        published = obj is None or obj.status in (
            MatchmakingEvent.Status.PUBLISHED, MatchmakingEvent.Status.CLOSED
        )
        return signed_in(user) and published

    def can_record_outcome(self, user, obj=None):
        return self.can_manage(user, obj)


batches = register(BatchPolicy())
scenarios = register(ScenarioPolicy())
solutions = register(SolutionPolicy())
recognitions = register(RecognitionPolicy())
events = register(EventPolicy())
