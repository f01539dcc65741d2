"""Services for platforms, talent, projects, achievements and algorithm products.

Each service: the happy path records who and why; every role but the one
allowed is refused; bad input is refused with a field-named error and nothing
is saved.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.registry.credit_code import check_character
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import Talent
from luzhi.registry.services import records as svc

TODAY = timezone.localdate()
TOMORROW = TODAY + timedelta(days=1)
LAST_YEAR = TODAY.year - 1


def credit_code(n: int) -> str:
    """A valid unified social credit code (the check character computed)."""
    first = f"91370100{n:09d}"
    return first + check_character(first)


def make_enterprise(n: int, name: str, city: City) -> Enterprise:
    return Enterprise.objects.create(
        name=name,
        credit_code=credit_code(n),
        city=city,
        segment=Segment.LARGE_MODELS,
        status=RecordStatus.APPROVED,
    )


@pytest.fixture
def jinan(db):
    return City.objects.get(code="370100")


@pytest.fixture
def qingdao(db):
    return City.objects.get(code="370200")


@pytest.fixture
def provider(jinan):
    """An enterprise whose member is the ``enterprise_user`` persona."""
    return make_enterprise(1, "济南智算科技有限公司", jinan)


@pytest.fixture
def member(enterprise_user, provider):
    provider.members.add(enterprise_user)
    return enterprise_user


@pytest.fixture
def other_provider(qingdao):
    return make_enterprise(2, "青岛海智算法有限公司", qingdao)


@pytest.fixture
def outsider(other_provider):
    """An enterprise user of another enterprise (not a member of ``provider``)."""
    user = make_user("enterprise_other", role="enterprise")
    other_provider.members.add(user)
    return user


@pytest.fixture
def platform(plan_officer, jinan):
    return svc.platform_create(
        actor=plan_officer,
        name="山东省人工智能实验室",
        kind=Platform.Kind.PROVINCIAL_LAB,
        level=Platform.Level.PROVINCIAL,
        host="山东大学",
        city=jinan,
        approved_on=date(2024, 5, 1),
        approval_doc="鲁科字〔2024〕1号",
    )


@pytest.fixture
def talent(plan_officer, jinan):
    return svc.talent_create(
        actor=plan_officer,
        name="张三",
        level=Talent.Level.NATIONAL,
        programme="国家杰出青年科学基金",
        host="山东大学",
        city=jinan,
        year=LAST_YEAR,
    )


@pytest.fixture
def project(plan_officer, jinan):
    return svc.project_create(
        actor=plan_officer,
        title="大模型可信推理基础研究",
        programme=Project.Programme.BASIC_RESEARCH,
        year=LAST_YEAR,
        lead_org="山东大学",
        city=jinan,
        funding=Decimal("120.50"),
    )


@pytest.fixture
def achievement(plan_officer, jinan):
    return svc.achievement_create(
        actor=plan_officer,
        title="面向工业质检的视觉大模型",
        kind=Achievement.Kind.PRODUCT,
        owner="浪潮集团",
        city=jinan,
        achieved_on=date(2025, 3, 1),
        maturity=7,
    )


@pytest.fixture
def product(member, provider):
    """A product submitted by a member of its provider (pending)."""
    return svc.algorithm_product_create(
        actor=member,
        provider=provider,
        name="智能排产算法",
        domain="制造",
        state=AlgorithmProduct.State.RELEASED,
        released_on=date(2025, 1, 10),
    )


def platform_kwargs(city):
    return dict(
        name="新平台",
        kind=Platform.Kind.INCUBATOR,
        level=Platform.Level.PROVINCIAL,
        host="某孵化器",
        city=city,
        approved_on=date(2025, 1, 1),
    )


def last_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# --------------------------------------------------------------------------- platforms


def test_platform_create_records_user_and_reason(platform, plan_officer):
    record = last_history(platform)
    assert platform.status == RecordStatus.APPROVED
    assert record.history_user == plan_officer
    assert record.history_change_reason == svc.REASON_CREATED


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_platform_create_refused_for_others(persona, request, jinan):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        svc.platform_create(actor=actor, **platform_kwargs(jinan))
    assert not Platform.objects.exists()


def test_platform_create_refuses_future_date(plan_officer, jinan):
    with pytest.raises(ValidationError) as exc:
        svc.platform_create(
            actor=plan_officer, **{**platform_kwargs(jinan), "approved_on": TOMORROW}
        )
    assert "approved_on" in exc.value.message_dict
    assert not Platform.objects.exists()


def test_platform_create_refuses_unknown_kind(plan_officer, jinan):
    with pytest.raises(ValidationError) as exc:
        svc.platform_create(actor=plan_officer, **{**platform_kwargs(jinan), "kind": "castle"})
    assert "kind" in exc.value.message_dict
    assert not Platform.objects.exists()


def test_platform_update_records_reason(platform, plan_officer, qingdao):
    svc.platform_update(actor=plan_officer, platform=platform, city=qingdao, reason="搬迁")
    platform.refresh_from_db()
    assert platform.city == qingdao
    assert last_history(platform).history_change_reason == "搬迁"
    assert platform.history.count() == 2


def test_platform_update_without_change_writes_no_history(platform, plan_officer):
    svc.platform_update(actor=plan_officer, platform=platform, name=platform.name)
    assert platform.history.count() == 1


def test_platform_update_refused_for_reporter(platform, reporter_sti):
    with pytest.raises(PermissionDenied):
        svc.platform_update(actor=reporter_sti, platform=platform, name="改名")
    platform.refresh_from_db()
    assert platform.name == "山东省人工智能实验室"


def test_platform_update_bad_input_saves_nothing(platform, plan_officer):
    with pytest.raises(ValidationError) as exc:
        svc.platform_update(actor=plan_officer, platform=platform, name="X", approved_on=TOMORROW)
    assert "approved_on" in exc.value.message_dict
    platform.refresh_from_db()
    assert platform.name == "山东省人工智能实验室"
    assert platform.history.count() == 1


def test_platform_update_cannot_touch_state(platform, plan_officer):
    with pytest.raises(TypeError):
        svc.platform_update(actor=plan_officer, platform=platform, state=Platform.State.REVOKED)


def test_platform_set_state(platform, plan_officer):
    svc.platform_set_state(
        actor=plan_officer, platform=platform, state=Platform.State.REVOKED, reason="考核不合格"
    )
    platform.refresh_from_db()
    assert platform.state == Platform.State.REVOKED
    record = last_history(platform)
    assert (record.history_user, record.history_change_reason) == (plan_officer, "考核不合格")


def test_platform_set_state_needs_reason(platform, plan_officer):
    with pytest.raises(ValidationError) as exc:
        svc.platform_set_state(
            actor=plan_officer, platform=platform, state=Platform.State.REVOKED, reason="  "
        )
    assert "reason" in exc.value.message_dict
    platform.refresh_from_db()
    assert platform.state == Platform.State.ACTIVE


@pytest.mark.parametrize("state", [Platform.State.BUILDING, Platform.State.ACTIVE, "closed"])
def test_platform_set_state_refuses_illegal_transition(platform, plan_officer, state):
    with pytest.raises(ValidationError) as exc:
        svc.platform_set_state(actor=plan_officer, platform=platform, state=state, reason="r")
    assert "state" in exc.value.message_dict
    platform.refresh_from_db()
    assert platform.state == Platform.State.ACTIVE


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_platform_set_state_refused_for_others(persona, request, platform):
    with pytest.raises(PermissionDenied):
        svc.platform_set_state(
            actor=request.getfixturevalue(persona),
            platform=platform,
            state=Platform.State.REVOKED,
            reason="r",
        )


# --------------------------------------------------------------------------- talent


def test_talent_create_and_update(talent, plan_officer):
    assert last_history(talent).history_user == plan_officer
    svc.talent_update(actor=plan_officer, talent=talent, level=Talent.Level.PROVINCIAL)
    talent.refresh_from_db()
    assert talent.level == Talent.Level.PROVINCIAL
    assert last_history(talent).history_change_reason == svc.REASON_UPDATED


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_talent_refused_for_others(persona, request, jinan, talent):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        svc.talent_create(
            actor=actor,
            name="李四",
            level="national",
            programme="p",
            host="h",
            city=jinan,
            year=2024,
        )
    with pytest.raises(PermissionDenied):
        svc.talent_update(actor=actor, talent=talent, name="李四")
    assert list(Talent.objects.values_list("name", flat=True)) == ["张三"]


def test_talent_refuses_future_year(plan_officer, jinan):
    with pytest.raises(ValidationError) as exc:
        svc.talent_create(
            actor=plan_officer,
            name="李四",
            level="national",
            programme="p",
            host="h",
            city=jinan,
            year=TODAY.year + 1,
        )
    assert "year" in exc.value.message_dict
    assert not Talent.objects.exists()


# --------------------------------------------------------------------------- projects


def test_project_create_and_update(project, plan_officer):
    svc.project_update(
        actor=plan_officer, project=project, state=Project.State.ONGOING, reason="启动实施"
    )
    project.refresh_from_db()
    assert project.state == Project.State.ONGOING
    assert last_history(project).history_change_reason == "启动实施"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"funding": Decimal("-1")}, "funding"), ({"year": TODAY.year + 1}, "year")],
)
def test_project_refuses_bad_input(plan_officer, jinan, changes, field):
    kwargs = dict(title="t", programme="basic", year=LAST_YEAR, lead_org="o", city=jinan)
    with pytest.raises(ValidationError) as exc:
        svc.project_create(actor=plan_officer, **{**kwargs, **changes})
    assert field in exc.value.message_dict
    assert not Project.objects.exists()


def test_project_update_bad_input_saves_nothing(project, plan_officer):
    with pytest.raises(ValidationError):
        svc.project_update(actor=plan_officer, project=project, funding=Decimal("-5"))
    project.refresh_from_db()
    assert project.funding == Decimal("120.50")


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_project_refused_for_others(persona, request, project):
    with pytest.raises(PermissionDenied):
        svc.project_update(actor=request.getfixturevalue(persona), project=project, title="x")


# --------------------------------------------------------------------------- achievements


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"maturity": 0}, "maturity"),
        ({"maturity": 10}, "maturity"),
        ({"achieved_on": TOMORROW}, "achieved_on"),
    ],
)
def test_achievement_refuses_bad_input(plan_officer, jinan, changes, field):
    kwargs = dict(title="t", kind="patent", owner="o", city=jinan, achieved_on=date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        svc.achievement_create(actor=plan_officer, **{**kwargs, **changes})
    assert field in exc.value.message_dict
    assert not Achievement.objects.exists()


def test_achievement_update(achievement, plan_officer):
    svc.achievement_update(actor=plan_officer, achievement=achievement, maturity=8)
    achievement.refresh_from_db()
    assert achievement.maturity == 8


def test_achievement_update_cannot_set_review_flag(achievement, plan_officer):
    with pytest.raises(TypeError):
        svc.achievement_update(actor=plan_officer, achievement=achievement, original_major=True)


def test_achievement_review(achievement, plan_officer):
    svc.achievement_review(
        actor=plan_officer,
        achievement=achievement,
        original_major=True,
        reviewed_on=date(2025, 6, 1),
        reason="2025年第一次专家评审会",
    )
    achievement.refresh_from_db()
    assert achievement.original_major and achievement.reviewed_on == date(2025, 6, 1)
    record = last_history(achievement)
    assert (record.history_user, record.history_change_reason) == (
        plan_officer,
        "2025年第一次专家评审会",
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reviewed_on": None, "reason": "r"}, "reviewed_on"),
        ({"reviewed_on": TOMORROW, "reason": "r"}, "reviewed_on"),
        ({"reviewed_on": date(2025, 1, 1), "reason": "r"}, "reviewed_on"),  # before achieved_on
        ({"reviewed_on": date(2025, 6, 1), "reason": ""}, "reason"),
    ],
)
def test_achievement_review_bad_input(achievement, plan_officer, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        svc.achievement_review(
            actor=plan_officer, achievement=achievement, original_major=True, **kwargs
        )
    assert field in exc.value.message_dict
    achievement.refresh_from_db()
    assert not achievement.original_major and achievement.reviewed_on is None


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_achievement_review_refused_for_others(persona, request, achievement):
    with pytest.raises(PermissionDenied):
        svc.achievement_review(
            actor=request.getfixturevalue(persona),
            achievement=achievement,
            original_major=True,
            reviewed_on=date(2025, 6, 1),
            reason="r",
        )
    achievement.refresh_from_db()
    assert not achievement.original_major


# --------------------------------------------------------------------------- algorithm products


def test_member_creates_pending_product(product, member):
    assert product.status == RecordStatus.PENDING
    assert last_history(product).history_user == member


def test_plan_office_creates_approved_product(plan_officer, provider):
    product = svc.algorithm_product_create(
        actor=plan_officer, provider=provider, name="p", domain="d"
    )
    assert product.status == RecordStatus.APPROVED


@pytest.mark.parametrize("persona", ["outsider", "reporter_sti", "anonymous", "enterprise_user"])
def test_product_create_refused_for_non_members(persona, request, provider):
    # ``enterprise_user`` here is not (yet) a member of ``provider``.
    with pytest.raises(PermissionDenied):
        svc.algorithm_product_create(
            actor=request.getfixturevalue(persona), provider=provider, name="p", domain="d"
        )
    assert not AlgorithmProduct.objects.exists()


def test_released_product_needs_date(member, provider):
    with pytest.raises(ValidationError) as exc:
        svc.algorithm_product_create(
            actor=member, provider=provider, name="p", domain="d", state="released"
        )
    assert "released_on" in exc.value.message_dict
    assert not AlgorithmProduct.objects.exists()


def test_product_future_release_refused(member, provider):
    with pytest.raises(ValidationError) as exc:
        svc.algorithm_product_create(
            actor=member,
            provider=provider,
            name="p",
            domain="d",
            state="released",
            released_on=TOMORROW,
        )
    assert "released_on" in exc.value.message_dict


def test_member_edit_of_approved_product_goes_back_to_pending(product, member, plan_officer):
    svc.algorithm_product_approve(actor=plan_officer, product=product)
    svc.algorithm_product_update(actor=member, product=product, domain="物流")
    product.refresh_from_db()
    assert (product.domain, product.status) == ("物流", RecordStatus.PENDING)


def test_product_update_refused_for_outsider(product, outsider):
    with pytest.raises(PermissionDenied):
        svc.algorithm_product_update(actor=outsider, product=product, domain="x")
    product.refresh_from_db()
    assert product.domain == "制造"


def test_member_cannot_move_product_to_another_enterprise(product, member, other_provider):
    with pytest.raises(PermissionDenied):
        svc.algorithm_product_update(actor=member, product=product, provider=other_provider)
    product.refresh_from_db()
    assert product.provider_id != other_provider.pk


def test_product_update_bad_input_saves_nothing(product, member):
    with pytest.raises(ValidationError) as exc:
        svc.algorithm_product_update(actor=member, product=product, released_on=None)
    assert "released_on" in exc.value.message_dict
    product.refresh_from_db()
    assert product.released_on == date(2025, 1, 10)


def test_approve_and_reject(product, plan_officer):
    svc.algorithm_product_reject(actor=plan_officer, product=product, reason="材料不全")
    product.refresh_from_db()
    assert product.status == RecordStatus.REJECTED
    assert last_history(product).history_change_reason == "材料不全"
    svc.algorithm_product_approve(actor=plan_officer, product=product, reason="补充后通过")
    product.refresh_from_db()
    assert product.status == RecordStatus.APPROVED
    with pytest.raises(ValidationError):
        svc.algorithm_product_approve(actor=plan_officer, product=product)


def test_reject_needs_reason(product, plan_officer):
    with pytest.raises(ValidationError) as exc:
        svc.algorithm_product_reject(actor=plan_officer, product=product, reason="")
    assert "reason" in exc.value.message_dict
    product.refresh_from_db()
    assert product.status == RecordStatus.PENDING


@pytest.mark.parametrize("persona", ["member", "outsider", "reporter_sti", "anonymous"])
def test_approve_refused_for_others(persona, request, product):
    with pytest.raises(PermissionDenied):
        svc.algorithm_product_approve(actor=request.getfixturevalue(persona), product=product)
    with pytest.raises(PermissionDenied):
        svc.algorithm_product_reject(
            actor=request.getfixturevalue(persona), product=product, reason="r"
        )
    product.refresh_from_db()
    assert product.status == RecordStatus.PENDING
