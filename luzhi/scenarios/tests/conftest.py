"""Fixtures of the scenario app: enterprises, batches, scenarios, solutions (through services
where the behaviour matters, plain rows where it does not)."""

import pytest

from conftest import make_user  # noqa: F401  (re-exported for the tests)
from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.registry.credit_code import check_character
from luzhi.registry.models import Enterprise
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.scenarios import matching
from luzhi.scenarios import services
from luzhi.scenarios.models import Domain
from luzhi.scenarios.models import RecognitionLevel
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.models import ScenarioBatch
from luzhi.scenarios.models import Solution


def credit_code(n: int) -> str:
    first = f"91370100{n:09d}"
    return first + check_character(first)


def make_enterprise(name: str, city: str = "济南", n: int | None = None, **extra) -> Enterprise:
    n = n if n is not None else abs(hash(name)) % 10**9
    return Enterprise.objects.create(
        name=name, credit_code=credit_code(n), city=City.objects.get(name=city),
        segment=Segment.APPLICATIONS, status=RecordStatus.APPROVED, **extra,
    )


@pytest.fixture(autouse=True)
def _fresh_match_index():
    """Each test builds its in-memory index from its own rows."""
    matching.forget()
    yield
    matching.forget()


@pytest.fixture
def domains(db):
    services.catalogue_sync()
    return {d.code: d for d in Domain.objects.all()}


@pytest.fixture
def levels(db):
    services.catalogue_sync()
    return {lv.code: lv for lv in RecognitionLevel.objects.all()}


@pytest.fixture
def city():
    return lambda name: City.objects.get(name=name)


@pytest.fixture
def unit():
    return lambda short_name: Unit.objects.get(short_name=short_name)


@pytest.fixture
def inspur(db):
    return make_enterprise("浪潮智能科技有限公司", n=1)


@pytest.fixture
def haier(db):
    return make_enterprise("青岛海智工业互联网有限公司", city="青岛", n=2)


@pytest.fixture
def provider_user(inspur):
    """An enterprise user who keeps 浪潮."""
    user = make_user("inspur_user", role="enterprise")
    inspur.members.add(user)
    return user


@pytest.fixture
def other_enterprise_user(haier):
    user = make_user("haier_user", role="enterprise")
    haier.members.add(user)
    return user


@pytest.fixture
def batch(plan_officer):
    return services.batch_create(actor=plan_officer, title="2025年人工智能场景机会清单")


def scenario_values(domains, city_of, **overrides):
    values = dict(
        kind=Scenario.Kind.DEMAND,
        domain=domains["industry"],
        title="汽车零部件表面缺陷视觉检测",
        description="产线人工目检漏检率高,希望引入机器视觉对冲压件表面划痕、凹坑进行在线检测。",
        city=city_of("济南"),
        contact_name="张工",
        contact_phone="0531-88888888",
    )
    values.update(overrides)
    return values


@pytest.fixture
def scenario_in(domains, city, unit, plan_officer):
    """``scenario_in(batch, **overrides)``: a scenario of 省工业和信息化厅 filed by the plan office."""

    def make(batch: ScenarioBatch, **overrides) -> Scenario:
        publisher = overrides.pop("publisher_unit", None) or unit("省工业和信息化厅")
        return services.scenario_create(
            actor=plan_officer, batch=batch, publisher_unit=publisher,
            **scenario_values(domains, city, **overrides),
        )

    return make


def publish(batch, actor):
    services.batch_close(actor=actor, batch=batch)
    return services.batch_publish(actor=actor, batch=batch)


@pytest.fixture
def published_scenario(batch, scenario_in, plan_officer):
    scenario = scenario_in(batch)
    publish(batch, plan_officer)
    scenario.refresh_from_db()
    return scenario


def make_solution(provider, domains, *codes, title="机器视觉表面缺陷检测系统", actor=None, **values) -> Solution:
    values.setdefault("description", "基于深度学习的外观瑕疵识别,适用于冲压件、注塑件、钢板的在线质检。")
    solution = Solution.objects.create(provider=provider, title=title, status=Solution.Status.PUBLISHED, **values)
    solution.domains.set([domains[c] for c in codes or ("industry",)])
    return solution
