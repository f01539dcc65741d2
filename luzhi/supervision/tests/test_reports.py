"""The bulletin (通报排名) and the quarterly progress report (季度进展报告).

Rounds are built through the services on the seed plan. The round's period is
the quarter before today; its due date is set relative to today (10 days ago
for a round with overdue units, 10 days ahead for one where every submission
is on time), and lights are judged on explicit ``today=`` dates, so nothing
depends on the day the tests run.

Reports quoted below come from units that owe no indicator values (省委网信办,
省商务厅, 省教育厅, 省海洋局, 省市场监管局), so they can be submitted without
values.
"""

import os
import re
import subprocess
import sys
from datetime import timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from PIL import Image

from conftest import make_user
from luzhi.indicators.models import Indicator
from luzhi.indicators.periods import Period
from luzhi.indicators.periods import PeriodType
from luzhi.indicators.services import observation_approve
from luzhi.indicators.services import observation_save
from luzhi.supervision import services
from luzhi.supervision.models import Obligation
from luzhi.supervision.models import QuarterlyReport
from luzhi.supervision.reports import charts
from luzhi.supervision.reports import docx as docx_report
from luzhi.supervision.reports.content import report_content
from luzhi.supervision.reports.services import quarterly_report_request
from luzhi.supervision.reports.tasks import STALE_RUNNING
from luzhi.supervision.reports.tasks import generate_quarterly_report

R = QuarterlyReport.Status
TODAY = timezone.localdate()
PERIOD = str(
    Period.containing(
        PeriodType.QUARTER, Period.containing(PeriodType.QUARTER, TODAY).start - timedelta(days=1)
    )
)
HEADINGS = ["一、总体情况", "二、目标完成情况", "三、任务推进情况", "四、逾期未报清单"]
ACHIEVEMENTS = "建立人工智能安全监管协调机制,完成3家大模型企业安全评估。"
DIRECT_TEXT = "举办人工智能产业链招商推介会2场,签约项目5个。"
CONTRIBUTION_TEXT = "组织高校开展人工智能前沿基础研究。"
# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def report_media(settings, tmp_path):
    """Generated files go to a temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reporters(db):
    """Reporters of the units the tests write for, by unit short name."""
    names = {
        "省科技厅": "rep_sti",
        "省委网信办": "rep_cac",
        "省商务厅": "rep_mofcom",
        "省教育厅": "rep_edu",
        "省海洋局": "rep_ocean",
        "省市场监管局": "rep_samr",
    }
    return {
        unit: make_user(username, role="unit_reporter", unit_short_name=unit)
        for unit, username in names.items()
    }


@pytest.fixture
def tracked(reported_models, plan_officer):
    """The seed plan's indicators, with approved province values for a reported copy of
    行业级大模型 (≥10个)."""
    models = reported_models
    for period, value in (("2025-Q1", 2), ("2025-Q2", 4), ("2025-Q3", 6), ("2025-Q4", 8)):
        observation = observation_save(
            actor=plan_officer, indicator=models, period=period, value=value, submit=True
        )
        observation_approve(actor=plan_officer, observation=observation)
    return models


@pytest.fixture
def fast_render(monkeypatch, report_media):
    """For pages that only need a finished report: stand-in files instead of a real render
    (the real PDF and Word files are checked in ``test_generated_pdf_and_docx``)."""
    from luzhi.supervision.reports import docx
    from luzhi.supervision.reports import pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda content: (b"%PDF-1.7 stand-in", 2))
    monkeypatch.setattr(docx, "render_docx", lambda content: b"PK stand-in")


def _obligation(round_, path, unit):
    return Obligation.objects.select_related("round").get(
        round=round_, task__path=path, unit__short_name=unit
    )


def _submit(reporter, obligation, text="已按计划推进。", percent=50, **extra):
    services.obligation_acknowledge(actor=reporter, obligation=obligation)
    return services.report_save(
        actor=reporter,
        obligation=obligation,
        progress=extra.pop("progress", "in_progress"),
        percent=percent,
        achievements=text,
        submit=True,
        **extra,
    )


@pytest.fixture
def late_round(seed_plan, plan_officer, reporters, tracked):
    """A round due 10 days ago: three reports in (two accepted), everything else overdue.

    - 三/(四) (lead 省委网信办, no contributors): submitted and accepted by the office;
    - 二/(五)/2 (direct): 省商务厅 submitted, not yet reviewed;
    - 二/(一)/1: 省教育厅's contribution accepted by the lead 省科技厅.
    """
    round_ = services.round_open(
        actor=plan_officer, plan=seed_plan, period=PERIOD, due_date=TODAY - timedelta(days=10)
    )
    lead = _submit(
        reporters["省委网信办"],
        _obligation(round_, "三/(四)", "省委网信办"),
        ACHIEVEMENTS,
        percent=60,
        problems="专业人才不足。",
        next_steps="开展生成式人工智能服务备案。",
    )
    services.report_accept(actor=plan_officer, obligation=lead)
    _submit(reporters["省商务厅"], _obligation(round_, "二/(五)/2", "省商务厅"), DIRECT_TEXT, 40)
    contribution = _submit(
        reporters["省教育厅"], _obligation(round_, "二/(一)/1", "省教育厅"), CONTRIBUTION_TEXT
    )
    services.report_accept(actor=reporters["省科技厅"], obligation=contribution)
    return round_


@pytest.fixture
def ranked_round(seed_plan, plan_officer, reporters):
    """A round due in 10 days (so every submission is on time) with hand-checked tallies.

    ========  ===========  =======  ========  ====================  ====
    unit      obligations  on time  accepted  rates (on time, acc)  rank
    ========  ===========  =======  ========  ====================  ====
    省商务厅      1            1        1      100.0 / 100.0          1
    省委网信办    1            1        0      100.0 / 0.0            2
    省海洋局      1            1        0      100.0 / 0.0            2 (tie, by name)
    省市场监管局  2            1        0       50.0 / 0.0            4
    the rest     …            0        0        0.0 / 0.0            5
    ========  ===========  =======  ========  ====================  ====
    """
    round_ = services.round_open(
        actor=plan_officer, plan=seed_plan, period=PERIOD, due_date=TODAY + timedelta(days=10)
    )
    direct = _submit(reporters["省商务厅"], _obligation(round_, "二/(五)/2", "省商务厅"))
    services.report_accept(actor=plan_officer, obligation=direct)
    _submit(reporters["省委网信办"], _obligation(round_, "三/(四)", "省委网信办"))
    _submit(reporters["省海洋局"], _obligation(round_, "二/(六)/2", "省海洋局"))
    # Its contribution to 二/(七)/3 (its standards clause in 二/(三)/1 it leads itself).
    _submit(reporters["省市场监管局"], _obligation(round_, "二/(七)/3", "省市场监管局"))
    return round_


EXPECTED_TOP = [
    # rank, unit, obligations, on time, on-time rate, accepted, acceptance rate, overdue
    (1, "省商务厅", 1, 1, "100.0", 1, "100.0", 0),
    (2, "省委网信办", 1, 1, "100.0", 0, "0.0", 0),
    (2, "省海洋局", 1, 1, "100.0", 0, "0.0", 0),
    (4, "省市场监管局", 2, 1, "50.0", 0, "0.0", 0),
]


def _url(name, *args):
    return reverse(f"supervision:{name}", args=args)


def _login(client, user):
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


def _done_report(round_, officer) -> QuarterlyReport:
    report = quarterly_report_request(actor=officer, round_=round_)
    assert generate_quarterly_report.call(report_id=report.pk) == R.DONE
    report.refresh_from_db()
    return report


# --------------------------------------------------------------------------- charts


def _png_size(data: bytes) -> tuple[int, int]:
    with Image.open(BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def test_chart_is_a_png_of_the_requested_size():
    png = charts.indicator_chart(
        progress=0.62, expected=0.58, status="green", series=[("25Q1", 2), ("25Q2", 4.5)], target=10
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert _png_size(png) == (charts.WIDTH, charts.HEIGHT)
    small = charts.indicator_chart(
        progress=None, expected=None, status="none", width=300, height=120
    )
    assert _png_size(small) == (300, 120)


def test_chart_is_deterministic_and_reflects_its_input():
    args = {
        "progress": 0.4,
        "expected": 0.5,
        "status": "amber",
        "series": [("25Q1", 1), ("25Q2", 3)],
        "target": 10,
    }
    first, second = charts.indicator_chart(**args), charts.indicator_chart(**args)
    assert first == second
    assert charts.indicator_chart(**{**args, "progress": 0.9}) != first
    assert charts.indicator_chart(**{**args, "status": "red"}) != first
    assert charts.indicator_chart(**{**args, "series": [("25Q1", 1), ("25Q2", 4)]}) != first


def test_chart_draws_only_the_latest_bars_and_survives_odd_values():
    series = [(f"P{i}", i) for i in range(12)]
    latest = series[-charts.MAX_BARS :]
    assert charts.indicator_chart(
        progress=0.5, expected=0.5, status="green", series=series
    ) == charts.indicator_chart(progress=0.5, expected=0.5, status="green", series=latest)
    # Beyond the target, below the baseline, negative values, a zero target: no error.
    for progress, values, target in ((1.7, [5, 12], 10), (-0.3, [-2, 1], 0), (0, [0, 0], None)):
        png = charts.indicator_chart(
            progress=progress,
            expected=1.0,
            status="red",
            series=[(f"Q{i}", v) for i, v in enumerate(values)],
            target=target,
        )
        assert _png_size(png) == (charts.WIDTH, charts.HEIGHT)


def test_chart_text_is_ascii_and_numbers_are_short():
    assert charts.ascii_text("全省 14EFlops") == "?? 14EFlops"
    assert charts.compact_number(None) == "-"
    assert charts.compact_number(12.0) == "12"
    assert charts.compact_number(3.45) == "3.5"
    assert charts.compact_number(0.25) == "0.25"
    assert charts.compact_number(123456) == "123,456"
    assert charts.percent_text(0.456) == "46%"
    assert charts.percent_text(None) == "-"
    # A Chinese label does not break drawing: it is drawn as "?".
    assert _png_size(
        charts.indicator_chart(progress=0.1, expected=0.1, status="green", series=[("一季度", 1)])
    )


# --------------------------------------------------------------------------- content


def test_content_summary_targets_and_tasks(late_round, django_assert_max_num_queries):
    # A fixed number, whatever the size of the round (9 of them the appraisal scores the
    # ranking is ordered by, supervision.bulletin).
    with django_assert_max_num_queries(19):
        content = report_content(late_round, today=late_round.due_date + timedelta(days=2))
    assert content["title"] == f"山东省人工智能产业科技创新行动计划 {late_round.name}进展报告"
    assert late_round.name.endswith("季度")
    total = Obligation.objects.filter(round=late_round).count()
    summary = content["summary"]
    assert summary["obligations"] == total
    assert (summary["submitted"], summary["on_time"], summary["accepted"]) == (3, 0, 2)
    assert summary["overdue"] == total - 3
    assert summary["acceptance_rate"] == (Decimal(200) / total).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    assert summary["on_time_rate"] == 0 and summary["submitted_rate"] > 0

    targets = {t["code"]: t for t in content["targets"]}
    assert set(targets) == set(
        Indicator.objects.filter(target__isnull=False).values_list("code", flat=True)
    )
    models = targets["reported-models"]
    assert models["current"] == 8 and models["current_text"] == "8个"
    assert models["status_label"] and models["chart"].startswith(b"\x89PNG")
    assert sum(c["count"] for c in content["target_counts"]) == len(targets)

    tasks = {t["path"]: t for group in content["sections"] for t in group["tasks"]}
    security = tasks["三/(四)"]
    assert security["mode"] == "lead" and security["lead_unit"] == "省委网信办"
    assert security["state"] == "已通过" and security["percent"] == 60
    assert security["reports"][0]["achievements"] == ACHIEVEMENTS
    chain = tasks["二/(五)/2"]  # reported directly by four units and two cities, one in
    assert chain["mode"] == "direct" and len(chain["reports"]) == 6
    assert [r["unit"] for r in chain["reports"] if r["quoted"]] == ["省商务厅"]
    assert chain["state"] == "已报送 1/6 个单位" and chain["percent"] == 40
    research = tasks["二/(一)/1"]  # the lead has not reported: nothing quoted
    assert research["reports"][0]["quoted"] is False
    assert research["reports"][0]["achievements"] == ""
    assert {"unit": "省教育厅", "status_label": "已通过"} in research["contributors"]
    # Actions come with their part's heading; measures (三) form a group of their own.
    groups = {g["path"]: g for g in content["sections"]}
    assert groups["二/(一)"]["heading"] == "重点任务" and groups["二/(一)"]["label"] == "(一)"
    assert groups["三"]["heading"] == "重点举措" and groups["三"]["title"] == ""


def test_overdue_list_days_and_lights(late_round):
    due = late_round.due_date
    assert report_content(late_round, today=due)["overdue"] == []  # not late on the due day
    in_grace = report_content(late_round, today=due + timedelta(days=2))["overdue"]
    past = report_content(late_round, today=due + timedelta(days=6))["overdue"]
    never = Obligation.objects.filter(round=late_round, first_submitted_at__isnull=True)
    assert len(in_grace) == len(past) == never.count()
    assert {(r["days"], r["light"]) for r in in_grace} == {(2, "yellow")}
    assert {(r["days"], r["light"]) for r in past} == {(6, "red")}
    units = {r["unit"] for r in past}
    assert "省海洋局" in units and "省委网信办" not in units and "省商务厅" not in units


# --------------------------------------------------------------------------- generation


def _run(*args) -> str:
    # poppler's tools on a file this test wrote: no untrusted input.
    return subprocess.run(  # noqa: S603
        args, check=True, capture_output=True, text=True, timeout=60
    ).stdout


def test_generated_pdf_and_docx(late_round, plan_officer, report_media, tmp_path):
    report = quarterly_report_request(actor=plan_officer, round_=late_round)
    assert generate_quarterly_report.call(report_id=report.pk) == R.DONE  # its speed: bench/
    report.refresh_from_db()
    assert report.status == R.DONE and report.error == "" and report.finished_at
    assert report.pdf.name.endswith(".pdf") and f"季度进展报告-{PERIOD}" in report.pdf.name
    assert report.docx.name.endswith(".docx")
    pdf_path = report.pdf.path
    assert str(report_media) in pdf_path

    # Pages render to non-empty images.
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    _run("pdftoppm", "-png", "-r", "50", pdf_path, str(pages_dir / "page"))
    pngs = sorted(pages_dir.glob("*.png"))
    assert len(pngs) == report.pages >= 2
    for png in pngs[:2]:
        with Image.open(png) as image:
            assert image.size[0] > 300
            assert image.convert("L").getextrema()[0] < 128  # something dark was drawn

    text = _run("pdftotext", pdf_path, "-")
    compact = "".join(text.split())
    for heading in ["季度进展报告", *HEADINGS]:
        assert heading in compact
    assert "".join(ACHIEVEMENTS.split()) in compact
    assert "".join(DIRECT_TEXT.split()) in compact
    overdue_part = compact.split("四、逾期未报清单", 1)[1]
    assert "省海洋局" in overdue_part and "红灯" in overdue_part

    fonts = _run("pdffonts", pdf_path)
    cjk = [line for line in fonts.splitlines() if "Noto" in line and "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded

    document = Document(report.docx.path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS
    assert any(ACHIEVEMENTS in p.text for p in document.paragraphs)
    assert len(document.inline_shapes) == len(report_content(late_round)["targets"])
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    heading_fonts = document.styles["Heading 1"].element.rPr.rFonts
    assert heading_fonts.get(qn("w:eastAsia")) == "黑体"
    assert heading_fonts.get(qn("w:eastAsiaTheme")) is None

    # Idempotent: a done report is not generated again.
    names = (report.pdf.name, report.docx.name, report.finished_at)
    assert generate_quarterly_report.call(report_id=report.pk) == R.DONE
    report.refresh_from_db()
    assert (report.pdf.name, report.docx.name, report.finished_at) == names


def test_generation_failure_is_recorded_and_can_be_retried(
    late_round, plan_officer, fast_render, monkeypatch
):
    from luzhi.supervision.reports import pdf

    report = quarterly_report_request(actor=plan_officer, round_=late_round)

    def broken(content):
        raise RuntimeError("字体缺失 <b>")

    working = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", broken)
    assert generate_quarterly_report.call(report_id=report.pk) == R.FAILED
    report.refresh_from_db()
    assert report.status == R.FAILED and "字体缺失 <b>" in report.error
    assert not report.pdf and report.finished_at
    monkeypatch.setattr(pdf, "render_pdf", working)
    assert generate_quarterly_report.call(report_id=report.pk) == R.DONE
    report.refresh_from_db()
    assert report.error == "" and report.pages == 2
    assert generate_quarterly_report.call(report_id=999_999) == "missing"


def test_pdf_fetcher_serves_only_the_reports_images():
    from luzhi.supervision.reports.pdf import MemoryFetcher

    fetcher = MemoryFetcher({"chart-0.png": b"\x89PNG-bytes"})
    assert fetcher("memory:chart-0.png").read() == b"\x89PNG-bytes"
    for url in (
        "memory:chart-1.png",
        "http://example.com/logo.png",
        "https://cdn.example.com/echarts.js",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher(url)


def test_the_web_process_does_not_import_weasyprint():
    """Views and the request service only queue the task; the renderers load in the worker."""
    code = (
        "import sys, django; django.setup(); "
        "import luzhi.supervision.views.reports, luzhi.supervision.reports.services; "
        "print('weasyprint' in sys.modules, 'docx' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603  (this interpreter, fixed code)
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "luzhi.settings"},
    ).stdout
    assert out.split() == ["False", "False"]


# --------------------------------------------------------------------------- the request service


def test_request_queues_generation_after_commit(
    late_round, plan_officer, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = quarterly_report_request(actor=plan_officer, round_=late_round)
    assert len(callbacks) == 1
    assert report.status == R.QUEUED and report.requested_by == plan_officer
    assert DBTaskResult.objects.count() == before + 1


@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_request_refuses_everyone_but_the_office(late_round, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        quarterly_report_request(actor=user, round_=late_round)
    assert not QuarterlyReport.objects.exists()


def test_request_refuses_a_duplicate_while_one_is_queued_or_running(late_round, plan_officer):
    first = quarterly_report_request(actor=plan_officer, round_=late_round)
    with pytest.raises(ValidationError, match="排队中"):
        quarterly_report_request(actor=plan_officer, round_=late_round)
    QuarterlyReport.objects.filter(pk=first.pk).update(status=R.RUNNING)
    with pytest.raises(ValidationError, match="生成中"):
        quarterly_report_request(actor=plan_officer, round_=late_round)
    assert QuarterlyReport.objects.count() == 1
    QuarterlyReport.objects.filter(pk=first.pk).update(status=R.DONE)
    assert quarterly_report_request(actor=plan_officer, round_=late_round).status == R.QUEUED


def test_request_gives_up_on_a_report_abandoned_while_running(late_round, plan_officer):
    first = quarterly_report_request(actor=plan_officer, round_=late_round)
    long_ago = timezone.now() - STALE_RUNNING - timedelta(minutes=1)
    # Queued long ago but started a moment ago: still running, not abandoned.
    QuarterlyReport.objects.filter(pk=first.pk).update(
        status=R.RUNNING, requested_at=long_ago, started_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        quarterly_report_request(actor=plan_officer, round_=late_round)
    QuarterlyReport.objects.filter(pk=first.pk).update(started_at=long_ago)
    second = quarterly_report_request(actor=plan_officer, round_=late_round)
    first.refresh_from_db()
    assert first.status == R.FAILED and first.error
    assert second.status == R.QUEUED


# --------------------------------------------------------------------------- the bulletin


def test_bulletin_ranks_units_with_shared_ranks(
    client, ranked_round, reporters, django_assert_max_num_queries
):
    _login(client, reporters["省海洋局"])
    # 8 for the round's tallies, 8 for the appraisal scores it ranks on (supervision.bulletin)
    with django_assert_max_num_queries(16):
        response = client.get(_url("bulletin", ranked_round.pk))
    assert response.status_code == 200
    rows = response.context["rows"]
    got = [
        (
            r["rank"],
            r["unit"],
            r["obligations"],
            r["on_time"],
            str(r["on_time_rate"]),
            r["accepted"],
            str(r["acceptance_rate"]),
            r["overdue"],
        )
        for r in rows[:4]
    ]
    assert got == EXPECTED_TOP
    assert {r["rank"] for r in rows[4:]} == {5}
    html = response.content.decode()
    for rank, unit, *_rest in EXPECTED_TOP:
        assert f'data-rank="{rank}" data-unit="{unit}"' in html
    positions = [html.index(f'data-unit="{unit}"') for _r, unit, *_ in EXPECTED_TOP]
    assert positions == sorted(positions)
    assert "50.0%" in html and "100.0%" in html


def test_bulletin_xlsx_has_the_same_table(client, ranked_round, plan_officer):
    _login(client, plan_officer)
    response = client.get(_url("bulletin_xlsx", ranked_round.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(response.content)).active
    assert ranked_round.name in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header == [
        "排名",
        "单位",
        "考核得分",
        "报送任务",
        "按时报送",
        "按时报送率",
        "审核通过",
        "通过率",
        "逾期未报",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    top = [
        (r[0], r[1], r[3], r[4], f"{r[5] * 100:.1f}", r[6], f"{r[7] * 100:.1f}", r[8])
        for r in rows[:4]
    ]
    assert top == EXPECTED_TOP
    assert {r[0] for r in rows[4:]} == {5}
    # Nothing is due yet: only the units that submitted have a score (quality: never returned).
    assert [r[2] for r in rows[:4]] == [100.0] * 4 and {r[2] for r in rows[4:]} == {None}
    assert ws.cell(3, 6).number_format == "0.0%"
    assert len(rows) == len({o.unit_id for o in Obligation.objects.filter(round=ranked_round)})


def test_bulletin_counts_overdue_units(client, late_round, plan_officer):
    _login(client, plan_officer)
    rows = {r["unit"]: r for r in client.get(_url("bulletin", late_round.pk)).context["rows"]}
    assert rows["省海洋局"]["overdue"] == 1 and rows["省海洋局"]["on_time"] == 0
    assert rows["省委网信办"]["overdue"] == 0 and rows["省委网信办"]["accepted"] == 1


@pytest.mark.parametrize("name", ["bulletin", "bulletin_xlsx"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("plan_officer", 200), ("reporter_sti", 200), ("enterprise_user", 403), ("anonymous", 302)],
)
def test_bulletin_permissions(client, late_round, request, name, persona, status):
    _login(client, request.getfixturevalue(persona))
    response = client.get(_url(name, late_round.pk))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_bulletin_of_a_missing_round_is_404(client, plan_officer):
    _login(client, plan_officer)
    assert client.get(_url("bulletin", 999_999)).status_code == 404


# --------------------------------------------------------------------------- report views


def test_request_view_posts_and_redirects_with_a_message(client, late_round, plan_officer):
    _login(client, plan_officer)
    url = _url("report_request", late_round.pk)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == _url("round_detail", late_round.pk)
    assert QuarterlyReport.objects.filter(round=late_round, status=R.QUEUED).count() == 1
    response = client.post(url, follow=False)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("排队中" in m for m in messages)
    assert QuarterlyReport.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("reporter_sti", 403), ("enterprise_user", 403), ("anonymous", 302)]
)
def test_request_view_refuses_others(client, late_round, request, persona, status):
    _login(client, request.getfixturevalue(persona))
    response = client.post(_url("report_request", late_round.pk))
    assert response.status_code == status
    assert not QuarterlyReport.objects.exists()


def test_detail_polls_while_queued_and_links_files_when_done(
    client, late_round, plan_officer, fast_render
):
    _login(client, plan_officer)
    report = quarterly_report_request(actor=plan_officer, round_=late_round)
    url = _url("report_detail", report.pk)
    page = client.get(url).content.decode()
    assert "<html" in page and 'hx-trigger="every 2s"' in page and "排队中" in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="report-status"' in fragment
    assert 'hx-trigger="every 2s"' in fragment
    generate_quarterly_report.call(report_id=report.pk)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "已生成" in fragment
    assert _url("report_download", report.pk, "pdf") in fragment
    assert _url("report_download", report.pk, "docx") in fragment


def test_detail_shows_a_failure_escaped(client, late_round, plan_officer):
    _login(client, plan_officer)
    report = quarterly_report_request(actor=plan_officer, round_=late_round)
    QuarterlyReport.objects.filter(pk=report.pk).update(
        status=R.FAILED, error="<script>alert(1)</script>"
    )
    html = client.get(_url("report_detail", report.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_download_gives_the_files_as_attachments(client, late_round, plan_officer, fast_render):
    report = _done_report(late_round, plan_officer)
    _login(client, plan_officer)
    response = client.get(_url("report_download", report.pk, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.get(_url("report_download", report.pk, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert client.get(_url("report_download", report.pk, "exe")).status_code == 404


def test_download_is_404_until_done(client, late_round, plan_officer):
    report = quarterly_report_request(actor=plan_officer, round_=late_round)
    _login(client, plan_officer)
    assert client.get(_url("report_download", report.pk, "pdf")).status_code == 404
    assert client.get(_url("report_download", 999_999, "pdf")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("reporter_sti", 403), ("enterprise_user", 403), ("anonymous", 302)]
)
def test_report_pages_are_the_offices(client, late_round, plan_officer, request, persona, status):
    report = quarterly_report_request(actor=plan_officer, round_=late_round)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=R.DONE)
    _login(client, request.getfixturevalue(persona))
    for url in (_url("report_detail", report.pk), _url("report_download", report.pk, "pdf")):
        response = client.get(url)
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith(reverse("login"))


# --------------------------------------------------------------------------- the round page's panel


def _panel(user, round_, reports) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "supervision/_reports_panel.html",
        {"round": round_, "quarterly_reports": reports, "user": user},
        request=request,
    )


def test_panel_for_the_office(late_round, plan_officer, fast_render):
    done = _done_report(late_round, plan_officer)
    queued = QuarterlyReport.objects.create(round=late_round, requested_by=plan_officer)
    html = _panel(plan_officer, late_round, [queued, done])
    assert ">生成季度进展报告</button>" in html
    assert f'action="{_url("report_request", late_round.pk)}"' in html
    assert "csrfmiddlewaretoken" in html
    assert f'href="{_url("report_download", done.pk, "pdf")}">PDF</a>' in html
    assert f'href="{_url("report_download", done.pk, "docx")}">Word</a>' in html
    assert _url("report_download", queued.pk, "pdf") not in html
    assert f'href="{_url("bulletin", late_round.pk)}">通报排名</a>' in html


def test_panel_for_a_reporter(late_round, reporter_sti):
    html = _panel(reporter_sti, late_round, [])
    assert "生成季度进展报告" not in html
    assert f'href="{_url("bulletin", late_round.pk)}">通报排名</a>' in html


def test_round_page_includes_the_panel(client, late_round, plan_officer, reporter_sti):
    _login(client, plan_officer)
    response = client.post(_url("report_request", late_round.pk), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert ">生成季度进展报告</button>" in html and "排队中" in html and "已开始生成" in html
    _login(client, reporter_sti)
    html = client.get(_url("round_detail", late_round.pk)).content.decode()
    assert "生成季度进展报告" not in html and ">通报排名</a>" in html


# ------------------------------------------------------------------ the official document (公文)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
OFFICIAL_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def test_official_date():
    from datetime import date

    assert docx_report.official_date(date(2026, 10, 20)) == "2026年10月20日"
    assert docx_report.official_date(date(2026, 1, 5)) == "2026年1月5日"


def test_the_report_reads_as_an_official_document(late_round, plan_officer, report_media):
    report = quarterly_report_request(actor=plan_officer, round_=late_round)
    generate_quarterly_report.call(report_id=report.pk)
    report.refresh_from_db()

    fonts = _run("pdffonts", report.pdf.path)
    assert "NotoSerifCJK" in fonts.replace("-", ""), fonts  # title and body in the serif face
    layout = _run("pdftotext", "-layout", "-l", "1", report.pdf.path, "-")
    lines = [line.strip() for line in layout.splitlines() if line.strip()]
    title_lines = []
    for line in lines:
        title_lines.append(line)
        if line.endswith("进展报告"):
            break
    title = report_content(late_round)["title"]
    assert "".join(title_lines).replace(" ", "") == title.replace(" ", "")
    assert len(title_lines[-1].replace(" ", "")) > 1, title_lines  # no orphaned character

    pdf_text = _run("pdftotext", report.pdf.path, "-")
    word_text = "\n".join(p.text for p in Document(report.docx.path).paragraphs)
    for text in (pdf_text, word_text):
        assert not ISO_DATE.search(text), ISO_DATE.search(text)
        assert docx_report.official_date(late_round.due_date) in text.replace(" ", "")
    assert set(OFFICIAL_DATE.findall(word_text)) <= set(
        OFFICIAL_DATE.findall(pdf_text.replace(" ", ""))
    )
