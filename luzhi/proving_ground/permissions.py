"""The proving ground's policies: one per model (see :mod:`luzhi.core.policy`).

- Models: the public sees filed (approved) models; the plan office and evaluators see
  all; an enterprise user sees the models of the enterprises they are a member of.
  Registering and editing a model and submitting its filing: the plan office or a
  member of the provider. The safety assessment is started by an evaluator (or the
  plan office); the filing decision is the plan office's.
- Deployments follow their model; the plan office and the provider's members record them.
- Evaluation runs: evaluators and the plan office submit and cancel; the public sees
  finished runs of filed models (the leaderboard); members see their own models' runs.
- Benchmarks: managed by evaluators and the plan office. The indicator rule: the plan office.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luzhi.core.policy import Policy
from luzhi.core.policy import register
from luzhi.core.roles import is_enterprise_user
from luzhi.core.roles import is_evaluator
from luzhi.core.roles import is_government
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import signed_in
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import IndicatorRule
from luzhi.proving_ground.models import LargeModel
from luzhi.registry.permissions import is_member

Filing = LargeModel.Filing


def staff(user) -> bool:
    """The plan office and evaluators: they see every model, filing and run."""
    return is_plan_office(user) or is_evaluator(user)


def filed_or_own(user, qs, public: Q, provider: str):
    """Rows of models (or of what hangs off them): staff and government see them all, an
    enterprise user the ``public`` ones and those of the enterprises they belong to
    (``provider`` is the path to the providing enterprise), anyone else the public ones."""
    if staff(user) or is_government(user):
        return qs
    if is_enterprise_user(user):
        return qs.filter(public | Q(**{f"{provider}__members": user})).distinct()
    return qs.filter(public)


class LargeModelPolicy(Policy):
    model = LargeModel
    messages = {
        "create": _("只有专项办或企业用户可以登记大模型。"),
        "edit": _("只有专项办或提供企业的用户可以修改未备案的大模型。"),
        "submit": _("只有提供企业的用户或专项办可以提交登记备案,且仅限未提交或未通过的模型。"),
        "assess": _("只有评测机构或专项办可以对已提交的模型开始安全评估。"),
        "decide": _("只有专项办可以对安全评估中的模型作出备案决定。"),
    }

    def visible(self, user, qs=None):
        return filed_or_own(user, self.base(qs), Q(filing=Filing.APPROVED), "provider")

    def can_create(self, user, obj=None):
        return is_plan_office(user) or is_enterprise_user(user)

    def can_edit(self, user, obj=None):
        if obj is None:
            return self.can_create(user)
        if obj.filing not in (Filing.DRAFT, Filing.REJECTED, Filing.APPROVED):
            return False
        return is_plan_office(user) or (obj.filing != Filing.APPROVED and is_member(user, obj.provider_id))

    def can_submit(self, user, obj=None):
        if obj is not None and obj.filing not in (Filing.DRAFT, Filing.REJECTED):
            return False
        return is_plan_office(user) or (obj is not None and is_member(user, obj.provider_id))

    def can_assess(self, user, obj=None):
        return staff(user) and (obj is None or obj.filing == Filing.SUBMITTED)

    def can_decide(self, user, obj=None):
        return is_plan_office(user) and (obj is None or obj.filing == Filing.ASSESSING)

    def can_deploy(self, user, obj=None):
        """Record a deployment of this model."""
        return is_plan_office(user) or (obj is not None and is_member(user, obj.provider_id))


class DeploymentPolicy(Policy):
    model = Deployment
    messages = {"create": _("只有专项办或提供企业的用户可以登记应用部署。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        return qs.filter(model__in=models.visible(user))

    def can_create(self, user, obj=None):
        return is_plan_office(user) or is_enterprise_user(user)

    def can_edit(self, user, obj=None):
        return is_plan_office(user) or (obj is not None and is_member(user, obj.model.provider_id))


class EvaluationRunPolicy(Policy):
    model = EvaluationRun
    messages = {
        "submit": _("只有评测机构或专项办可以提交评测任务。"),
        "cancel": _("只有评测机构或专项办可以取消排队中或运行中的评测任务。"),
    }

    def visible(self, user, qs=None):
        public = Q(state=EvaluationRun.State.SUCCEEDED, model__filing=Filing.APPROVED)
        return filed_or_own(user, self.base(qs), public, "model__provider")

    def can_submit(self, user, obj=None):
        return staff(user)

    def can_cancel(self, user, obj=None):
        return staff(user) and (obj is None or obj.is_open)


class BenchmarkPolicy(Policy):
    model = Benchmark
    messages = {"manage": _("只有评测机构或专项办可以管理评测集。")}

    def can_manage(self, user, obj=None):
        return staff(user)

    def can_see_path(self, user, obj=None):
        return signed_in(user) and staff(user)


class IndicatorRulePolicy(Policy):
    model = IndicatorRule
    messages = {"edit": _("只有专项办可以设定行业级大模型认定规则。")}

    def can_edit(self, user, obj=None):
        return is_plan_office(user)


models = register(LargeModelPolicy())
deployments = register(DeploymentPolicy())
runs = register(EvaluationRunPolicy())
benchmarks = register(BenchmarkPolicy())
rules = register(IndicatorRulePolicy())
