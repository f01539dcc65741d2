"""专项办催办: the plan office urges overdue obligations; at most once a day each, on the timeline.

The 2025-Q3 round (conftest ``round_q3``) is due 2025-10-15 with 5 days' grace;
every call passes its day (``today=``).
"""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from luzhi.supervision.models import Notification
from luzhi.supervision.models import ObligationEvent
from luzhi.supervision.models import Reminder
from luzhi.supervision.reminders import reminders_send
from luzhi.supervision.reminders import reminders_urge
from luzhi.supervision.tests.conftest import submit

DAY = date(2025, 10, 20)


@pytest.fixture
def edu_mail(db):
    """省教育厅's reporter with an address (4 obligations in the seed plan)."""
    return make_user(
        "edu_mail", role="unit_reporter", unit_short_name="省教育厅", email="edu@example.cn"
    )


def test_the_office_urges_one_units_overdue_obligations(round_q3, plan_officer, edu_mail):
    sent = reminders_urge(actor=plan_officer, round_=round_q3, unit_id=edu_mail.unit_id, today=DAY)
    assert sent == 4
    (digest,) = mail.outbox  # one email for the unit's 4 obligations
    assert digest.to == ["edu@example.cn"] and "共 4 项报送任务" in digest.body
    assert "专项办督促" in digest.body and "已逾期 5 天" in digest.body
    assert Notification.objects.filter(user=edu_mail, kind="reminder_urge").count() == 4
    event = ObligationEvent.objects.filter(action="remind").first()
    assert event.actor == plan_officer and event.from_status == event.to_status == "pending"
    assert "专项办催办" in event.comment


def test_at_most_once_a_day(round_q3, plan_officer, edu_mail):
    assert reminders_urge(actor=plan_officer, round_=round_q3, unit_id=edu_mail.unit_id, today=DAY)
    assert (
        reminders_urge(actor=plan_officer, round_=round_q3, unit_id=edu_mail.unit_id, today=DAY)
        == 0
    )
    assert len(mail.outbox) == 1
    # The next day the office may urge again; an overdue reminder the same day is another kind.
    next_day = date(2025, 10, 21)
    assert (
        reminders_urge(
            actor=plan_officer, round_=round_q3, unit_id=edu_mail.unit_id, today=next_day
        )
        == 4
    )
    assert Reminder.objects.filter(kind="urge").count() == 8


def test_a_submitted_report_is_not_urged(round_q3, plan_officer, edu_mail, contribution):
    submit(edu_mail, contribution)
    assert (
        reminders_urge(actor=plan_officer, round_=round_q3, unit_id=edu_mail.unit_id, today=DAY)
        == 3
    )
    assert not contribution.reminders.exists()


def test_nothing_to_urge_before_the_due_date(round_q3, plan_officer, edu_mail):
    assert reminders_urge(actor=plan_officer, round_=round_q3, today=date(2025, 10, 15)) == 0
    assert not mail.outbox


def test_only_the_office_urges(round_q3, reporter_sti, edu_mail):
    with pytest.raises(PermissionDenied):
        reminders_urge(actor=reporter_sti, round_=round_q3, today=DAY)
    assert not Reminder.objects.exists() and not mail.outbox


def test_automatic_reminders_are_on_the_timeline_too(round_q3, edu_mail, contribution):
    assert reminders_send(round_=round_q3, today=date(2025, 10, 16)) == 105
    event = contribution.events.get(action="remind")
    assert event.actor is None and "逾期催报" in event.comment


def test_the_round_page_urges_in_the_background(
    client, round_q3, plan_officer, edu_mail, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.management.commands import db_worker

    client.force_login(plan_officer)
    page = client.get(reverse("supervision:round_detail", args=[round_q3.pk])).content.decode()
    assert "一键催办" in page  # the round is long past its due date
    url = reverse("supervision:round_urge", args=[round_q3.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"unit": edu_mail.unit_id}, follow=True)
    assert "已安排催办 4 项逾期未报任务" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path__endswith="urge_round").count() == 1
    assert not mail.outbox  # queued, not sent by the web request
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert len(mail.outbox) == 1  # one digest
    assert Reminder.objects.filter(kind="urge").count() == 4
    again = client.post(url, {"unit": edu_mail.unit_id}, follow=True).content.decode()
    assert "没有需要催办的任务" in again


@pytest.mark.parametrize(("persona", "code"), [("reporter_sti", 403), ("enterprise_user", 403)])
def test_others_cannot_urge(client, round_q3, persona, code, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("supervision:round_urge", args=[round_q3.pk]))
    assert response.status_code == code
    page = client.get(reverse("supervision:round_detail", args=[round_q3.pk])).content.decode()
    assert "一键催办" not in page
    assert not Reminder.objects.exists()


def test_the_button_waits_for_the_due_date(client, seed_plan, plan_officer):
    from datetime import timedelta

    from django.utils import timezone

    from luzhi.supervision.services import round_open

    round_ = round_open(
        actor=plan_officer,
        plan=seed_plan,
        period="2026-Q4",
        due_date=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(plan_officer)
    page = client.get(reverse("supervision:round_detail", args=[round_.pk])).content.decode()
    assert "一键催办" not in page
