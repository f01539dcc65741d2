"""Batch import from the departments' .xlsx: dry run with row errors, then all or nothing;
export through core.xlsx (round trip)."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook
from openpyxl import load_workbook

from luzhi.scenarios import services
from luzhi.scenarios.exports import batch_workbook_bytes
from luzhi.scenarios.models import Scenario
from luzhi.scenarios.services.imports import HEADERS

from .conftest import make_enterprise

HEAD = ["场景名称", "类别", "应用领域", "场景描述", "发布方", "所在市", "预算下限(万元)", "预算上限(万元)", "联系人"]
GOOD = [
    ["钢铁板材表面缺陷在线检测", "需求", "工业制造", "热轧带钢表面缺陷靠人工抽检,希望实现全检。", "省工业和信息化厅", "济南", 100, 300, "王工"],
    ["海洋牧场智能投喂", "机会", "现代海洋", "深远海养殖工船需要按鱼群状态精准投喂。", "青岛市", "青岛", None, None, ""],
]


def xlsx(rows, head=HEAD):
    wb = Workbook()
    wb.active.append(head)
    for row in rows:
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_dry_run_then_all_rows(batch, plan_officer, domains):
    report = services.batch_import(actor=plan_officer, batch=batch, data=xlsx(GOOD), dry_run=True)
    assert report.ok and report.rows == 2 and report.created == 0
    assert not Scenario.objects.exists()
    report = services.batch_import(actor=plan_officer, batch=batch, data=xlsx(GOOD), dry_run=False)
    assert report.ok and report.created == 2
    steel, ocean = Scenario.objects.order_by("pk")
    assert steel.publisher_unit.short_name == "省工业和信息化厅" and steel.budget_max == 300
    assert ocean.publisher_unit.short_name == "青岛市" and ocean.kind == "opportunity"
    assert steel.history.first().history_change_reason == "imported"


def test_every_row_error_is_reported_and_nothing_is_written(batch, plan_officer, domains):
    make_enterprise("潍坊智造科技有限公司", city="潍坊", n=5)
    rows = GOOD + [
        ["短", "需求", "工业制造", "好", "省工业和信息化厅", "济南", None, None, ""],
        ["未知领域的场景", "合作", "太空采矿", "这是一段足够长的场景描述文字。", "不存在的单位", "拉萨", "很多", None, ""],
        ["企业发布的场景", "需求", "工业制造", "这是一段足够长的场景描述文字。", "潍坊智造科技有限公司", "", 10, 5, ""],
        ["<script>alert(1)</script>", "需求", "工业制造", "长" * 5001, "省工业和信息化厅", "", None, None, ""],
    ]
    report = services.batch_import(actor=plan_officer, batch=batch, data=xlsx(rows), dry_run=False)
    assert not report.ok and report.created == 0
    assert not Scenario.objects.exists()
    found = {(e.row, e.column) for e in report.errors}
    assert {(4, "场景名称"), (4, "场景描述"), (5, "类别"), (5, "应用领域"), (5, "发布方"), (5, "所在市"),
            (5, "预算下限(万元)"), (6, "预算上限(万元)"), (7, "场景描述")} <= found
    messages = " ".join(str(e) for e in report.errors)
    assert "第5行「应用领域」" in messages and "太空采矿" in messages and "最多 5000 个字" in messages


def test_missing_columns_refuse_the_whole_file(batch, plan_officer, domains):
    head = [h for h in HEAD if h not in ("应用领域", "发布方")]
    report = services.batch_import(actor=plan_officer, batch=batch, data=xlsx([["x"] * len(head)], head), dry_run=True)
    assert not report.ok and report.errors[0].row == 0
    assert "缺少列:应用领域、发布方" in report.errors[0].message
    report = services.batch_import(actor=plan_officer, batch=batch, data=b"not a spreadsheet", dry_run=True)
    assert "不是有效的 .xlsx" in report.errors[0].message
    report = services.batch_import(actor=plan_officer, batch=batch, data=xlsx([]), dry_run=True)
    assert "没有数据行" in report.errors[0].message


def test_only_the_plan_office_imports_and_not_into_a_published_batch(batch, plan_officer, reporter_miit, scenario_in, domains):
    with pytest.raises(PermissionDenied):
        services.batch_import(actor=reporter_miit, batch=batch, data=xlsx(GOOD))
    scenario_in(batch)
    services.batch_close(actor=plan_officer, batch=batch)
    services.batch_publish(actor=plan_officer, batch=batch)
    report = services.batch_import(actor=plan_officer, batch=batch, data=xlsx(GOOD), dry_run=False)
    assert not report.ok and "已发布" in report.errors[0].message


def test_export_round_trips_and_neutralises_formulas(batch, plan_officer, scenario_in, domains):
    scenario_in(batch, title="=HYPERLINK(\"http://x\",\"点我\")场景")
    data = batch_workbook_bytes(batch=batch, user=plan_officer)
    sheet = load_workbook(BytesIO(data)).active
    header = [c.value for c in sheet[2]]
    assert header[: len(HEADERS)] == list(HEADERS.values())
    assert sheet["A3"].value.startswith("'=HYPERLINK") and sheet["A3"].data_type == "s"
