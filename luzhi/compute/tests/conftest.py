"""Fixtures of the compute tests: personas, a center with cards, an open programme."""

from datetime import date

import pytest

from conftest import make_user
from luzhi.compute.tests import factories

TODAY = date(2026, 3, 15)
_RAY_HEAD = None


def pytest_collection_finish(session):
    """Start Ray's head node now when the Ray test is selected: it comes up while other
    tests run (test_ray.py's fixture waits for it and stops it)."""
    global _RAY_HEAD
    if _RAY_HEAD is None and any(item.nodeid.startswith("luzhi/compute/tests/test_ray.py") for item in session.items):
        from luzhi.compute.tests import ray_node

        _RAY_HEAD = ray_node.start()


def pytest_sessionfinish(session):
    """Never leave the head node behind (e.g. when the Ray test did not run after all)."""
    if _RAY_HEAD is not None:
        from luzhi.compute.tests import ray_node

        ray_node.stop(_RAY_HEAD)
        ray_head_forget()


def ray_head_started():
    return _RAY_HEAD


def ray_head_forget():
    global _RAY_HEAD
    _RAY_HEAD = None


@pytest.fixture
def operator(db):
    """A center operator (算力中心运营方) of the ``center`` fixture."""
    return make_user("operator", role="center_operator")


@pytest.fixture
def other_operator(db):
    """The operator of another center."""
    return make_user("other_operator", role="center_operator")


@pytest.fixture
def reporter_bigdata(db):
    """A reporter of 省大数据局, a unit that owns the compute register."""
    return make_user("reporter_bigdata", role="unit_reporter", unit_short_name="省大数据局")


@pytest.fixture
def buyer(db, enterprise_user):
    """An enterprise in the registry whose member is ``enterprise_user``."""
    return factories.enterprise("鲁智测试科技有限公司", members=[enterprise_user], employees=120)


@pytest.fixture
def catalogue(db):
    """The seed accelerator catalogue (migration data; reloaded if a flush emptied it)."""
    from luzhi.compute.catalogue import catalogue_seed

    catalogue_seed()


@pytest.fixture
def center(catalogue, plan_officer, operator):
    """An approved intelligent-compute center in 济南 with 64 A100 cards, run by ``operator``."""
    return factories.center(plan_officer, code="jn-ai-1", name="济南人工智能计算中心", members=[operator], cards=64)


@pytest.fixture
def other_center(catalogue, plan_officer, other_operator):
    return factories.center(plan_officer, code="qd-ai-1", name="青岛智算中心", city_code="370200",
                            members=[other_operator], cards=32)


@pytest.fixture
def program(plan_officer):
    """An open issue-first compute-voucher programme: 100,000 元 budget, 10,000 元 cap."""
    return factories.program(plan_officer, code="sd-compute-2026", budget_fen=10_000_000, cap=1_000_000)


@pytest.fixture
def voucher(plan_officer, enterprise_user, program, buyer, center):
    """A voucher of 5,000 元 for ``buyer`` at ``center`` (imported cards: 30 %)."""
    return factories.issued_voucher(plan_officer, enterprise_user, program=program, enterprise=buyer,
                                    center=center, requested=500_000, today=TODAY)
