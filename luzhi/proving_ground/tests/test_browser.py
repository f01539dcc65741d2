"""The proving ground in a real browser (Debian's chromium through Playwright): an evaluator
submits an evaluation from a model card; the run page shows it queued and, polling with HTMX,
shows the accuracy once a task worker has run it — without a reload."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PASSWORD
from conftest import make_user
from luzhi.proving_ground import services
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.tests.conftest import file_model
from luzhi.proving_ground.tests.conftest import make_enterprise
from luzhi.proving_ground.toolkit.fake_openai_server import serve_in_thread

pytestmark = [pytest.mark.browser]


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))


def test_submit_an_evaluation_and_watch_it_finish(page, live_server, live_data, monkeypatch):
    from django_tasks_db.management.commands import db_worker

    office = make_user("b_office", role="plan_office")
    evaluator = make_user("b_evaluator", role="evaluator")
    provider = make_enterprise("浏览器模型公司", 4242)
    Benchmark.objects.create(code="b-mc", name="浏览器选择题", format="jsonl", path="jsonl/mc")
    with serve_in_thread(latency=0.01) as server:
        model = services.model_create(actor=office, provider=provider, name="浏览器测试模型", kind="industry",
                                      domain="制造", national_filing_no="N-B", national_filed_on=date(2025, 1, 1),
                                      endpoint_url=server.base_url, endpoint_model="b")
        file_model(model, submitter=office, evaluator=evaluator, office=office, number="鲁模备-B-1")
        sign_in(page, live_server, "b_evaluator")
        page.goto(live_server.url + reverse("proving_ground:model_detail", args=[model.pk]))
        page.select_option("#run-form select[name=benchmark]", label="浏览器选择题")
        page.locator("#run-form button[type=submit]").click()
        expect(page.locator("#run-state")).to_have_text("排队中")
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        expect(page.locator("#run-state")).to_have_text("已完成", timeout=10_000)  # the HTMX poll, no reload
        expect(page.locator("#run-accuracy")).to_be_visible()
        assert server.requests == 5
