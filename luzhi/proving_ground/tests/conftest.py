"""Fixtures of the proving ground: an evaluator, a provider enterprise with its user, a filed
industry model pointed at a FAKE OpenAI server, benchmarks, and an in-process task worker."""

from datetime import date

import pytest
from django.core.management import call_command

from conftest import make_user
from luzhi.accounts.models import City
from luzhi.proving_ground import services
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import LargeModel
from luzhi.proving_ground.toolkit.fake_openai_server import serve_in_thread
from luzhi.registry.credit_code import check_character
from luzhi.registry.models import Enterprise
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment


def credit_code(n: int) -> str:
    first = f"91370200{n:09d}"
    return first + check_character(first)


def make_enterprise(name: str, n: int, city: str = "济南") -> Enterprise:
    return Enterprise.objects.create(name=name, credit_code=credit_code(n), city=City.objects.get(name=city),
                                     segment=Segment.LARGE_MODELS, status=RecordStatus.APPROVED)


@pytest.fixture
def evaluator(db):
    return make_user("evaluator", role="evaluator", display_name="省人工智能评测中心")


@pytest.fixture
def provider(db, enterprise_user):
    e = make_enterprise("山东智算大模型科技有限公司", 11)
    e.members.add(enterprise_user)
    return e


@pytest.fixture
def other_provider(db):
    return make_enterprise("青岛海智模型有限公司", 12, city="青岛")


@pytest.fixture
def fake_server():
    with serve_in_thread() as server:
        yield server


@pytest.fixture
def draft_model(provider, enterprise_user):
    return services.model_create(
        actor=enterprise_user, provider=provider, name="齐鲁工业大模型", version="v2", kind="industry",
        domain="制造", national_filing_no="Shandong-QiluGongye-202501010001", national_filed_on=date(2025, 1, 1),
        endpoint_url="http://127.0.0.1:9/v1", endpoint_model="qilu-industry")


def file_model(model, *, submitter, evaluator, office, number, on=date(2025, 3, 1)) -> LargeModel:
    services.filing_submit(actor=submitter, model=model)
    services.filing_assess(actor=evaluator, model=model)
    return services.filing_decide(actor=office, model=model, approve=True, filing_no=number, on=on)


@pytest.fixture
def filed_model(draft_model, enterprise_user, evaluator, plan_officer, fake_server):
    model = file_model(draft_model, submitter=enterprise_user, evaluator=evaluator, office=plan_officer,
                       number="鲁模备-2025-001")
    return services.model_update(actor=plan_officer, model=model, endpoint_url=fake_server.base_url)


@pytest.fixture
def mc_benchmark(db):
    return Benchmark.objects.create(code="mc-example", name="行业选择题示例", format="jsonl", path="jsonl/mc",
                                    split="val", domain="制造")


@pytest.fixture
def ceval_benchmark(db):
    return Benchmark.objects.create(code="ceval-example", name="C-Eval 示例", format="ceval", path="ceval", split="val")


@pytest.fixture
def worker(monkeypatch):
    """Run the queued tasks in this process through the database backend (django-tasks-db)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    return run
