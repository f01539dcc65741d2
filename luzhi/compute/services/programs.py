"""Voucher programmes and applications: create, open, close; apply, review.

Eligibility rules live in the programme's ``eligibility`` (data); this module
reads them. Applications are checked against the programme's caps when they
are submitted (a clear early refusal); the binding check is at issue time, under
the programme's row lock (services/vouchers.py).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.compute import permissions
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import EnterpriseYearUse
from luzhi.compute.models import Origin
from luzhi.compute.models import ReviewStatus
from luzhi.compute.models import VoucherApplication
from luzhi.compute.models import VoucherEvent
from luzhi.compute.models import VoucherProgram
from luzhi.compute.models.ledger import LedgerAccount
from luzhi.compute.models.ledger import LedgerTransaction
from luzhi.compute.services import ledger
from luzhi.compute.services.common import decision_check
from luzhi.compute.services.common import event
from luzhi.compute.services.common import fen
from luzhi.compute.services.common import subsidy_of
from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.core.services import save_recorded

E = VoucherEvent.Kind
A = VoucherApplication.Status

#: The eligibility rules a programme may set, and what each means (docs/compute.md).
ELIGIBILITY_KEYS = {
    "registered_in_shandong",  # an approved record in the province's enterprise library
    "segments",  # the enterprise's segment is one of these
    "min_employees",
    "max_employees",  # size, from the latest yearly figures
    "max_revenue_wan",  # size: latest revenue at most this many 万元
    "qualifications",  # holds one of these qualifications (科技型中小企业 …)
    "hard_tech",  # in the hard-tech library
    "no_other_subsidy",  # the same contract takes no other compute subsidy
}


@transaction.atomic
def program_create(*, actor, code: str, name: str, kind: str, pattern: str, budget_fen,
                   valid_from: date, valid_until: date, ratio_domestic_bp: int, ratio_imported_bp: int,
                   cap_fen_per_enterprise_year, unit=None, eligibility: dict | None = None,
                   policy_source: str = "") -> VoucherProgram:
    """Set up a programme (draft) and put its budget on the ledger."""
    permissions.programs.require(actor, "manage")
    eligibility = eligibility or {}
    unknown = set(eligibility) - ELIGIBILITY_KEYS if isinstance(eligibility, dict) else set()
    if unknown:
        raise ValidationError({"eligibility": _("未知的申报条件:%s") % "、".join(sorted(unknown))})
    program = VoucherProgram(
        code=code, name=name, kind=kind, pattern=pattern, unit=unit,
        budget_fen=fen(budget_fen, "budget_fen"), valid_from=valid_from, valid_until=valid_until,
        ratio_domestic_bp=ratio_domestic_bp, ratio_imported_bp=ratio_imported_bp,
        cap_fen_per_enterprise_year=fen(cap_fen_per_enterprise_year, "cap_fen_per_enterprise_year"),
        eligibility=eligibility, policy_source=policy_source,
    )
    save_recorded(program, actor=actor, reason="programme created")
    ledger.post(
        LedgerTransaction.Kind.FUND, program,
        [
            (ledger.account(LedgerAccount.Kind.UNISSUED, program), program.budget_fen),
            (ledger.account(LedgerAccount.Kind.FUNDING, program), -program.budget_fen),
        ],
        actor=actor, memo="budget",
    )
    return program


#: What may change once a programme is open: applications and vouchers already rest on its
#: ratios, cap and start, so those change only while it is a draft.
OPEN_EDITABLE = {"name", "policy_source", "valid_until", "budget_fen", "unit"}
EDITABLE = OPEN_EDITABLE | {"valid_from", "ratio_domestic_bp", "ratio_imported_bp",
                            "cap_fen_per_enterprise_year", "eligibility", "pattern", "kind"}


@transaction.atomic
def program_update(*, actor, program: VoucherProgram, **fields) -> VoucherProgram:
    """Change a programme. A draft changes freely; an open one only its name, source, unit,
    end date (not before today's vouchers) and budget (never below what is issued); a closed
    one not at all. A budget change is a funding movement on the ledger."""
    permissions.programs.require(actor, "manage", program)
    program = lock(program)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError(_("不能修改的字段:%s") % "、".join(sorted(unknown)))
    if program.status == VoucherProgram.Status.CLOSED:
        raise ValidationError(_("券种计划已结束,不能再修改。"))
    changed = {k: v for k, v in fields.items() if getattr(program, k) != v}
    if program.status == VoucherProgram.Status.OPEN and set(changed) - OPEN_EDITABLE:
        raise ValidationError(
            _("券种计划已开始申报,只能修改名称、主管单位、政策依据、截止日期和资金总额;不能修改:%s")
            % "、".join(str(VoucherProgram._meta.get_field(k).verbose_name) for k in sorted(set(changed) - OPEN_EDITABLE))
        )
    if "eligibility" in changed:
        unknown = set(changed["eligibility"] or {}) - ELIGIBILITY_KEYS if isinstance(changed["eligibility"], dict) else {"?"}
        if unknown:
            raise ValidationError({"eligibility": _("未知的申报条件:%s") % "、".join(sorted(unknown))})
    old_budget = program.budget_fen
    for name in ("budget_fen", "cap_fen_per_enterprise_year"):
        if name in changed:
            changed[name] = fen(changed[name], name)
    if changed.get("budget_fen", old_budget) < program.committed_fen:
        raise ValidationError({"budget_fen": _("资金总额不能少于已发放的 %(c)s 分。") % {"c": program.committed_fen}})
    if "valid_until" in changed and program.status == VoucherProgram.Status.OPEN:
        latest = program.vouchers.order_by("-valid_until").values_list("valid_until", flat=True).first()
        if latest and changed["valid_until"] < latest:
            raise ValidationError({"valid_until": _("截止日期不能早于已发券的有效期(%(d)s)。") % {"d": latest}})
    if not changed:
        return program
    for name, value in changed.items():
        setattr(program, name, value)
    save_recorded(program, actor=actor, reason="programme changed")
    delta = program.budget_fen - old_budget
    if delta:
        ledger.post(
            LedgerTransaction.Kind.FUND, program,
            [
                (ledger.account(LedgerAccount.Kind.UNISSUED, program), delta),
                (ledger.account(LedgerAccount.Kind.FUNDING, program), -delta),
            ],
            actor=actor, memo="budget change",
        )
    return program


@transaction.atomic
def program_set_status(*, actor, program: VoucherProgram, status: str) -> VoucherProgram:
    """Open a draft programme for applications, or close an open one."""
    permissions.programs.require(actor, "manage", program)
    program = lock(program)
    allowed = {
        VoucherProgram.Status.OPEN: {VoucherProgram.Status.DRAFT},
        VoucherProgram.Status.CLOSED: {VoucherProgram.Status.OPEN},
    }
    if program.status not in allowed.get(status, set()):
        raise StateConflict(
            _("券种计划“%(p)s”当前为“%(s)s”,不能改为该状态。")
            % {"p": program, "s": program.get_status_display()}
        )
    program.status = status
    record_change(program, actor, f"status {status}")
    program.save(update_fields=["status", "updated_at"])
    event(E.PROGRAM_OPEN if status == VoucherProgram.Status.OPEN else E.PROGRAM_CLOSE,
          program=program, actor=actor)
    return program


def related(enterprise, center: ComputeCenter) -> bool:
    """Are buyer and center related (the center's operating enterprise, or a shared user)?"""
    if center.operator_enterprise_id and center.operator_enterprise_id == enterprise.pk:
        return True
    if center.operator_enterprise_id and center.operator_enterprise.credit_code == enterprise.credit_code:
        return True
    return center.members.filter(enterprises=enterprise).exists()


def eligibility_problems(program: VoucherProgram, enterprise, *, no_other_subsidy: bool,
                         center=None, contract_no: str = "") -> list[str]:
    """Every rule of ``program`` the enterprise (and this contract) fails, in words."""
    from luzhi.registry.models import RecordStatus

    rules = program.eligibility or {}
    problems = []
    if rules.get("registered_in_shandong") and enterprise.status != RecordStatus.APPROVED:
        problems.append(_("企业须在山东省企业库中登记并通过审核。"))
    if rules.get("segments") and enterprise.segment not in rules["segments"]:
        problems.append(_("企业所属产业环节不在本券支持范围内。"))
    if rules.get("hard_tech") and not enterprise.hard_tech:
        problems.append(_("本券仅支持入库硬科技企业。"))
    latest = enterprise.years.order_by("-year").first()
    if "min_employees" in rules or "max_employees" in rules or "max_revenue_wan" in rules:
        if latest is None:
            problems.append(_("企业尚未填报年度数据,无法核对企业规模。"))
        else:
            if "min_employees" in rules and latest.employees < rules["min_employees"]:
                problems.append(_("从业人员少于 %d 人。") % rules["min_employees"])
            if "max_employees" in rules and latest.employees > rules["max_employees"]:
                problems.append(_("从业人员超过 %d 人(本券支持中小企业)。") % rules["max_employees"])
            if "max_revenue_wan" in rules and latest.revenue > rules["max_revenue_wan"]:
                problems.append(_("营业收入超过 %s 万元。") % rules["max_revenue_wan"])
    if rules.get("qualifications"):
        today = timezone.localdate()
        holds = enterprise.qualifications.filter(kind__in=rules["qualifications"], granted_on__lte=today).exclude(
            expires_on__lt=today
        )
        if not holds.exists():
            problems.append(_("企业不具备本券要求的资质。"))
    if rules.get("no_other_subsidy"):
        if not no_other_subsidy:
            problems.append(_("须承诺同一合同未享受其他算力补贴。"))
        elif center is not None and contract_no and VoucherApplication.objects.filter(
            center=center, contract_no=contract_no, status__in=[A.SUBMITTED, A.APPROVED, A.ISSUED]
        ).exclude(program=program).exists():
            problems.append(_("同一合同已申领其他券种补贴。"))
    return problems


def cap_used(program: VoucherProgram, enterprise, year: int) -> int:
    row = EnterpriseYearUse.objects.filter(program=program, enterprise=enterprise, year=year).first()
    return row.used_fen if row else 0


@transaction.atomic
def application_submit(*, actor, program: VoucherProgram, enterprise, center, contract_no: str,
                       contract_amount_fen, origin: str, requested_fen, no_other_subsidy: bool = False,
                       year: int | None = None, invoice_no: str = "", invoice_date: date | None = None,
                       invoice_amount_fen=None, today: date | None = None) -> VoucherApplication:
    """An enterprise applies for a voucher on a contract with a registered center."""
    today = today or timezone.localdate()
    if enterprise is None:
        raise ValidationError({"enterprise": _("未知的企业。")})
    draft = VoucherApplication(program=program, enterprise=enterprise)
    permissions.applications.require(actor, "apply", draft)
    if center is None:
        raise ValidationError({"center": _("未知的算力中心:请选择已登记的算力中心。")})
    if program.status != VoucherProgram.Status.OPEN or not (program.valid_from <= today <= program.valid_until):
        raise ValidationError(_("券种计划“%s”当前不受理申领。") % program)
    if center.review_status != ReviewStatus.APPROVED or center.status != ComputeCenter.Status.OPERATING:
        raise ValidationError({"center": _("算力中心“%s”未通过登记审核或未在运营。") % center})
    if origin not in Origin.values:
        raise ValidationError({"origin": _("请选择算力产地(国产或进口)。")})
    contract_amount = fen(contract_amount_fen, "contract_amount_fen")
    requested = fen(requested_fen, "requested_fen")
    contract_no = (contract_no or "").strip()
    if not contract_no:
        raise ValidationError({"contract_no": _("请填写合同编号。")})
    year = year or today.year
    errors = {}
    if related(enterprise, center):
        errors["center"] = _("申请企业与算力中心存在关联关系,不能申领。")
    base = contract_amount
    invoice_amount = None
    if program.pattern == VoucherProgram.Pattern.REIMBURSE:
        if not (invoice_no or "").strip():
            errors["invoice_no"] = _("凭票补贴须填写已支付的发票号码。")
        if invoice_date is None:
            errors["invoice_date"] = _("请填写开票日期。")
        elif invoice_date > today:
            errors["invoice_date"] = _("开票日期 %(d)s 晚于今天。") % {"d": invoice_date}
        invoice_amount = fen(invoice_amount_fen, "invoice_amount_fen")
        if invoice_amount > contract_amount:
            errors["invoice_amount_fen"] = _("发票金额不能超过合同金额。")
        base = invoice_amount
    most = subsidy_of(base, program.ratio_bp(origin))
    if requested > most:
        errors["requested_fen"] = _("申请券额 %(r)d 分超过按补贴比例可得的 %(m)d 分。") % {"r": requested, "m": most}
    room = program.cap_fen_per_enterprise_year - cap_used(program, enterprise, year)
    if requested > room:
        errors["requested_fen"] = _("申请券额 %(r)d 分超过企业 %(y)d 年度剩余额度 %(room)d 分。") % {
            "r": requested, "y": year, "room": max(room, 0)
        }
    problems = eligibility_problems(program, enterprise, no_other_subsidy=no_other_subsidy,
                                    center=center, contract_no=contract_no)
    if problems:
        errors["enterprise"] = problems
    if VoucherApplication.objects.filter(program=program, center=center, contract_no=contract_no).exists():
        errors["contract_no"] = _("该合同已在本券种申领过。")
    if errors:
        raise ValidationError(errors)
    application = VoucherApplication(
        program=program, enterprise=enterprise, center=center, contract_no=contract_no,
        contract_amount_fen=contract_amount, origin=origin, requested_fen=requested, year=year,
        no_other_subsidy=no_other_subsidy, invoice_no=(invoice_no or "").strip(), invoice_date=invoice_date,
        invoice_amount_fen=invoice_amount, applicant=actor if getattr(actor, "pk", None) else None,
    )
    application.full_clean()
    application.save()
    event(E.APPLY, program=program, application=application, actor=actor, amount_fen=requested)
    return application


@transaction.atomic
def application_review(*, actor, application: VoucherApplication, decision: str,
                       comment: str = "") -> VoucherApplication:
    """Approve or reject a submitted application (a rejection says why)."""
    permissions.applications.require(actor, "review", application)
    application = lock(application)
    if application.status != A.SUBMITTED:
        raise StateConflict(_("申领当前为“%s”,不能再审核。") % application.get_status_display())
    comment = (comment or "").strip()
    decision_check(decision, comment)
    application.status = A.APPROVED if decision == "approve" else A.REJECTED
    application.review_comment = comment
    application.save(update_fields=["status", "review_comment", "updated_at"])
    event(E.APPROVE if decision == "approve" else E.REJECT, program=application.program,
          application=application, actor=actor, note=comment)
    return application


@transaction.atomic
def program_report_record(*, actor, program: VoucherProgram) -> dict:
    """The programme report (计划报告), the flow's last step: its figures now, recorded as an
    event so the timeline shows when the unit reported and what."""
    from luzhi.compute.selectors import program_report

    permissions.programs.require(actor, "report", program)
    report = program_report(program)
    event(E.REPORT, program=program, actor=actor, amount_fen=report["redeemed_fen"],
          note=_("已发放 %(i)d 分,已核销 %(r)d 分,已结算 %(s)d 分")
          % {"i": report["issued_fen"], "r": report["redeemed_fen"], "s": report["settled_fen"]})
    return report
