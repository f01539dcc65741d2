"""Who may see and do what in compute: one policy per model, asked by pages, the API,
selectors and services alike.

- The register (accelerators, conventions, centers, inventory, utilisation) is
  public once approved. A center's operators (its ``members``, role
  center_operator) edit their own center and report its utilisation; reporters
  of the units that own the register (``conf.REGISTER_UNITS``: 省大数据局,
  省通信管理局) and the plan office review changes. The catalogue and the
  counting convention are the plan office's.
- Voucher programmes are public once open; the plan office creates and runs
  them, and reporters of a programme's own unit review its applications.
- Applications, vouchers and redemptions are seen by the enterprise (its
  members), the center they name (its operators) and the reviewers. Only a
  center's operators redeem, and only against their own center's invoices.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luzhi.compute import conf
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import Dispatch
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import JobRequest
from luzhi.compute.models import Redemption
from luzhi.compute.models import ReviewStatus
from luzhi.compute.models import Settlement
from luzhi.compute.models import UtilisationReport
from luzhi.compute.models import Voucher
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherProgram
from luzhi.core import policy
from luzhi.core.roles import is_center_operator
from luzhi.core.roles import is_enterprise_user
from luzhi.core.roles import is_plan_office
from luzhi.core.roles import is_unit_reporter
from luzhi.core.roles import reporter_of
from luzhi.core.roles import signed_in
from luzhi.registry.permissions import is_member


def register_unit_ids() -> list[int]:
    """Ids of the units that own the compute register."""
    from luzhi.accounts.models import Unit

    return list(
        Unit.objects.filter(short_name__in=conf.REGISTER_UNITS).values_list("pk", flat=True)
    )


def is_register_reviewer(user) -> bool:
    """The plan office or a reporter of a unit that owns the register."""
    if is_plan_office(user):
        return True
    return is_unit_reporter(user) and any(reporter_of(user, uid) for uid in register_unit_ids())


def operates(user, center_id) -> bool:
    """A center operator who is one of this center's members."""
    return (
        center_id is not None
        and is_center_operator(user)
        and user.compute_centers.filter(pk=center_id).exists()
    )


def is_government_reviewer(user) -> bool:
    """The plan office or any unit reporter (who may review the programmes of their unit)."""
    return is_plan_office(user) or is_unit_reporter(user)


def program_reviewer(user, program) -> bool:
    """The plan office, or a reporter of the programme's own unit."""
    return is_plan_office(user) or (program is not None and reporter_of(user, program.unit_id))


class AcceleratorPolicy(policy.Policy):
    model = AcceleratorModel
    messages = {"edit": _("只有专项办可以修改加速卡目录。")}

    def can_edit(self, user, obj=None) -> bool:
        return is_plan_office(user)


class ConventionPolicy(policy.Policy):
    model = CountingConvention
    messages = {"edit": _("只有专项办可以修改算力统计口径。")}

    def can_edit(self, user, obj=None) -> bool:
        return is_plan_office(user)


class CenterPolicy(policy.Policy):
    """Centers: approved ones for everyone; pending and rejected ones for reviewers and
    the center's own operators."""

    model = ComputeCenter
    messages = {
        "create": _("只有专项办、算力登记主管单位或算力中心运营方可以登记算力中心。"),
        "edit": _("只有该算力中心的运营方(或专项办)可以修改它。"),
        "review": _("只有算力登记主管单位(省大数据局、省通信管理局)或专项办可以审核算力中心登记。"),
        "import": _("只有算力登记主管单位或专项办可以导入算力中心登记表。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_register_reviewer(user):
            return qs
        approved = Q(review_status=ReviewStatus.APPROVED)
        if is_center_operator(user):
            return qs.filter(approved | Q(members=user)).distinct()
        return qs.filter(approved)

    def can_create(self, user, obj=None) -> bool:
        return is_register_reviewer(user) or is_center_operator(user)

    def can_edit(self, user, obj=None) -> bool:
        if is_plan_office(user):
            return True
        return obj is not None and operates(user, obj.pk)

    def can_review(self, user, obj=None) -> bool:
        return is_register_reviewer(user)

    def can_import(self, user, obj=None) -> bool:
        return is_register_reviewer(user)

    def can_report(self, user, obj=None) -> bool:
        """Report utilisation: the center's operators (and the plan office)."""
        return self.can_edit(user, obj)


class InventoryPolicy(policy.Policy):
    model = InventoryItem

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_register_reviewer(user):
            return qs
        approved = Q(
            review_status=ReviewStatus.APPROVED, center__review_status=ReviewStatus.APPROVED
        )
        if is_center_operator(user):
            return qs.filter(approved | Q(center__members=user)).distinct()
        return qs.filter(approved)


class UtilisationPolicy(policy.Policy):
    model = UtilisationReport

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_register_reviewer(user):
            return qs
        approved = Q(center__review_status=ReviewStatus.APPROVED)
        if is_center_operator(user):
            return qs.filter(approved | Q(center__members=user)).distinct()
        return qs.filter(approved)


class ProgramPolicy(policy.Policy):
    model = VoucherProgram
    messages = {
        "manage": _("只有专项办可以设立和管理券种计划。"),
        "review": _("只有该券种主管单位的填报员或专项办可以审核申领。"),
        "report": _("只有该券种主管单位的填报员或专项办可以查看计划报告。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        shown = ~Q(status=VoucherProgram.Status.DRAFT)
        if is_unit_reporter(user):
            shown |= Q(unit_id=user.unit_id)
        return qs.filter(shown)

    def can_manage(self, user, obj=None) -> bool:
        return is_plan_office(user)

    def can_review(self, user, obj=None) -> bool:
        if obj is None:
            return is_government_reviewer(user)
        return program_reviewer(user, obj)

    def can_report(self, user, obj=None) -> bool:
        return self.can_review(user, obj)


def _party_filter(user, *, enterprise="enterprise", center="center", program="program") -> Q | None:
    """Rows of the user's enterprises, centers and reviewed programmes (None: everything)."""
    if is_plan_office(user):
        return None
    q = Q(pk__in=[])
    if is_unit_reporter(user):
        q |= Q(**{f"{program}__unit_id": user.unit_id})
    if is_enterprise_user(user):
        q |= Q(**{f"{enterprise}__members": user})
    if is_center_operator(user):
        q |= Q(**{f"{center}__members": user})
    return q


class _PartyPolicy(policy.Policy):
    """Rows of the voucher flow: each party sees its own (``_party_filter``); ``parties``
    renames the paths from a row to its enterprise, center and programme."""

    parties: dict[str, str] = {}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if not signed_in(user):
            return qs.none()
        q = _party_filter(user, **self.parties)
        return qs if q is None else qs.filter(q).distinct()


class ApplicationPolicy(_PartyPolicy):
    model = VoucherApplication
    messages = {
        "apply": _("只有企业用户可以为本企业申领。"),
        "review": _("只有该券种主管单位的填报员或专项办可以审核申领。"),
    }

    def can_apply(self, user, obj=None) -> bool:
        if obj is None:
            return is_enterprise_user(user) or is_plan_office(user)
        return is_plan_office(user) or is_member(user, obj.enterprise_id)

    def can_review(self, user, obj=None) -> bool:
        if obj is None:
            return is_government_reviewer(user)
        return program_reviewer(user, obj.program)


class VoucherPolicy(_PartyPolicy):
    model = Voucher
    messages = {
        "issue": _("只有该券种主管单位的填报员或专项办可以发券。"),
        "redeem": _("只有该券约定的算力中心的运营方可以核销,且只能核销本中心开具的发票。"),
        "revoke": _("只有该券种主管单位的填报员或专项办可以撤销券。"),
    }

    def can_issue(self, user, obj=None) -> bool:
        return (
            program_reviewer(user, obj.program) if obj is not None else is_government_reviewer(user)
        )

    def can_revoke(self, user, obj=None) -> bool:
        return self.can_issue(user, obj)

    def can_redeem(self, user, obj=None) -> bool:
        if obj is None:
            return is_center_operator(user)
        return operates(user, obj.center_id)


class RedemptionPolicy(_PartyPolicy):
    model = Redemption
    messages = {"reverse": _("只有该券种主管单位的填报员或专项办可以冲正核销。")}
    parties = {"enterprise": "voucher__enterprise"}

    def can_reverse(self, user, obj=None) -> bool:
        return (
            program_reviewer(user, obj.program) if obj is not None else is_government_reviewer(user)
        )


class SettlementPolicy(_PartyPolicy):
    model = Settlement
    messages = {"settle": _("只有该券种主管单位的填报员或专项办可以结算。")}

    def can_settle(self, user, obj=None) -> bool:
        """``obj`` is the programme being settled."""
        return program_reviewer(user, obj) if obj is not None else is_government_reviewer(user)


class JobPolicy(policy.Policy):
    model = JobRequest
    messages = {"request": _("只有企业用户可以为本企业提交作业需求。")}

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        if is_enterprise_user(user):
            return qs.filter(enterprise__members=user).distinct()
        return qs.none()

    def can_request(self, user, obj=None) -> bool:
        """``obj`` is the enterprise the job is for."""
        if obj is None:
            return is_enterprise_user(user) or is_plan_office(user)
        return is_plan_office(user) or is_member(user, obj.pk)


class DispatchPolicy(policy.Policy):
    model = Dispatch
    messages = {
        "dispatch": _("只有提出作业需求的企业用户可以调度该作业。"),
        "report": _("只有执行作业的算力中心的运营方可以回报用量。"),
    }

    def visible(self, user, qs=None):
        qs = self.base(qs)
        if is_plan_office(user):
            return qs
        q = Q(pk__in=[])
        if is_enterprise_user(user):
            q |= Q(job__enterprise__members=user)
        if is_center_operator(user):
            q |= Q(center__members=user)
        return qs.filter(q).distinct()

    def can_dispatch(self, user, obj=None) -> bool:
        """``obj`` is the job request."""
        if obj is None:
            return is_enterprise_user(user) or is_plan_office(user)
        return is_plan_office(user) or is_member(user, obj.enterprise_id)

    def can_report(self, user, obj=None) -> bool:
        return obj is not None and operates(user, obj.center_id)


accelerators = policy.register(AcceleratorPolicy())
conventions = policy.register(ConventionPolicy())
centers = policy.register(CenterPolicy())
inventory = policy.register(InventoryPolicy())
utilisation = policy.register(UtilisationPolicy())
programs = policy.register(ProgramPolicy())
applications = policy.register(ApplicationPolicy())
vouchers = policy.register(VoucherPolicy())
redemptions = policy.register(RedemptionPolicy())
settlements = policy.register(SettlementPolicy())
jobs = policy.register(JobPolicy())
dispatches = policy.register(DispatchPolicy())
