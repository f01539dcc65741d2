"""Reminders (催报): the kind by date, never twice, stop on submission, the email, the schedule.

The round is the 2025-Q3 round due 2025-10-15, reminding 3 days before
(conftest ``round_q3``): "before" from 2025-10-12, "due" on 2025-10-15,
"overdue" from 2025-10-16. Every sweep is given its day (``today=``).
"""

from datetime import date
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from luzhi.accounts.services import unit_update_contact
from luzhi.supervision import services
from luzhi.supervision.models import Notification
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import Reminder
from luzhi.supervision.reminders import ReminderDeliveryError
from luzhi.supervision.reminders import reminders_send
from luzhi.supervision.tasks import enqueue_round_reminders
from luzhi.supervision.tasks import send_round_reminders
from luzhi.supervision.tasks import sweep_times
from luzhi.supervision.tests.conftest import DUE
from luzhi.supervision.tests.conftest import TASK
from luzhi.supervision.tests.conftest import submit

SHANGHAI = ZoneInfo("Asia/Shanghai")
TASK_PATH = "luzhi.supervision.tasks.send_round_reminders"


@pytest.fixture
def sti_mail(db, plan_officer):
    """省科技厅 with two reporters who have addresses, one who has none, and a contact address."""
    a = make_user(
        "sti_a", role="unit_reporter", unit_short_name="省科技厅", email="a@sti.example.cn"
    )
    make_user("sti_b", role="unit_reporter", unit_short_name="省科技厅", email="b@sti.example.cn")
    make_user("sti_c", role="unit_reporter", unit_short_name="省科技厅")
    unit_update_contact(
        actor=plan_officer,
        unit=a.unit,
        contact_name="李处长",
        contact_phone="0531-1234567",
        contact_email="office@sti.example.cn",
    )
    return a.unit


def _sti(round_):
    return Obligation.objects.filter(round=round_, unit__short_name="省科技厅")


def _kinds(round_):
    return sorted(
        set(Reminder.objects.filter(obligation__round=round_).values_list("kind", flat=True))
    )


# ------------------------------------------------------------------ the kind by date


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2025, 10, 11), None),  # 4 days ahead: too early
        (date(2025, 10, 12), "before"),  # 3 days ahead
        (date(2025, 10, 14), "before"),
        (date(2025, 10, 15), "due"),
        (date(2025, 10, 16), "overdue"),
        (date(2025, 11, 30), "overdue"),
    ],
)
def test_the_kind_sent_depends_on_the_day(round_q3, day, kind):
    total = round_q3.obligations.count()
    sent = reminders_send(round_=round_q3, today=day)
    assert sent == (0 if kind is None else total)
    assert _kinds(round_q3) == ([] if kind is None else [kind])


def test_each_kind_goes_once_in_its_turn(round_q3, sti_mail):
    total = round_q3.obligations.count()
    with_mail = _sti(round_q3).count()  # only 省科技厅 has addresses
    assert reminders_send(round_=round_q3, today=date(2025, 10, 12)) == total
    assert reminders_send(round_=round_q3, today=date(2025, 10, 13)) == 0  # "before" already sent
    assert reminders_send(round_=round_q3, today=date(2025, 10, 15)) == total
    assert reminders_send(round_=round_q3, today=date(2025, 10, 16)) == total
    assert reminders_send(round_=round_q3, today=date(2025, 10, 20)) == 0  # one overdue reminder
    assert Reminder.objects.filter(obligation__round=round_q3).count() == 3 * total
    assert with_mail > 1
    assert len(mail.outbox) == 3  # one digest to 省科技厅 per sweep, not one per obligation


# ------------------------------------------------------------------ never twice


def test_running_the_sweep_twice_sends_one_digest_per_unit(round_q3, sti_mail):
    sti = _sti(round_q3).count()
    # The clauses it leads, its contributions to other clauses' leads, its direct reports.
    assert sti == 22
    first = reminders_send(round_=round_q3, today=date(2025, 10, 12))
    second = reminders_send(round_=round_q3, today=date(2025, 10, 12))
    assert first == round_q3.obligations.count() and second == 0
    # One email for the unit's 22 obligations (not 22 emails), listing every one of them.
    (digest,) = mail.outbox
    assert "省科技厅 22 项报送任务" in digest.subject and "到期前提醒" in digest.subject
    assert "共 22 项报送任务" in digest.body
    for obligation in _sti(round_q3):
        assert reverse("supervision:obligation_detail", args=[obligation.pk]) in digest.body
    notes = Notification.objects.filter(kind="reminder_before", user__unit=sti_mail)
    assert notes.count() == 3 * sti  # three reporters, once each per obligation


def test_a_sweep_on_the_due_day_does_not_send_the_before_reminder_late(round_q3, sti_mail):
    """A worker that was down until the due day sends "due", never a stale "due soon"."""
    reminders_send(round_=round_q3, today=DUE)
    assert _kinds(round_q3) == ["due"]
    assert mail.outbox and all("到期提醒" in m.subject for m in mail.outbox)
    reminders_send(round_=round_q3, today=date(2025, 10, 17))
    assert _kinds(round_q3) == ["due", "overdue"]
    assert not Reminder.objects.filter(kind="before").exists()


def test_a_reminder_recorded_by_a_concurrent_sweep_is_skipped(round_q3, sti_mail, monkeypatch):
    """The unique constraint is the last word: an insert that collides sends nothing."""
    manager = Reminder.objects
    real_create = manager.create

    def racing_create(**kwargs):
        real_create(obligation=kwargs["obligation"], kind=kwargs["kind"])  # the other worker
        return real_create(**kwargs)

    monkeypatch.setattr(manager, "create", racing_create)
    assert reminders_send(round_=round_q3, today=date(2025, 10, 12)) == 0
    assert mail.outbox == []
    assert not Notification.objects.filter(kind__startswith="reminder").exists()


def test_a_failed_email_rolls_its_reminder_back_so_the_next_sweep_sends_it(
    round_q3, sti_mail, monkeypatch
):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    calls = {"n": 0}

    def flaky_send(self, fail_silently=False):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP relay unreachable")
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    total, sti = round_q3.obligations.count(), _sti(round_q3).count()
    with pytest.raises(ReminderDeliveryError, match="1 个单位的提醒邮件发送失败"):
        reminders_send(round_=round_q3, today=date(2025, 10, 16))
    # The unit's whole digest is rolled back (its reminders and notices); the others went.
    assert Reminder.objects.count() == total - sti
    assert not _sti(round_q3).filter(reminders__kind="overdue").exists()
    assert not Notification.objects.filter(obligation__in=_sti(round_q3)).exists()
    assert mail.outbox == []

    assert reminders_send(round_=round_q3, today=date(2025, 10, 17)) == sti
    assert _sti(round_q3).filter(reminders__kind="overdue").count() == sti
    (digest,) = mail.outbox
    assert "共 22 项报送任务" in digest.body


# ------------------------------------------------------------------ stopping


def test_reminders_stop_once_the_obligation_is_submitted(round_q3, reporter_sti, sti_mail):
    direct = _sti(round_q3).filter(channel="direct").first()  # reports to the plan office
    reminders_send(round_=round_q3, today=date(2025, 10, 12))
    submit(reporter_sti, direct)
    mail.outbox.clear()
    reminders_send(round_=round_q3, today=DUE)
    reminders_send(round_=round_q3, today=date(2025, 10, 16))
    assert list(direct.reminders.values_list("kind", flat=True)) == ["before"]
    assert len(mail.outbox) == 2  # one digest per sweep
    link = reverse("supervision:obligation_detail", args=[direct.pk])
    assert all(link not in m.body for m in mail.outbox)
    assert all(f"共 {_sti(round_q3).count() - 1} 项报送任务" in m.body for m in mail.outbox)


def test_a_returned_report_gets_no_reminder(round_q3, reporter_sti, reporter_edu, contribution):
    """Submitted once (first_submitted_at set): the lights and reminders are done with it."""
    submit(reporter_edu, contribution)
    services.report_return(actor=reporter_sti, obligation=contribution, comment="补充数据")
    reminders_send(round_=round_q3, today=date(2025, 10, 16))
    assert not contribution.reminders.exists()


def test_a_closed_round_sends_nothing(round_q3, plan_officer, sti_mail):
    services.round_close(actor=plan_officer, round_=round_q3)
    assert reminders_send(round_=round_q3, today=date(2025, 10, 16)) == 0
    assert mail.outbox == [] and not Reminder.objects.exists()


# ------------------------------------------------------------------ the email


def test_the_email_names_round_task_due_date_lateness_and_link(round_q3, sti_mail, settings):
    settings.DEFAULT_FROM_EMAIL = "duban@kjt.shandong.example.cn"
    settings.LUZHI_SITE_URL = "https://luzhi.example.gov.cn"
    reminders_send(round_=round_q3, today=date(2025, 10, 18))
    lead = _sti(round_q3).get(task__path=TASK)
    (message,) = mail.outbox
    assert message.from_email == "duban@kjt.shandong.example.cn"
    # every reporter with an address, then the unit's contact address; each once
    assert message.to == ["a@sti.example.cn", "b@sti.example.cn", "office@sti.example.cn"]
    assert message.subject.startswith("【鲁智督办】逾期催报:2025年第3季度 · 省科技厅")
    body = message.body
    # Links start with the configured site address, never the development one.
    link = reverse("supervision:obligation_detail", args=[lead.pk])
    assert f"办理链接:https://luzhi.example.gov.cn{link}" in body
    assert "127.0.0.1" not in body
    assert body.startswith(f"{lead.unit.name}:")
    assert "报送轮次:2025年第3季度(2025-Q3)" in body
    assert f"任务:{TASK} {lead.task.title}" in body
    assert "截止日期:2025-10-15" in body
    assert "逾期天数:3 天" in body  # 10-18 is 3 days after 10-15
    assert reverse("supervision:obligation_detail", args=[lead.pk]) in body
    reminder = lead.reminders.get()
    assert (reminder.kind, reminder.recipients, reminder.emails) == ("overdue", 3, 3)
    note = Notification.objects.get(user__username="sti_c", obligation=lead)
    assert note.kind == "reminder_overdue" and "已逾期 3 天" in note.title
    assert note.url == reverse("supervision:obligation_detail", args=[lead.pk])


def test_the_before_email_counts_the_days_left(round_q3, sti_mail):
    reminders_send(round_=round_q3, today=date(2025, 10, 13))
    message = mail.outbox[0]
    assert "到期前提醒" in message.subject
    assert "逾期天数:0 天" in message.body
    note = Notification.objects.filter(kind="reminder_before").first()
    assert "距截止还有 2 天" in note.title


def test_a_unit_without_any_address_gets_in_app_notifications_only(round_q3, reporter_miit):
    reminders_send(round_=round_q3, today=date(2025, 10, 16))
    assert mail.outbox == []
    miit = Obligation.objects.filter(round=round_q3, unit=reporter_miit.unit)
    assert Notification.objects.filter(user=reporter_miit, kind="reminder_overdue").count() == (
        miit.count()
    )
    assert set(Reminder.objects.filter(obligation__in=miit).values_list("emails", flat=True)) == {0}


# ------------------------------------------------------------------ the schedule


def _at(y, m, d, h=9, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def test_sweeps_run_at_nine_on_each_reminder_day():
    assert sweep_times(DUE, 3, _at(2025, 10, 1, 0)) == [
        _at(2025, 10, 12),
        _at(2025, 10, 15),
        _at(2025, 10, 16),
    ]
    # just before nine on the first reminder day: still three, none immediate
    assert sweep_times(DUE, 3, _at(2025, 10, 12, 8, 59)) == [
        _at(2025, 10, 12),
        _at(2025, 10, 15),
        _at(2025, 10, 16),
    ]


def test_a_round_opened_late_sweeps_at_once_then_on_the_remaining_days():
    assert sweep_times(DUE, 3, _at(2025, 10, 13, 10)) == [
        None,
        _at(2025, 10, 15),
        _at(2025, 10, 16),
    ]
    assert sweep_times(DUE, 3, _at(2025, 10, 16, 9, 1)) == [None]
    assert sweep_times(DUE, 3, _at(2026, 1, 1)) == [None]


def test_no_advance_reminder_means_two_sweeps():
    assert sweep_times(DUE, 0, _at(2025, 10, 1)) == [_at(2025, 10, 15), _at(2025, 10, 16)]


def test_the_sweeps_are_queued_with_their_run_after(round_q3):
    enqueue_round_reminders(round_q3.pk, DUE, 3, now=_at(2025, 10, 13, 10))
    rows = list(DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("run_after"))
    assert [r.args_kwargs["kwargs"] for r in rows] == [{"round_id": round_q3.pk}] * 3
    assert [r.run_after for r in rows[:2]] == [_at(2025, 10, 15), _at(2025, 10, 16)]
    assert rows[2].run_after.year == 9999  # no run_after: run as soon as a worker is free


def test_opening_a_round_queues_its_sweeps_only_after_commit(
    seed_plan, plan_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_ = services.round_open(
            actor=plan_officer, plan=seed_plan, period="2025-Q3", due_date=DUE
        )
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()  # nothing before commit
    for callback in callbacks:
        callback()
    # 2025-10-16 09:00 is long past: one sweep, at once
    (row,) = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert row.args_kwargs["kwargs"] == {"round_id": round_.pk}


def test_a_rolled_back_round_queues_nothing(
    seed_plan, plan_officer, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.round_open(
            actor=plan_officer, plan=seed_plan, period="2025-Q3", due_date=date(2025, 6, 1)
        )
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()


# ------------------------------------------------------------------ the worker


@pytest.fixture
def worker(monkeypatch):
    """Run the queued tasks in this process (and in this test's transaction)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    return run


def test_the_worker_sends_each_reminder_once_however_often_it_runs(
    seed_plan, plan_officer, sti_mail, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = services.round_open(
            actor=plan_officer, plan=seed_plan, period="2025-Q3", due_date=DUE
        )
    assert mail.outbox == []  # queued, not run
    worker()
    sti = _sti(round_).count()
    assert sti > 1
    assert len(mail.outbox) == 1  # today is past the due date: the overdue reminders, one digest
    assert _kinds(round_) == ["overdue"]
    # a duplicate sweep, and one re-run for a past day, after a "restart"
    send_round_reminders.enqueue(round_id=round_.pk)
    send_round_reminders.enqueue(round_id=round_.pk, day="2025-10-18")
    worker()
    assert len(mail.outbox) == 1
    results = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert sorted(results.values_list("return_value", flat=True)) == [
        0,
        0,
        round_.obligations.count(),
    ]


def test_the_task_of_a_deleted_round_sends_nothing(db):
    assert send_round_reminders.call(round_id=999_999) == 0


# ------------------------------------------------------------------ the command


def test_the_command_sends_inline_with_now(round_q3, sti_mail):
    out = StringIO()
    call_command("supervision", "remind", "--now", "--today", "2025-10-12", stdout=out)
    total = round_q3.obligations.count()
    assert f"reminders sent: {total}" in out.getvalue()
    assert len(mail.outbox) == 1  # 省科技厅's digest
    out = StringIO()
    call_command(
        "supervision",
        "remind",
        "--now",
        "--today",
        "2025-10-12",
        "--round",
        str(round_q3.pk),
        stdout=out,
    )
    assert "reminders sent: 0" in out.getvalue()
    assert len(mail.outbox) == 1  # 省科技厅's digest


def test_the_command_queues_a_sweep_by_default(round_q3):
    out = StringIO()
    call_command("supervision", "remind", "--today", "2025-10-15", stdout=out)
    assert "queued" in out.getvalue()
    (row,) = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert row.args_kwargs["kwargs"] == {"round_id": round_q3.pk, "day": "2025-10-15"}
    assert not Reminder.objects.exists()


def test_the_command_refuses_bad_input(round_q3, plan_officer):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("supervision", "remind", "--today", "15/10/2025")
    with pytest.raises(CommandError, match="no round"):
        call_command("supervision", "remind", "--round", "999999")
    services.round_close(actor=plan_officer, round_=round_q3)
    with pytest.raises(CommandError, match="closed"):
        call_command("supervision", "remind", "--round", str(round_q3.pk))
    out = StringIO()
    call_command("supervision", "remind", "--now", stdout=out)
    assert "no open rounds" in out.getvalue()
