"""The enterprise list is served from a per-user cache keyed by data versions (issue 11,
"Pages under load"): a registry change through any service shows on the very next request,
and nothing rendered for one user is served to another."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from luzhi.core import nav
from luzhi.core.cache import bump
from luzhi.registry.models import TierProposal
from luzhi.registry.models import TierRule
from luzhi.registry.services import enterprises as services
from luzhi.registry.services import revisions
from luzhi.registry.services.imports import registry_import
from luzhi.registry.services.records import platform_create
from luzhi.registry.services.tiers import tier_proposal_decide
from luzhi.registry.tests.test_enterprise_services import credit_code
from luzhi.registry.tests.test_enterprise_views import jinan  # noqa: F401
from luzhi.registry.tests.test_enterprise_views import own  # noqa: F401
from luzhi.registry.tests.test_enterprise_views import qingdao  # noqa: F401
from luzhi.registry.tests.test_enterprise_views import records  # noqa: F401
from luzhi.registry.tests.test_enterprise_views import stranger  # noqa: F401
from luzhi.registry.tests.test_imports import enterprise_row
from luzhi.registry.tests.test_imports import xlsx

LIST = reverse("registry:enterprise_list")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cached(client, url=LIST) -> str:
    """The page, asserted to come from the cache (no template rendered) on the second GET."""
    first = client.get(url)
    second = client.get(url)
    assert second.status_code == 200 and second.context is None, "not served from the cache"
    return first.content.decode()


def rows(html: str) -> set[str]:
    return set(re.findall(r"<strong>([^<]+)</strong></a></td>", html))


def in_row(name: str, text: str, html: str) -> bool:
    """``text`` is shown in the row of the enterprise named ``name``."""
    row = re.search(rf"<strong>{re.escape(name)}</strong>.*?</tr>", html, re.S)
    return row is not None and text in row.group(0)


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


# Each write: (what it does, the change through a service, what the office's list shows after).
def _create(office, r):
    services.enterprise_create(
        actor=office, name="新登记企业", credit_code=credit_code(900), city=r["robot"].city,
        segment="robots", founded_on=date(2020, 1, 1),
    )
    return "新登记企业"


def _update(office, r):
    services.enterprise_update(actor=office, enterprise=r["robot"], name="青岛机器人(更名)")
    return "青岛机器人(更名)"


def _approve(office, r):
    services.enterprise_approve(actor=office, enterprise=r["other_pending"])
    return ("别人的待审企业", "status-approved")


def _reject(office, r):
    services.enterprise_reject(actor=office, enterprise=r["other_pending"], comment="材料不全")
    return ("别人的待审企业", "status-rejected")


def _qualification(office, r):
    services.qualification_add(actor=office, enterprise=r["rejected"], kind="unicorn", granted_on=date(2024, 1, 1))
    return ("已驳回企业", "独角兽企业")


def _qualification_removed(office, r):
    services.qualification_remove(actor=office, qualification=r["robot"].qualifications.get())
    return ("青岛机器人", "瞪羚企业", False)  # no longer shown


def _import(office, r):
    report = registry_import(actor=office, registry="enterprise", upload=xlsx([enterprise_row(7)]), dry_run=False)
    assert report.created == 1
    return "山东测试科技有限公司007"


def _tier_accepted(office, r):
    rule = TierRule.objects.create(name="瞪羚规则", kind="gazelle")
    proposal = TierProposal.objects.create(
        enterprise=r["rejected"], rule=rule, kind="gazelle", action=TierProposal.Action.GRANT, reason="测试"
    )
    tier_proposal_decide(actor=office, proposal=proposal, accept=True)
    return ("已驳回企业", "瞪羚")


def _revision_approved(office, r):
    member = r["own"].members.get()
    services.enterprise_update(actor=member, enterprise=r["own"], name="会员企业(变更)")
    revisions.revision_approve(actor=office, revision=revisions.pending_revision(r["own"]))
    return "会员企业(变更)"


def _figures(office, r):
    # A member's new figures send its rejected enterprise back to review.
    member = r["own"].members.get()
    r["rejected"].members.add(member)
    services.enterprise_year_save(actor=member, enterprise=r["rejected"], year=2024, revenue="100", employees=5)
    return ("已驳回企业", "status-pending")


WRITES = [
    _create, _update, _approve, _reject, _qualification, _qualification_removed, _import,
    _tier_accepted, _revision_approved, _figures,
]


@pytest.fixture
def listed(records, own, stranger):  # noqa: F811
    return {**records, "own": own, "stranger": stranger}


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_a_registry_change_through_any_service_shows_on_the_next_request(
    write, listed, plan_officer
):
    client = signed_in(plan_officer)
    before = cached(client)
    shown = write(plan_officer, listed)
    after = client.get(LIST)
    assert after.context is not None  # rendered afresh
    html = after.content.decode()
    if isinstance(shown, str):
        assert shown not in before and shown in html
    else:
        name, text, present = shown if len(shown) == 3 else (*shown, True)
        assert in_row(name, text, before) != present and in_row(name, text, html) == present


def test_the_pending_count_and_a_filtered_page_follow_an_approval(listed, plan_officer):
    client = signed_in(plan_officer)
    pending = f"{LIST}?status=pending"
    assert rows(cached(client, pending)) == {"我的待审企业", "别人的待审企业"}
    assert "待审核 2 家" in cached(client)
    services.enterprise_approve(actor=plan_officer, enterprise=listed["other_pending"])
    assert rows(client.get(pending).content.decode()) == {"我的待审企业"}
    assert "待审核 1 家" in client.get(LIST).content.decode()


def test_a_new_member_sees_their_enterprise_under_review_at_once(listed, plan_officer, jinan):  # noqa: F811
    newcomer = make_user("newcomer", role="enterprise")
    client = signed_in(newcomer)
    assert "别人的待审企业" not in cached(client)
    services.enterprise_member_add(actor=plan_officer, enterprise=listed["other_pending"], user=newcomer)
    assert "别人的待审企业" in rows(client.get(LIST).content.decode())


def test_a_write_of_another_registry_shows_too(listed, plan_officer, jinan):  # noqa: F811
    # Platforms are not on the list, but "registry" is one version: the page renders afresh.
    client = signed_in(plan_officer)
    cached(client)
    platform_create(
        actor=plan_officer, name="测试平台", kind="provincial_key_lab", level="provincial",
        city=jinan, host="山东大学", approved_on=date(2024, 1, 1),
    )
    assert client.get(LIST).context is not None


def test_nothing_rendered_for_one_user_is_served_to_another(
    listed, plan_officer, reporter_sti, enterprise_user
):
    other_member = make_user("other_member", role="enterprise")
    listed["other_pending"].members.add(other_member)
    office_twin = make_user("office_twin", role="plan_office")
    expected = {
        plan_officer: {"会员企业", "他人企业", "青岛机器人", "我的待审企业", "别人的待审企业", "已驳回企业"},
        office_twin: {"会员企业", "他人企业", "青岛机器人", "我的待审企业", "别人的待审企业", "已驳回企业"},
        reporter_sti: {"会员企业", "他人企业", "青岛机器人"},
        enterprise_user: {"会员企业", "他人企业", "青岛机器人", "我的待审企业"},
        other_member: {"会员企业", "他人企业", "青岛机器人", "别人的待审企业"},
    }
    pages = {}
    for _round in range(2):  # the second round is served from the cache, each from its own
        for user, names in expected.items():
            client = signed_in(user)
            html = cached(client)
            assert rows(html) == names, user
            assert f">{user}" in html and all(
                f">{other} ·" not in html for other in expected if other != user
            )
            pages.setdefault(user, html)
    # The office's twin sees the same rows, but a page rendered for itself (its own name).
    assert pages[plan_officer] != pages[office_twin]
    # Nobody signed in gets a signed-in page, and signed-out pages are not the office's.
    public = Client().get(LIST).content.decode()
    assert rows(public) == expected[reporter_sti] and "待审核" not in public


def test_a_text_search_is_rendered_for_each_request(listed, plan_officer):
    client = signed_in(plan_officer)
    client.get(LIST, {"q": "他人"})
    response = client.get(LIST, {"q": "他人"})
    assert response.context is not None and rows(response.content.decode()) == {"他人企业"}


def test_a_cached_page_carries_the_requesters_own_working_csrf_token(listed, plan_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(plan_officer)
    client.get(LIST)
    html = client.get(LIST).content.decode()  # from the cache
    other = Client()
    other.force_login(plan_officer)
    assert _token(html) != _token(cached(other))
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": _token(html)})
    assert response.status_code == 302  # accepted: the token is this session's


def test_the_navigation_badge_on_a_cached_page_follows_its_data(listed, plan_officer):
    count = {"n": 3}
    nav.register(
        nav.NavItem(
            "test-badge", "测试", "registry:enterprise_list", 999,
            badge=lambda request: count["n"], badge_scopes=("test-badge",),
        )
    )
    try:
        client = signed_in(plan_officer)
        assert 'data-unread="3"' in cached(client)
        count["n"] = 4
        bump("test-badge")  # what the badge counts changed
        assert 'data-unread="4"' in client.get(LIST).content.decode()
    finally:
        nav.unregister("test-badge")


def test_a_flash_message_is_never_cached(listed, plan_officer):
    client = signed_in(plan_officer)
    cached(client)
    response = client.post(
        reverse("registry:enterprise_approve", args=[listed["other_pending"].pk]),
        {"action": "approve", "comment": ""},
    )
    assert response.status_code == 302
    with_message = client.get(LIST).content.decode()
    assert "已审核通过" in with_message
    assert "已审核通过" not in client.get(LIST).content.decode()


def test_registry_services_tell_the_indicators_only_through_registry_changed():
    """So a registry write that tells the indicators cannot forget the cached pages."""
    folder = Path(__file__).resolve().parent.parent / "services"
    offenders = [
        str(path.relative_to(folder))
        for path in folder.rglob("*.py")
        if path.name != "changes.py" and "data_changed(" in path.read_text()
    ]
    assert offenders == []
