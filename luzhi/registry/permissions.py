"""Who may see and change registry records: one policy per model (``core.policy``).

- The plan office sees and changes everything and approves what others submit.
- An enterprise user edits only the enterprises they are a member of (and
  their yearly figures, qualifications and algorithm products); their edits
  wait for the plan office's approval.
- Unit reporters read every registry except talent, and the enterprises' figures.
- The public sees approved enterprises, platforms, projects, achievements and
  algorithm products, never talent (personal data) nor yearly figures.

Pages, the API, exports, selectors and services all ask these policies; no
role logic about registry records lives anywhere else.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luzhi.core.policy import Policy
from luzhi.core.policy import register
from luzhi.core.roles import is_enterprise_user
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import is_unit_reporter
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Talent
from luzhi.registry.models import TierProposal
from luzhi.registry.models import TierRule


def own_enterprise_ids(user):
    """The ids of the enterprises ``user`` is a member of (a subquery)."""
    return Enterprise.members.through.objects.filter(user_id=user.pk).values("enterprise_id")


def is_member(user, enterprise_id) -> bool:
    """An enterprise user who is a member of the enterprise with this id (None: no one).
    The one membership rule: compute's and the proving ground's policies use it too."""
    if enterprise_id is None or not is_enterprise_user(user):
        return False
    return Enterprise.members.through.objects.filter(
        user_id=user.pk, enterprise_id=enterprise_id
    ).exists()


class RecordPolicy(Policy):
    """A registry the plan office keeps: everyone reads (approved records), the office writes.

    Actions: ``list`` (open the registry at all), ``view``, ``create``, ``edit``, ``approve``.
    """

    #: Does the public see this registry (its approved records)?
    public = True
    messages = {
        "list": _("您无权查看该登记库。"),
        "create": _("只有专项办可以维护该登记库。"),
        "edit": _("只有专项办可以维护该登记库。"),
        "approve": _("只有专项办可以审核。"),
    }

    def has_status(self) -> bool:
        return any(f.name == "status" for f in self.model._meta.fields)

    def own(self, user) -> Q | None:
        """Records an enterprise user sees whatever their review state (none by default)."""
        return None

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        if not self.can_list(user):
            return qs.none()
        if not self.has_status():
            return qs
        condition = Q(status=RecordStatus.APPROVED)
        if is_enterprise_user(user) and (own := self.own(user)) is not None:
            condition |= own
        return qs.filter(condition)

    def can_list(self, user, obj=None) -> bool:
        return self.public or is_plan_office(user)

    def can_create(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_edit(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_approve(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def sees_status(self, user) -> bool:
        """Does ``user`` see records under review (and so the status column and filter)?"""
        return self.has_status() and (is_plan_office(user) or is_enterprise_user(user))


class PlatformPolicy(RecordPolicy):
    model = Platform
    messages = {"state": _("只有专项办可以变更平台状态。")}

    def can_state(self, user, obj=None) -> bool:
        return is_plan_office(user)


class TalentPolicy(RecordPolicy):
    """Talent is personal data: the plan office only; nobody else sees a single row."""

    model = Talent
    public = False
    messages = {"list": _("人才库含个人信息,仅对专项办开放。")}


class ProjectPolicy(RecordPolicy):
    model = Project


class AchievementPolicy(RecordPolicy):
    model = Achievement
    messages = {"review": _("只有专项办可以录入专家评审结果。")}

    def can_review(self, user, obj=None) -> bool:
        return is_plan_office(user)


class EnterprisePolicy(RecordPolicy):
    """Enterprises: members keep their own, the office approves; figures are not public."""

    model = Enterprise
    messages = {
        "create": _("只有专项办和企业用户可以登记企业。"),
        "approve": _("只有专项办可以审核企业。"),
        "members": _("只有专项办可以绑定企业用户。"),
        "figures": _("只有专项办、填报单位和本企业用户可以查看年度数据。"),
    }

    def own(self, user) -> Q:
        return Q(pk__in=own_enterprise_ids(user))

    def can_create(self, user, obj=None) -> bool:
        return is_plan_office(user) or is_enterprise_user(user)

    def can_edit(self, user, obj=None) -> bool:
        if is_plan_office(user):
            return True
        return obj is not None and is_member(user, obj.pk)

    def message_edit(self, obj=None) -> str:
        if obj is None:
            return _("只有专项办和企业用户可以修改企业。")
        return _("只有专项办和“%(name)s”的企业用户可以修改该企业。") % {"name": obj.name}

    def can_members(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_figures(self, user, obj=None) -> bool:
        """Yearly figures (revenue, R&D): the plan office, reporters, and the enterprise's members."""
        if is_plan_office(user) or is_unit_reporter(user):
            return True
        return obj is not None and is_member(user, obj.pk)


class AlgorithmProductPolicy(RecordPolicy):
    """Products: members of the provider keep them, the office approves."""

    model = AlgorithmProduct
    messages = {"approve": _("只有专项办可以审核算法产品。")}

    def own(self, user) -> Q:
        return Q(provider__in=own_enterprise_ids(user))

    def can_create(self, user, obj=None) -> bool:
        """The plan office, or an enterprise user who belongs to at least one enterprise."""
        if is_plan_office(user):
            return True
        return is_enterprise_user(user) and own_enterprise_ids(user).exists()

    def can_edit(self, user, obj=None) -> bool:
        if obj is None:
            return self.can_create(user)
        return enterprises.can_edit(user, obj.provider)

    def message_edit(self, obj=None) -> str:
        if obj is None:
            return str(self.messages["create"])
        return _("只有专项办或“%(name)s”的企业用户可以维护该企业的算法产品。") % {
            "name": obj.provider.name
        }


class EnterpriseYearPolicy(Policy):
    """An enterprise's yearly figures: the office, reporters and its members see them."""

    model = EnterpriseYear

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user) or is_unit_reporter(user):
            return qs
        if is_enterprise_user(user):
            return qs.filter(enterprise__in=own_enterprise_ids(user))
        return qs.none()

    def can_edit(self, user, obj=None) -> bool:
        return enterprises.can_edit(user, obj.enterprise if obj is not None else None)


class QualificationPolicy(Policy):
    """Qualifications are shown with the enterprises one may see."""

    model = Qualification

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs.filter(enterprise__in=enterprises.visible(user).values("pk"))

    def can_edit(self, user, obj=None) -> bool:
        return enterprises.can_edit(user, obj.enterprise if obj is not None else None)


class _OfficeOnly(Policy):
    messages = {"manage": _("只有专项办可以管理梯度认定。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs if is_plan_office(user) else qs.none()

    def can_manage(self, user, obj=None) -> bool:
        return is_plan_office(user)


class TierRulePolicy(_OfficeOnly):
    model = TierRule


class TierProposalPolicy(_OfficeOnly):
    model = TierProposal


platforms = register(PlatformPolicy())
talent = register(TalentPolicy())
projects = register(ProjectPolicy())
achievements = register(AchievementPolicy())
enterprises = register(EnterprisePolicy())
algorithm_products = register(AlgorithmProductPolicy())
enterprise_years = register(EnterpriseYearPolicy())
qualifications = register(QualificationPolicy())
tier_rules = register(TierRulePolicy())
tier_proposals = register(TierProposalPolicy())


# Kept for services/imports.py (rewritten in parallel); new code asks the policies above.
def can_view_registry(user, registry: str) -> bool:
    from luzhi.registry.specs import kind

    return kind(registry).policy.can(user, "list")


def sees_unapproved(user) -> bool:
    return is_plan_office(user)
