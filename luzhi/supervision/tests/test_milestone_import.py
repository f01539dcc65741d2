"""Importing milestones (工作要点) from a spreadsheet: dry run, all or nothing, every bad cell
by row and column, through the milestone service and its policy; the template; the page."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luzhi.supervision.milestone_import import HEADERS
from luzhi.supervision.milestone_import import milestones_import
from luzhi.supervision.milestone_import import template_bytes
from luzhi.supervision.models import TaskMilestone

TASK = "二/(一)/1"


def _xlsx(*rows, headers=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers or list(HEADERS.values()))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = [
    (TASK, "布局基础研究项目 80 项", "省科技厅", "2026-12-31", "立项文件印发", "立项通知", 2026),
    ("二(一)1", "建设校地研究院 2 家", "省教育厅", "2026/6/30", "揭牌运行", "", None),
]


def _errors(report) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in report.errors]


def test_a_dry_run_writes_nothing_and_the_import_creates_open_milestones(seed_plan, plan_officer):
    data = _xlsx(*GOOD)
    checked = milestones_import(actor=plan_officer, plan=seed_plan, data=data, dry_run=True)
    assert checked.ok and checked.rows == 2 and checked.created == 0
    assert not TaskMilestone.objects.exists()
    done = milestones_import(actor=plan_officer, plan=seed_plan, data=data, dry_run=False)
    assert done.ok and done.created == 2
    first, second = TaskMilestone.objects.order_by("due_date")
    assert (second.task.path, second.unit.short_name, second.year) == (TASK, "省科技厅", 2026)
    assert first.year == 2026 and first.due_date.isoformat() == "2026-06-30"  # year from the date
    assert {m.status for m in (first, second)} == {"open"}
    assert first.history.count() == 1 and first.events.filter(action="create").exists()


def test_all_or_nothing_with_every_bad_cell_named(seed_plan, plan_officer):
    data = _xlsx(
        *GOOD,
        ("九/(九)/9", "无此任务", "省科技厅", "2026-12-31", "标准", "", None),
        (TASK, "单位不明", "省不存在厅", "明年", "", "", "二〇二六"),
        (TASK, "x" * 301, "省科技厅", "2026-12-31", "标准", "", 2025),
    )
    report = milestones_import(actor=plan_officer, plan=seed_plan, data=data, dry_run=False)
    assert not report.ok and report.created == 0
    assert not TaskMilestone.objects.exists()  # the two good rows are not written either
    assert _errors(report) == [
        (4, "任务"),
        (5, "责任单位"),
        (5, "完成时限"),
        (5, "年度"),
        (5, "完成标准"),
        (6, "完成时限"),  # not in its year
    ]
    # The service's own rule (the title's length) is reported by row and column too.
    long_title = _xlsx((TASK, "x" * 301, "省科技厅", "2026-12-31", "标准", "", None))
    report = milestones_import(actor=plan_officer, plan=seed_plan, data=long_title, dry_run=False)
    assert _errors(report) == [(2, "工作要点")] and not TaskMilestone.objects.exists()


def test_a_repeated_milestone_is_refused(seed_plan, plan_officer):
    milestones_import(actor=plan_officer, plan=seed_plan, data=_xlsx(GOOD[0]), dry_run=False)
    again = milestones_import(actor=plan_officer, plan=seed_plan, data=_xlsx(*GOOD), dry_run=False)
    assert _errors(again) == [(2, "工作要点")] and TaskMilestone.objects.count() == 1
    twice = _xlsx(GOOD[1], GOOD[1])
    assert _errors(milestones_import(actor=plan_officer, plan=seed_plan, data=twice)) == [
        (3, "工作要点")
    ]


def test_a_unit_proposes_its_own_milestones_only(seed_plan, reporter_edu):
    mixed = milestones_import(actor=reporter_edu, plan=seed_plan, data=_xlsx(*GOOD), dry_run=False)
    assert _errors(mixed) == [(2, "责任单位")] and not TaskMilestone.objects.exists()
    own = milestones_import(actor=reporter_edu, plan=seed_plan, data=_xlsx(GOOD[1]), dry_run=False)
    assert own.ok and TaskMilestone.objects.get().status == "proposed"


def test_who_may_import_and_refused_files(seed_plan, plan_officer, enterprise_user):
    with pytest.raises(PermissionDenied):
        milestones_import(actor=enterprise_user, plan=seed_plan, data=_xlsx(*GOOD))
    not_xlsx = milestones_import(actor=plan_officer, plan=seed_plan, data=b"task,title\n")
    assert _errors(not_xlsx) == [(0, "")]
    missing = _xlsx(GOOD[0][:2], headers=["任务", "工作要点"])
    assert (
        "缺少列"
        in milestones_import(actor=plan_officer, plan=seed_plan, data=missing).errors[0].message
    )
    assert _errors(milestones_import(actor=plan_officer, plan=seed_plan, data=_xlsx())) == [(0, "")]


def test_the_template_is_read_back_as_an_empty_import(seed_plan, plan_officer):
    data = template_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in wb.worksheets[0][1]] == list(HEADERS.values())
    assert wb.worksheets[0].max_row == 1 and wb.worksheets[1]["A2"].value == TASK
    report = milestones_import(actor=plan_officer, plan=seed_plan, data=data)
    assert [e.message for e in report.errors] == ["表格中没有数据行。"]


def test_the_page(client, seed_plan, plan_officer, reporter_edu):
    url = reverse("supervision:milestone_import")
    client.force_login(plan_officer)
    assert client.get(url).status_code == 200
    template = client.get(reverse("supervision:milestone_import_template"))
    assert template.status_code == 200 and template.content.startswith(b"PK")
    bad = _xlsx(GOOD[0], (TASK, "单位不明", "省不存在厅", "2026-12-31", "标准", "", None))
    page = client.post(url, {"file": SimpleUploadedFile("ms.xlsx", bad), "import": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and "第 3 行" in html and "省不存在厅" in html
    assert not TaskMilestone.objects.exists()
    checked = client.post(url, {"file": SimpleUploadedFile("ms.xlsx", _xlsx(*GOOD)), "check": "1"})
    assert "检查无误" in checked.content.decode() and not TaskMilestone.objects.exists()
    done = client.post(url, {"file": SimpleUploadedFile("ms.xlsx", _xlsx(*GOOD)), "import": "1"})
    assert done.status_code == 302 and TaskMilestone.objects.count() == 2
    client.force_login(reporter_edu)
    assert client.get(url).status_code == 200
