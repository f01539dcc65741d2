"""Enterprise pages per role: who sees what, who may change what, bad input through POST."""

from datetime import date
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from conftest import make_user
from luzhi.accounts.models import City
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import TierProposal
from luzhi.registry.models import TierRule
from luzhi.registry.tests.test_enterprise_services import credit_code
from luzhi.registry.tests.test_enterprise_services import new_enterprise

TODAY = timezone.localdate()
TOMORROW = TODAY + timedelta(days=1)
LAST_YEAR = TODAY.year - 1
LIST = reverse("registry:enterprise_list")
CREATE = reverse("registry:enterprise_create")


def client_for(user) -> Client:
    client = Client()
    if user is not None and not isinstance(user, AnonymousUser):
        assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def as_user(request):
    """``as_user("plan_officer")`` → a signed-in client for that persona (anonymous: none)."""

    def make(persona: str) -> Client:
        return client_for(request.getfixturevalue(persona))

    return make


@pytest.fixture
def jinan(db):
    return City.objects.get(code="370100")


@pytest.fixture
def qingdao(db):
    return City.objects.get(code="370200")


@pytest.fixture
def own(jinan, enterprise_user):
    return new_enterprise(100, city=jinan, members=[enterprise_user], name="会员企业")


@pytest.fixture
def stranger(jinan):
    return new_enterprise(200, city=jinan, name="他人企业")


@pytest.fixture
def records(jinan, qingdao, enterprise_user, own, stranger):
    """Approved and unapproved enterprises, one of each pending kind owned by the enterprise user."""
    own_pending = new_enterprise(
        300,
        city=qingdao,
        status=RecordStatus.PENDING,
        members=[enterprise_user],
        name="我的待审企业",
    )
    other_pending = new_enterprise(
        400, city=qingdao, status=RecordStatus.PENDING, name="别人的待审企业"
    )
    rejected = new_enterprise(500, city=jinan, status=RecordStatus.REJECTED, name="已驳回企业")
    robot = new_enterprise(600, city=qingdao, segment="robots", name="青岛机器人")
    Qualification.objects.create(enterprise=robot, kind="gazelle", granted_on=date(2024, 1, 1))
    return {
        "own_pending": own_pending,
        "other_pending": other_pending,
        "rejected": rejected,
        "robot": robot,
    }


def names(response) -> set[str]:
    return {e.name for e in response.context["page_obj"].object_list}


# ------------------------------------------------------------------ list


def test_public_list_shows_approved_only(as_user, records):
    response = as_user("anonymous").get(LIST)
    assert response.status_code == 200
    assert names(response) == {"会员企业", "他人企业", "青岛机器人"}
    assert "status" not in response.context["filter"].form.fields
    assert "登记企业" not in response.content.decode()


def test_reporter_list_shows_approved_only(as_user, records):
    assert names(as_user("reporter_sti").get(LIST)) == {"会员企业", "他人企业", "青岛机器人"}


def test_enterprise_user_also_sees_own_pending(as_user, records):
    response = as_user("enterprise_user").get(LIST)
    assert names(response) == {"会员企业", "他人企业", "青岛机器人", "我的待审企业"}
    assert "status" in response.context["filter"].form.fields


def test_plan_office_sees_everything(as_user, records):
    response = as_user("plan_officer").get(LIST)
    assert len(names(response)) == 6
    assert names(as_user("plan_officer").get(LIST, {"status": "pending"})) == {
        "我的待审企业",
        "别人的待审企业",
    }


def test_filters_and_search(as_user, records, qingdao):
    client = as_user("anonymous")
    assert names(client.get(LIST, {"city": qingdao.code})) == {"青岛机器人"}
    assert names(client.get(LIST, {"segment": "robots"})) == {"青岛机器人"}
    assert names(client.get(LIST, {"qualification": "gazelle"})) == {"青岛机器人"}
    assert names(client.get(LIST, {"q": "他人"})) == {"他人企业"}
    assert names(client.get(LIST, {"q": credit_code(100).lower()})) == {"会员企业"}
    assert names(client.get(LIST, {"q": credit_code(100)})) == {"会员企业"}
    # A pending enterprise is not found by searching for it.
    assert names(client.get(LIST, {"q": "待审"})) == set()
    # Unknown values are form errors, not crashes.
    response = client.get(LIST, {"city": "999999", "segment": "quantum"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors.keys() == {"city", "segment"}


def test_list_paginates_with_bounded_queries(as_user, jinan, django_assert_max_num_queries):
    for n in range(30):
        enterprise = new_enterprise(1000 + n, city=jinan, name=f"企业{n:02d}")
        Qualification.objects.create(
            enterprise=enterprise, kind="tech_sme", granted_on=date(2024, 1, 1)
        )
    client = as_user("anonymous")
    with django_assert_max_num_queries(8):
        first = client.get(LIST)
    assert len(first.context["page_obj"].object_list) == 25
    second = client.get(LIST, {"page": 2, "city": jinan.code})
    assert names(second) == {f"企业{n:02d}" for n in range(25, 30)}
    assert f"?page=1&amp;city={jinan.code}" in second.content.decode()  # the pager keeps filters


# ------------------------------------------------------------------ detail


def test_detail_public(as_user, own, records):
    EnterpriseYear.objects.create(enterprise=own, year=LAST_YEAR, revenue=1234, rd_spend=10)
    client = as_user("anonymous")
    response = client.get(reverse("registry:enterprise_detail", args=[own.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "会员企业" in html and "1234" not in html  # no yearly figures for the public
    assert response.context["years"] is None
    pending = records["own_pending"]
    assert client.get(reverse("registry:enterprise_detail", args=[pending.pk])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees_figures"),
    [("plan_officer", True), ("reporter_sti", True), ("enterprise_user", True), ("other", False)],
)
def test_detail_figures_per_role(as_user, own, persona, sees_figures, db):
    EnterpriseYear.objects.create(enterprise=own, year=LAST_YEAR, revenue=1234, rd_spend=10)
    client = (
        client_for(make_user("other", role="enterprise"))
        if persona == "other"
        else as_user(persona)
    )
    response = client.get(reverse("registry:enterprise_detail", args=[own.pk]))
    assert response.status_code == 200
    assert ("1234" in response.content.decode()) is sees_figures
    assert (response.context["years"] is not None) is sees_figures


def test_detail_member_sees_own_pending_with_history(as_user, enterprise_user, records):
    pending = records["own_pending"]
    response = as_user("enterprise_user").get(
        reverse("registry:enterprise_detail", args=[pending.pk])
    )
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    other = records["other_pending"]
    url = reverse("registry:enterprise_detail", args=[other.pk])
    assert as_user("enterprise_user").get(url).status_code == 404


def test_detail_shows_incubator_products_and_history(as_user, plan_officer, own, jinan):
    incubator = Platform.objects.create(
        name="齐鲁孵化器",
        kind="incubator",
        level="provincial",
        host="某大学",
        city=jinan,
        approved_on=date(2023, 1, 1),
    )
    from luzhi.registry.services.enterprises import enterprise_update

    enterprise_update(actor=plan_officer, enterprise=own, incubator=incubator, name="会员企业(新)")
    AlgorithmProduct.objects.create(name="公开算法", provider=own, domain="制造", status="approved")
    AlgorithmProduct.objects.create(name="待审算法", provider=own, domain="制造", status="pending")
    url = reverse("registry:enterprise_detail", args=[own.pk])
    public = as_user("anonymous").get(url).content.decode()
    assert "齐鲁孵化器" in public and "公开算法" in public and "待审算法" not in public
    assert "会员企业(新)" in public  # the change is in the history
    assert "专项办 王主任" not in public  # who changed it: not for the public
    office = as_user("plan_officer").get(url)
    html = office.content.decode()
    assert "待审算法" in html and "专项办 王主任" in html and "enterprise updated" in html
    assert office.context["history"][0].changes


# ------------------------------------------------------------------ create


def form_data(where: City, **overrides) -> dict:
    values = {
        "name": "山东智算科技有限公司",
        "credit_code": credit_code(1),
        "city": where.pk,
        "segment": "large_models",
        "founded_on": "2019-05-01",
    }
    values.update(overrides)
    return values


def test_create_as_enterprise_user(as_user, jinan, enterprise_user):
    response = as_user("enterprise_user").post(CREATE, form_data(jinan))
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:enterprise_detail", args=[enterprise.pk])
    assert enterprise.status == RecordStatus.PENDING and list(enterprise.members.all()) == [
        enterprise_user
    ]


def test_create_as_plan_office(as_user, jinan):
    as_user("plan_officer").post(CREATE, form_data(jinan))
    assert Enterprise.objects.get().status == RecordStatus.APPROVED


def test_create_refused(as_user, jinan):
    anonymous = as_user("anonymous").post(CREATE, form_data(jinan))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    refused = as_user("reporter_sti").post(CREATE, form_data(jinan))
    assert (
        refused.status_code == 403
        and "只有专项办和企业用户可以登记企业" in refused.content.decode()
    )
    assert as_user("reporter_sti").get(CREATE).status_code == 403
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"credit_code": "9144030071526726XA"}, "credit_code", "应为“G”"),
        ({"credit_code": "914403007152672"}, "credit_code", "18位"),
        ({"founded_on": TOMORROW.isoformat()}, "founded_on", "晚于今天"),
        ({"city": "999999"}, "city", ""),
        ({"segment": "quantum"}, "segment", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_create_bad_input(as_user, jinan, overrides, field, fragment):
    response = as_user("enterprise_user").post(CREATE, form_data(jinan, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and fragment in " ".join(errors[field])
    assert "未保存" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_create_duplicate(as_user, jinan, stranger):
    response = as_user("plan_officer").post(
        CREATE, form_data(jinan, credit_code=stranger.credit_code)
    )
    assert response.status_code == 200
    assert "他人企业" in " ".join(response.context["form"].errors["credit_code"])
    assert Enterprise.objects.count() == 1


# ------------------------------------------------------------------ edit


def test_member_edit(as_user, own, jinan):
    url = reverse("registry:enterprise_edit", args=[own.pk])
    client = as_user("enterprise_user")
    assert client.get(url).context["form"].initial["name"] == "会员企业"
    response = client.post(url, form_data(jinan, credit_code=own.credit_code, name="会员企业改"))
    assert response.status_code == 302
    own.refresh_from_db()
    # An approved enterprise stays as approved; the edit waits as its pending revision.
    assert own.name == "会员企业" and own.status == RecordStatus.APPROVED
    assert own.revisions.get(status=RecordStatus.PENDING).changes["name"] == "会员企业改"


def test_plan_office_edit_stays_approved(as_user, own, jinan):
    url = reverse("registry:enterprise_edit", args=[own.pk])
    as_user("plan_officer").post(url, form_data(jinan, credit_code=own.credit_code, name="改"))
    own.refresh_from_db()
    assert own.name == "改" and own.status == RecordStatus.APPROVED


@pytest.mark.parametrize(
    ("persona", "status"), [("enterprise_user", 403), ("reporter_sti", 403), ("anonymous", 302)]
)
def test_edit_refused(as_user, stranger, jinan, persona, status):
    url = reverse("registry:enterprise_edit", args=[stranger.pk])
    client = as_user(persona)
    assert client.get(url).status_code == status
    assert (
        client.post(url, form_data(jinan, credit_code=stranger.credit_code, name="x")).status_code
        == status
    )
    stranger.refresh_from_db()
    assert stranger.name == "他人企业"


def test_edit_bad_input_saves_nothing(as_user, own, stranger, jinan):
    url = reverse("registry:enterprise_edit", args=[own.pk])
    response = as_user("enterprise_user").post(
        url, form_data(jinan, credit_code=stranger.credit_code)
    )
    assert response.status_code == 200 and "credit_code" in response.context["form"].errors
    own.refresh_from_db()
    assert own.credit_code == credit_code(100) and own.status == RecordStatus.APPROVED


# ------------------------------------------------------------------ approve


def test_approve_and_reject_views(as_user, records):
    client = as_user("plan_officer")
    pending = records["other_pending"]
    url = reverse("registry:enterprise_approve", args=[pending.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"action": "reject", "comment": ""})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == RecordStatus.PENDING  # a rejection needs a reason
    client.post(url, {"action": "reject", "comment": "材料不全"})
    pending.refresh_from_db()
    assert pending.status == RecordStatus.REJECTED
    client.post(url, {"action": "approve"})
    pending.refresh_from_db()
    assert pending.status == RecordStatus.APPROVED


@pytest.mark.parametrize(
    ("persona", "status"), [("enterprise_user", 403), ("reporter_sti", 403), ("anonymous", 302)]
)
def test_approve_refused(as_user, records, persona, status):
    pending = records["own_pending"]
    response = as_user(persona).post(
        reverse("registry:enterprise_approve", args=[pending.pk]), {"action": "approve"}
    )
    assert response.status_code == status
    pending.refresh_from_db()
    assert pending.status == RecordStatus.PENDING


# ------------------------------------------------------------------ yearly figures


def year_data(**overrides) -> dict:
    values = {
        "year": LAST_YEAR,
        "revenue": "5000",
        "ai_core_revenue": "1000",
        "rd_spend": "300",
        "employees": "80",
    }
    values.update(overrides)
    return values


def test_member_enters_and_corrects_figures(as_user, own):
    url = reverse("registry:enterprise_year_edit", args=[own.pk])
    client = as_user("enterprise_user")
    assert client.post(url, year_data()).status_code == 302
    assert client.post(url, year_data(revenue="6000")).status_code == 302
    row = EnterpriseYear.objects.get()
    assert row.revenue == 6000
    assert client.get(url, {"year": LAST_YEAR}).context["form"].initial["revenue"] == row.revenue


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"revenue": "-1"}, "revenue"),
        ({"rd_spend": "-5"}, "rd_spend"),
        ({"ai_core_revenue": "9000"}, "ai_core_revenue"),
        ({"year": str(TODAY.year + 1)}, "year"),
        ({"revenue": "abc"}, "revenue"),
    ],
)
def test_figures_bad_input(as_user, own, overrides, field):
    url = reverse("registry:enterprise_year_edit", args=[own.pk])
    response = as_user("plan_officer").post(url, year_data(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not EnterpriseYear.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("enterprise_user", 403), ("reporter_sti", 403), ("anonymous", 302)]
)
def test_figures_refused(as_user, stranger, persona, status):
    url = reverse("registry:enterprise_year_edit", args=[stranger.pk])
    assert as_user(persona).post(url, year_data()).status_code == status
    assert not EnterpriseYear.objects.exists()


# ------------------------------------------------------------------ qualifications and members


def test_qualification_add_remove_views(as_user, own):
    client = as_user("enterprise_user")
    add = reverse("registry:qualification_add", args=[own.pk])
    client.post(
        add, {"q-kind": "high_tech", "q-granted_on": "2024-01-01", "q-certificate_no": "GR1"}
    )
    qualification = Qualification.objects.get()
    bad = client.post(
        add, {"q-kind": "high_tech", "q-granted_on": TOMORROW.isoformat()}, follow=True
    )
    assert "资质未保存" in bad.content.decode()
    assert Qualification.objects.count() == 1
    client.post(reverse("registry:qualification_remove", args=[own.pk, qualification.pk]))
    assert not Qualification.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("enterprise_user", 403), ("reporter_sti", 403), ("anonymous", 302)]
)
def test_qualification_views_refused(as_user, stranger, persona, status):
    held = Qualification.objects.create(
        enterprise=stranger, kind="high_tech", granted_on=date(2024, 1, 1)
    )
    client = as_user(persona)
    add = reverse("registry:qualification_add", args=[stranger.pk])
    assert (
        client.post(add, {"q-kind": "gazelle", "q-granted_on": "2024-01-01"}).status_code == status
    )
    remove = reverse("registry:qualification_remove", args=[stranger.pk, held.pk])
    assert client.post(remove).status_code == status
    assert list(Qualification.objects.all()) == [held]


def test_member_add_view(as_user, stranger, enterprise_user):
    url = reverse("registry:enterprise_member_add", args=[stranger.pk])
    assert as_user("enterprise_user").post(url, {"username": "enterprise_user"}).status_code == 403
    assert not stranger.members.exists()
    response = as_user("plan_officer").post(url, {"username": "nobody"}, follow=True)
    assert "没有用户名为“nobody”的用户" in response.content.decode()
    as_user("plan_officer").post(url, {"username": "enterprise_user"})
    assert list(stranger.members.all()) == [enterprise_user]


# ------------------------------------------------------------------ tiers


RULES = reverse("registry:tier_rules")
PROPOSALS = reverse("registry:tier_proposals")


@pytest.mark.parametrize(
    ("persona", "status"), [("enterprise_user", 403), ("reporter_sti", 403), ("anonymous", 302)]
)
def test_tier_pages_refused(as_user, persona, status, db):
    client = as_user(persona)
    assert client.get(RULES).status_code == status
    assert client.get(reverse("registry:tier_rule_create")).status_code == status
    assert (
        client.post(
            reverse("registry:tier_rule_create"),
            {"kind": "gazelle", "name": "x", "min_revenue": "1"},
        ).status_code
        == status
    )
    assert client.get(PROPOSALS).status_code == status
    assert client.post(reverse("registry:tier_proposals_generate")).status_code == status
    assert not TierRule.objects.exists()


def test_tier_rule_create_and_edit(as_user):
    client = as_user("plan_officer")
    response = client.post(
        reverse("registry:tier_rule_create"),
        {
            "kind": "ai_leader",
            "name": "领军企业",
            "active": "on",
            "min_revenue": "50000",
            "min_rd_pct": "5",
            "segments": ["large_models", "robots"],
            "hard_tech": "true",
        },
    )
    assert response.status_code == 302
    rule = TierRule.objects.get()
    assert rule.conditions == {
        "min_revenue": 50000,
        "min_rd_ratio": 0.05,
        "segments": ["large_models", "robots"],
        "hard_tech": True,
    }
    page = client.get(RULES).content.decode()
    assert "领军企业" in page and "研发投入占比不低于(%) 5" in page
    edit = reverse("registry:tier_rule_edit", args=[rule.pk])
    assert client.get(edit).context["form"].initial["min_rd_pct"] == 5
    client.post(edit, {"kind": "ai_leader", "name": "领军企业", "min_revenue": "60000"})
    rule.refresh_from_db()
    assert rule.conditions == {"min_revenue": 60000} and not rule.active


def test_tier_rule_bad_input(as_user):
    client = as_user("plan_officer")
    empty = client.post(
        reverse("registry:tier_rule_create"), {"kind": "ai_leader", "name": "空规则"}
    )
    assert "至少设置一个条件" in empty.content.decode()
    negative = client.post(
        reverse("registry:tier_rule_create"),
        {"kind": "ai_leader", "name": "负数", "min_revenue": "-1"},
    )
    assert "不能为负数" in negative.content.decode()
    own_kind = client.post(
        reverse("registry:tier_rule_create"),
        {"kind": "gazelle", "name": "自身", "min_revenue": "1", "requires": ["gazelle"]},
    )
    assert "本身" in own_kind.content.decode()
    unknown = client.post(
        reverse("registry:tier_rule_create"), {"kind": "nobel", "name": "x", "min_revenue": "1"}
    )
    assert "kind" in unknown.context["form"].errors
    assert not TierRule.objects.exists()


def test_tier_proposals_generate_and_decide(as_user, own):
    EnterpriseYear.objects.create(enterprise=own, year=LAST_YEAR, revenue=62000, rd_spend=3782)
    TierRule.objects.create(
        kind="ai_leader", name="领军", conditions={"min_revenue": 50000, "min_rd_ratio": 0.05}
    )
    client = as_user("plan_officer")
    client.post(reverse("registry:tier_proposals_generate"))
    proposal = TierProposal.objects.get()
    page = client.get(PROPOSALS).content.decode()
    assert "营业收入 62000 万元 ≥ 50000;研发投入占比 6.1% ≥ 5%" in page
    assert not Qualification.objects.exists()  # proposed, not applied
    decide = reverse("registry:tier_proposal_decide", args=[proposal.pk])
    assert as_user("enterprise_user").post(decide, {"action": "accept"}).status_code == 403
    assert as_user("reporter_sti").post(decide, {"action": "accept"}).status_code == 403
    assert not Qualification.objects.exists()
    client.post(decide, {"action": "accept", "comment": "同意"})
    assert Qualification.objects.get().granted_on == TODAY
    again = client.post(decide, {"action": "reject"}, follow=True)
    assert "已于此前决定" in again.content.decode()
    accepted = client.get(PROPOSALS, {"decision": "accepted"})
    assert [p.pk for p in accepted.context["page_obj"].object_list] == [proposal.pk]


# ------------------------------------------------------------------ filtersets (shared by every registry)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        (
            "EnterpriseFilter",
            {"q": "智能 科技", "segment": "robots", "hard_tech": "true", "status": "approved"},
        ),
        (
            "PlatformFilter",
            {
                "q": "实验室",
                "kind": "incubator",
                "level": "national",
                "state": "active",
                "ai_field": "false",
            },
        ),
        ("TalentFilter", {"q": "张", "level": "national", "year": "2024"}),
        (
            "ProjectFilter",
            {"q": "大模型", "programme": "basic", "state": "ongoing", "year": "2025"},
        ),
        (
            "AchievementFilter",
            {"q": "专利", "kind": "patent", "good_result": "selected", "original_major": "true"},
        ),
        ("AlgorithmProductFilter", {"q": "视觉", "state": "released", "status": "approved"}),
    ],
)
def test_every_filterset_filters_and_rejects_unknown_values(name, params, jinan):
    from luzhi.registry import filters

    filterset_class = getattr(filters, name)
    model = filterset_class._meta.model
    good = filterset_class({**params, "city": jinan.code}, queryset=model.objects.all())
    assert good.is_valid(), good.errors
    assert list(good.qs) == []
    bad = filterset_class({"city": "000000"}, queryset=model.objects.all())
    assert not bad.is_valid() and "city" in bad.errors


def test_algorithm_filter_by_provider_city(own, qingdao, jinan):
    from luzhi.registry.filters import AlgorithmProductFilter

    product = AlgorithmProduct.objects.create(name="视觉质检", provider=own, domain="制造")
    in_jinan = AlgorithmProductFilter(
        {"city": jinan.code, "q": "会员"}, queryset=AlgorithmProduct.objects.all()
    )
    assert list(in_jinan.qs) == [product]
    in_qingdao = AlgorithmProductFilter(
        {"city": qingdao.code}, queryset=AlgorithmProduct.objects.all()
    )
    assert list(in_qingdao.qs) == []
