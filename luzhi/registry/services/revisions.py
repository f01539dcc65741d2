"""Pending changes to approved enterprises (``EnterpriseRevision``): propose, approve, reject.

An enterprise user's edit of an approved enterprise does not touch the record:
it becomes (or updates) the enterprise's one pending revision, and the public
keeps seeing the approved version until the plan office approves the change.
Yearly figures and qualifications an enterprise user changes are noted on the
same revision for the reviewer. Decisions lock the revision and re-check its
state (two racing decisions: one wins).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.core.history import record_change
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.registry import permissions as policies
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseRevision
from luzhi.registry.models import Platform
from luzhi.registry.models import RecordStatus

FOREIGN_KEYS = {"city": City, "incubator": Platform}
DATES = ("founded_on", "hard_tech_since", "incubated_on")


def _to_json(name: str, value):
    if name in FOREIGN_KEYS:
        return value.pk if value is not None else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _from_json(name: str, value):
    if value is None:
        return None
    if name in FOREIGN_KEYS:
        return FOREIGN_KEYS[name]._default_manager.filter(pk=value).first()
    if name in DATES:
        return datetime.date.fromisoformat(value)
    return value


def pending_revision(enterprise: Enterprise) -> EnterpriseRevision | None:
    """The enterprise's pending revision, if any."""
    return enterprise.revisions.filter(status=RecordStatus.PENDING).first()


def proposed(enterprise: Enterprise, revision: EnterpriseRevision | None = None) -> Enterprise:
    """A copy of ``enterprise`` (not saved) with the pending revision's changes applied."""
    copy = Enterprise.objects.get(pk=enterprise.pk)
    revision = revision if revision is not None else pending_revision(enterprise)
    for name, value in (revision.changes if revision else {}).items():
        setattr(copy, name, _from_json(name, value))
    return copy


def revision_rows(revision: EnterpriseRevision) -> list[tuple[str, object, object]]:
    """``(field label, approved value, proposed value)`` for each proposed change."""
    current = revision.enterprise
    rows = []
    for name, value in revision.changes.items():
        field = Enterprise._meta.get_field(name)
        new = _from_json(name, value)
        old = getattr(current, name)
        if field.choices:
            labels = dict(field.flatchoices)
            old, new = labels.get(old, old), labels.get(new, new)
        if isinstance(old, bool) or isinstance(new, bool):
            old, new = (_("是") if old else _("否")), (_("是") if new else _("否"))
        rows.append((str(field.verbose_name), old, new))
    return rows


def propose_changes(*, actor, enterprise: Enterprise, changes: dict) -> EnterpriseRevision | None:
    """Record an enterprise user's edit of an approved enterprise as its pending revision.

    ``enterprise`` is locked by the caller. The proposal is validated as the
    record would be (``full_clean``, unique credit code) but nothing of the
    approved record changes. Returns the revision (None when nothing differs).
    """
    from luzhi.registry.services.enterprises import _apply
    from luzhi.registry.services.enterprises import _clean
    from luzhi.registry.services.enterprises import _duplicate_error

    revision = pending_revision(enterprise)
    candidate = proposed(enterprise, revision)
    _apply(candidate, changes)
    dup = _duplicate_error(candidate.credit_code, enterprise.pk)
    _clean(candidate, extra={"credit_code": dup} if dup else None)
    diff = {}
    for name in changes:
        new, old = getattr(candidate, name), getattr(enterprise, name)
        if _to_json(name, new) != _to_json(name, old):
            diff[name] = _to_json(name, new)
    if revision is None:
        if not diff:
            return None
        revision = EnterpriseRevision(enterprise=enterprise)
    revision.changes = diff
    revision.submitted_by = actor
    if not diff and not revision.notes:
        if revision.pk:
            revision.delete()
        return None
    revision.full_clean()
    revision.save()
    return revision


def note_change(*, actor, enterprise: Enterprise, note: str) -> EnterpriseRevision:
    """Note on the pending revision that the enterprise changed its figures or qualifications."""
    revision = pending_revision(enterprise) or EnterpriseRevision(enterprise=enterprise)
    lines = [line for line in revision.notes.splitlines() if line]
    if note not in lines:
        lines.append(note)
    revision.notes = "\n".join(lines)
    revision.submitted_by = actor
    revision.save()
    return revision


def _decide(*, actor, revision: EnterpriseRevision, to: str, comment: str) -> EnterpriseRevision:
    policies.enterprises.require(actor, "approve")
    seen = revision.status
    revision = lock(revision, related=("enterprise",))
    if revision.status != seen or revision.status != RecordStatus.PENDING:
        raise StateConflict(
            _("这项变更已于此前处理(%(status)s),请刷新页面。")
            % {"status": revision.get_status_display()}
        )
    revision.status = to
    revision.decided_by = actor
    revision.decided_at = timezone.now()
    revision.comment = (comment or "").strip()
    revision.save()
    return revision


@transaction.atomic
def revision_approve(*, actor, revision: EnterpriseRevision, comment: str = "") -> Enterprise:
    """Approve a pending revision (plan office): its changes are applied to the public record."""
    from luzhi.registry.services.enterprises import _save_enterprise

    revision = _decide(actor=actor, revision=revision, to=RecordStatus.APPROVED, comment=comment)
    enterprise = lock(revision.enterprise)
    for name, value in revision.changes.items():
        setattr(enterprise, name, _from_json(name, value))
    note = f": {revision.comment}" if revision.comment else ""
    if revision.changes:
        _save_enterprise(enterprise, actor, f"changes approved{note}")
    else:
        record_change(enterprise, actor, f"changes approved{note}")
        enterprise.save(update_fields=["updated_at"])
    return enterprise


@transaction.atomic
def revision_reject(*, actor, revision: EnterpriseRevision, comment: str) -> EnterpriseRevision:
    """Reject a pending revision, saying why; the approved record stays as it is."""
    if not (comment or "").strip():
        policies.enterprises.require(actor, "approve")
        raise ValidationError({"comment": _("驳回时须说明原因。")})
    return _decide(actor=actor, revision=revision, to=RecordStatus.REJECTED, comment=comment)
