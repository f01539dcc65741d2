"""Writes to units, cities and users. Every function here is keyword-only and atomic."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.models import User
from luzhi.accounts.permissions import units
from luzhi.accounts.permissions import users
from luzhi.core.cache import bump
from luzhi.core.services import save_recorded
from luzhi.core.text import normalize_name

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "reference.json"


@transaction.atomic
def reference_data_sync(*, actor: User | None = None, path: Path = REFERENCE_FILE) -> dict:
    """Create or update the 16 cities, the canonical units and their aliases.

    Idempotent: running it twice changes nothing the second time. Returns counts
    of what was created.
    """
    bump("plan")  # the public plan pages show this
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
            save_recorded(unit, actor=actor, reason="reference data")
        for alias in {row["name"], row.get("short_name") or row["name"], *row.get("aliases", [])}:
            key = normalize_name(alias)
            existing = known.get(key)
            if existing is None:
                obj = UnitAlias(unit=unit, alias=alias)
                save_recorded(obj, actor=actor, reason="reference data")
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
    """Create a unit known only by the name a plan text uses (import with --create-units).

    ``actor`` None is a command run on the server (``luzhi plan import``).
    """
    bump("plan")  # the public plan pages show this
    if actor is not None:
        units.require(actor, "create")
    unit = Unit(name=name, short_name="", kind=kind)
    save_recorded(unit, actor=actor, reason="created on plan import")
    alias = UnitAlias(unit=unit, alias=name)
    alias.full_clean()
    alias.save()
    return unit


@transaction.atomic
def unit_update_contact(
    *, actor: User, unit: Unit, contact_name: str, contact_phone: str, contact_email: str
) -> Unit:
    """Change a unit's contact details: its own reporters or the plan office only."""
    bump("plan")  # the public plan pages show this
    units.require(actor, "edit_contact", unit)
    unit.contact_name = contact_name.strip()
    unit.contact_phone = contact_phone.strip()
    unit.contact_email = contact_email.strip()
    save_recorded(unit, actor=actor, reason="contact details updated")
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
    """Create a user with a role (and a unit for reporters), validating the combination.

    ``actor`` None is a command or the demo loader run on the server.
    """
    if actor is not None:
        users.require(actor, "create")
    user = User(username=username, role=role, unit=unit, display_name=display_name, email=email)
    user.set_password(password)
    save_recorded(user, actor=actor, reason="user created")
    return user


UNIT_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "city",
    "order",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _ensure_aliases(*, unit: Unit, names: list[tuple[str, str]], actor, reason: str) -> int:
    """Make every ``(field, name)`` an alias of ``unit``; refuse a name another unit uses.

    Returns how many aliases were created. Names match on their normalised form,
    so 省科技廳 and 省科技厅 are the same alias.
    """
    created = 0
    for field_name, name in names:
        key = normalize_name(name or "")
        if not key:
            continue
        existing = UnitAlias.objects.select_related("unit").filter(normalized=key).first()
        if existing is None:
            alias = UnitAlias(unit=unit, alias=name.strip())
            save_recorded(alias, actor=actor, reason=reason)
            created += 1
        elif existing.unit_id != unit.pk:
            raise ValidationError(
                {
                    field_name: _("“%(alias)s”已是单位“%(unit)s”的别名。")
                    % {"alias": name, "unit": existing.unit.name}
                }
            )
    return created


@transaction.atomic
def unit_create_full(
    *,
    actor: User,
    name: str,
    kind: str,
    short_name: str = "",
    city: City | None = None,
    order: int = 1000,
    aliases: list[str] | tuple[str, ...] = (),
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Unit:
    """Create a unit with its full name, short name, kind, city and aliases (plan office only).

    The full name, the short name and each alias become entries of the alias
    table, so plan texts naming the unit any of these ways resolve to it. A name
    already used by another unit refuses the whole creation.
    """
    bump("plan")  # the public plan pages show this
    units.require(actor, "create")
    unit = Unit(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        city=city,
        order=order,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
    )
    save_recorded(unit, actor=actor, reason="unit created")
    _ensure_aliases(
        unit=unit,
        names=[("name", unit.name), ("short_name", unit.short_name)]
        + [("aliases", alias) for alias in aliases],
        actor=actor,
        reason="unit created",
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, reason: str = "", **fields) -> Unit:
    """Change a unit's names, kind, city, order or contact details (plan office only).

    A new full or short name is added to the alias table (old names stay, since
    older plan texts use them); a name that belongs to another unit is refused.
    A call that changes nothing writes nothing.
    """
    bump("plan")  # the public plan pages show this
    units.require(actor, "edit", unit)
    unknown = set(fields) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    changed = False
    for field_name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(unit, field_name) != value:
            setattr(unit, field_name, value)
            changed = True
    if not changed:
        return unit
    save_recorded(unit, actor=actor, reason=reason.strip() or "unit updated")
    _ensure_aliases(
        unit=unit,
        names=[("name", unit.name), ("short_name", unit.short_name)],
        actor=actor,
        reason=reason.strip() or "unit renamed",
    )
    return unit


@transaction.atomic
def unit_alias_add(*, actor: User, unit: Unit, alias: str) -> tuple[UnitAlias, bool]:
    """Add a name under which plan texts refer to ``unit`` (plan office only).

    Returns ``(alias, created)``: adding a name the unit already has (in any
    writing: traditional, full-width) is a no-op; a name that belongs to another
    unit is refused with a message naming that unit.
    """
    bump("plan")  # the public plan pages show this
    units.require(actor, "add_alias", unit)
    if not normalize_name(alias or ""):
        raise ValidationError({"alias": _("别名不能为空。")})
    if len(alias.strip()) > UnitAlias._meta.get_field("alias").max_length:
        raise ValidationError({"alias": _("别名过长。")})
    created = _ensure_aliases(
        unit=unit, names=[("alias", alias)], actor=actor, reason="alias added"
    )
    return UnitAlias.objects.get(normalized=normalize_name(alias)), bool(created)


@transaction.atomic
def user_token_rotate(*, actor: User, user: User):
    """Create the user's API token, replacing any previous one (which stops working at once).

    A user may rotate their own token; the plan office may rotate anyone's.
    """
    from rest_framework.authtoken.models import Token

    users.require(actor, "manage_token", user)
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def user_token_revoke(*, actor: User, user: User) -> bool:
    """Delete the user's API token; returns whether there was one."""
    from rest_framework.authtoken.models import Token

    users.require(actor, "manage_token", user)
    deleted, _details = Token.objects.filter(user=user).delete()
    return bool(deleted)
