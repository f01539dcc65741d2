"""The cockpit, its public variant, drill-down pages and exports, per role.

Business data is created through the services (save with submit, approve); the
only direct writes are indicator configuration (``is_public``) and the extra
indicator rows of the query-count test.
"""

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from luzhi.indicators import registry
from luzhi.indicators.models import PROVINCE
from luzhi.indicators.models import Indicator
from luzhi.indicators.models import Observation
from luzhi.indicators.services import allocation_set
from luzhi.indicators.services import computed_snapshot
from luzhi.indicators.services import milestone_set
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_correct
from luzhi.indicators.services import observation_save

TODAY = date(2026, 11, 28)
AS_OF = {"as_of": TODAY.isoformat()}
JINAN, QINGDAO = "370100", "370200"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Personas are created per test; a cheap hasher keeps that from dominating the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _save(actor, indicator, *, period="2026-Q1", region=PROVINCE, value=10, submit=True, **kw):
    return observation_save(
        actor=actor,
        indicator=indicator,
        period=period,
        region=region,
        value=value,
        submit=submit,
        today=TODAY,
        **kw,
    )


def _approved(actor, office, indicator, **kw):
    return observation_approve(actor=office, observation=_save(actor, indicator, **kw))


def _get(client, name, user=None, args=(), **query):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, args=args), query)


def card(html: str, code: str) -> str | None:
    """The KPI card of one indicator in a cockpit page."""
    match = re.search(
        rf'<article class="kpi-card[^"]*" data-indicator="{re.escape(code)}".*?</article>',
        html,
        re.S,
    )
    return match.group(0) if match else None


def kpi_value(card_html: str) -> tuple[str, str] | None:
    match = re.search(r'<a class="kpi-value" href="([^"]+)"[^>]*>([^<]+)</a>', card_html)
    return (unescape(match.group(1)), match.group(2)) if match else None


# ---------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    "persona, cockpit_status",
    [("plan_officer", 200), ("reporter_sti", 403), ("enterprise_user", 403), ("anonymous", 403)],
)
def test_who_sees_which_cockpit(client, indicators, request, persona, cockpit_status):
    user = request.getfixturevalue(persona)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(reverse("indicators:cockpit"), AS_OF)
    assert response.status_code == cockpit_status
    if cockpit_status == 403:
        assert "驾驶舱只对专项办开放" in response.content.decode()
        assert reverse("indicators:public_cockpit") in response.content.decode()
    public = client.get(reverse("indicators:public_cockpit"), AS_OF)
    assert public.status_code == 200
    assert card(public.content.decode(), "compute-total") is not None


def test_cockpit_shows_every_tracked_indicator_and_the_task_board(client, indicators, plan_officer):
    html = _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode()
    tracked = [i for i in indicators.values() if i.target_id]
    assert len(tracked) == 22
    for indicator in indicators.values():
        assert card(html, indicator.code) is not None, indicator.code
    # Every card's status has its rule on hover.
    compute = card(html, "compute-total")
    assert 'title="暂无数据。判定规则:已达成目标为绿' in compute
    assert "目标" in compute and "14EFlops" in compute
    # The board: 24 tasks, those without targets say so, by action and by unit.
    assert html.count("data-task=") == 24
    assert "无量化目标" in html and "任务状态:按单位" in html
    assert re.search(
        r'data-task="二/\(一\)/1">.*?status-none', html, re.S
    )  # basic research: no data yet
    # ECharts comes from the vendored file, its options through json_script.
    assert "vendor/echarts.min.js" in html and "luzhi/cockpit.js" in html
    assert f'id="chart-{indicators["compute-total"].pk}" type="application/json"' in html


# ---------------------------------------------------------------------------- values


def test_an_approved_value_appears_on_both_cockpits(
    client, indicators, reporter_miit, plan_officer
):
    _approved(reporter_miit, plan_officer, indicators["compute-total"], value="11.5")
    office = card(
        _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode(), "compute-total"
    )
    client.logout()
    public = card(
        _get(client, "indicators:public_cockpit", **AS_OF).content.decode(), "compute-total"
    )
    for html in (office, public):
        href, value = kpi_value(html)
        assert value == "11.5"
        assert href == reverse("indicators:indicator_detail", args=["compute-total"]) + (
            "?period=2026-Q1#observations"
        )
        assert "截至2026年第1季度" in html and "单位填报" in html
        assert "58%" in html  # (11.5 − 8) / (14 − 8)
    assert "status-green" in office


def test_a_submitted_value_is_not_the_headline_but_the_office_sees_it_pending(
    client, indicators, reporter_miit, plan_officer
):
    _save(reporter_miit, indicators["compute-total"], value="12.25")
    office = card(
        _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode(), "compute-total"
    )
    assert kpi_value(office) is None and "12.25" not in office
    assert "待审核 1" in office
    assert "?status=submitted#observations" in office
    client.logout()
    public_page = _get(client, "indicators:public_cockpit", **AS_OF).content.decode()
    public = card(public_page, "compute-total")
    assert kpi_value(public) is None and "12.25" not in public
    assert "待审核" not in public_page


def test_as_of_limits_the_figures_to_that_day(client, indicators, reporter_miit, plan_officer):
    compute = indicators["compute-total"]
    _approved(reporter_miit, plan_officer, compute, period="2026-Q1", value=10)
    _approved(reporter_miit, plan_officer, compute, period="2026-Q3", value=12)
    client.force_login(plan_officer)
    later = card(client.get(reverse("indicators:cockpit"), AS_OF).content.decode(), "compute-total")
    earlier = card(
        client.get(reverse("indicators:cockpit"), {"as_of": "2026-06-30"}).content.decode(),
        "compute-total",
    )
    assert kpi_value(later)[1] == "12" and kpi_value(earlier)[1] == "10"
    bad = client.get(reverse("indicators:cockpit"), {"as_of": "2026-13-45"})
    assert bad.status_code == 200 and "无法识别" in bad.content.decode()


def test_a_discrepancy_is_flagged_for_the_office_only(
    client, indicators, reporter_sti, plan_officer
):
    labs = indicators["provincial-key-labs"]
    registry.register(registry.IndicatorFunction("test.cockpit_labs", "测试", lambda **kw: 12))
    try:
        Indicator.objects.filter(pk=labs.pk).update(method="computed", function="test.cockpit_labs")
        labs.refresh_from_db()
        computed_snapshot(
            indicator=labs, period=_save(reporter_sti, labs, source="statistics", value=15).period
        )
        _approved_obs = Observation.objects.get(
            indicator=labs, source="statistics", region=PROVINCE
        )
        observation_approve(actor=plan_officer, observation=_approved_obs)
        office = card(
            _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode(), labs.code
        )
        assert "计算值与填报值不一致" in office and "系统计算值 12,填报值 15" in office
        assert kpi_value(office)[1] == "15"  # official statistics is the headline
        client.logout()
        public = card(
            _get(client, "indicators:public_cockpit", **AS_OF).content.decode(), labs.code
        )
        assert "不一致" not in public and kpi_value(public)[1] == "15"
    finally:
        registry.unregister("test.cockpit_labs")


def test_a_non_public_indicator_is_absent_from_the_public_side(
    client, indicators, reporter_miit, plan_officer
):
    leaders = indicators["leading-enterprises"]
    _approved(reporter_miit, plan_officer, leaders, value=12)
    Indicator.objects.filter(pk=leaders.pk).update(is_public=False)
    office = _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode()
    assert card(office, leaders.code) is not None
    client.logout()
    public = _get(client, "indicators:public_cockpit", **AS_OF).content.decode()
    assert card(public, leaders.code) is None and leaders.name not in public
    assert _get(client, "indicators:indicator_detail", args=[leaders.code]).status_code == 404
    observation = Observation.objects.get(indicator=leaders, source="report")
    assert _get(client, "indicators:observation_detail", args=[observation.pk]).status_code == 404
    response = client.get(reverse("indicators:city_panel"), {"city": leaders.code})
    assert response.status_code == 404


def _chart_option(html: str, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_a_per_year_target_is_judged_year_by_year(client, indicators, reporter_sti, plan_officer):
    basic = indicators["basic-research-projects"]  # ≥150 项 every year
    for period, value in [("2025-Q1", 40), ("2025-Q2", 60), ("2025-Q4", 55), ("2026-Q1", 30)]:
        _approved(reporter_sti, plan_officer, basic, period=period, value=value)
    html = _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode()
    basic_card = card(html, basic.code)
    href, value = kpi_value(basic_card)
    assert value == "30" and "2026年累计" in basic_card and "2025 完成" in basic_card
    assert href.endswith("?year=2026#observations")
    assert "status-red" in basic_card  # 30 of 150 with 91% of the year gone
    option = _chart_option(html, f"chart-{basic.pk}")
    assert option["xAxis"]["data"] == ["2025", "2026", "2027"]
    assert option["series"][0]["data"] == [155, 30, None]
    assert option["series"][1]["data"] == [150, 150, 150]


def test_the_cockpit_before_indicators_are_configured(client, seed_plan, plan_officer):
    html = _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode()
    assert "尚未配置指标" in html
    assert html.count("data-task=") == 24 and "无量化目标 24" in html


# ---------------------------------------------------------------------------- drill-down


def test_drill_down_from_the_card_to_observation_evidence_and_history(
    client, indicators, reporter_miit, plan_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    compute = indicators["compute-total"]
    observation = _approved(
        reporter_miit,
        plan_officer,
        compute,
        value="11.5",
        files=[SimpleUploadedFile("算力统计.pdf", PDF, "application/pdf")],
    )
    observation_correct(
        actor=plan_officer, observation=observation, value="11.75", reason="补录青岛超算中心"
    )
    milestone_set(actor=plan_officer, indicator=compute, year=2026, value=12)

    cockpit = card(
        _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode(), compute.code
    )
    href, value = kpi_value(cockpit)
    assert value == "11.75"
    detail = client.get(href)
    assert detail.status_code == 200
    page = detail.content.decode()
    # The definition: method, unit, baseline, target, responsible units, the plan clause.
    for text in (
        "单位填报",
        "EFlops",
        "存量",
        "各市加总",
        "季度",
        "2024年",
        "14EFlops",
        "到2027年",
        "省大数据局",
        "2026年 12EFlops",
    ):
        assert text in page, text
    assert reverse("plan:task_detail", args=[compute.target.section_id]) in page
    observation_url = reverse("indicators:observation_detail", args=[observation.pk])
    assert observation_url in page

    response = client.get(observation_url)
    assert response.status_code == 200
    obs_page = response.content.decode()
    assert 'data-testid="observation-value">11.75<' in obs_page
    assert (
        "省工业和信息化厅" in obs_page and "reporter_miit" in obs_page
    )  # names for government users
    assert "审核通过" in obs_page and "更正" in obs_page  # the review timeline
    assert "说明:补录青岛超算中心" in obs_page  # the change history (core/_history.html) says why
    assert (
        '<span class="before">11.5</span>' in obs_page
        and '<span class="after">11.75</span>' in obs_page
    )
    evidence = observation.evidence.get()
    download = reverse("indicators:evidence_download", args=[evidence.pk])
    assert download in obs_page and "算力统计.pdf" in obs_page
    assert b"".join(client.get(download).streaming_content) == PDF


def test_observation_filters_on_the_indicator_page(client, indicators, reporter_miit, plan_officer):
    leaders = indicators["leading-enterprises"]
    jinan = _approved(reporter_miit, plan_officer, leaders, region=JINAN, value=5)
    q2 = _approved(reporter_miit, plan_officer, leaders, region=QINGDAO, value=4, period="2026-Q2")
    client.force_login(plan_officer)
    url = reverse("indicators:indicator_detail", args=[leaders.code])
    by_region = client.get(url, {"region": JINAN}).content.decode()
    assert reverse("indicators:observation_detail", args=[jinan.pk]) in by_region
    assert reverse("indicators:observation_detail", args=[q2.pk]) not in by_region
    by_period = client.get(url, {"period": "2026-Q2"}).content.decode()
    assert reverse("indicators:observation_detail", args=[q2.pk]) in by_period
    assert reverse("indicators:observation_detail", args=[jinan.pk]) not in by_period
    bad = client.get(url, {"period": "2026-Q7", "region": "北京"}).content.decode()
    assert "无法识别的周期" in bad and "不是山东省的设区市" in bad and "已忽略" in bad
    # The page's filters are the API's ObservationFilter: the same refusals, no server error.
    assert client.get(url, {"year": "5e16", "period": "%"}).status_code == 200
    assert "年份应为" in client.get(url, {"year": "0"}).content.decode()


def test_the_public_sees_approved_values_without_names_and_404_on_drafts(
    client, indicators, reporter_miit, plan_officer, anonymous
):
    compute = indicators["compute-total"]
    approved = _approved(reporter_miit, plan_officer, compute, value=10)
    draft = _save(reporter_miit, compute, period="2026-Q2", value=11, submit=False)
    submitted = _save(reporter_miit, compute, period="2026-Q3", value=12)
    page = client.get(reverse("indicators:observation_detail", args=[approved.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "reporter_miit" not in html and "plan_officer" not in html
    assert "修改人与说明仅对有权查看的用户显示" in html
    for hidden in (draft, submitted):
        assert (
            client.get(reverse("indicators:observation_detail", args=[hidden.pk])).status_code
            == 404
        )
    listing = client.get(
        reverse("indicators:indicator_detail", args=[compute.code])
    ).content.decode()
    assert reverse("indicators:observation_detail", args=[approved.pk]) in listing
    assert reverse("indicators:observation_detail", args=[draft.pk]) not in listing
    # The reporting unit sees its own draft; another unit's reporter does not.
    client.force_login(reporter_miit)
    assert client.get(reverse("indicators:observation_detail", args=[draft.pk])).status_code == 200
    client.force_login(
        make_user("reporter_bigdata", role="unit_reporter", unit_short_name="省科技厅")
    )
    assert client.get(reverse("indicators:observation_detail", args=[draft.pk])).status_code == 404


def test_city_panel_fragment_with_allocation_and_share(
    client, indicators, reporter_miit, plan_officer
):
    leaders = indicators["leading-enterprises"]
    _approved(reporter_miit, plan_officer, leaders, region=JINAN, value=5)
    _approved(reporter_miit, plan_officer, leaders, region=QINGDAO, value=4)
    from luzhi.accounts.models import City

    split = dict.fromkeys(City.objects.values_list("code", flat=True), 1) | {JINAN: 3, QINGDAO: 3}
    allocation_set(actor=plan_officer, indicator=leaders, values=split)
    response = client.get(
        reverse("indicators:city_panel"), {"city": leaders.code, **AS_OF}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment
    row = re.search(r"<td class=\"nowrap\">济南</td>.*?</tr>", html, re.S).group(0)
    assert ">5</a>" in row and ">3<" in row and "167%" in row  # value, allocation, share
    assert f"?region={JINAN}#observations" in row
    assert '<td class="num">9</td>' in html  # the cities' total
    assert 'id="chart-city" type="application/json"' in html
    # The office cockpit opens on an indicator with city values.
    page = _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode()
    assert f'<option value="{leaders.code}" selected>' in page


def test_user_text_is_escaped_in_cards_and_chart_data(client, indicators, plan_officer):
    Indicator.objects.filter(code="compute-total").update(
        name='<script>alert("x")</script>', unit="</script><b>"
    )
    html = _get(client, "indicators:cockpit", plan_officer, **AS_OF).content.decode()
    assert '<script>alert("x")' not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "</script><b>" not in html
    assert "\\u003C/script\\u003E\\u003Cb\\u003E" in html  # the unit inside the chart's JSON


# ---------------------------------------------------------------------------- exports


def _sheet_rows(response, sheet=0):
    workbook = load_workbook(BytesIO(response.content))
    ws = workbook.worksheets[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return workbook, rows[0], {r[0]: dict(zip(rows[0], r, strict=False)) for r in rows[1:]}


def test_cockpit_xlsx_has_the_indicator_table(client, indicators, reporter_miit, plan_officer):
    _approved(reporter_miit, plan_officer, indicators["compute-total"], value="11.5")
    _save(reporter_miit, indicators["compute-total"], period="2026-Q2", value=12)
    response = _get(client, "indicators:cockpit_xlsx", plan_officer, **AS_OF)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    _wb, header, rows = _sheet_rows(response)
    assert header[:8] == (
        "代码",
        "指标",
        "目标",
        "期限",
        "基线值",
        "基线年份",
        "最新值",
        "计量单位",
    )
    compute = rows["compute-total"]
    assert compute["最新值"] == 11.5 and compute["基线值"] == 8 and compute["目标"] == "14EFlops"
    assert compute["周期"] == "2026年第1季度" and compute["状态"] == "进展顺利"
    assert compute["进度"] == pytest.approx(3.5 / 6, abs=1e-4)
    assert compute["待审核"] == 1
    assert len(rows) == 23

    client.logout()
    assert _get(client, "indicators:cockpit_xlsx", **AS_OF).status_code == 403
    public = _get(client, "indicators:cockpit_xlsx", public=1, **AS_OF)
    assert public.status_code == 200
    _wb, header, rows = _sheet_rows(public)
    assert "待审核" not in header and rows["compute-total"]["最新值"] == 11.5


def test_public_xlsx_leaves_out_non_public_indicators(client, indicators, plan_officer):
    Indicator.objects.filter(code="leading-enterprises").update(is_public=False)
    _wb, _header, rows = _sheet_rows(_get(client, "indicators:cockpit_xlsx", public=1, **AS_OF))
    assert "leading-enterprises" not in rows and "compute-total" in rows
    _wb, _header, rows = _sheet_rows(_get(client, "indicators:city_xlsx", public=1, **AS_OF))
    assert "leading-enterprises" not in rows
    assert (
        _get(
            client, "indicators:city_xlsx", indicator="leading-enterprises", public=1, **AS_OF
        ).status_code
        == 404
    )


def test_city_xlsx_has_the_breakdown_and_the_indicator_city_matrix(
    client, indicators, reporter_miit, plan_officer
):
    leaders = indicators["leading-enterprises"]
    _approved(reporter_miit, plan_officer, leaders, region=JINAN, value=5)
    _approved(reporter_miit, plan_officer, leaders, region=QINGDAO, value=4)
    response = _get(client, "indicators:city_xlsx", plan_officer, indicator=leaders.code, **AS_OF)
    assert response.status_code == 200
    workbook, header, rows = _sheet_rows(response)
    assert workbook.sheetnames[0] == leaders.name
    assert header[:3] == ("市", "行政区划代码", "数值")
    assert rows["济南"]["数值"] == 5 and rows["青岛"]["数值"] == 4 and rows["淄博"]["数值"] is None
    assert rows["济南"]["周期"] == "2026年第1季度"
    _wb, header, matrix = _sheet_rows(response, sheet=1)
    assert header[:5] == ("代码", "指标", "计量单位", "济南", "青岛")
    assert matrix[leaders.code]["济南"] == 5 and matrix[leaders.code]["青岛"] == 4
    assert "compute-intelligent-share" in matrix  # ratios are divisible too
    assert "basic-research-projects" not in matrix  # province-only


# ---------------------------------------------------------------------------- query counts


def _cockpit_queries(client) -> int:
    """Queries of a cockpit request that computes the page (its cached content cleared)."""
    client.get(reverse("indicators:cockpit"), AS_OF)  # warm caches (content types, translations)
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("indicators:cockpit"), AS_OF)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_cockpit_query_count_does_not_grow_with_indicators(
    client, indicators, reporter_miit, plan_officer, django_assert_max_num_queries
):
    _approved(reporter_miit, plan_officer, indicators["compute-total"], value=10)
    _approved(reporter_miit, plan_officer, indicators["leading-enterprises"], region=JINAN, value=5)
    client.force_login(plan_officer)
    with django_assert_max_num_queries(16):
        client.get(reverse("indicators:cockpit"), AS_OF)
    cache.clear()
    seed_count = _cockpit_queries(client)
    basic = indicators["basic-research-projects"]
    for n in range(37):
        Indicator.objects.create(
            code=f"extra-{n}",
            name=f"附加指标{n}",
            target=basic.target,
            method="reported",
            unit="项",
            cmp=">=",
            target_value=Decimal(10 + n),
            semantics="stock",
            aggregation="sum" if n % 2 else "none",
            frequency="quarter",
            baseline_year=2024,
            deadline_year=2027,
            order=1000 + n,
        ).responsible_units.set(basic.responsible_units.all())
    assert Indicator.objects.count() == 60
    assert _cockpit_queries(client) == seed_count, seed_count
    html = client.get(reverse("indicators:cockpit"), AS_OF).content.decode()
    assert card(html, "extra-36") is not None


def test_cached_cockpit_is_rebuilt_after_every_write(
    client, indicators, reporter_miit, plan_officer
):
    """The content is cached by data version: a warm request is cheap, and any write shows at once."""
    compute = indicators["compute-total"]
    client.force_login(plan_officer)
    first = client.get(reverse("indicators:cockpit"), AS_OF).content.decode()
    assert "12.5" not in card(first, compute.code)
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("indicators:cockpit"), AS_OF)
    # session, user, plan, data version, and the supervision version of the lights panel
    assert len(warm.captured_queries) <= 7
    _approved(reporter_miit, plan_officer, compute, value="12.5")
    after = client.get(reverse("indicators:cockpit"), AS_OF).content.decode()
    assert "12.5" in card(after, compute.code)
