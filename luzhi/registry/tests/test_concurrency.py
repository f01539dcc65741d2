"""Registry approvals lock their row and re-check the state: two racing decisions, one wins.

Each thread has its own database connection, so on PostgreSQL the second
decision waits on ``SELECT … FOR UPDATE`` and then finds the first one's
result. The stale-object tests below check the same re-check without threads
(they run on SQLite too).
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import connections

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.accounts.services import reference_data_sync
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import TierProposal
from luzhi.registry.models import TierRule
from luzhi.registry.services import enterprises as enterprise_services
from luzhi.registry.services import records as record_services
from luzhi.registry.services import tiers as tier_svc
from luzhi.registry.tests.test_record_services import make_enterprise

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks under real concurrency need PostgreSQL (SQLite serialises writers)",
)


def race(*calls):
    """Run the calls at the same moment in threads; their results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  (the loser's refusal is the result)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def one_wins(results):
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    return [r for r in results if not isinstance(r, Exception)][0]


@pytest.fixture
def world(db):
    reference_data_sync(actor=None)  # a transactional test before this one flushed it
    office = make_user("office_race", role="plan_office")
    member = make_user("member_race", role="enterprise")
    enterprise = make_enterprise(7, "并发测试科技有限公司", City.objects.get(code="370100"))
    Enterprise.objects.filter(pk=enterprise.pk).update(status=RecordStatus.PENDING)
    enterprise.refresh_from_db()
    enterprise.members.add(member)
    product = AlgorithmProduct.objects.create(
        name="并发算法", provider=enterprise, domain="制造", status=RecordStatus.PENDING
    )
    rule = TierRule.objects.create(kind="gazelle", name="营收增长", conditions={})
    proposal = TierProposal.objects.create(
        enterprise=enterprise, rule=rule, kind="gazelle", action="grant", reason="营收增长"
    )
    return office, member, enterprise, product, proposal


# ------------------------------------------------------------------ real races (PostgreSQL)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_enterprise_approve_and_reject_race(world):
    office, _member, enterprise, _product, _proposal = world
    for _ in range(3):
        Enterprise.objects.filter(pk=enterprise.pk).update(status=RecordStatus.PENDING)
        enterprise.refresh_from_db()
        winner = one_wins(
            race(
                lambda: enterprise_services.enterprise_approve(actor=office, enterprise=enterprise),
                lambda: enterprise_services.enterprise_reject(
                    actor=office, enterprise=enterprise, comment="材料不全"
                ),
            )
        )
        enterprise.refresh_from_db()
        assert enterprise.status == winner.status


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_product_approve_and_reject_race(world):
    office, _member, _enterprise, product, _proposal = world
    for _ in range(3):
        AlgorithmProduct.objects.filter(pk=product.pk).update(status=RecordStatus.PENDING)
        product.refresh_from_db()
        winner = one_wins(
            race(
                lambda: record_services.algorithm_product_approve(actor=office, product=product),
                lambda: record_services.algorithm_product_reject(
                    actor=office, product=product, reason="功能描述不清"
                ),
            )
        )
        product.refresh_from_db()
        assert product.status == winner.status


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_tier_proposal_is_decided_once(world):
    office, _member, enterprise, _product, proposal = world
    one_wins(
        race(
            lambda: tier_svc.tier_proposal_decide(
                actor=office, proposal=proposal, accept=True
            ),
            lambda: tier_svc.tier_proposal_decide(
                actor=office, proposal=proposal, accept=False, comment="暂缓"
            ),
        )
    )
    proposal.refresh_from_db()
    held = enterprise.qualifications.filter(kind="gazelle").exists()
    assert held == (proposal.decision == TierProposal.Decision.ACCEPTED)


# ------------------------------------------------------------------ the re-check itself


def test_a_decision_on_a_stale_enterprise_is_refused(world):
    office, _member, enterprise, _product, _proposal = world
    stale = Enterprise.objects.get(pk=enterprise.pk)
    enterprise_services.enterprise_reject(actor=office, enterprise=enterprise, comment="材料不全")
    with pytest.raises(ValidationError, match="刚刚已被改为"):
        enterprise_services.enterprise_approve(actor=office, enterprise=stale)
    enterprise.refresh_from_db()
    assert enterprise.status == RecordStatus.REJECTED
    # Decided on the current state, a rejected enterprise may still be approved.
    enterprise_services.enterprise_approve(actor=office, enterprise=enterprise)
    enterprise.refresh_from_db()
    assert enterprise.status == RecordStatus.APPROVED


def test_a_decision_on_a_stale_product_is_refused(world):
    office, _member, _enterprise, product, _proposal = world
    stale = AlgorithmProduct.objects.get(pk=product.pk)
    record_services.algorithm_product_reject(actor=office, product=product, reason="不清楚")
    with pytest.raises(ValidationError, match="刚刚已被改为"):
        record_services.algorithm_product_approve(actor=office, product=stale)
    product.refresh_from_db()
    assert product.status == RecordStatus.REJECTED
    assert product.history.count() == 2
