"""What reporters and the plan office hit in the browser (issue 12 §6): the inbox's order,
batch 签收, the to-do badge, notifications cleared when handled, the round overview's
partial lights, sorting and today's urging, late reports, refused consolidations that keep
the draft, returns that say what was returned and where."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from luzhi.supervision import selectors
from luzhi.supervision import services
from luzhi.supervision.models import Notification
from luzhi.supervision.models import Obligation
from luzhi.supervision.tests.conftest import REPORT
from luzhi.supervision.tests.conftest import submit

S = Obligation.Status


def _url(name, *args):
    return reverse(f"supervision:{name}", args=args)


def _report(**changes):
    return {k: str(v) for k, v in REPORT.items()} | changes


# ------------------------------------------------------------------ the inbox


def test_the_inbox_puts_red_then_returned_then_yellow_then_green(
    round_q3, reporter_edu, reporter_sti, contribution
):
    today = timezone.localdate()
    owed = list(
        Obligation.objects.filter(round=round_q3, unit=reporter_edu.unit)
        .exclude(pk=contribution.pk)
        .order_by("pk")
    )
    assert len(owed) == 3
    green, yellow, red = owed
    Obligation.objects.filter(pk=green.pk).update(due_date=today + timedelta(days=3))
    Obligation.objects.filter(pk=yellow.pk).update(due_date=today - timedelta(days=1))
    Obligation.objects.filter(pk=red.pk).update(due_date=today - timedelta(days=30))
    submit(reporter_edu, contribution)
    services.report_return(actor=reporter_sti, obligation=contribution, comment="补充")
    rows = selectors.inbox(user=reporter_edu)["todo"]
    assert [row.pk for row in rows] == [red.pk, contribution.pk, yellow.pk, green.pk]


def test_batch_acknowledge_goes_through_the_service(client, round_q3, reporter_edu, reporter_sti):
    mine = list(Obligation.objects.filter(round=round_q3, unit=reporter_edu.unit).order_by("pk"))
    theirs = Obligation.objects.filter(round=round_q3, unit=reporter_sti.unit).first()
    client.force_login(reporter_edu)
    page = client.get(_url("inbox")).content.decode()
    assert _url("inbox_acknowledge") in page and f'value="{mine[0].pk}"' in page
    # Another unit's obligation in the batch: refused, and nothing of the batch is signed.
    response = client.post(
        _url("inbox_acknowledge"), {"obligation": [mine[0].pk, theirs.pk]}, follow=True
    )
    assert response.status_code == 403
    assert not Obligation.objects.filter(pk__in=[o.pk for o in mine], status=S.ACKNOWLEDGED)
    response = client.post(
        _url("inbox_acknowledge"), {"obligation": [mine[0].pk, mine[1].pk]}, follow=True
    )
    assert "已签收 2 项" in response.content.decode()
    signed = Obligation.objects.filter(pk__in=[mine[0].pk, mine[1].pk])
    assert all(o.status == S.ACKNOWLEDGED and o.acknowledged_at for o in signed)
    assert all(o.events.filter(action="acknowledge", actor=reporter_edu).exists() for o in signed)
    # Signing again is refused with the status, naming the task; the third stays pending.
    response = client.post(
        _url("inbox_acknowledge"), {"obligation": [mine[0].pk, mine[2].pk]}, follow=True
    )
    assert "未签收" in response.content.decode() and mine[0].task.path in response.content.decode()
    assert Obligation.objects.get(pk=mine[2].pk).status == S.PENDING


def test_the_badge_counts_to_dos_not_notifications(
    client, round_q3, reporter_edu, reporter_sti, contribution, plan_officer
):
    assert selectors.todo_count(reporter_edu) == 4
    Notification.objects.filter(user=reporter_edu).update(read_at=timezone.now())
    client.force_login(reporter_edu)
    assert 'data-unread="4"' in client.get(reverse("home")).content.decode()
    submit(reporter_edu, contribution)
    assert selectors.todo_count(reporter_edu) == 3
    lead_todos = selectors.todo_count(reporter_sti)
    assert (
        lead_todos == Obligation.objects.filter(round=round_q3, unit=reporter_sti.unit).count() + 1
    )
    assert selectors.todo_count(plan_officer) == 0


def test_notifications_are_cleared_when_their_item_is_handled(
    round_q3, reporter_edu, reporter_sti, contribution
):
    Notification.objects.create(
        user=reporter_edu, kind="reminder_overdue", title="逾期", obligation=contribution
    )
    other = Obligation.objects.filter(round=round_q3, unit=reporter_edu.unit).exclude(
        pk=contribution.pk
    )[0]
    Notification.objects.create(
        user=reporter_edu, kind="reminder_overdue", title="逾期", obligation=other
    )
    submit(reporter_edu, contribution)
    assert not Notification.objects.filter(
        obligation=contribution, kind="reminder_overdue", read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(obligation=other, read_at__isnull=True).exists()
    # The lead was told to review; reviewing clears it.
    assert Notification.objects.filter(
        user=reporter_sti, obligation=contribution, kind="submitted", read_at__isnull=True
    ).exists()
    services.report_accept(actor=reporter_sti, obligation=contribution)
    assert not Notification.objects.filter(
        user=reporter_sti, obligation=contribution, kind="submitted", read_at__isnull=True
    ).exists()


# ------------------------------------------------------------------ the round overview


def test_the_overview_tells_partial_from_none_sorts_and_shows_todays_urging(
    client, round_q3, plan_officer, reporter_sti, reporter_edu, contribution
):
    from luzhi.supervision.reminders import reminders_urge

    submit(reporter_edu, contribution)  # 省教育厅 reported 1 of its 4
    reminders_urge(actor=plan_officer, round_=round_q3, unit_id=reporter_sti.unit_id)
    client.force_login(plan_officer)
    response = client.get(_url("round_detail", round_q3.pk))
    rows = {row.name: row for row in response.context["units"]}
    assert rows["省教育厅"].light == "red" and rows["省教育厅"].partial
    assert rows["省科技厅"].light == "red" and not rows["省科技厅"].partial
    page = response.content.decode()
    assert "light-partial" in page and "部分已报" in page
    # Today's 催办: when and by whom, on the unit's row only.
    assert rows["省科技厅"].urged.by == str(plan_officer)
    assert rows["省教育厅"].urged is None
    assert str(plan_officer) in page
    # Sorted by overdue count, most first.
    response = client.get(_url("round_detail", round_q3.pk), {"sort": "overdue"})
    overdue = [row.overdue for row in response.context["units"]]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] > overdue[-1]


# ------------------------------------------------------------------ the report


def test_a_late_report_is_tagged_with_its_days_late(client, round_q3, reporter_edu, contribution):
    submit(reporter_edu, contribution)
    contribution.refresh_from_db()
    late = (timezone.localdate() - contribution.deadline).days
    assert late > 0  # the round was due in 2025
    client.force_login(reporter_edu)
    page = client.get(_url("obligation_detail", contribution.pk)).content.decode()
    assert f'data-late="{late}"' in page and f"逾期报送 {late} 天" in page
    overview = client.get(_url("round_detail", round_q3.pk)).content.decode()
    assert f'data-late="{late}"' in overview


def test_a_refused_consolidation_keeps_the_draft(client, lead, reporter_sti, contribution):
    client.force_login(reporter_sti)
    client.post(_url("obligation_acknowledge", lead.pk))
    response = client.post(
        _url("report_edit", lead.pk), _report(achievements="汇总:已完成 3 项。", submit="1")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="draft-kept"' in page and "尚未采纳" in page
    lead.refresh_from_db()
    assert lead.status == S.ACKNOWLEDGED  # not submitted
    assert lead.achievements == "汇总:已完成 3 项。"  # but kept
    assert lead.events.filter(action="save").exists()


def test_a_return_without_comment_shows_its_error_at_the_button(
    client, reporter_edu, reporter_sti, contribution
):
    submit(reporter_edu, contribution)
    client.force_login(reporter_sti)
    response = client.post(_url("report_review", contribution.pk), {"action": "return"})
    page = response.content.decode()
    actions = page[
        page.index('value="return"') : page.index("</div>", page.index('value="return"'))
    ]
    assert 'id="review-action-error"' in actions and "退回时请填写退回意见" in actions
    assert f'action="{_url("report_review", contribution.pk)}#review"' in page
    contribution.refresh_from_db()
    assert contribution.status == S.SUBMITTED


def test_a_returned_report_shows_the_comment_on_top_and_marks_what_was_returned(
    client, reporter_edu, reporter_sti, contribution
):
    submit(reporter_edu, contribution)
    client.force_login(reporter_sti)
    client.post(
        _url("report_review", contribution.pk),
        {"action": "return", "comment": "成效请量化。", "fields": ["achievements", "evidence"]},
    )
    contribution.refresh_from_db()
    assert contribution.returned_fields == ["achievements", "evidence"]
    client.force_login(reporter_edu)
    page = client.get(_url("obligation_detail", contribution.pk)).content.decode()
    comment_at = page.index('id="review-comment"')
    assert comment_at < page.index('id="report-form"')  # on top of the form
    assert "成效请量化。" in page[comment_at:]
    assert 'data-returned="achievements"' in page and 'data-returned="evidence"' in page
    assert 'data-returned="problems"' not in page
    # The prefilled text is still there to correct.
    assert REPORT["achievements"] in page
    # Resubmitted: the marks go.
    submit(reporter_edu, contribution)
    contribution.refresh_from_db()
    assert contribution.returned_fields == []


def test_a_returned_indicator_value_is_marked_on_the_report_form(
    client, reported_models, round_q3, reporter_sti, plan_officer, lead
):
    from luzhi.indicators.services import observation_return

    owed = selectors.owed_values(unit_id=reporter_sti.unit_id, round_=round_q3)
    if not owed:
        pytest.fail("省科技厅 owes no value in 2025-Q3: the fixture no longer fits")
    item = owed[0]
    client.force_login(reporter_sti)
    client.post(_url("obligation_acknowledge", lead.pk))
    client.post(_url("report_edit", lead.pk), _report(**{f"value_{item.indicator.pk}": "7"}))
    from luzhi.indicators.models import Observation
    from luzhi.indicators.services import observation_submit

    observation = Observation.objects.get(indicator=item.indicator, period_start=item.period.start)
    observation_submit(actor=reporter_sti, observation=observation)
    observation_return(actor=plan_officer, observation=observation, comment="口径不符")
    page = client.get(_url("obligation_detail", lead.pk)).content.decode()
    assert f'data-returned-value="{item.indicator.pk}"' in page and "口径不符" in page
    assert f'name="value_{item.indicator.pk}"' in page  # asked again, prefilled
