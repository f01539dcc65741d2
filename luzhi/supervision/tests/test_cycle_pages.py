"""The pages of milestones, orders and the appraisal: who sees what, forms and refusals."""

from datetime import date
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from luzhi.plan.models import Section
from luzhi.supervision.services import milestones
from luzhi.supervision.services import orders

from .conftest import TASK


@pytest.fixture
def milestone(seed_plan, plan_officer, reporter_sti):
    return milestones.milestone_create(
        actor=plan_officer,
        task=Section.objects.get(plan=seed_plan, path=TASK),
        unit=reporter_sti.unit,
        year=2025,
        title="立项 150 项",
        due_date=date(2025, 12, 31),
        standard="立项通知印发",
    )


def test_the_unit_asks_to_close_and_the_office_verifies_through_the_pages(
    client, milestone, reporter_sti, plan_officer, media
):
    client.force_login(reporter_sti)
    page = client.get(reverse("supervision:milestone_detail", args=[milestone.pk]))
    assert page.status_code == 200 and "申请销号" in page.content.decode()
    refused = client.post(reverse("supervision:milestone_claim", args=[milestone.pk]), {})
    assert refused.status_code == 400 and "申请销号须上传佐证材料" in refused.content.decode()
    pdf = SimpleUploadedFile("立项通知.pdf", b"%PDF-1.4\n0", content_type="application/pdf")
    client.post(reverse("supervision:milestone_claim", args=[milestone.pk]), {"files": pdf})
    milestone.refresh_from_db()
    assert milestone.status == "claimed"
    # The unit cannot verify its own claim.
    forbidden = client.post(
        reverse("supervision:milestone_verify", args=[milestone.pk]),
        {"decision": "close", "comment": "自己核验"},
    )
    assert forbidden.status_code == 403
    client.force_login(plan_officer)
    client.post(
        reverse("supervision:milestone_verify", args=[milestone.pk]),
        {"decision": "close", "comment": "核验无误"},
    )
    milestone.refresh_from_db()
    assert milestone.status == "closed"
    page = client.get(reverse("supervision:milestone_list")).content.decode()
    assert "已销号 1/1" in page
    history = client.get(reverse("supervision:milestone_detail", args=[milestone.pk]))
    assert "核验无误" in history.content.decode()


def test_units_see_only_their_own_milestones_and_the_public_none(
    client, milestone, reporter_edu, enterprise_user
):
    client.force_login(reporter_edu)
    assert (
        client.get(reverse("supervision:milestone_detail", args=[milestone.pk])).status_code == 404
    )
    assert "立项 150 项" not in client.get(reverse("supervision:milestone_list")).content.decode()
    client.force_login(enterprise_user)
    assert client.get(reverse("supervision:milestone_list")).status_code == 403


def test_an_order_is_issued_on_its_page_and_errors_show_by_their_fields(
    client, plan_officer, reporter_sti
):
    order = orders.order_create(actor=plan_officer, unit=reporter_sti.unit, title="整改事项")
    client.force_login(reporter_sti)
    # A proposal is the office's: the unit does not see it.
    assert client.get(reverse("supervision:order_detail", args=[order.pk])).status_code == 404
    client.force_login(plan_officer)
    url = reverse("supervision:order_action", args=[order.pk, "issue"])
    bad = client.post(url, {"level": "blue", "deadline": "2020-01-01", "required_response": "x"})
    assert bad.status_code == 400 and "早于今天" in bad.content.decode()
    deadline = (timezone.localdate() + timedelta(days=3)).isoformat()
    client.post(url, {"level": "red", "deadline": deadline, "required_response": "整改"})
    order.refresh_from_db()
    assert (order.status, order.level) == ("issued", "red")
    client.force_login(reporter_sti)
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert "反馈整改措施" in page and "红色督办" in page


def test_the_appraisal_page_ranks_and_the_office_sets_weights(
    client, plan_officer, reporter_sti, milestone
):
    client.force_login(plan_officer)
    url = reverse("supervision:appraisal") + "?year=2025"
    page = client.get(url)
    assert page.status_code == 200 and 'id="ranking"' in page.content.decode()
    weights = {
        "form": "weights",
        "year": 2025,
        "w_indicators": 0,
        "w_milestones": 0,
        "w_orders": 0,
        "w_timeliness": 0,
        "w_quality": 0,
    }
    refused = client.post(url, weights)
    assert "权重不能全部为 0" in refused.content.decode()
    client.post(url, weights | {"w_milestones": 100})
    from luzhi.supervision.models import AppraisalScheme

    assert AppraisalScheme.objects.get(year=2025).w_milestones == 100
    client.force_login(reporter_sti)
    page = client.get(url).content.decode()
    assert 'id="ranking"' in page and "保存权重" not in page
