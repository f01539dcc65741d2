"""Reporting and review pages: permissions per role, bad input per field, review, HTMX rows.

Periods are chosen relative to ``timezone.localdate()`` (the previous quarter),
so the tests do not depend on the day they run.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from django.urls import reverse
from django.utils import timezone

from conftest import SEED_PLAN
from luzhi.accounts.models import City
from luzhi.indicators.forms import period_choices
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import CityAllocation
from luzhi.indicators.models import Evidence
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Milestone
from luzhi.indicators.models import Observation
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.selectors import indicator_statuses
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_save

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JINAN, QINGDAO = "370100", "370200"
BASIC = "basic-research-projects"  # 省科技厅, quarterly, 项, province only
LEADERS = "leading-enterprises"  # 省工信厅 + 省科技厅, additive, target 20 家


def _previous_quarter() -> Period:
    current = Period.containing(PeriodType.QUARTER, timezone.localdate())
    return Period.containing(PeriodType.QUARTER, current.start - timedelta(days=1))


PREV = str(_previous_quarter())


def _client(client, user):
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


def _html(response) -> str:
    return response.content.decode()


def _post_report(client, code=BASIC, submit=False, files=(), **fields):
    data = {
        "period": PREV,
        "region": PROVINCE,
        "value": "42",
        "unit": "项",
        "source": "report",
        "note": "第一批立项",
    } | fields
    data["submit" if submit else "save"] = "1"
    if files:
        data["files"] = list(files)
    return client.post(reverse("indicators:report", args=[code]), data)


def _submitted(actor, indicator, value=42, region=PROVINCE, period=PREV, files=()):
    return observation_save(
        actor=actor,
        indicator=indicator,
        period=period,
        region=region,
        value=value,
        submit=True,
        files=files,
    )


def _field_block(html: str, name: str) -> str:
    """The markup of one form field (label, input, help and its errors), up to the next field."""
    start = html.find(f'id="field-{name}"')
    assert start >= 0, f"no field block for {name}"
    start = html.rfind("<div", 0, start)
    ends = (
        html.find('<div class="field', start + 1),
        html.find("actions-bar", start),
        html.find("</form>", start),
    )
    return html[start : min(i for i in ends if i >= 0)]


# ------------------------------------------------------------------ routes


def test_routes_resolve_to_the_reporting_views():
    """`mine/` and `review/` must not be swallowed by a `<code>/` pattern listed before them."""
    for url, name in [
        ("/indicators/mine/", "my_indicators"),
        ("/indicators/review/", "review_queue"),
        (f"/indicators/{BASIC}/report/", "report"),
        (f"/indicators/{LEADERS}/allocation/", "allocation_edit"),
        (f"/indicators/{LEADERS}/milestones/", "milestone_edit"),
        ("/indicators/observations/7/review/", "observation_review"),
        ("/indicators/observations/7/correct/", "observation_correct"),
        ("/indicators/observations/7/submit/", "observation_submit"),
        ("/indicators/evidence/7/", "evidence_download"),
    ]:
        assert resolve(url).view_name == f"indicators:{name}"


def test_period_choices_run_from_the_current_period_back_to_the_baseline(indicators):
    today = timezone.localdate()
    choices = [value for value, _label in period_choices(indicators[BASIC], today)]
    assert choices[0] == str(Period.containing(PeriodType.QUARTER, today))
    assert choices[-1] == "2024-Q1"
    assert choices == sorted(choices, reverse=True) and PREV in choices
    yearly = [value for value, _label in period_choices(indicators["ai-core-output"], today)]
    assert yearly[-1] == "2024" and yearly[0] == str(today.year)


# ------------------------------------------------------------------ report: roles


def test_reporter_of_the_responsible_unit_reports_a_draft_then_submits(
    client, indicators, reporter_sti, media
):
    client.force_login(reporter_sti)
    page = client.get(reverse("indicators:report", args=[BASIC]))
    assert page.status_code == 200
    html = _html(page)
    assert "保存草稿" in html and "提交审核" in html and 'value="项"' in html and "readonly" in html
    assert f'value="{PREV}" selected' in html  # the last completed quarter by default

    response = _post_report(
        client, files=[SimpleUploadedFile("立项清单.pdf", PDF, "application/pdf")]
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "indicators:my_indicators"
    )
    obs = Observation.objects.get()
    assert (obs.status, obs.value, obs.region, str(obs.period)) == ("draft", 42, PROVINCE, PREV)
    assert obs.reporting_unit.short_name == "省科技厅" and obs.note == "第一批立项"
    assert obs.evidence.get().original_name == "立项清单.pdf"
    assert "草稿已保存" in _html(client.get(response["Location"]))

    response = _post_report(client, submit=True, value="45")
    assert response.status_code == 302
    obs.refresh_from_db()
    assert (obs.status, obs.value) == ("submitted", 45)
    assert Observation.objects.count() == 1  # the same slot, updated


def test_an_existing_draft_is_submitted_from_my_indicators(client, indicators, reporter_sti):
    client.force_login(reporter_sti)
    _post_report(client)
    obs = Observation.objects.get()
    mine = _html(client.get(reverse("indicators:my_indicators")))
    assert reverse("indicators:observation_submit", args=[obs.pk]) in mine
    response = client.post(reverse("indicators:observation_submit", args=[obs.pk]))
    assert response.status_code == 302
    obs.refresh_from_db()
    assert obs.status == "submitted"
    again = client.post(reverse("indicators:observation_submit", args=[obs.pk]), follow=True)
    assert "不能提交" in _html(again)  # submitted → submitted is refused with the service's message


def test_reporter_of_another_unit_gets_403_and_nothing_is_saved(client, indicators, reporter_miit):
    client.force_login(reporter_miit)
    assert client.get(reverse("indicators:report", args=[BASIC])).status_code == 403
    assert _post_report(client).status_code == 403
    assert not Observation.objects.exists()


def test_anonymous_is_sent_to_sign_in_and_enterprise_users_are_refused(
    client, indicators, enterprise_user
):
    for name, args in [
        ("report", [BASIC]),
        ("my_indicators", []),
        ("review_queue", []),
        ("allocation_edit", [LEADERS]),
        ("milestone_edit", [LEADERS]),
    ]:
        response = client.get(reverse(f"indicators:{name}", args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert _post_report(client).status_code == 302
    client.force_login(enterprise_user)
    for name, args in [
        ("report", [BASIC]),
        ("my_indicators", []),
        ("review_queue", []),
        ("allocation_edit", [LEADERS]),
        ("milestone_edit", [LEADERS]),
    ]:
        assert client.get(reverse(f"indicators:{name}", args=args)).status_code == 403
    assert _post_report(client).status_code == 403
    assert not Observation.objects.exists()


def test_a_city_reporter_may_choose_only_its_own_city(client, indicators, reporter_jinan):
    client.force_login(reporter_jinan)
    html = _html(client.get(reverse("indicators:report", args=[LEADERS])))
    options = re.findall(r'<option value="(\d{6})"', html)
    assert options == [JINAN]
    assert _post_report(client, code=LEADERS, region=QINGDAO, unit="家").status_code == 403
    assert _post_report(client, code=LEADERS, region=JINAN, unit="家").status_code == 302
    assert Observation.objects.get().region == JINAN
    # a province-only indicator it is not responsible for
    assert client.get(reverse("indicators:report", args=[BASIC])).status_code == 403


# ------------------------------------------------------------------ report: bad input


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"value": "-3"}, "value", "不能为负数"),
        ({"value": "很多"}, "value", "不是数字"),
        ({"unit": "家"}, "unit", "计量单位应为"),
        ({"period": "2023-Q4"}, "period", "不在计划期内"),
        ({"period": "2028-Q1"}, "period", "不在计划期内"),
        ({"period": "2026-03"}, "period", "按季度填报"),
        ({"region": "北京市"}, "region", "不是山东省的设区市"),
        ({"source": "computed"}, "source", "只能填报"),
        ({"value": ""}, "value", "必填"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(
    client, indicators, reporter_sti, media, fields, field, message
):
    client.force_login(reporter_sti)
    response = _post_report(client, files=[SimpleUploadedFile("a.pdf", PDF)], **fields)
    assert response.status_code == 200
    block = _field_block(_html(response), field)
    assert "has-error" in block and message in block
    assert not Observation.objects.exists() and not Evidence.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream"), "类型不允许"),
        (SimpleUploadedFile("fake.pdf", PNG, "application/pdf"), "内容与其扩展名不符"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * 64, "application/pdf"), "超过上限"),
    ],
)
def test_a_bad_evidence_file_leaves_no_observation(
    client, indicators, reporter_sti, media, settings, upload, message
):
    settings.LUZHI_EVIDENCE_MAX_BYTES = 80
    client.force_login(reporter_sti)
    good = SimpleUploadedFile("ok.pdf", PDF, "application/pdf")
    response = _post_report(client, submit=True, files=[good, upload])
    assert response.status_code == 200
    block = _field_block(_html(response), "files")
    assert message in block and upload.name in block
    assert not Observation.objects.exists() and not Evidence.objects.exists()
    # The good file of the same request is not stored as evidence, only held for the next
    # post (core.pending), so it need not be chosen again.
    assert not [p for p in media.rglob("*.pdf") if "pending" not in p.parts]


def test_a_submitted_value_cannot_be_overwritten_by_the_unit(client, indicators, reporter_sti):
    client.force_login(reporter_sti)
    _post_report(client, submit=True)
    response = _post_report(client, value="50")
    assert response.status_code == 200 and "不能修改" in _html(response)
    assert Observation.objects.get().value == 42


def test_editing_a_returned_value_prefills_it_with_the_comment(
    client, indicators, reporter_sti, plan_officer
):
    obs = _submitted(reporter_sti, indicators[BASIC], value=41)
    client.force_login(plan_officer)
    client.post(
        reverse("indicators:observation_review", args=[obs.pk]),
        {"action": "return", "comment": "请附立项文件"},
    )
    client.force_login(reporter_sti)
    html = _html(
        client.get(
            reverse("indicators:report", args=[BASIC]),
            {"period": PREV, "region": PROVINCE, "source": "report"},
        )
    )
    assert 'value="41"' in html and "请附立项文件" in html


def test_a_ratio_indicator_is_reported_through_its_parts(client, indicators, reporter_miit):
    client.force_login(reporter_miit)
    html = _html(client.get(reverse("indicators:report", args=["compute-intelligent-share"])))
    assert "不能直接填报" in html
    assert reverse("indicators:report", args=["compute-intelligent"]) in html
    assert '<form method="post" enctype' not in html


# ------------------------------------------------------------------ my indicators


def test_my_indicators_lists_the_units_indicators_and_latest_values(
    client, indicators, reporter_sti, reporter_miit
):
    _submitted(reporter_sti, indicators[BASIC], value=42)
    client.force_login(reporter_sti)
    html = _html(client.get(reverse("indicators:my_indicators")))
    assert indicators[BASIC].name in html and "已提交" in html and "42 项" in html
    assert indicators["compute-total"].name not in html  # 省科技厅 is not responsible for compute
    client.force_login(reporter_miit)
    html = _html(client.get(reverse("indicators:my_indicators")))
    assert (
        indicators["compute-total"].name in html and "42 项" not in html
    )  # not their unit's value


def test_the_plan_office_sees_every_indicator_in_a_fixed_number_of_queries(
    client, indicators, plan_officer, reporter_sti, media, django_assert_max_num_queries
):
    for code, region in [(BASIC, PROVINCE), (LEADERS, JINAN), (LEADERS, QINGDAO)]:
        _submitted(
            reporter_sti, indicators[code], region=region, files=[SimpleUploadedFile("a.pdf", PDF)]
        )
    client.force_login(plan_officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("indicators:my_indicators"))
    html = _html(response)
    assert all(i.name in html for i in indicators.values())
    assert reverse("indicators:allocation_edit", args=[LEADERS]) in html
    assert "济南" in html and "青岛" in html and html.count("a.pdf") == 3
    filtered = _html(client.get(reverse("indicators:my_indicators"), {"status": "approved"}))
    assert indicators[BASIC].name not in filtered  # only indicators with values in that status


# ------------------------------------------------------------------ review


def test_review_queue_lists_submitted_values_with_evidence(
    client, indicators, reporter_sti, plan_officer, media, django_assert_max_num_queries
):
    obs = _submitted(reporter_sti, indicators[BASIC], files=[SimpleUploadedFile("清单.pdf", PDF)])
    _submitted(reporter_sti, indicators[LEADERS], value=3, region=JINAN)
    client.force_login(plan_officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("indicators:review_queue"))
    html = _html(response)
    assert response.status_code == 200
    assert indicators[BASIC].name in html and "济南" in html and "42" in html and "项" in html
    evidence = obs.evidence.get()
    assert reverse("indicators:evidence_download", args=[evidence.pk]) in html
    assert html.count('name="action" value="approve"') == 2


def test_approving_makes_the_value_the_indicators_latest(
    client, indicators, reporter_sti, plan_officer
):
    basic = indicators[BASIC]
    obs = _submitted(reporter_sti, basic, value=42)
    client.force_login(plan_officer)
    response = client.post(
        reverse("indicators:observation_review", args=[obs.pk]), {"action": "approve"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "indicators:review_queue"
    )
    obs.refresh_from_db()
    assert obs.status == "approved"
    status = next(s for s in indicator_statuses(user=plan_officer) if s.indicator.code == BASIC)
    assert str(status.latest_period) == PREV and status.series[-1][1] == 42
    assert "已审核通过" in _html(client.get(response["Location"]))


def test_returning_shows_the_comment_to_the_reporter(
    client, indicators, reporter_sti, plan_officer
):
    obs = _submitted(reporter_sti, indicators[BASIC])
    client.force_login(plan_officer)
    client.post(
        reverse("indicators:observation_review", args=[obs.pk]),
        {"action": "return", "comment": "请补充<b>项目清单</b>"},
    )
    obs.refresh_from_db()
    assert obs.status == "returned"
    client.force_login(reporter_sti)
    html = _html(client.get(reverse("indicators:my_indicators")))
    assert "已退回" in html and "请补充&lt;b&gt;项目清单&lt;/b&gt;" in html  # escaped


def test_returning_without_a_comment_is_refused(client, indicators, reporter_sti, plan_officer):
    obs = _submitted(reporter_sti, indicators[BASIC])
    client.force_login(plan_officer)
    response = client.post(
        reverse("indicators:observation_review", args=[obs.pk]),
        {"action": "return", "comment": "  "},
    )
    assert response.status_code == 200 and "退回时必须填写意见" in _html(response)
    htmx = client.post(
        reverse("indicators:observation_review", args=[obs.pk]),
        {"action": "return", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert htmx.status_code == 200 and "退回时必须填写意见" in _html(htmx)
    assert 'name="action" value="return"' in _html(htmx)  # the row keeps its form
    obs.refresh_from_db()
    assert obs.status == "submitted"


def test_a_reporter_cannot_review(client, indicators, reporter_sti):
    obs = _submitted(reporter_sti, indicators[BASIC])
    client.force_login(reporter_sti)
    response = client.post(
        reverse("indicators:observation_review", args=[obs.pk]), {"action": "approve"}
    )
    assert response.status_code == 403
    assert client.get(reverse("indicators:review_queue")).status_code == 403
    obs.refresh_from_db()
    assert obs.status == "submitted"


def test_an_htmx_approve_returns_only_the_row(client, indicators, reporter_sti, plan_officer):
    obs = _submitted(reporter_sti, indicators[BASIC])
    client.force_login(plan_officer)
    response = client.post(
        reverse("indicators:observation_review", args=[obs.pk]),
        {"action": "approve", "comment": "数据核实"},
        HTTP_HX_REQUEST="true",
    )
    html = _html(response).strip()
    assert response.status_code == 200
    assert html.startswith(f'<tr id="review-{obs.pk}"') and html.endswith("</tr>")
    assert "<html" not in html and "<table" not in html
    assert "已审核" in html and "数据核实" in html and 'name="action"' not in html
    assert "HX-Request" in response["Vary"]
    obs.refresh_from_db()
    assert obs.status == "approved" and obs.review_comment == "数据核实"


# ------------------------------------------------------------------ correction


def test_correcting_an_approved_value_keeps_history_with_the_reason(
    client, indicators, reporter_sti, plan_officer
):
    obs = _submitted(reporter_sti, indicators[BASIC], value=42)
    observation_approve(actor=plan_officer, observation=obs)
    url = reverse("indicators:observation_correct", args=[obs.pk])
    client.force_login(reporter_sti)
    assert client.get(url).status_code == 403
    assert client.post(url, {"value": "1", "reason": "x"}).status_code == 403
    client.force_login(plan_officer)
    missing = client.post(url, {"value": "44", "reason": ""})
    assert missing.status_code == 200 and "has-error" in _field_block(_html(missing), "reason")
    negative = client.post(url, {"value": "-1", "reason": "复核"})
    assert "不能为负数" in _field_block(_html(negative), "value")
    response = client.post(url, {"value": "44", "reason": "统计口径调整"})
    assert response.status_code == 302
    obs.refresh_from_db()
    assert obs.value == 44 and obs.status == "approved"
    latest = obs.history.first()
    assert (latest.value, latest.history_user, latest.history_change_reason) == (
        44,
        plan_officer,
        "统计口径调整",
    )
    assert [h.value for h in obs.history.order_by("history_date")][-2:] == [42, 44]
    html = _html(client.get(response["Location"]))
    assert "统计口径调整" in html and "更正" in html and "审核通过" in html


# ------------------------------------------------------------------ allocation and milestones


def test_an_allocation_that_does_not_sum_to_the_target_is_refused_with_the_difference(
    client, indicators, plan_officer
):
    url = reverse("indicators:allocation_edit", args=[LEADERS])  # 20 家
    client.force_login(plan_officer)
    page = _html(client.get(url))
    assert page.count('data-allocation=""') == 16 and "sum-total" in page
    codes = list(City.objects.values_list("code", flat=True))
    split = {f"city_{code}": "1" for code in codes} | {f"city_{JINAN}": "3", f"city_{QINGDAO}": "3"}
    response = client.post(url, split | {f"city_{JINAN}": "4"})
    assert response.status_code == 200
    html = _html(response)
    assert "相差 1" in html and "21" in html
    assert not CityAllocation.objects.exists()
    bad = client.post(url, split | {f"city_{QINGDAO}": "三"})
    assert "不是数字" in _html(bad)
    response = client.post(url, split)
    assert response.status_code == 302
    assert sum(a.value for a in CityAllocation.objects.filter(indicator=indicators[LEADERS])) == 20
    assert 'value="3"' in _html(client.get(url))


def test_allocation_is_the_plan_offices(client, indicators, reporter_miit, plan_officer):
    client.force_login(reporter_miit)
    url = reverse("indicators:allocation_edit", args=[LEADERS])
    assert client.get(url).status_code == 403
    assert client.post(url, {f"city_{JINAN}": "20"}).status_code == 403
    client.force_login(plan_officer)
    html = _html(client.get(reverse("indicators:allocation_edit", args=[BASIC])))
    assert "不分解到市" in html and 'data-allocation=""' not in html


def test_milestones_are_set_year_by_year_all_or_nothing(
    client, indicators, plan_officer, reporter_sti
):
    compute = indicators["compute-total"]
    url = reverse("indicators:milestone_edit", args=[compute.code])
    client.force_login(reporter_sti)
    assert client.post(url, {"year_2025": "10"}).status_code == 403
    client.force_login(plan_officer)
    html = _html(client.get(url))
    assert (
        all(f'name="year_{y}"' in html for y in (2025, 2026, 2027))
        and 'name="year_2024"' not in html
    )
    response = client.post(url, {"year_2025": "10", "year_2026": "-2"})
    assert response.status_code == 200 and "不能为负数" in _html(response)
    assert not Milestone.objects.exists()
    response = client.post(url, {"year_2025": "10", "year_2026": "12", "year_2027": ""})
    assert response.status_code == 302
    assert dict(compute.milestones.values_list("year", "value")) == {
        2025: Decimal(10),
        2026: Decimal(12),
    }


# ------------------------------------------------------------------ evidence


def test_evidence_is_served_only_to_who_may_see_its_observation(
    client, indicators, reporter_sti, reporter_miit, plan_officer, media
):
    obs = _submitted(reporter_sti, indicators[BASIC], files=[SimpleUploadedFile("清单.pdf", PDF)])
    url = reverse("indicators:evidence_download", args=[obs.evidence.get().pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(reporter_miit)
    assert client.get(url).status_code == 404  # another unit's submitted value
    for user in (reporter_sti, plan_officer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Security-Policy"] == "sandbox"


def test_plan_office_resyncs_indicators_after_a_new_plan_version(
    client, indicators, seed_plan, plan_officer, reporter_sti
):
    from luzhi.plan.services import plan_import

    assert (
        Indicator.objects.get(code="basic-research-projects").target.section.plan_id == seed_plan.pk
    )

    text = SEED_PLAN.read_text(encoding="utf-8").replace(
        "每年布局150项以上基础研究项目", "每年布局180项以上基础研究项目"
    )
    new = plan_import(actor=plan_officer, data=text.encode(), source_name="v2.txt").plan
    client.force_login(reporter_sti)
    assert client.post(reverse("indicators:sync")).status_code == 403
    client.force_login(plan_officer)
    response = client.post(reverse("indicators:sync"))
    assert response.status_code == 302
    basic = Indicator.objects.get(code="basic-research-projects")
    assert basic.target.section.plan_id == new.pk and basic.target_value == 180
