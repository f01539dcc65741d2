"""Pages of the platform, talent, project, achievement and algorithm-product registries.

Per role: who may list, read, create, edit and act; talent stays with the plan
office; unapproved records stay out of public listings; refused input saves
nothing; list pages run a bounded number of queries.
"""

from datetime import date
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Talent
from luzhi.registry.services import records as svc
from luzhi.registry.tests import test_record_services as fixtures

TOMORROW = timezone.localdate() + timedelta(days=1)
# The services tests' fixtures, shared without a conftest of our own.
achievement = fixtures.achievement
jinan = fixtures.jinan
member = fixtures.member
other_provider = fixtures.other_provider
outsider = fixtures.outsider
platform = fixtures.platform
product = fixtures.product
project = fixtures.project
provider = fixtures.provider
qingdao = fixtures.qingdao
talent = fixtures.talent

LISTS = ["platform", "project", "achievement", "algorithmproduct"]


@pytest.fixture
def as_user(client, request):
    """A client signed in as the named persona (or anonymous)."""

    def sign_in(persona: str):
        user = request.getfixturevalue(persona)
        if user.is_authenticated:
            assert client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in


@pytest.fixture
def records(platform, talent, project, achievement, product):
    return {
        "platform": platform,
        "talent": talent,
        "project": project,
        "achievement": achievement,
        "algorithmproduct": product,
    }


# --------------------------------------------------------------------------- index


@pytest.mark.parametrize(
    "persona", ["plan_officer", "reporter_sti", "enterprise_user", "anonymous"]
)
def test_index_counts(persona, as_user, records, django_assert_max_num_queries):
    client = as_user(persona)
    with django_assert_max_num_queries(9):  # session, user, one count per registry
        response = client.get(reverse("registry:index"))
    assert response.status_code == 200
    body = response.content.decode()
    for key in LISTS:
        assert reverse(f"registry:{key}_list") in body
    assert (reverse("registry:talent_list") in body) == (persona == "plan_officer")
    assert reverse("registry:enterprise_list") in body
    rows = {str(title): count for title, count, _url, _note in response.context["rows"]}
    # The pending product counts for the plan office and its own enterprise's member only.
    assert rows["算法产品"] == (1 if persona in ("plan_officer", "enterprise_user") else 0)
    assert rows["创新平台"] == 1


# --------------------------------------------------------------------------- talent privacy


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_talent_pages_refused_to_everyone_but_the_plan_office(persona, as_user, talent):
    client = as_user(persona)
    for url in (
        reverse("registry:talent_list"),
        reverse("registry:talent_detail", args=[talent.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "张三" not in response.content.decode()
    if persona != "anonymous":
        assert client.get(reverse("registry:talent_create")).status_code == 403
        assert client.get(reverse("registry:talent_edit", args=[talent.pk])).status_code == 403


def test_talent_pages_for_the_plan_office(as_user, talent):
    client = as_user("plan_officer")
    assert "张三" in client.get(reverse("registry:talent_list")).content.decode()
    response = client.get(reverse("registry:talent_detail", args=[talent.pk]))
    assert response.status_code == 200
    assert "国家杰出青年科学基金" in response.content.decode()


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_talent_not_in_public_listings(persona, as_user, records):
    client = as_user(persona)
    for key in LISTS:
        assert "张三" not in client.get(reverse(f"registry:{key}_list")).content.decode()
    assert "张三" not in client.get(reverse("registry:index")).content.decode()


# --------------------------------------------------------------------------- lists


@pytest.mark.parametrize(
    "persona", ["plan_officer", "reporter_sti", "enterprise_user", "anonymous"]
)
@pytest.mark.parametrize("key", LISTS)
def test_lists_open_to_all(persona, key, as_user, records):
    response = as_user(persona).get(reverse(f"registry:{key}_list"))
    assert response.status_code == 200


def test_pending_records_hidden_from_the_public(as_user, plan_officer, jinan, product):
    Platform.objects.create(
        name="待审平台",
        kind=Platform.Kind.INCUBATOR,
        level=Platform.Level.CITY,
        host="h",
        city=jinan,
        approved_on=date(2025, 1, 1),
        status=RecordStatus.PENDING,
    )
    client = as_user("anonymous")
    assert "待审平台" not in client.get(reverse("registry:platform_list")).content.decode()
    assert "智能排产算法" not in client.get(reverse("registry:algorithmproduct_list")).content.decode()
    assert client.get(reverse("registry:algorithmproduct_detail", args=[product.pk])).status_code == 404
    pending = Platform.objects.get(name="待审平台")
    assert client.get(reverse("registry:platform_detail", args=[pending.pk])).status_code == 404


def test_member_sees_own_pending_product_outsider_does_not(client, product, member, outsider):
    client.force_login(member)
    assert "智能排产算法" in client.get(reverse("registry:algorithmproduct_list")).content.decode()
    assert client.get(reverse("registry:algorithmproduct_detail", args=[product.pk])).status_code == 200
    client.force_login(outsider)
    assert "智能排产算法" not in client.get(reverse("registry:algorithmproduct_list")).content.decode()
    assert client.get(reverse("registry:algorithmproduct_detail", args=[product.pk])).status_code == 404


def test_list_search_filter_and_pagination(as_user, plan_officer, jinan, qingdao):
    for i in range(30):
        svc.project_create(
            actor=plan_officer,
            title=f"项目{i:02d}",
            programme=Project.Programme.KEY_RD if i % 2 else Project.Programme.BASIC_RESEARCH,
            year=2024,
            lead_org="山东大学" if i < 5 else "青岛大学",
            city=jinan if i < 5 else qingdao,
        )
    client = as_user("anonymous")
    url = reverse("registry:project_list")
    response = client.get(url)
    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["page_obj"].object_list) == 25
    assert len(client.get(url, {"page": 2}).context["page_obj"].object_list) == 5
    assert client.get(url, {"q": "山东大学"}).context["page_obj"].paginator.count == 5
    assert client.get(url, {"city": "370200"}).context["page_obj"].paginator.count == 25
    assert client.get(url, {"programme": "basic"}).context["page_obj"].paginator.count == 15
    page2 = client.get(url, {"programme": "basic", "page": 1})
    assert page2.context["page_obj"].paginator.count == 15


@pytest.mark.parametrize("key", ["platform", "talent", "project", "achievement", "algorithmproduct"])
def test_list_query_count_bounded(
    key, client, plan_officer, jinan, provider, django_assert_max_num_queries
):
    for i in range(30):
        if key == "platform":
            svc.platform_create(
                actor=plan_officer,
                name=f"平台{i}",
                kind="incubator",
                level="city",
                host="h",
                city=jinan,
                approved_on=date(2024, 1, 1),
            )
        elif key == "talent":
            svc.talent_create(
                actor=plan_officer,
                name=f"人{i}",
                level="national",
                programme="p",
                host="h",
                city=jinan,
                year=2024,
            )
        elif key == "project":
            svc.project_create(
                actor=plan_officer,
                title=f"项目{i}",
                programme="basic",
                year=2024,
                lead_org="o",
                city=jinan,
            )
        elif key == "achievement":
            svc.achievement_create(
                actor=plan_officer,
                title=f"成果{i}",
                kind="patent",
                owner="o",
                city=jinan,
                achieved_on=date(2024, 1, 1),
            )
        else:
            svc.algorithm_product_create(
                actor=plan_officer, provider=provider, name=f"算法{i}", domain="d"
            )
    client.force_login(plan_officer)
    with django_assert_max_num_queries(7):  # session, user, count, page, cities
        response = client.get(reverse(f"registry:{key}_list"), {"city": "370100"})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25


# --------------------------------------------------------------------------- detail and history


def test_detail_history_names_only_for_signed_in(client, project, plan_officer, reporter_sti):
    svc.project_update(
        actor=plan_officer, project=project, lead_org="青岛大学", reason="牵头单位变更"
    )
    url = reverse("registry:project_detail", args=[project.pk])
    body = client.get(url).content.decode()
    assert "青岛大学" in body and "山东大学" in body  # what changed: shown to everyone
    assert "专项办 王主任" not in body and "plan_officer" not in body
    assert "牵头单位变更" not in body
    client.force_login(reporter_sti)
    response = client.get(url)
    body = response.content.decode()
    assert "plan_officer" in body or "专项办 王主任" in body
    assert "牵头单位变更" in body
    latest, created = response.context["history"]
    assert ("牵头单位", "山东大学", "青岛大学") in [
        (c.label, str(c.old_display), str(c.new_display)) for c in latest.changes
    ]
    assert created.reason == "登记"


@pytest.mark.parametrize("key", ["platform", "project", "achievement"])
@pytest.mark.parametrize(
    "persona", ["plan_officer", "reporter_sti", "enterprise_user", "anonymous"]
)
def test_detail_pages(key, persona, as_user, records):
    obj = records[key]
    response = as_user(persona).get(reverse(f"registry:{key}_detail", args=[obj.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    edit_url = reverse(f"registry:{key}_edit", args=[obj.pk])
    assert (edit_url in body) == (persona == "plan_officer")


def test_names_are_escaped(client, plan_officer, jinan):
    obj = svc.project_create(
        actor=plan_officer,
        title="<script>alert(1)</script>",
        programme="basic",
        year=2024,
        lead_org="o",
        city=jinan,
    )
    for url in (
        reverse("registry:project_list"),
        reverse("registry:project_detail", args=[obj.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --------------------------------------------------------------------------- create and edit


def test_create_platform_by_plan_office(client, plan_officer, jinan):
    client.force_login(plan_officer)
    url = reverse("registry:platform_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "济南人工智能中试基地",
            "kind": "pilot_base",
            "level": "provincial",
            "host": "济南高新区",
            "city": jinan.pk,
            "approved_on": "2025-02-01",
            "approval_doc": "",
            "ai_field": "on",
            "reason": "",
        },
    )
    obj = Platform.objects.get(name="济南人工智能中试基地")
    assert response.status_code == 302 and response.url == reverse(
        "registry:platform_detail", args=[obj.pk]
    )
    assert obj.history.first().history_user == plan_officer


def test_create_refuses_future_date_and_saves_nothing(client, plan_officer, jinan):
    client.force_login(plan_officer)
    response = client.post(
        reverse("registry:achievement_create"),
        {
            "title": "未来成果",
            "kind": "patent",
            "owner": "o",
            "city": jinan.pk,
            "achieved_on": TOMORROW.isoformat(),
            "maturity": "11",
            "good_round": "",
            "good_result": "",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "achieved_on" in form.errors and "maturity" in form.errors
    assert not Achievement.objects.exists()


def test_negative_funding_refused(client, plan_officer, project):
    client.force_login(plan_officer)
    response = client.post(
        reverse("registry:project_edit", args=[project.pk]),
        {
            "title": project.title,
            "programme": project.programme,
            "year": project.year,
            "lead_org": project.lead_org,
            "city": project.city_id,
            "funding": "-1",
            "state": project.state,
        },
    )
    assert response.status_code == 200
    assert "funding" in response.context["form"].errors
    project.refresh_from_db()
    assert project.funding > 0


@pytest.mark.parametrize("key", ["platform", "talent", "project", "achievement"])
@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user"])
def test_office_registries_refuse_others_writes(key, persona, as_user, records):
    client = as_user(persona)
    assert client.get(reverse(f"registry:{key}_create")).status_code == 403
    assert client.post(reverse(f"registry:{key}_create"), {"name": "x"}).status_code == 403
    edit = reverse(f"registry:{key}_edit", args=[records[key].pk])
    assert client.post(edit, {"name": "x", "title": "x"}).status_code == 403


@pytest.mark.parametrize("key", ["platform", "talent", "project", "achievement", "algorithmproduct"])
def test_anonymous_sent_to_sign_in_for_forms(key, client, records):
    response = client.get(reverse(f"registry:{key}_create"))
    assert response.status_code == 302 and "/login/" in response.url
    response = client.post(reverse(f"registry:{key}_edit", args=[records[key].pk]), {})
    assert response.status_code == 302 and "/login/" in response.url


def test_member_creates_product_pending(client, member, provider):
    client.force_login(member)
    url = reverse("registry:algorithmproduct_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "港口调度算法",
            "provider": provider.pk,
            "domain": "物流",
            "description": "",
            "state": "developing",
            "released_on": "",
        },
    )
    assert response.status_code == 302
    product = AlgorithmProduct.objects.get(name="港口调度算法")
    assert product.status == RecordStatus.PENDING


def test_member_cannot_post_another_enterprise(client, member, other_provider):
    client.force_login(member)
    response = client.post(
        reverse("registry:algorithmproduct_create"),
        {"name": "越权", "provider": other_provider.pk, "domain": "d", "state": "developing"},
    )
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert not AlgorithmProduct.objects.filter(name="越权").exists()


def test_released_product_without_date_refused(client, member, provider):
    client.force_login(member)
    response = client.post(
        reverse("registry:algorithmproduct_create"),
        {"name": "无日期", "provider": provider.pk, "domain": "d", "state": "released"},
    )
    assert "released_on" in response.context["form"].errors
    assert not AlgorithmProduct.objects.exists()


def test_enterprise_user_without_enterprise_cannot_create_product(as_user):
    assert as_user("enterprise_user").get(reverse("registry:algorithmproduct_create")).status_code == 403


def test_plan_office_creates_product_by_credit_code(client, plan_officer, provider):
    client.force_login(plan_officer)
    response = client.post(
        reverse("registry:algorithmproduct_create"),
        {
            "name": "质检算法",
            "provider": provider.credit_code,
            "domain": "制造",
            "state": "developing",
        },
    )
    assert response.status_code == 302
    assert AlgorithmProduct.objects.get(name="质检算法").status == RecordStatus.APPROVED
    response = client.post(
        reverse("registry:algorithmproduct_create"),
        {
            "name": "无此企业",
            "provider": "91370100MA3C0000X1",
            "domain": "d",
            "state": "developing",
        },
    )
    assert "provider" in response.context["form"].errors


def test_product_edit_member_and_outsider(client, product, member, outsider):
    url = reverse("registry:algorithmproduct_edit", args=[product.pk])
    data = {
        "name": product.name,
        "provider": product.provider_id,
        "domain": "仓储",
        "description": "",
        "state": product.state,
        "released_on": "2025-01-10",
        "reason": "扩展应用",
    }
    client.force_login(outsider)
    assert client.post(url, data).status_code == 404  # a pending product of another enterprise
    client.force_login(member)
    assert client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert product.domain == "仓储"


def test_outsider_cannot_edit_approved_product(client, product, plan_officer, outsider):
    svc.algorithm_product_approve(actor=plan_officer, product=product)
    client.force_login(outsider)
    url = reverse("registry:algorithmproduct_edit", args=[product.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x", "domain": "x"}).status_code == 403


# --------------------------------------------------------------------------- actions


def test_platform_state_action(client, platform, plan_officer, reporter_sti):
    url = reverse("registry:platform_state", args=[platform.pk])
    client.force_login(reporter_sti)
    assert client.post(url, {"state": "revoked", "reason": "r"}).status_code == 403
    client.force_login(plan_officer)
    assert client.get(url).status_code == 405
    response = client.post(url, {"state": "revoked", "reason": ""}, follow=True)
    assert "请填写原因" in response.content.decode()
    platform.refresh_from_db()
    assert platform.state == Platform.State.ACTIVE
    client.post(url, {"state": "revoked", "reason": "考核不合格"})
    platform.refresh_from_db()
    assert platform.state == Platform.State.REVOKED


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_actions_refused_for_others(persona, as_user, records):
    client = as_user(persona)
    posts = [
        ("registry:platform_state", "platform", {"state": "revoked", "reason": "r"}),
        (
            "registry:achievement_review",
            "achievement",
            {"original_major": "on", "reviewed_on": "2025-06-01", "reason": "r"},
        ),
        ("registry:algorithmproduct_decide", "algorithmproduct", {"action": "approve"}),
    ]
    for name, key, data in posts:
        assert client.post(reverse(name, args=[records[key].pk]), data).status_code == 403, name
    assert Achievement.objects.get().original_major is False
    assert AlgorithmProduct.objects.get().status == RecordStatus.PENDING


def test_achievement_review_action(client, achievement, plan_officer):
    client.force_login(plan_officer)
    url = reverse("registry:achievement_review", args=[achievement.pk])
    response = client.post(
        url,
        {"original_major": "on", "reviewed_on": TOMORROW.isoformat(), "reason": "r"},
        follow=True,
    )
    achievement.refresh_from_db()
    assert not achievement.original_major
    assert response.status_code == 200
    client.post(url, {"original_major": "on", "reviewed_on": "2025-06-01", "reason": "专家组意见"})
    achievement.refresh_from_db()
    assert achievement.original_major and achievement.reviewed_on == date(2025, 6, 1)


def test_algorithm_decide_action(client, product, plan_officer):
    client.force_login(plan_officer)
    url = reverse("registry:algorithmproduct_decide", args=[product.pk])
    client.post(url, {"action": "reject", "reason": ""})
    product.refresh_from_db()
    assert product.status == RecordStatus.PENDING
    client.post(url, {"action": "reject", "reason": "材料不全"})
    product.refresh_from_db()
    assert product.status == RecordStatus.REJECTED
    client.post(url, {"action": "approve", "reason": ""})
    product.refresh_from_db()
    assert product.status == RecordStatus.APPROVED
    assert "智能排产算法" in client.get(reverse("registry:algorithmproduct_list")).content.decode()


def test_talent_write_by_plan_office(client, plan_officer, talent):
    client.force_login(plan_officer)
    response = client.post(
        reverse("registry:talent_edit", args=[talent.pk]),
        {
            "name": "张三",
            "level": "provincial",
            "programme": talent.programme,
            "field": "",
            "host": talent.host,
            "city": talent.city_id,
            "year": talent.year,
            "reason": "层次更正",
        },
    )
    assert response.status_code == 302
    talent.refresh_from_db()
    assert talent.level == Talent.Level.PROVINCIAL


@pytest.mark.parametrize("key", ["platform", "talent", "project", "achievement", "algorithmproduct"])
def test_forms_render_for_the_plan_office(key, client, plan_officer, records):
    client.force_login(plan_officer)
    assert client.get(reverse(f"registry:{key}_create")).status_code == 200
    response = client.get(reverse(f"registry:{key}_edit", args=[records[key].pk]))
    assert response.status_code == 200
    assert str(records[key]) in response.content.decode()


def test_office_sees_actions_on_detail_pages(client, plan_officer, records):
    client.force_login(plan_officer)
    for key, action in [
        ("platform", "platform_state"),
        ("achievement", "achievement_review"),
        ("algorithmproduct", "algorithmproduct_decide"),
    ]:
        pk = records[key].pk
        body = client.get(reverse(f"registry:{key}_detail", args=[pk])).content.decode()
        assert reverse(f"registry:{action}", args=[pk]) in body
