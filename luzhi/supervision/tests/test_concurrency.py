"""Every state transition of supervision, raced on PostgreSQL (issue 10): the service locks
the row and re-checks its state, so of two contradicting requests sent at the same moment
exactly one succeeds and the other is refused with the state it found.

PostgreSQL only: SQLite's in-memory test database fails a second writer at once instead
of letting it wait for the row lock, so it cannot show the race being serialised.
"""

from __future__ import annotations

import threading
from datetime import date
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import connections
from django.utils import timezone

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="racing writers need a server database (SQLite's in-memory test database "
        "refuses a second writer at once instead of queueing it on the row lock)",
    ),
    pytest.mark.django_db(transaction=True),
]

DUE = date(2025, 10, 15)


def race(*calls) -> list[str]:
    """Run the calls on threads that start together; "ok" or the refusal's text each."""
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            call()
            results[index] = "ok"
        except ValidationError as exc:
            results[index] = " ".join(exc.messages)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def world(live_data):
    from conftest import make_user
    from luzhi.supervision.services import round_open

    office = make_user("race_office", role="plan_office")
    sti = make_user("race_sti", role="unit_reporter", unit_short_name="省科技厅")
    round_ = round_open(actor=office, plan=live_data, period="2025-Q3", due_date=DUE)
    return office, sti, round_


def _submitted_direct(office, sti, round_):
    from luzhi.supervision.services import obligation_acknowledge
    from luzhi.supervision.services import report_save

    lead = round_.obligations.get(task__path="二/(一)/2", unit=sti.unit)
    lead.contributions.update(status="accepted")
    obligation_acknowledge(actor=sti, obligation=lead)
    return report_save(
        actor=sti,
        obligation=lead,
        submit=True,
        progress="in_progress",
        percent=50,
        achievements="推进中",
    )


def test_reports_reopening_and_rounds_under_races(world):
    from luzhi.supervision.models import Obligation
    from luzhi.supervision.models import ReopenRequest
    from luzhi.supervision.models import Round
    from luzhi.supervision.services import reopen_decide
    from luzhi.supervision.services import reopen_request
    from luzhi.supervision.services import report_accept
    from luzhi.supervision.services import report_return
    from luzhi.supervision.services import round_close

    office, sti, round_ = world
    report = _submitted_direct(office, sti, round_)
    # Accept and return of the same submitted report: one wins, the other sees its state.
    results = race(
        lambda: report_accept(actor=office, obligation=report),
        lambda: report_return(actor=office, obligation=report, comment="补充材料"),
    )
    assert sorted(r == "ok" for r in results) == [False, True], results
    report.refresh_from_db()
    assert report.status in ("accepted", "returned")
    assert report.events.filter(action__in=["accept", "return"]).count() == 1
    if report.status == "returned":  # bring it to accepted for the reopening race
        from luzhi.supervision.services import report_save

        report_save(
            actor=sti,
            obligation=report,
            submit=True,
            progress="in_progress",
            percent=60,
            achievements="已补充",
        )
        report_accept(actor=office, obligation=report)
    reopen = reopen_request(actor=sti, obligation=report, reason="数据有误")
    results = race(
        lambda: reopen_decide(actor=office, request=reopen, approve=True),
        lambda: reopen_decide(actor=office, request=reopen, approve=False, comment="不同意"),
    )
    assert results.count("ok") == 1, results
    reopen.refresh_from_db()
    report.refresh_from_db()
    assert (reopen.status == ReopenRequest.Status.APPROVED) == (report.status == "returned")
    # Closing a round twice at once: closed once.
    results = race(*(lambda: round_close(actor=office, round_=round_) for _ in range(3)))
    assert results.count("ok") == 1, results
    assert (
        Round.objects.get(pk=round_.pk).history.filter(history_change_reason="round closed").count()
        == 1
    )
    assert Obligation.objects.filter(round=round_).exists()


def test_milestones_and_orders_under_races(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luzhi.plan.models import Section
    from luzhi.supervision.models import CycleEvent
    from luzhi.supervision.models import SupervisionOrder
    from luzhi.supervision.services import milestones
    from luzhi.supervision.services import orders

    settings.MEDIA_ROOT = tmp_path
    office, sti, round_ = world
    task = Section.objects.get(plan=round_.plan, path="二/(一)/1")
    milestone = milestones.milestone_create(
        actor=office,
        task=task,
        unit=sti.unit,
        year=2025,
        title="立项",
        due_date=DUE,
        standard="印发",
    )
    milestones.milestone_claim(
        actor=sti,
        milestone=milestone,
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n0", content_type="application/pdf")],
    )
    # Close and refuse the same claim at once: one verification only.
    results = race(
        lambda: milestones.milestone_verify(
            actor=office, milestone=milestone, close=True, comment="通过"
        ),
        lambda: milestones.milestone_verify(
            actor=office, milestone=milestone, close=False, comment="不通过"
        ),
    )
    assert results.count("ok") == 1, results
    assert (
        CycleEvent.objects.filter(milestone=milestone, action__in=["close", "refuse"]).count() == 1
    )

    order = orders.order_create(actor=office, unit=sti.unit, title="督办")
    deadline = timezone.localdate() + timedelta(days=7)
    results = race(
        lambda: orders.order_issue(
            actor=office, order=order, deadline=deadline, required_response="整改"
        ),
        lambda: orders.order_dismiss(actor=office, order=order, comment="不需要"),
    )
    assert results.count("ok") == 1, results
    order.refresh_from_db()
    if order.status == SupervisionOrder.Status.ISSUED:
        results = race(
            *(
                lambda i=i: orders.order_respond(actor=sti, order=order, response=f"措施{i}")
                for i in range(3)
            )
        )
        assert results.count("ok") == 1, results
        results = race(
            lambda: orders.order_close(
                actor=office, order=order, facts="f", evidence="e", conclusion="c"
            ),
            lambda: orders.field_check_record(
                actor=office,
                order=order,
                checked_on=timezone.localdate(),
                people="张三",
                findings="未整改",
                outcome="escalate",
            ),
        )
        assert results.count("ok") == 1, results
    # Two sweeps proposing at once: one order per source.
    later = DUE + timedelta(days=40)
    race(lambda: orders.orders_propose(today=later), lambda: orders.orders_propose(today=later))
    proposals = SupervisionOrder.objects.filter(source="obligation", status="proposed")
    keys = list(proposals.values_list("source_key", flat=True))
    assert keys and len(keys) == len(set(keys))
