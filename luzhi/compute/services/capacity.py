"""Writes of the compute register: the accelerator catalogue, the counting convention,
centers, their inventory and monthly utilisation, and the review of changes.

A center operator's change puts the record back to "pending"; only approved
centers and approved inventory count in the province's figures, so a change
counts once a unit that owns the register (or the plan office) approved it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.compute import permissions
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import ComputeCenter
from luzhi.compute.models import CountingConvention
from luzhi.compute.models import InventoryItem
from luzhi.compute.models import ReviewStatus
from luzhi.compute.models import UtilisationReport
from luzhi.compute.models.capacity import Precision
from luzhi.compute.services.common import decision_check
from luzhi.core.history import record_change
from luzhi.core.services import lock
from luzhi.core.services import save_recorded

CENTER_FIELDS = (
    "code", "name", "operator", "operator_enterprise", "city", "kind", "status", "commissioned_on",
    "cpu_servers", "cpu_fp32_tflops", "cpu_fp64_tflops", "scheduler", "scheduler_url",
)


@transaction.atomic
def accelerator_save(*, actor, accelerator: AcceleratorModel | None = None, **fields) -> AcceleratorModel:
    """Add a card to the catalogue or correct one (every figure with its source)."""
    permissions.accelerators.require(actor, "edit", accelerator)
    accelerator = accelerator or AcceleratorModel()
    for name, value in fields.items():
        setattr(accelerator, name, value)
    save_recorded(accelerator, actor=actor, reason="catalogue")
    return accelerator


@transaction.atomic
def convention_set(*, actor, kind: str, precision: str, source: str) -> CountingConvention:
    """Change at which precision a kind of compute is counted (with the reason)."""
    permissions.conventions.require(actor, "edit")
    if precision not in Precision.values:
        raise ValidationError({"precision": _("未知的计量精度。")})
    if not (source or "").strip():
        raise ValidationError({"source": _("请写明口径依据。")})
    convention, _created = CountingConvention.objects.get_or_create(
        kind=kind, defaults={"precision": precision, "source": source}
    )
    convention.precision = precision
    convention.source = source.strip()
    save_recorded(convention, actor=actor, reason="convention")
    return convention


def _apply(obj, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("不能修改的字段:%s") % "、".join(sorted(unknown)))
    for name, value in fields.items():
        setattr(obj, name, value)


def _register_save(record, actor, reason: str, *, new: bool = False) -> None:
    """Validate and save a register record with its history, under the register's review
    rule: a register reviewer's new entry is approved at once (a reviewer's change leaves the
    review state as it is); anyone else's new entry or change waits for review."""
    if not permissions.is_register_reviewer(actor):
        record.review_status = ReviewStatus.PENDING
    elif new:
        record.review_status = ReviewStatus.APPROVED
    save_recorded(record, actor=actor, reason=reason)


@transaction.atomic
def center_create(*, actor, members=(), **fields) -> ComputeCenter:
    """Register a center. A reviewer's entry is approved at once; an operator's waits for
    review, and the operator becomes one of its members."""
    permissions.centers.require(actor, "create")
    center = ComputeCenter()
    _apply(center, fields, CENTER_FIELDS)
    _register_save(center, actor, "center registered", new=True)
    if not permissions.is_register_reviewer(actor):
        center.members.add(actor)
    if members:
        center.members.add(*members)
    return center


@transaction.atomic
def center_update(*, actor, center: ComputeCenter, **fields) -> ComputeCenter:
    """Edit a center: its operators edit their own (back to review), the plan office any."""
    permissions.centers.require(actor, "edit", center)
    center = lock(center)
    _apply(center, fields, tuple(f for f in CENTER_FIELDS if f != "code"))
    _register_save(center, actor, "center edited")
    return center


def _review(record, *, actor, decision: str, comment: str, nothing_pending: str):
    """Approve or reject a register record's pending change (a rejection says why)."""
    decision_check(decision, comment)
    if record.review_status != ReviewStatus.PENDING:
        raise ValidationError(nothing_pending)
    record.review_status = ReviewStatus.APPROVED if decision == "approve" else ReviewStatus.REJECTED
    record_change(record, actor, comment or decision)
    record.save(update_fields=["review_status", "updated_at"])
    return record


@transaction.atomic
def center_review(*, actor, center: ComputeCenter, decision: str, comment: str = "") -> ComputeCenter:
    """A register unit approves or rejects a center's registration or change."""
    permissions.centers.require(actor, "review", center)
    center = lock(center)
    return _review(center, actor=actor, decision=decision, comment=comment,
                   nothing_pending=_("算力中心“%s”没有待审核的变更。") % center)


@transaction.atomic
def inventory_add(*, actor, center: ComputeCenter, accelerator: AcceleratorModel | None, count,
                  installed_on: date, price_fen_per_card_hour=0, retired_on: date | None = None) -> InventoryItem:
    """Add a batch of cards to a center's inventory (pending review unless a reviewer adds it)."""
    permissions.centers.require(actor, "edit", center)
    if accelerator is None:
        raise ValidationError({"accelerator": _("未知的加速卡型号:请先在加速卡目录中登记。")})
    item = InventoryItem(
        center=center, accelerator=accelerator, count=count, installed_on=installed_on,
        retired_on=retired_on, price_fen_per_card_hour=price_fen_per_card_hour,
    )
    _register_save(item, actor, "inventory added", new=True)
    return item


@transaction.atomic
def inventory_retire(*, actor, item: InventoryItem, retired_on: date) -> InventoryItem:
    """Take a batch out of service from a date (history keeps it counted before then)."""
    permissions.centers.require(actor, "edit", item.center)
    item = lock(item)
    item.retired_on = retired_on
    _register_save(item, actor, "inventory retired")
    return item


@transaction.atomic
def inventory_review(*, actor, item: InventoryItem, decision: str, comment: str = "") -> InventoryItem:
    """A register unit approves or rejects an inventory change."""
    permissions.centers.require(actor, "review", item.center)
    return _review(lock(item), actor=actor, decision=decision, comment=comment,
                   nothing_pending=_("该台账没有待审核的变更。"))


@transaction.atomic
def utilisation_report(*, actor, center: ComputeCenter, month: date, utilisation,
                       card_hours: int | None = None) -> UtilisationReport:
    """A center's operator reports (or corrects) one month's utilisation."""
    permissions.centers.require(actor, "report", center)
    try:
        utilisation = Decimal(str(utilisation))
    except Exception:  # noqa: BLE001  (any unparsable number)
        raise ValidationError({"utilisation": _("利用率应为 0 到 100 之间的数。")}) from None
    month = month.replace(day=1)
    report = UtilisationReport.objects.filter(center=center, month=month).first() or UtilisationReport(
        center=center, month=month
    )
    report.utilisation = utilisation
    report.card_hours = card_hours
    report.reported_by = actor if getattr(actor, "pk", None) else None
    save_recorded(report, actor=actor, reason="utilisation")
    return report


