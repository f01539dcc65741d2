"""Account services: reference data, aliases, units, contacts, users and API tokens."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError

from conftest import PASSWORD
from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.models import User
from luzhi.accounts.services import REFERENCE_FILE
from luzhi.accounts.services import reference_data_sync
from luzhi.accounts.services import unit_alias_add
from luzhi.accounts.services import unit_create_full
from luzhi.accounts.services import unit_update
from luzhi.accounts.services import unit_update_contact
from luzhi.accounts.services import user_create
from luzhi.accounts.services import user_token_revoke
from luzhi.accounts.services import user_token_rotate
from luzhi.core.text import normalize_name


@pytest.fixture
def sti(db) -> Unit:
    return Unit.objects.get(short_name="省科技厅")


@pytest.fixture
def miit(db) -> Unit:
    return Unit.objects.get(short_name="省工业和信息化厅")


def _counts():
    return (
        City.objects.count(),
        Unit.objects.count(),
        UnitAlias.objects.count(),
        Unit.history.count(),
        UnitAlias.history.count(),
    )


# --------------------------------------------------------------------------- reference data


def test_reference_data_sync_is_idempotent(db):
    # The session already loaded the reference data once: this is the second run.
    before = _counts()
    assert reference_data_sync(actor=None) == {"cities": 0, "units": 0, "aliases": 0}
    assert _counts() == before
    assert before[:2] == (16, len(json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["units"]))


def test_reference_data_sync_updates_a_changed_unit_once(db, tmp_path, sti):
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    data["units"][0]["order"] = 99
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reference_data_sync(actor=None, path=path)
    sti.refresh_from_db()
    assert sti.order == 99
    before = _counts()
    reference_data_sync(actor=None, path=path)
    assert _counts() == before


# --------------------------------------------------------------------------- alias normalisation


@pytest.mark.parametrize(
    "written",
    ["省科技厅", "省科技廳", "山東省科學技術廳", "☆省科技厅", "省　科技厅", " 科技厅 "],
)
def test_alias_normalisation_finds_the_same_unit(sti, written):
    alias = UnitAlias.objects.select_related("unit").get(normalized=normalize_name(written))
    assert alias.unit == sti


def test_full_width_forms_fold_to_half_width():
    assert normalize_name("ＡＩ（山东）") == normalize_name("AI(山东)")


def test_alias_in_another_writing_of_another_units_name_is_refused(plan_officer, miit):
    with pytest.raises(ValidationError) as info:
        unit_alias_add(actor=plan_officer, unit=miit, alias="省科技廳")
    assert "山东省科学技术厅" in str(info.value)
    assert not miit.aliases.filter(normalized="省科技厅").exists()


def test_alias_add(plan_officer, miit, reporter_sti):
    alias, created = unit_alias_add(actor=plan_officer, unit=miit, alias="工信厅")
    assert created and alias.unit == miit and alias.normalized == "工信厅"
    assert alias.history.get().history_user == plan_officer
    same, created = unit_alias_add(actor=plan_officer, unit=miit, alias="工信廳")
    assert (same, created) == (alias, False)
    with pytest.raises(PermissionDenied):
        unit_alias_add(actor=reporter_sti, unit=miit, alias="工信")
    with pytest.raises(ValidationError):
        unit_alias_add(actor=plan_officer, unit=miit, alias=" ☆ ")


# --------------------------------------------------------------------------- units


def test_unit_create_full(plan_officer):
    jinan = City.objects.get(name="济南")
    unit = unit_create_full(
        actor=plan_officer,
        name="济南市科学技术局",
        short_name="济南市科技局",
        kind=Unit.Kind.OTHER,
        city=jinan,
        aliases=["济南科技局"],
    )
    assert unit.city == jinan
    assert UnitAlias.objects.get(normalized="济南科技局").unit == unit
    assert unit.history.get().history_user == plan_officer


def test_unit_create_full_is_refused_for_reporters(reporter_sti):
    with pytest.raises(PermissionDenied):
        unit_create_full(actor=reporter_sti, name="X", kind=Unit.Kind.OTHER)
    assert not Unit.objects.filter(name="X").exists()


def test_unit_create_full_with_a_taken_alias_creates_nothing(plan_officer):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        unit_create_full(
            actor=plan_officer, name="新单位", kind=Unit.Kind.OTHER, aliases=["省工信厅"]
        )
    assert "aliases" in info.value.message_dict
    assert _counts() == before


def test_unit_update(plan_officer, reporter_sti, miit, sti):
    unit_update(actor=plan_officer, unit=miit, reason="renamed", short_name="省工信厅")
    miit.refresh_from_db()
    assert miit.short_name == "省工信厅"
    assert miit.history.first().history_change_reason == "renamed"
    before = miit.history.count()
    unit_update(actor=plan_officer, unit=miit, short_name="省工信厅")  # no change, no history
    assert miit.history.count() == before
    with pytest.raises(PermissionDenied):
        unit_update(actor=reporter_sti, unit=sti, order=1)
    with pytest.raises(ValidationError):
        unit_update(actor=plan_officer, unit=miit, name="山东省科学技术厅")  # another unit's name
    with pytest.raises(ValueError):
        unit_update(actor=plan_officer, unit=miit, pk=5)


# --------------------------------------------------------------------------- contact details


def test_reporter_updates_own_units_contact(reporter_sti, sti):
    unit_update_contact(
        actor=reporter_sti, unit=sti, contact_name=" 李四 ", contact_phone="1", contact_email=""
    )
    sti.refresh_from_db()
    assert sti.contact_name == "李四"
    assert sti.history.first().history_user == reporter_sti


def test_reporter_cannot_update_another_units_contact(reporter_sti, miit):
    with pytest.raises(PermissionDenied):
        unit_update_contact(
            actor=reporter_sti, unit=miit, contact_name="x", contact_phone="", contact_email=""
        )
    miit.refresh_from_db()
    assert miit.contact_name == ""


def test_plan_office_updates_any_contact_and_bad_email_is_refused(
    plan_officer, enterprise_user, miit
):
    unit_update_contact(
        actor=plan_officer, unit=miit, contact_name="x", contact_phone="", contact_email=""
    )
    with pytest.raises(PermissionDenied):
        unit_update_contact(
            actor=enterprise_user, unit=miit, contact_name="y", contact_phone="", contact_email=""
        )
    with pytest.raises(ValidationError):
        unit_update_contact(
            actor=plan_officer, unit=miit, contact_name="x", contact_phone="", contact_email="bad"
        )


# --------------------------------------------------------------------------- users and tokens


def test_user_create_refuses_a_reporter_without_unit(db):
    with pytest.raises(ValidationError) as info:
        user_create(actor=None, username="r", password=PASSWORD, role=User.Role.UNIT_REPORTER)
    assert "unit" in info.value.message_dict
    assert not User.objects.filter(username="r").exists()


def test_user_create_refuses_a_unit_for_other_roles(sti):
    with pytest.raises(ValidationError):
        user_create(
            actor=None, username="e", password=PASSWORD, role=User.Role.ENTERPRISE, unit=sti
        )


def test_user_create_reporter_with_unit(sti):
    user = user_create(
        actor=None, username="r", password=PASSWORD, role=User.Role.UNIT_REPORTER, unit=sti
    )
    assert user.is_unit_reporter and user.check_password(PASSWORD)


def test_token_rotation_is_for_oneself_or_the_plan_office(
    reporter_sti, reporter_miit, plan_officer
):
    first = user_token_rotate(actor=reporter_sti, user=reporter_sti)
    second = user_token_rotate(actor=plan_officer, user=reporter_sti)
    assert first.key != second.key
    with pytest.raises(PermissionDenied):
        user_token_rotate(actor=reporter_miit, user=reporter_sti)
    with pytest.raises(PermissionDenied):
        user_token_revoke(actor=reporter_miit, user=reporter_sti)
    assert user_token_revoke(actor=reporter_sti, user=reporter_sti) is True
    assert user_token_revoke(actor=reporter_sti, user=reporter_sti) is False
