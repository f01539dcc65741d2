"""Writes to units, cities and users. Every function here is keyword-only and atomic."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import City, Unit, UnitAlias, User
from luzhi.accounts.permissions import can_edit_unit_contact
from luzhi.core.permissions import require
from luzhi.core.text import normalize_name

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "reference.json"


def _record(instance, actor, reason: str) -> None:
    """Tell simple-history who made the change and why."""
    instance._history_user = actor
    instance._change_reason = reason


@transaction.atomic
def reference_data_sync(*, actor: User | None = None, path: Path = REFERENCE_FILE) -> dict:
    """Create or update the 16 cities, the canonical units and their aliases.

    Idempotent: running it twice changes nothing the second time. Returns counts
    of what was created.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = {"cities": 0, "units": 0, "aliases": 0}
    cities = {}
    for row in data["cities"]:
        city, was_created = City.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "order": row["order"]}
        )
        cities[city.code] = city
        created["cities"] += was_created
    known = {a.normalized: a for a in UnitAlias.objects.select_related("unit")}
    for row in data["units"]:
        unit = Unit.objects.filter(name=row["name"]).first()
        if unit is None:
            unit = Unit(name=row["name"])
            created["units"] += 1
        wanted = {
            "short_name": row.get("short_name", ""),
            "kind": row["kind"],
            "order": row.get("order", 1000),
            "city_id": cities[row["city"]].pk if row.get("city") else None,
        }
        changed = unit._state.adding or any(
            getattr(unit, field) != value for field, value in wanted.items()
        )
        if changed:
            for field, value in wanted.items():
                setattr(unit, field, value)
            unit.full_clean()
            _record(unit, actor, "reference data")
            unit.save()
        for alias in {row["name"], row.get("short_name") or row["name"], *row.get("aliases", [])}:
            key = normalize_name(alias)
            existing = known.get(key)
            if existing is None:
                obj = UnitAlias(unit=unit, alias=alias)
                obj.full_clean()
                _record(obj, actor, "reference data")
                obj.save()
                known[key] = obj
                created["aliases"] += 1
            elif existing.unit_id != unit.pk:
                raise ValidationError(
                    _("别名“%(alias)s”已属于单位“%(unit)s”。")
                    % {"alias": alias, "unit": existing.unit.name}
                )
    return created


@transaction.atomic
def unit_create(*, actor: User | None, name: str, kind: str = Unit.Kind.OTHER) -> Unit:
    """Create a unit known only by the name a plan text uses (import with --create-units)."""
    unit = Unit(name=name, short_name="", kind=kind)
    unit.full_clean()
    _record(unit, actor, "created on plan import")
    unit.save()
    alias = UnitAlias(unit=unit, alias=name)
    alias.full_clean()
    alias.save()
    return unit


@transaction.atomic
def unit_update_contact(
    *, actor: User, unit: Unit, contact_name: str, contact_phone: str, contact_email: str
) -> Unit:
    """Change a unit's contact details: its own reporters or the plan office only."""
    require(can_edit_unit_contact(actor, unit), _("您只能修改本单位的联系信息。"))
    unit.contact_name = contact_name.strip()
    unit.contact_phone = contact_phone.strip()
    unit.contact_email = contact_email.strip()
    unit.full_clean()
    _record(unit, actor, "contact details updated")
    unit.save()
    return unit


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    display_name: str = "",
    email: str = "",
) -> User:
    """Create a user with a role (and a unit for reporters), validating the combination."""
    user = User(
        username=username, role=role, unit=unit, display_name=display_name, email=email
    )
    user.set_password(password)
    user.full_clean()
    _record(user, actor, "user created")
    user.save()
    return user
