"""The inbox (待办) per role, the notification list, marking read, and the navigation badge."""

import re

import pytest
from django.urls import reverse

from luzhi.supervision import services
from luzhi.supervision.models import Notification
from luzhi.supervision.models import Obligation
from luzhi.supervision.tests.conftest import submit

INBOX = reverse("supervision:inbox")
NOTES = reverse("supervision:notifications")
READ = reverse("supervision:notifications_read")


def _html(response) -> str:
    return response.content.decode()


def _section(html: str, key: str) -> str:
    match = re.search(rf'<section class="card" id="inbox-{key}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def _rows(html: str, key: str) -> set[int]:
    """The obligations listed in a section; ``owed`` and ``returned`` are kinds of rows of the
    one 待我报送 list (``todo``)."""
    if key in ("owed", "returned"):
        pattern = rf'data-obligation="(\d+)" data-kind="{key}"'
        return {int(pk) for pk in re.findall(pattern, _section(html, "todo"))}
    return {int(pk) for pk in re.findall(r'data-obligation="(\d+)"', _section(html, key))}


def _detail(obligation) -> str:
    return reverse("supervision:obligation_detail", args=[obligation.pk])


# ------------------------------------------------------------------ who sees what


@pytest.mark.parametrize("url", [INBOX, NOTES])
def test_the_public_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_is_needed_to_mark_read(client):
    response = client.post(READ)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_reporter_sees_what_the_unit_owes(client, round_q3, reporter_edu, contribution):
    client.force_login(reporter_edu)
    html = _html(client.get(INBOX))
    owed = set(
        Obligation.objects.filter(round=round_q3, unit=reporter_edu.unit).values_list(
            "pk", flat=True
        )
    )
    assert len(owed) == 4
    assert _rows(html, "owed") == owed
    assert _rows(html, "to_review") == set() and _rows(html, "returned") == set()
    section = _section(html, "todo")
    assert _detail(contribution) in section
    assert round_q3.name in section and contribution.task.path in section
    assert "待签收" in section and "报 省科技厅 汇总" in section
    assert "红灯" in section  # today (2026) is long past the round's grace period


def test_the_lead_reviews_contributions_and_the_author_sees_them_returned(
    client, round_q3, reporter_sti, reporter_edu, contribution
):
    submit(reporter_edu, contribution)
    client.force_login(reporter_sti)
    html = _html(client.get(INBOX))
    assert _rows(html, "to_review") == {contribution.pk}
    assert contribution.pk not in _rows(html, "owed")
    assert "审核" in _section(html, "to_review")

    services.report_return(actor=reporter_sti, obligation=contribution, comment="请补充<佐证>材料")
    assert _rows(_html(client.get(INBOX)), "to_review") == set()
    client.force_login(reporter_edu)
    html = _html(client.get(INBOX))
    assert _rows(html, "returned") == {contribution.pk}
    assert contribution.pk not in _rows(html, "owed")
    returned = _section(html, "todo")
    assert "请补充&lt;佐证&gt;材料" in returned  # escaped
    assert "已报送" in returned  # submitted once: no overdue light


def test_the_office_reviews_what_reports_to_it(
    client, round_q3, plan_officer, reporter_sti, reporter_edu, contribution
):
    direct = Obligation.objects.filter(round=round_q3, unit=reporter_sti.unit, channel="direct")[0]
    submit(reporter_sti, direct)
    submit(reporter_edu, contribution)  # goes to the lead, not to the office
    client.force_login(plan_officer)
    html = _html(client.get(INBOX))
    assert _rows(html, "to_review") == {direct.pk}
    assert _section(html, "todo") == ""


def test_the_office_sees_reopen_requests_waiting_for_a_decision(
    client, round_q3, plan_officer, reporter_sti, reporter_edu, contribution
):
    submit(reporter_edu, contribution)
    services.report_accept(actor=reporter_sti, obligation=contribution)
    client.force_login(plan_officer)
    assert _rows(_html(client.get(INBOX)), "reopen") == set()
    request = services.reopen_request(actor=reporter_edu, obligation=contribution, reason="漏报")
    assert _rows(_html(client.get(INBOX)), "reopen") == {contribution.pk}
    services.reopen_decide(actor=plan_officer, request=request, approve=False)
    assert _rows(_html(client.get(INBOX)), "reopen") == set()


def test_an_enterprise_user_gets_an_empty_inbox_with_a_reason(client, round_q3, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(INBOX)
    html = _html(response)
    assert response.status_code == 200
    assert "data-empty-inbox" in html and "只面向专项办和各责任单位的填报员" in html
    assert "data-obligation" not in html


def test_the_inbox_query_count_is_bounded(
    client, round_q3, reporter_sti, django_assert_max_num_queries
):
    client.force_login(reporter_sti)
    with django_assert_max_num_queries(10):
        assert client.get(INBOX).status_code == 200


# ------------------------------------------------------------------ notifications


def test_unread_notifications_appear_in_the_inbox_and_the_nav(client, reporter_edu, round_q3):
    # (the reporters exist before the round opens, so they are told about it)
    note = Notification.objects.get(user=reporter_edu)  # the round was opened: 4 new obligations
    client.force_login(reporter_edu)
    html = _html(client.get(INBOX))
    assert f'data-notification="{note.pk}"' in _section(html, "notifications")
    assert "新的报送任务" in html
    # The badge on 待办 counts to-dos (the unit's 4 obligations), not unread notifications.
    assert 'data-unread="4"' in html
    assert f'href="{reverse("supervision:round_list")}"' in html  # 督办 in the navigation


def test_the_nav_shows_no_badge_and_no_rounds_link_to_enterprises(client, enterprise_user):
    client.force_login(enterprise_user)
    html = _html(client.get(reverse("home")))
    assert INBOX in html and "data-unread" not in html
    assert f'href="{reverse("supervision:round_list")}"' not in html


def test_the_public_nav_has_no_inbox(client, seed_plan):
    html = _html(client.get(reverse("home")))
    assert INBOX not in html


def test_the_notification_list_shows_only_my_own(client, reporter_sti, reporter_edu, round_q3):
    mine = Notification.objects.filter(user=reporter_edu)
    theirs = Notification.objects.filter(user=reporter_sti)
    assert mine.exists() and theirs.exists()
    client.force_login(reporter_edu)
    html = _html(client.get(NOTES))
    shown = {int(pk) for pk in re.findall(r'data-notification="(\d+)"', html)}
    assert shown == set(mine.values_list("pk", flat=True))


def test_marking_one_read_touches_only_my_own(client, reporter_sti, reporter_edu, round_q3):
    mine = Notification.objects.get(user=reporter_edu)
    theirs = Notification.objects.filter(user=reporter_sti).first()
    client.force_login(reporter_edu)
    assert client.post(READ, {"id": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post(READ, {"id": "x"}).status_code == 404
    response = client.post(READ, {"id": mine.pk, "next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert f'data-notification="{mine.pk}"' not in _section(
        _html(client.get(INBOX)), "notifications"
    )


def test_marking_all_read_touches_only_my_own(
    client, reporter_sti, reporter_edu, round_q3, contribution
):
    submit(reporter_edu, contribution)  # 省科技厅 is told a report waits for its review
    assert Notification.objects.filter(user=reporter_sti, read_at__isnull=True).count() == 2
    client.force_login(reporter_sti)
    response = client.post(READ, {"next": "https://evil.example.com/"})
    assert response.status_code == 302 and response["Location"] == NOTES  # no open redirect
    assert not Notification.objects.filter(user=reporter_sti, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=reporter_edu, read_at__isnull=True).exists()


def test_marking_read_is_post_only(client, reporter_sti):
    client.force_login(reporter_sti)
    assert client.get(READ).status_code == 405


def test_a_notification_links_only_to_this_site(client, reporter_sti):
    Notification.objects.create(
        user=reporter_sti, kind="test", title="外链", url="javascript:alert(1)"
    )
    Notification.objects.create(
        user=reporter_sti, kind="test", title="<script>x</script>", url="//evil"
    )
    client.force_login(reporter_sti)
    html = _html(client.get(NOTES))
    assert "javascript:alert" not in html and 'href="//evil"' not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
