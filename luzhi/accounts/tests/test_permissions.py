"""The accounts policies, table-driven: role × action × own / other unit or user."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.models import User
from luzhi.accounts.permissions import cities
from luzhi.accounts.permissions import unit_aliases
from luzhi.accounts.permissions import units
from luzhi.accounts.permissions import users
from luzhi.core.policy import assert_policy_table
from luzhi.core.policy import policy_for


@pytest.fixture
def own_and_other(db):
    return Unit.objects.get(short_name="省科技厅"), Unit.objects.get(short_name="省教育厅")


def test_every_accounts_model_has_its_registered_policy():
    assert [policy_for(m) for m in (Unit, UnitAlias, City, User)] == [
        units,
        unit_aliases,
        cities,
        users,
    ]


def test_unit_policy_table(own_and_other, plan_officer, reporter_sti, enterprise_user, anonymous):
    own, other = own_and_other
    rows = []
    for user, office, reporter in (
        (plan_officer, True, False),
        (reporter_sti, False, True),
        (enterprise_user, False, False),
        (anonymous, False, False),
    ):
        rows += [
            (user, "view", own, True),
            (user, "create", None, office),
            (user, "edit", own, office),
            (user, "add_alias", own, office),
            (user, "edit_contact", own, office or reporter),
            (user, "edit_contact", other, office),
            (user, "view_contact", own, office or reporter),
            (user, "view_contact", other, office or reporter),
        ]
    assert_policy_table(units, rows)


def test_alias_city_and_user_policy_tables(plan_officer, reporter_sti, anonymous):
    city = City.objects.first()
    assert_policy_table(
        unit_aliases,
        [(plan_officer, "create", None, True), (reporter_sti, "create", None, False)],
    )
    assert_policy_table(
        cities,
        [(anonymous, "view", city, True), (plan_officer, "edit", city, False)],
    )
    assert_policy_table(
        users,
        [
            (reporter_sti, "manage_token", reporter_sti, True),
            (reporter_sti, "manage_token", plan_officer, False),
            (plan_officer, "manage_token", reporter_sti, True),
            (anonymous, "manage_token", reporter_sti, False),
            (plan_officer, "create", None, True),
            (reporter_sti, "create", None, False),
        ],
    )
    assert list(users.visible(reporter_sti)) == [reporter_sti]
    assert users.visible(anonymous).count() == 0
    assert users.visible(plan_officer).count() == User.objects.count()


def test_an_inactive_reporter_may_not_edit_their_old_units_contact(own_and_other):
    own, _other = own_and_other
    gone = make_user("gone", role="unit_reporter", unit_short_name="省科技厅")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    assert not units.can(gone, "edit_contact", own)
    with pytest.raises(PermissionDenied, match="您只能修改本单位的联系信息"):
        units.require(gone, "edit_contact", own)
