"""我的企业 and the pending revision on the pages: landing, what members and the public see."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from luzhi.registry.models import Enterprise
from luzhi.registry.models import RecordStatus
from luzhi.registry.services import enterprises as svc
from luzhi.registry.services import revisions
from luzhi.registry.tests import test_record_services as fixtures

jinan = fixtures.jinan
qingdao = fixtures.qingdao
provider = fixtures.provider
member = fixtures.member
other_provider = fixtures.other_provider


def test_enterprise_users_land_on_their_enterprises(client, member, plan_officer):
    response = client.post(reverse("login"), {"username": member.username, "password": PASSWORD})
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"] == reverse("registry:my_enterprises")
    client.logout()
    response = client.post(
        reverse("login"), {"username": plan_officer.username, "password": PASSWORD}
    )
    assert client.get(response["Location"])["Location"] == reverse("home")


def test_my_enterprises_lists_only_ones_own(client, member, provider, other_provider):
    client.force_login(member)
    response = client.get(reverse("registry:my_enterprises"))
    assert response.status_code == 200
    assert [e.pk for e in response.context["enterprises"]] == [provider.pk]
    body = response.content.decode()
    assert provider.name in body and other_provider.name not in body
    assert "我的企业" in body  # the menu entry


def test_my_enterprises_needs_sign_in(client):
    response = client.get(reverse("registry:my_enterprises"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_rename_keeps_the_public_page(client, member, provider, plan_officer):
    old_name = provider.name
    client.force_login(member)
    form = {
        "name": "新名字科技有限公司",
        "credit_code": provider.credit_code,
        "city": provider.city_id,
        "segment": provider.segment,
    }
    response = client.post(reverse("registry:enterprise_edit", args=[provider.pk]), form)
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == old_name and provider.status == RecordStatus.APPROVED
    mine = client.get(reverse("registry:my_enterprises")).content.decode()
    assert "信息变更待审核" in mine and "新名字科技有限公司" in mine
    # The member edits on top of its proposal.
    edit = client.get(reverse("registry:enterprise_edit", args=[provider.pk]))
    assert edit.context["form"].initial["name"] == "新名字科技有限公司"
    client.logout()
    public = client.get(reverse("registry:enterprise_detail", args=[provider.pk]))
    assert public.status_code == 200
    body = public.content.decode()
    assert old_name in body and "新名字科技有限公司" not in body
    assert old_name in client.get(reverse("registry:enterprise_list")).content.decode()

    client.force_login(plan_officer)
    detail = client.get(reverse("registry:enterprise_detail", args=[provider.pk]))
    assert "新名字科技有限公司" in detail.content.decode()
    revision = detail.context["revision"]
    url = reverse("registry:enterprise_revision_decide", args=[provider.pk, revision.pk])
    assert client.post(url, {"action": "approve", "comment": ""}).status_code == 302
    assert Enterprise.objects.get(pk=provider.pk).name == "新名字科技有限公司"


def test_only_the_office_decides_a_revision(client, member, provider):
    svc.enterprise_update(actor=member, enterprise=provider, name="别名")
    revision = revisions.pending_revision(provider)
    client.force_login(member)
    url = reverse("registry:enterprise_revision_decide", args=[provider.pk, revision.pk])
    assert client.post(url, {"action": "approve"}).status_code == 403
    revision.refresh_from_db()
    assert revision.status == RecordStatus.PENDING


@pytest.mark.parametrize("persona", ["anonymous", "reporter_sti"])
def test_others_do_not_see_the_pending_change(persona, request, client, member, provider):
    svc.enterprise_update(actor=member, enterprise=provider, name="未公开的新名")
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)
    body = client.get(reverse("registry:enterprise_detail", args=[provider.pk])).content.decode()
    assert "未公开的新名" not in body
