"""Writes to the enterprise library: enterprises, yearly figures, qualifications (tiers: tiers.py).

Every function is keyword-only, takes the acting user as ``actor=``, checks
``registry/permissions.py``, runs in one transaction, calls ``full_clean()``
before saving and records who and why in the simple-history tables.

Review: anything an enterprise user writes (the record, its figures, its
qualifications) sends the enterprise back to "pending" for the plan office;
the plan office's own edits leave the status as it is. Tier rules only
*propose* changes (:func:`tier_proposals_generate`); a qualification changes
only when the plan office accepts a proposal (:func:`tier_proposal_decide`).
"""

from datetime import date
from decimal import Decimal
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.accounts.models import User
from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.registry import permissions as policies
from luzhi.registry.credit_code import normalize_credit_code
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.services.changes import registry_changed

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "city",
    "segment",
    "founded_on",
    "hard_tech",
    "hard_tech_since",
    "incubator",
    "incubated_on",
)
MONEY_FIELDS = ("revenue", "ai_core_revenue", "rd_spend")



def _clean(instance, *, extra: dict | None = None) -> None:
    """``full_clean()`` with ``extra`` field errors merged in (replacing the generic ones)."""
    errors: dict = {}
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict({})
    for key, message in (extra or {}).items():
        errors[key] = [message]
    if errors:
        raise ValidationError(errors)


def _back_to_pending(enterprise: Enterprise, actor, reason: str) -> None:
    """An enterprise user's change goes to the plan office; the office's own stay as they are.

    An approved enterprise stays approved and public: the change is noted on its
    pending revision (``services/revisions.py``) for the office to review. One not
    yet approved goes (back) to pending.
    """
    if policies.enterprises.can(actor, "approve") or enterprise.status == RecordStatus.PENDING:
        return
    if enterprise.status == RecordStatus.APPROVED:
        from luzhi.registry.services.revisions import note_change

        note_change(actor=actor, enterprise=enterprise, note=reason)
        return
    enterprise.status = RecordStatus.PENDING
    record_change(enterprise, actor, reason)
    enterprise.save(update_fields=["status", "updated_at"])


# ------------------------------------------------------------------ enterprises


def _duplicate_error(credit_code: str, exclude_pk: int | None) -> str | None:
    existing = (
        Enterprise.objects.filter(credit_code=credit_code)
        .exclude(pk=exclude_pk)
        .only("name")
        .first()
    )
    if existing is None:
        return None
    return _("统一社会信用代码 %(code)s 已被“%(name)s”(编号 %(pk)s)登记,不能重复登记。") % {
        "code": credit_code,
        "name": existing.name,
        "pk": existing.pk,
    }


def _apply(enterprise: Enterprise, values: dict) -> None:
    for name, value in values.items():
        if name == "credit_code":
            value = normalize_credit_code(value)
        elif name == "name":
            value = (value or "").strip()
        elif name == "city" and value is not None and not isinstance(value, City):
            raise ValidationError({"city": _("所在市应为山东省的设区市。")})
        elif name == "incubator" and value is not None and not isinstance(value, Platform):
            raise ValidationError({"incubator": _("孵化载体应为登记的孵化器。")})
        setattr(enterprise, name, value)


def _save_enterprise(enterprise: Enterprise, actor, reason: str) -> Enterprise:
    _clean(
        enterprise,
        extra={"credit_code": dup}
        if (dup := _duplicate_error(enterprise.credit_code, enterprise.pk))
        else None,
    )
    record_change(enterprise, actor, reason)
    enterprise.save()
    registry_changed(Enterprise)
    return enterprise


@transaction.atomic
def enterprise_create(
    *,
    actor: User,
    name: str,
    credit_code: str,
    city: City,
    segment: str,
    founded_on: date | None = None,
    hard_tech: bool = False,
    hard_tech_since: date | None = None,
    incubator: Platform | None = None,
    incubated_on: date | None = None,
) -> Enterprise:
    """Register an enterprise. The plan office's is approved at once; an enterprise user's is
    pending, and the user becomes its member (so they can keep it up to date)."""
    policies.enterprises.require(actor, "create")
    enterprise = Enterprise(
        status=RecordStatus.APPROVED if policies.enterprises.can(actor, "approve") else RecordStatus.PENDING
    )
    _apply(
        enterprise,
        {
            "name": name,
            "credit_code": credit_code,
            "city": city,
            "segment": segment,
            "founded_on": founded_on,
            "hard_tech": hard_tech,
            "hard_tech_since": hard_tech_since,
            "incubator": incubator,
            "incubated_on": incubated_on,
        },
    )
    _save_enterprise(enterprise, actor, "enterprise created")
    if not policies.enterprises.can(actor, "approve"):
        enterprise.members.add(actor)
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, **changes) -> Enterprise:
    """Change an enterprise's record (any of ``ENTERPRISE_FIELDS``).

    Members may edit their own enterprise: a pending or rejected one is changed
    and waits for approval; an approved one keeps its approved (public) version
    and the edit becomes its pending revision. The plan office may edit any, and
    its edits keep the status.
    """
    unknown = set(changes) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"enterprise_update() got unexpected fields: {sorted(unknown)}")
    policies.enterprises.require(
        actor,
        "edit",
        enterprise,
        message=_("只有专项办和“%(name)s”的企业用户可以修改该企业。") % {"name": enterprise.name},
    )
    enterprise = lock(enterprise)
    office = policies.enterprises.can(actor, "approve")
    if not office and enterprise.status == RecordStatus.APPROVED:
        # The approved version stays public until the office approves the change.
        from luzhi.registry.services.revisions import propose_changes

        propose_changes(actor=actor, enterprise=enterprise, changes=changes)
        return enterprise
    _apply(enterprise, changes)
    if not office:
        enterprise.status = RecordStatus.PENDING
    return _save_enterprise(enterprise, actor, "enterprise updated")


def changed_meanwhile(record) -> str:
    """The refusal when someone else decided first: the reviewer's page was out of date."""
    return _("“%(name)s”刚刚已被改为“%(status)s”,请刷新页面后再审核。") % {
        "name": record,
        "status": record.get_status_display(),
    }


def _transition(enterprise: Enterprise, *, actor, to: str, allowed_from: set, reason: str):
    policies.enterprises.require(actor, "approve")
    seen = enterprise.status
    enterprise = lock(enterprise)
    if enterprise.status != seen:
        raise StateConflict(changed_meanwhile(enterprise))
    if enterprise.status not in allowed_from:
        raise StateConflict(
            _("“%(name)s”当前为“%(status)s”,不能改为“%(to)s”。")
            % {
                "name": enterprise.name,
                "status": enterprise.get_status_display(),
                "to": RecordStatus(to).label,
            }
        )
    enterprise.status = to
    record_change(enterprise, actor, reason)
    enterprise.save(update_fields=["status", "updated_at"])
    registry_changed(Enterprise)
    return enterprise


@transaction.atomic
def enterprise_approve(*, actor: User, enterprise: Enterprise, comment: str = "") -> Enterprise:
    """Approve a pending (or previously rejected) enterprise: it becomes public and counts."""
    reason = "approved" + (f": {comment.strip()}" if comment.strip() else "")
    return _transition(
        enterprise,
        actor=actor,
        to=RecordStatus.APPROVED,
        allowed_from={RecordStatus.PENDING, RecordStatus.REJECTED},
        reason=reason,
    )


@transaction.atomic
def enterprise_reject(*, actor: User, enterprise: Enterprise, comment: str) -> Enterprise:
    """Reject a pending enterprise, saying why (the reason is kept in its history)."""
    if not (comment or "").strip():
        policies.enterprises.require(actor, "approve")
        raise ValidationError({"comment": _("驳回时须说明原因。")})
    return _transition(
        enterprise,
        actor=actor,
        to=RecordStatus.REJECTED,
        allowed_from={RecordStatus.PENDING},
        reason=f"rejected: {comment.strip()}",
    )


@transaction.atomic
def enterprise_member_add(*, actor: User, enterprise: Enterprise, user: User) -> Enterprise:
    """Bind an enterprise user to an enterprise (plan office); recorded in the enterprise's history."""
    policies.enterprises.require(actor, "members")
    if not user.is_enterprise_user:
        raise ValidationError(
            {"user": _("“%s”不是企业用户,不能绑定到企业。") % user.get_username()}
        )
    if enterprise.members.filter(pk=user.pk).exists():
        raise ValidationError({"user": _("“%s”已是该企业的用户。") % user.get_username()})
    enterprise.members.add(user)
    # The membership table has no history of its own: note the binding on the enterprise.
    record_change(enterprise, actor, f"member added: {user.get_username()}")
    enterprise.save(update_fields=["updated_at"])
    registry_changed()  # the member now sees the enterprise's records under review
    return enterprise


# ------------------------------------------------------------------ yearly figures


def _money(raw, field: str) -> Decimal:
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%s”不是数字。") % raw}) from None
    if not value.is_finite():
        raise ValidationError({field: _("“%s”不是数字。") % raw})
    return value


@transaction.atomic
def enterprise_year_save(
    *,
    actor: User,
    enterprise: Enterprise,
    year: int,
    revenue,
    ai_core_revenue=0,
    rd_spend=0,
    employees: int = 0,
) -> EnterpriseYear:
    """Create or update the enterprise's figures for ``year`` (one row per enterprise and year).

    Amounts are in 万元; negative amounts, AI core revenue above revenue and a
    year still to come are refused.
    """
    policies.enterprises.require(
        actor,
        "edit",
        enterprise,
        message=_("只有专项办和“%(name)s”的企业用户可以填报其年度数据。") % {"name": enterprise.name},
    )
    row = EnterpriseYear.objects.select_for_update().filter(
        enterprise=enterprise, year=year
    ).first() or EnterpriseYear(enterprise=enterprise, year=year)
    created = row._state.adding
    errors = {}
    for name, raw in (
        ("revenue", revenue),
        ("ai_core_revenue", ai_core_revenue),
        ("rd_spend", rd_spend),
    ):
        try:
            setattr(row, name, _money(raw, name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        row.employees = int(employees)
    except (TypeError, ValueError):
        errors["employees"] = [_("从业人员应为整数。")]
    if errors:
        raise ValidationError(errors)
    if row.employees < 0:
        raise ValidationError({"employees": _("从业人员不能为负数。")})
    _clean(row)
    record_change(row, actor, f"figures {'created' if created else 'updated'} for {year}")
    row.save()
    _back_to_pending(enterprise, actor, f"figures for {year} changed by the enterprise")
    registry_changed(EnterpriseYear, Enterprise)
    return row


# ------------------------------------------------------------------ qualifications


@transaction.atomic
def qualification_add(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    granted_on: date,
    certificate_no: str = "",
    expires_on: date | None = None,
    reason: str = "qualification added",
) -> Qualification:
    """Record a qualification the enterprise holds, with its certificate."""
    policies.enterprises.require(
        actor,
        "edit",
        enterprise,
        message=_("只有专项办和“%(name)s”的企业用户可以登记其资质。") % {"name": enterprise.name},
    )
    qualification = Qualification(
        enterprise=enterprise,
        kind=kind,
        granted_on=granted_on,
        certificate_no=(certificate_no or "").strip(),
        expires_on=expires_on,
    )
    duplicate = None
    if Qualification.objects.filter(
        enterprise=enterprise, kind=kind, granted_on=granted_on
    ).exists():
        duplicate = _("该企业已登记 %(date)s 认定的这一资质。") % {"date": granted_on}
    _clean(qualification, extra={"kind": duplicate} if duplicate else None)
    record_change(qualification, actor, reason)
    qualification.save()
    _back_to_pending(enterprise, actor, "qualification added by the enterprise")
    registry_changed(Qualification, Enterprise)
    return qualification


@transaction.atomic
def qualification_remove(*, actor: User, qualification: Qualification, reason: str = "") -> None:
    """Remove a qualification (its history keeps what it was, who removed it and why)."""
    enterprise = qualification.enterprise
    policies.enterprises.require(
        actor,
        "edit",
        enterprise,
        message=_("只有专项办和“%(name)s”的企业用户可以删除其资质。") % {"name": enterprise.name},
    )
    record_change(qualification, actor, reason or "qualification removed")
    qualification.delete()
    _back_to_pending(enterprise, actor, "qualification removed by the enterprise")
    registry_changed(Qualification, Enterprise)
