"""Overdue lights (红黄灯) on hand-checked dates, and the panels on the cockpit and unit pages.

The round (conftest ``round_q3``) is due 2025-10-15 with 5 days' grace: on
2025-10-15 an unsubmitted obligation is green, from 2025-10-16 to 2025-10-20
yellow, from 2025-10-21 red; once submitted it has no light. "Today" is set
one way throughout: by monkeypatching ``django.utils.timezone.localdate``
(fixture ``today``), which the selectors and pages read.
"""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from luzhi.accounts.models import Unit
from luzhi.core import panels
from luzhi.supervision import selectors
from luzhi.supervision.models import Obligation
from luzhi.supervision.tests.conftest import TASK
from luzhi.supervision.tests.conftest import submit

YELLOW_DAY = date(2025, 10, 18)  # 3 days late, within the 5 days' grace
RED_DAY = date(2025, 10, 21)  # 6 days late: past the grace period


@pytest.fixture
def today(monkeypatch):
    """``today(day)`` makes ``timezone.localdate()`` return ``day`` (other calls unchanged)."""
    real = timezone.localdate

    def set_day(day):
        def localdate(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    return set_day


def _html(response) -> str:
    return response.content.decode()


def _unit(short_name) -> Unit:
    return Unit.objects.get(short_name=short_name)


def _row(html: str, unit: Unit) -> list[str]:
    """The numbers of a unit's row in the cockpit panel: yellow, red, longest lateness."""
    match = re.search(rf'<tr data-unit="{unit.pk}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {unit}"
    return re.findall(r'<td class="num">(\d+)</td>', match.group(1))


# ------------------------------------------------------------------ the light of an obligation


@pytest.mark.parametrize(
    ("day", "light"),
    [
        (date(2025, 10, 15), "green"),  # the due day itself is on time
        (date(2025, 10, 16), "yellow"),
        (YELLOW_DAY, "yellow"),
        (date(2025, 10, 20), "yellow"),  # the last day of grace
        (RED_DAY, "red"),
    ],
)
def test_light_by_date(round_q3, lead, today, day, light):
    today(day)
    assert selectors.light_of(lead) == light


def test_overdue_obligations_yellow_then_red_then_none_once_submitted(
    round_q3, lead, contribution, plan_officer, reporter_edu, today
):
    today(date(2025, 10, 15))
    assert selectors.overdue_obligations(user=plan_officer) == []  # not late yet
    today(YELLOW_DAY)
    rows = {o.pk: o for o in selectors.overdue_obligations(user=plan_officer)}
    assert len(rows) == round_q3.obligations.count()
    assert (rows[lead.pk].light, rows[lead.pk].days_overdue) == ("yellow", 3)
    today(RED_DAY)
    rows = {o.pk: o for o in selectors.overdue_obligations(user=plan_officer)}
    assert (rows[lead.pk].light, rows[lead.pk].days_overdue) == ("red", 6)
    submit(reporter_edu, contribution)
    contribution.refresh_from_db()
    assert selectors.light_of(contribution) == "none"
    rows = {o.pk: o for o in selectors.overdue_obligations(user=plan_officer)}
    assert contribution.pk not in rows and lead.pk in rows


# ------------------------------------------------------------------ the cockpit panel


def test_the_cockpit_shows_the_office_yellow_counts_per_unit(client, round_q3, plan_officer, today):
    today(YELLOW_DAY)
    client.force_login(plan_officer)
    html = _html(client.get(reverse("indicators:cockpit")))
    assert 'id="supervision-lights"' in html
    assert round_q3.name in html and reverse("supervision:round_detail", args=[round_q3.pk]) in html
    total = round_q3.obligations.count()
    assert f'data-counts="yellow:{total} red:0"' in html
    sti = _unit("省科技厅")
    assert _row(html, sti) == ["22", "0", "3"]  # 22 obligations, all yellow, 3 days late
    assert reverse("plan:unit_detail", args=[sti.pk]) in html
    assert "黄灯" in html and "红灯" in html  # labelled, not colour alone


def test_the_cockpit_counts_red_and_leaves_out_what_was_submitted(
    client, round_q3, contribution, plan_officer, reporter_edu, today
):
    today(RED_DAY)
    edu = _unit("省教育厅")
    edu_total = Obligation.objects.filter(round=round_q3, unit=edu).count()
    assert edu_total == 4
    submit(reporter_edu, contribution)
    client.force_login(plan_officer)
    html = _html(client.get(reverse("indicators:cockpit")))
    total = round_q3.obligations.count()
    assert f'data-counts="yellow:0 red:{total - 1}"' in html
    assert _row(html, edu) == ["0", "3", "6"]


def test_before_the_due_date_the_cockpit_says_so(client, round_q3, plan_officer, today):
    today(date(2025, 10, 10))
    client.force_login(plan_officer)
    html = _html(client.get(reverse("indicators:cockpit")))
    assert 'id="supervision-lights"' in html
    assert "尚未到截止日期(2025-10-15)" in html
    assert "data-unit=" not in html


def test_no_open_round_no_cockpit_panel(client, plan_officer):
    client.force_login(plan_officer)
    response = client.get(reverse("indicators:cockpit"))
    assert response.status_code == 200
    assert "supervision-lights" not in _html(response)


@pytest.mark.parametrize("who", ["reporter_sti", "enterprise_user", "plan_officer", None])
def test_the_public_cockpit_never_shows_the_panel(client, round_q3, today, who, request):
    today(RED_DAY)
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("indicators:public_cockpit"))
    assert response.status_code == 200
    assert "supervision-lights" not in _html(response)


def test_the_cockpit_refuses_others_without_the_panel(client, round_q3, reporter_sti, today):
    today(RED_DAY)
    client.force_login(reporter_sti)
    response = client.get(reverse("indicators:cockpit"))
    assert response.status_code == 403
    assert "supervision-lights" not in _html(response)


# ------------------------------------------------------------------ the unit page panel


def test_the_unit_page_shows_its_lights_to_the_office(client, round_q3, lead, plan_officer, today):
    today(YELLOW_DAY)
    client.force_login(plan_officer)
    html = _html(client.get(reverse("plan:unit_detail", args=[lead.unit_id])))
    assert 'id="supervision-lights"' in html
    assert html.count("<tr data-obligation=") == 22
    assert reverse("supervision:obligation_detail", args=[lead.pk]) in html
    assert 'data-counts="yellow:22 red:0"' in html
    assert TASK in html


def test_the_unit_page_shows_its_own_reporters_their_lights(
    client, round_q3, lead, contribution, reporter_sti, reporter_edu, today
):
    today(RED_DAY)
    submit(reporter_edu, contribution)
    client.force_login(reporter_edu)
    html = _html(client.get(reverse("plan:unit_detail", args=[contribution.unit_id])))
    assert 'data-counts="yellow:0 red:3"' in html
    assert f'data-obligation="{contribution.pk}"' not in html  # submitted: no light
    assert "红灯" in html
    # the same panel on 我的任务
    client.force_login(reporter_sti)
    html = _html(client.get(reverse("plan:my_tasks")))
    assert 'data-counts="yellow:0 red:22"' in html
    assert (
        f'data-obligation="{contribution.pk}"' not in html
    )  # another unit's, though it reports here


@pytest.mark.parametrize("who", ["reporter_miit", "enterprise_user", None])
def test_the_unit_page_hides_the_lights_from_others(client, round_q3, lead, today, who, request):
    today(RED_DAY)
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("plan:unit_detail", args=[lead.unit_id]))
    assert response.status_code == 200
    assert "supervision-lights" not in _html(response)


def test_a_unit_with_nothing_overdue_says_so(client, round_q3, today):
    today(YELLOW_DAY)
    reporter = make_user("reporter_wuzhi", role="unit_reporter", unit_short_name="省商务厅")
    Obligation.objects.filter(round=round_q3, unit=reporter.unit).update(
        first_submitted_at=timezone.now()
    )
    client.force_login(reporter)
    html = _html(client.get(reverse("plan:unit_detail", args=[reporter.unit_id])))
    assert "暂无逾期未报送的任务" in html


# ------------------------------------------------------------------ the registry


def test_a_panel_whose_context_is_none_renders_nothing(rf, plan_officer):
    from django.template import Context
    from django.template import Template

    calls = []

    def context(request, **kwargs):
        calls.append(kwargs)
        return None if kwargs.get("hide") else {"word": "<b>鲁</b>"}

    panels.register("test_slot", "supervision/_test_slot.html", context)
    try:
        request = rf.get("/")
        request.user = plan_officer
        template = Template('{% load panels %}[{% panels "test_slot" hide=hide %}]')
        assert template.render(Context({"request": request, "hide": True})) == "[]"
        # (the template does not exist; a context of None never loads it)
        assert calls == [{"hide": True}]
    finally:
        panels.unregister("test_slot", "supervision/_test_slot.html")
    assert panels.panels_for("test_slot") == []


def test_registering_twice_keeps_one_panel():
    before = len(panels.panels_for("cockpit"))
    from luzhi.supervision import panels as supervision_panels

    panels.register(
        "cockpit", supervision_panels.COCKPIT_TEMPLATE, supervision_panels.cockpit_lights
    )
    assert len(panels.panels_for("cockpit")) == before == 1
