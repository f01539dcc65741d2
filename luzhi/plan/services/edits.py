"""Corrections of stored plan data by the plan office: a section's title or text, a
target, an assignment's units. Each says why; who and why go into the record's history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.models import User
from luzhi.core.cache import bump
from luzhi.core.history import record_change
from luzhi.core.services import save_recorded
from luzhi.core.text import normalize_name
from luzhi.plan.models import Assignment
from luzhi.plan.models import AssignmentUnit
from luzhi.plan.models import Plan
from luzhi.plan.models import Section
from luzhi.plan.models import Target
from luzhi.plan.permissions import assignments
from luzhi.plan.permissions import plans
from luzhi.plan.permissions import sections
from luzhi.plan.permissions import targets


@transaction.atomic
def plan_set_main(*, actor: User, plan: Plan) -> Plan:
    """Make ``plan``'s lineage the main plan (what the cockpit and plan pages show by default).

    Other plans stay in force and keep their own cockpits; only the default changes.
    """
    plans.require(actor, "import")
    bump("plan")
    for row in Plan.objects.select_for_update().filter(is_main=True).exclude(lineage=plan.lineage):
        row.is_main = False
        record_change(row, actor, "another plan made the main plan")
        row.save(update_fields=["is_main", "updated_at"])
    for row in Plan.objects.select_for_update().filter(lineage=plan.lineage, is_main=False):
        row.is_main = True
        record_change(row, actor, "made the main plan")
        row.save(update_fields=["is_main", "updated_at"])
    plan.refresh_from_db()
    return plan


@transaction.atomic
def target_update(*, actor: User, target: Target, reason: str, **fields) -> Target:
    """Correct a stored target (plan office only); the reason is kept in its history."""
    bump("plan")  # the public plan pages show this
    targets.require(actor, "edit", target)
    allowed = {"metric", "cmp", "value", "value_max", "unit", "by_year", "per"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    if fields.get("cmp", Target.Cmp.RANGE) != Target.Cmp.RANGE and "value_max" not in fields:
        fields["value_max"] = None  # a range corrected to another comparator loses its upper bound
    for name, value in fields.items():
        setattr(target, name, value)
    save_recorded(target, actor=actor, reason=reason)
    return target


def _require_reason(reason: str) -> str:
    """Edits to plan data must say why; the reason is kept in the record's history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明修改原因。")})
    return reason


@transaction.atomic
def section_update(
    *, actor: User, section: Section, reason: str, title: str | None = None, text: str | None = None
) -> Section:
    """Correct a section's title or text (plan office only); who and why go into its history.

    Only the given fields change; a call that changes nothing writes nothing.
    """
    bump("plan")  # the public plan pages show this
    sections.require(actor, "edit", section)
    reason = _require_reason(reason)
    changes = {
        name: value
        for name, value in (("title", title), ("text", text))
        if value is not None and value != getattr(section, name)
    }
    if not changes:
        return section
    for name, value in changes.items():
        setattr(section, name, value)
    save_recorded(section, actor=actor, reason=reason)
    return section


def _resolve_unit_refs(refs_by_role: dict[str, list]) -> dict[str, list[tuple[Unit, str]]]:
    """Resolve unit references (Unit, id, or a name as written) per role, or raise naming each bad one.

    Names are matched through the alias table on their normalised form, so
    traditional characters or full-width punctuation find the same unit.
    """
    ids = {ref for refs in refs_by_role.values() for ref in refs if isinstance(ref, int)}
    names = {
        normalize_name(ref)
        for refs in refs_by_role.values()
        for ref in refs
        if isinstance(ref, str)
    }
    by_id = Unit.objects.in_bulk(list(ids))
    by_name = {
        a.normalized: a.unit
        for a in UnitAlias.objects.filter(normalized__in=list(names)).select_related("unit")
    }
    resolved: dict[str, list[tuple[Unit, str]]] = {}
    errors: dict[str, list[str]] = {}
    for role, refs in refs_by_role.items():
        resolved[role] = []
        for ref in refs:
            if isinstance(ref, Unit):
                unit, written = ref, ref.short_name or ref.name
            elif isinstance(ref, int):
                unit = by_id.get(ref)
                written = (unit.short_name or unit.name) if unit else ""
                if unit is None:
                    errors.setdefault(role, []).append(
                        _("没有编号为 %(id)s 的单位。") % {"id": ref}
                    )
                    continue
            else:
                written = ref.strip()
                unit = by_name.get(normalize_name(ref))
                if unit is None:
                    errors.setdefault(role, []).append(
                        _("未知单位“%(name)s”:请先在单位别名表中添加。") % {"name": ref}
                    )
                    continue
            resolved[role].append((unit, written))
    if errors:
        raise ValidationError(errors)
    return resolved


@transaction.atomic
def assignment_set_units(
    *,
    actor: User,
    assignment: Assignment,
    reason: str,
    units: dict[str, list],
    open_ended: bool | None = None,
) -> Assignment:
    """Replace an assignment's units role by role (plan office only).

    ``units`` maps a role (``lead``, ``responsible``, ``joint``) to the units that
    should hold it, each a :class:`Unit`, a unit id or a name resolved through the
    alias table. Roles not given keep their units. Unchanged links are kept;
    removed and added ones are recorded in the history of ``AssignmentUnit`` with
    the actor and reason, and the assignment's own history gets an entry too.
    Refuses unknown units, a unit listed twice and an assignment left with no unit.
    """
    bump("plan")  # the public plan pages show this
    assignments.require(actor, "edit", assignment)
    reason = _require_reason(reason)
    roles = [role for role, _label in AssignmentUnit.Role.choices]
    unknown_roles = set(units) - set(roles)
    if unknown_roles:
        raise ValidationError(
            {role: _("未知的分工角色,应为 lead、responsible 或 joint。") for role in unknown_roles}
        )
    resolved = _resolve_unit_refs({role: list(refs) for role, refs in units.items()})
    existing = list(assignment.units.select_related("unit").order_by("order"))
    wanted: list[tuple[Unit, str, str]] = []  # (unit, role, name as written)
    for role in roles:
        if role in resolved:
            wanted.extend((unit, role, written) for unit, written in resolved[role])
        else:
            wanted.extend(
                (link.unit, role, link.name_as_written) for link in existing if link.role == role
            )
    seen: dict[int, str] = {}
    for unit, role, _written in wanted:
        if unit.pk in seen:
            raise ValidationError(
                {role: _("单位“%(unit)s”在同一分工中出现了两次。") % {"unit": unit.name}}
            )
        seen[unit.pk] = role
    if not wanted:
        raise ValidationError({"units": _("分工至少需要一个单位。")})

    # A unit that keeps its role keeps the name the plan text wrote for it.
    written_before = {(link.unit_id, link.role): link.name_as_written for link in existing}
    wanted = [
        (unit, role, written_before.get((unit.pk, role), written)) for unit, role, written in wanted
    ]
    unchanged_units = [(link.unit_id, link.role, link.name_as_written) for link in existing] == [
        (unit.pk, role, written) for unit, role, written in wanted
    ]
    if unchanged_units and (open_ended is None or open_ended == assignment.open_ended):
        return assignment

    available = {(link.unit_id, link.role): link for link in existing}
    for order, (unit, role, written) in enumerate(wanted):
        link = available.pop((unit.pk, role), None)
        if link is not None and (link.order, link.name_as_written) == (order, written):
            continue
        if link is None:
            link = AssignmentUnit(assignment=assignment, unit=unit, role=role)
        link.order = order
        link.name_as_written = written[:100]
        save_recorded(link, actor=actor, reason=reason)
    for link in available.values():
        record_change(link, actor, reason)
        link.delete()
    if open_ended is not None:
        assignment.open_ended = open_ended
    save_recorded(assignment, actor=actor, reason=reason)
    return assignment
