"""我的企业 in a real browser: an enterprise user lands on its own companies after signing in,
renames one, the public keeps seeing the approved name until the plan office approves."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from conftest import make_user
from luzhi.accounts.models import City
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import RecordStatus
from luzhi.registry.tests.test_record_services import make_enterprise

pytestmark = [pytest.mark.browser]


@pytest.fixture
def world(live_data):
    office = make_user("b_reg_office", role="plan_office")
    member = make_user("b_reg_member", role="enterprise")
    enterprise = make_enterprise(11, "泉城智能科技有限公司", City.objects.get(code="370100"))
    enterprise.members.add(member)
    EnterpriseYear.objects.create(enterprise=enterprise, year=2024, revenue=1234, employees=56)
    AlgorithmProduct.objects.create(
        name="泉城质检算法", provider=enterprise, domain="制造", status=RecordStatus.PENDING
    )
    return {"office": office, "member": member, "enterprise": enterprise}


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def test_my_enterprise_and_a_change_under_review(page, live_server, world):
    enterprise = world["enterprise"]
    public_url = live_server.url + reverse("registry:enterprise_detail", args=[enterprise.pk])

    sign_in(page, live_server, "b_reg_member")
    expect(page).to_have_url(re.compile(r"/registry/mine/$"))
    card = page.get_by_test_id("my-enterprise")
    expect(card).to_contain_text("泉城智能科技有限公司")
    expect(card).to_contain_text("1234")  # its figures
    expect(card).to_contain_text("泉城质检算法")  # its products, with their state
    expect(card).to_contain_text("待审核")
    expect(card.get_by_test_id("change-state")).to_contain_text("没有待审核的变更")

    card.get_by_role("link", name="修改", exact=True).click()
    page.fill("input[name=name]", "泉城智算科技有限公司")
    page.locator("main button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("公开页面仍显示已审核的信息")
    page.goto(live_server.url + reverse("registry:my_enterprises"))
    state = page.get_by_test_id("my-enterprise")
    expect(state.get_by_test_id("change-state")).to_contain_text("信息变更待审核")
    expect(state).to_contain_text("泉城智算科技有限公司")

    # The public still sees the approved version (no 404, the old name).
    page.context.clear_cookies()
    response = page.goto(public_url)
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("泉城智能科技有限公司")

    sign_in(page, live_server, "b_reg_office")
    page.goto(public_url)
    revision = page.get_by_test_id("pending-revision")
    expect(revision).to_contain_text("泉城智算科技有限公司")
    revision.get_by_role("button", name="通过变更").click()
    expect(page.locator("h1")).to_contain_text("泉城智算科技有限公司")

    page.context.clear_cookies()
    page.goto(public_url)
    expect(page.locator("h1")).to_contain_text("泉城智算科技有限公司")
