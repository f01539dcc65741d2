"""Registry spreadsheets: import (dry run, all or nothing, every bad input), export, template, pages, CLI.

Files are built in memory with openpyxl. Row numbers in errors are the
spreadsheet's (the header is row 1).
"""

import io
import zipfile
from datetime import date
from datetime import timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from luzhi.accounts.models import City
from luzhi.registry.credit_code import check_character
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Talent
from luzhi.registry.resources import RESOURCES
from luzhi.registry.services.imports import registry_export
from luzhi.registry.services.imports import registry_import
from luzhi.registry.services.imports import registry_template

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所在市",
    "产业环节",
    "成立日期",
    "入库硬科技企业库",
    "入库日期",
]
FIGURES = ["年度", "营业收入(万元)", "人工智能核心产业收入(万元)", "研发投入(万元)", "从业人员"]
TOMORROW = timezone.localdate() + timedelta(days=1)


def code(i: int) -> str:
    first = f"91370100{i:09d}"
    return first + check_character(first)


def enterprise_row(i: int, **changes) -> list:
    row = {
        "企业名称": f"山东测试科技有限公司{i:03d}",
        "统一社会信用代码": code(i),
        "所在市": "济南",
        "产业环节": "大模型",
        "成立日期": date(2020, 1, 2),
        "入库硬科技企业库": "否",
        "入库日期": None,
    }
    row.update(changes)
    return [row[h] for h in HEADER]


def xlsx(rows, header=HEADER, *, merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def big_xlsx(rows: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("企业库")
    sheet.append(HEADER + FIGURES)
    for i in range(rows):
        sheet.append(enterprise_row(i) + [2024, 1000 + i, 100, 50, 20])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(data, *, dry_run=True, registry="enterprise", actor=None):
    return registry_import(actor=actor, registry=registry, upload=data, dry_run=dry_run)


def messages(report) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in report.errors]


# ------------------------------------------------------------------ the happy path


@pytest.mark.django_db
def test_import_writes_approved_enterprises_with_history_and_figures(plan_officer):
    rows = [
        enterprise_row(1, 入库硬科技企业库="是", 入库日期="2024-03-01")
        + [2024, 5000.5, 1200, 300, 88],
        enterprise_row(2, 所在市="青岛市", 产业环节="AI芯片") + [None] * 5,
    ]
    report = run(xlsx(rows, HEADER + FIGURES), dry_run=False, actor=plan_officer)
    assert report.ok and report.created == 2 and report.rows == 2
    first = Enterprise.objects.get(credit_code=code(1))
    assert (
        first.status == RecordStatus.APPROVED
        and first.hard_tech
        and first.hard_tech_since == date(2024, 3, 1)
    )
    assert first.city.name == "济南" and first.segment == "large_models"
    year = first.years.get()
    assert (year.year, year.revenue, year.employees) == (2024, 5000.5, 88)
    history = first.history.get()
    assert history.history_type == "+" and history.history_user == plan_officer
    assert "导入" in history.history_change_reason
    second = Enterprise.objects.get(credit_code=code(2))
    assert second.city.name == "青岛" and not second.years.exists()
    assert EnterpriseYear.history.count() == 1


@pytest.mark.django_db
def test_dry_run_reports_every_error_with_its_row_and_writes_nothing():
    rows = [
        enterprise_row(1),
        enterprise_row(2, 统一社会信用代码="91370100MA3C12345X"),  # bad check character
        enterprise_row(3, 所在市="火星", 产业环节="量子计算"),
        enterprise_row(4, 成立日期=TOMORROW),
        enterprise_row(5),
    ]
    report = run(xlsx(rows))
    assert not report.ok and report.created == 0
    assert report.rows == 5 and report.valid_rows == 2 and report.bad_rows == 3
    found = {(row, column) for row, column, _m in messages(report)}
    assert found == {(3, "统一社会信用代码"), (4, "所在市"), (4, "产业环节"), (5, "成立日期")}
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_a_clean_dry_run_writes_nothing_either():
    report = run(xlsx([enterprise_row(1), enterprise_row(2)]))
    assert report.ok and report.rows == 2 and report.created == 0
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_all_or_nothing_one_bad_row_among_fifty_writes_nothing():
    rows = [enterprise_row(i) for i in range(50)]
    rows[37] = enterprise_row(37, 成立日期=TOMORROW)
    report = run(xlsx(rows), dry_run=False)
    assert report.created == 0 and report.error_count == 1
    assert messages(report)[0][:2] == (39, "成立日期")
    assert Enterprise.objects.count() == 0 and Enterprise.history.count() == 0


@pytest.mark.django_db
def test_a_bad_row_after_written_batches_rolls_everything_back(monkeypatch):
    from luzhi.registry.services.imports import importer

    monkeypatch.setattr(
        importer, "BATCH", 10
    )  # the first batches are written before the bad row is seen
    rows = [enterprise_row(i) for i in range(45)]
    rows[41] = enterprise_row(41, 统一社会信用代码="123")
    report = run(xlsx(rows), dry_run=False)
    assert report.created == 0 and [e.row for e in report.errors] == [43]
    assert Enterprise.objects.count() == 0 and Enterprise.history.count() == 0


# ------------------------------------------------------------------ bad input, one by one


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("91370100MA3C12345X", "校验位"),
        ("123", "18位"),
        ("91370100IO3C12345X", "不允许的字符"),
        ("", "不能为空"),
    ],
)
def test_invalid_credit_code(value, words):
    report = run(xlsx([enterprise_row(1, 统一社会信用代码=value)]))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "统一社会信用代码") and words in message


@pytest.mark.django_db
def test_credit_code_is_normalised_as_pasted():
    pasted = " " + code(1).lower()
    report = run(xlsx([enterprise_row(1, 统一社会信用代码=pasted)]), dry_run=False)
    assert report.ok and Enterprise.objects.filter(credit_code=code(1)).exists()


@pytest.mark.django_db
def test_duplicate_within_the_file_names_the_first_row():
    report = run(xlsx([enterprise_row(1), enterprise_row(2), enterprise_row(1, 企业名称="改名")]))
    [(row, column, message)] = messages(report)
    assert (row, column) == (4, "统一社会信用代码") and "与第 2 行重复" in message


@pytest.mark.django_db
def test_duplicate_of_an_existing_enterprise_is_refused_not_updated():
    run(xlsx([enterprise_row(1)]), dry_run=False)
    report = run(xlsx([enterprise_row(2), enterprise_row(1, 企业名称="新名称")]), dry_run=False)
    [(row, column, message)] = messages(report)
    assert (row, column) == (3, "统一社会信用代码") and "已在企业库中" in message
    assert Enterprise.objects.get(credit_code=code(1)).name == "山东测试科技有限公司001"
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_dates_in_the_future_and_unreadable_dates():
    rows = [
        enterprise_row(1, 成立日期=TOMORROW),
        enterprise_row(2, 成立日期="去年春天"),
        enterprise_row(3, 入库硬科技企业库="是", 入库日期=TOMORROW.isoformat()),
    ]
    report = run(xlsx(rows))
    found = {(row, column): message for row, column, message in messages(report)}
    assert "晚于今天" in found[(2, "成立日期")]
    assert "不是日期" in found[(3, "成立日期")]
    assert "晚于今天" in found[(4, "入库日期")]


@pytest.mark.django_db
def test_negative_money_is_refused():
    rows = [enterprise_row(1) + [2024, -100, 0, 0, 10], enterprise_row(2) + [2024, 100, 0, -5, 10]]
    report = run(xlsx(rows, HEADER + FIGURES))
    found = {(row, column) for row, column, message in messages(report) if "负数" in message}
    assert found == {(2, "营业收入(万元)"), (3, "研发投入(万元)")}


@pytest.mark.django_db
def test_negative_project_funding_is_refused():
    header = RESOURCES["project"].columns()
    row = ["大模型推理优化", "基础研究", 2024, "山东大学", "济南", -3, "在研"]
    report = run(xlsx([row], header), registry="project")
    assert [(e.row, e.column) for e in report.errors] == [(2, "资助经费(万元)")]
    assert "负数" in report.errors[0].message


@pytest.mark.django_db
def test_unknown_city_and_segment_list_the_allowed_values():
    report = run(xlsx([enterprise_row(1, 所在市="上海", 产业环节="区块链")]))
    found = {column: message for _row, column, message in messages(report)}
    assert "未知的市“上海”" in found["所在市"] and "济南" in found["所在市"]
    assert "未知的取值“区块链”" in found["产业环节"] and "大模型" in found["产业环节"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "words"),
    [
        (HEADER[:3] + HEADER[4:], "缺少列:产业环节"),
        (HEADER + ["备注"], "无法识别的列:备注"),
        (HEADER + ["所在市"], "重复的列:所在市"),
        (["name", "code"], "缺少列"),
        (HEADER + ["年度"], "缺少列:营业收入(万元)"),
    ],
)
def test_wrong_or_missing_headers_are_one_clear_error_and_no_row_is_read(header, words):
    report = run(xlsx([["x"] * len(header)], header))
    [(row, column, message)] = messages(report)
    assert row == 1 and words in message and "企业名称" in message  # lists the expected columns
    assert report.rows == 0


@pytest.mark.django_db
def test_headers_in_any_order_are_accepted():
    header = list(reversed(HEADER))
    report = run(xlsx([list(reversed(enterprise_row(1)))], header), dry_run=False)
    assert report.ok and report.created == 1


@pytest.mark.django_db
def test_merged_cells_are_refused_with_their_range():
    rows = [enterprise_row(1), enterprise_row(2, 所在市=None)]
    report = run(xlsx(rows, merge="C2:C3"))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "C2:C3") and "合并单元格" in message
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_formulas_are_refused_cell_by_cell():
    rows = [enterprise_row(1, 企业名称='=CONCAT("山东","科技")'), enterprise_row(2, 所在市="=C2")]
    report = run(xlsx(rows), dry_run=False)
    found = {(row, column) for row, column, message in messages(report) if "公式" in message}
    assert found == {(2, "企业名称"), (3, "所在市")}
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_files_that_are_not_xlsx_are_one_clear_error():
    for data in (b"not a spreadsheet", b"name,code\n1,2\n", _zip_without_workbook()):
        report = run(data)
        [(row, _column, message)] = messages(report)
        assert row is None and ".xlsx" in message


@pytest.mark.django_db
def test_a_sheet_that_cannot_be_read_to_its_end_is_one_clear_error():
    from luzhi.registry.tests.test_import_reading import _with_sheet_xml

    data = _with_sheet_xml(
        xlsx([enterprise_row(1)]), lambda sheet: sheet.replace(b"</sheetData>", b"<row><c r=")
    )
    report = run(data, dry_run=False)
    [(row, _column, message)] = messages(report)
    assert row is None and "文件已损坏" in message
    assert Enterprise.objects.count() == 0


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return buffer.getvalue()


@pytest.mark.django_db
def test_empty_file_and_header_only_file():
    assert "表头" in messages(run(xlsx([], [])))[0][2]
    assert "没有数据行" in messages(run(xlsx([])))[0][2]


@pytest.mark.django_db
def test_values_outside_the_header_are_refused():
    report = run(xlsx([enterprise_row(1) + ["多余"]]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "")]


@pytest.mark.django_db
def test_row_limit_refuses_the_whole_file(monkeypatch):
    from luzhi.registry.services.imports import importer

    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    report = run(xlsx([enterprise_row(i) for i in range(5)]), dry_run=False)
    assert not report.ok and "上限" in report.errors[-1].message and Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_a_large_file_imports_without_crashing():
    """20,000 rows here (the bench runs 100,000): streamed, validated, written, in one transaction."""
    data = big_xlsx(20_000)
    report = run(data, dry_run=False)
    assert report.ok, report.errors[:3]
    assert report.created == 20_000 == Enterprise.objects.count() == EnterpriseYear.objects.count()
    assert Enterprise.history.count() == 20_000


@pytest.mark.django_db
def test_error_list_is_bounded_but_counted(monkeypatch):
    from luzhi.registry.services.imports import report as reporting

    monkeypatch.setattr(reporting, "MAX_ERRORS", 5)
    report = run(xlsx([enterprise_row(i, 所在市="火星") for i in range(12)]))
    assert report.error_count == 12 and len(report.errors) == 5 and report.truncated


# ------------------------------------------------------------------ other registries


def _registry_rows(provider_code: str) -> dict:
    return {
        "platform": [
            "山东省人工智能实验室",
            "省实验室",
            "省级",
            "山东大学",
            "济南",
            date(2023, 5, 1),
            "鲁科字〔2023〕1号",
            "运行",
            "是",
        ],
        "talent": ["张三", "国家级", "某人才计划", "人工智能", "山东大学", "济南", 2023],
        "project": ["大模型推理优化", "基础研究", 2024, "山东大学", "济南", 120.5, "在研"],
        "achievement": [
            "一种推理加速方法",
            "专利",
            "山东大学",
            "青岛",
            date(2024, 1, 5),
            6,
            "",
            "",
            "否",
            None,
        ],
        "algorithmproduct": [
            "智能质检算法",
            provider_code,
            "测试企业",
            "工业质检",
            "",
            "已发布",
            date(2024, 6, 1),
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "registry", ["platform", "talent", "project", "achievement", "algorithmproduct"]
)
def test_other_registries_import_and_round_trip(registry, plan_officer):
    run(xlsx([enterprise_row(1)]), dry_run=False)
    row = _registry_rows(code(1))[registry]
    header = RESOURCES[registry].columns()
    report = run(xlsx([row], header), registry=registry, dry_run=False, actor=plan_officer)
    assert report.ok and report.created == 1, report.errors
    model = RESOURCES[registry]._meta.model
    assert model.objects.count() == 1
    exported = registry_export(user=plan_officer, registry=registry)
    again = run(exported, registry=registry)
    assert not again.ok and "已在" in again.errors[0].message  # the same record: a duplicate
    model.objects.all().delete()
    assert run(exported, registry=registry, dry_run=False).created == 1


@pytest.mark.django_db
def test_algorithm_product_with_an_unknown_provider():
    header = RESOURCES["algorithmproduct"].columns()
    row = _registry_rows(code(9))["algorithmproduct"]
    report = run(xlsx([row], header), registry="algorithmproduct")
    assert [(e.row, e.column) for e in report.errors] == [(2, "提供企业统一社会信用代码")]


@pytest.mark.django_db
def test_model_rules_reach_the_row(plan_officer):
    header = RESOURCES["achievement"].columns()
    row = ["成果", "专利", "山东大学", "济南", date(2024, 1, 5), 12, "", "", "是", None]
    report = run(xlsx([row], header), registry="achievement")
    found = {column for _row, column, _message in messages(report)}
    assert found == {"技术成熟度(TRL)", "专家评审日期"}


# ------------------------------------------------------------------ export and round trip


@pytest.mark.django_db
def test_enterprise_export_round_trip(plan_officer):
    rows = [
        enterprise_row(i, 入库硬科技企业库="是", 入库日期=date(2024, 2, 1))
        + [2024, 100 + i, 10, 5, 3]
        for i in range(5)
    ]
    run(xlsx(rows, HEADER + FIGURES), dry_run=False)
    exported = registry_export(user=plan_officer, registry="enterprise")
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER + FIGURES and len(values) == 6
    assert values[1][2] == "济南" and values[1][3] == "大模型" and values[1][5] == "是"
    # Existing records: every row is a duplicate, and nothing changes.
    again = run(exported, dry_run=False)
    assert again.error_count == 5 and all("已在企业库中" in e.message for e in again.errors)
    # Into an empty registry: accepted as it is, figures included.
    before = list(
        Enterprise.objects.order_by("credit_code").values_list("name", "credit_code", "segment")
    )
    EnterpriseYear.objects.all().delete()
    Enterprise.objects.all().delete()
    report = run(exported, dry_run=False)
    assert report.ok and report.created == 5 and EnterpriseYear.objects.count() == 5
    assert (
        list(
            Enterprise.objects.order_by("credit_code").values_list("name", "credit_code", "segment")
        )
        == before
    )


@pytest.mark.django_db
def test_export_writes_text_starting_with_equals_as_text(plan_officer):
    Platform.objects.create(
        name='=HYPERLINK("http://x")',
        kind="incubator",
        level="city",
        host="h",
        city=City.objects.get(name="济南"),
        approved_on=date(2024, 1, 1),
    )
    data = registry_export(user=plan_officer, registry="platform")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml


@pytest.mark.django_db
def test_template_has_the_headers_and_imports_as_an_empty_file():
    for registry in RESOURCES:
        data = registry_template(registry=registry)
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        assert [c.value for c in workbook.worksheets[0][1]] == RESOURCES[registry].columns()
        assert workbook.sheetnames[1] == "填写说明"
        report = run(data, registry=registry)
        assert [e.message for e in report.errors] == ["文件中没有数据行。"]


# ------------------------------------------------------------------ permissions


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reporter_sti", "enterprise_user", "anonymous"])
def test_only_the_plan_office_imports(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        run(xlsx([enterprise_row(1)]), actor=user, dry_run=False)
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_talent_export_is_for_the_plan_office_only(
    plan_officer, reporter_sti, enterprise_user, anonymous
):
    Talent.objects.create(
        name="张三",
        level="national",
        programme="p",
        host="h",
        city=City.objects.get(name="济南"),
        year=2023,
    )
    assert registry_export(user=plan_officer, registry="talent")
    for user in (reporter_sti, enterprise_user, anonymous):
        with pytest.raises(PermissionDenied):
            registry_export(user=user, registry="talent")


def _exported_codes(data) -> set:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return {row[1] for row in list(sheet.iter_rows(values_only=True))[1:]}


@pytest.mark.django_db
def test_export_visibility_per_role(plan_officer, reporter_sti, enterprise_user, anonymous):
    run(xlsx([enterprise_row(1), enterprise_row(2), enterprise_row(3)]), dry_run=False)
    Enterprise.objects.filter(credit_code=code(2)).update(status=RecordStatus.PENDING)
    own = Enterprise.objects.get(credit_code=code(3))
    own.status = RecordStatus.PENDING
    own.save()
    own.members.add(enterprise_user)
    assert _exported_codes(registry_export(user=plan_officer, registry="enterprise")) == {
        code(1),
        code(2),
        code(3),
    }
    assert _exported_codes(registry_export(user=anonymous, registry="enterprise")) == {code(1)}
    assert _exported_codes(registry_export(user=reporter_sti, registry="enterprise")) == {code(1)}
    assert _exported_codes(registry_export(user=enterprise_user, registry="enterprise")) == {
        code(1),
        code(3),
    }
    # Yearly figures: the plan office and reporters, not the public.
    public = openpyxl.load_workbook(
        io.BytesIO(registry_export(user=anonymous, registry="enterprise"))
    ).active
    assert [c.value for c in public[1]] == HEADER
    reporter = openpyxl.load_workbook(
        io.BytesIO(registry_export(user=reporter_sti, registry="enterprise"))
    ).active
    assert [c.value for c in reporter[1]] == HEADER + FIGURES


# ------------------------------------------------------------------ pages


def _sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _upload(client, url, data, name="enterprises.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_import_page_dry_run_then_confirm(client, plan_officer):
    url = reverse("registry:import", args=["enterprises"])
    _sign_in(client, plan_officer)
    assert client.get(url).status_code == 200
    response = _upload(client, url, xlsx([enterprise_row(1), enterprise_row(2)]))
    html = response.content.decode()
    assert response.status_code == 200 and "全部 2 行检查无误" in html and "确认导入" in html
    assert Enterprise.objects.count() == 0
    token = client.session["registry_import"]["enterprise"]["token"]
    response = client.post(url, {"action": "confirm", "token": token})
    assert response.status_code == 302 and Enterprise.objects.count() == 2
    html = client.get(url).content.decode()
    assert "导入完成" in html and "已从“enterprises.xlsx”导入 2 条记录" in html
    # The token is single use.
    again = client.post(url, {"action": "confirm", "token": token})
    assert again.status_code == 409 and Enterprise.objects.count() == 2


@pytest.mark.django_db
def test_import_page_shows_every_row_error_and_offers_no_confirm(client, plan_officer):
    url = reverse("registry:import", args=["enterprises"])
    _sign_in(client, plan_officer)
    rows = [
        enterprise_row(1, 所在市="火星"),
        enterprise_row(2),
        enterprise_row(3, 成立日期=TOMORROW),
    ]
    html = _upload(client, url, xlsx(rows)).content.decode()
    assert (
        "第 2 行" in html and "第 4 行" in html and "未知的市“火星”" in html and "晚于今天" in html
    )
    assert 'name="action" value="confirm"' not in html
    assert "registry_import" not in client.session or not client.session["registry_import"]
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_confirm_rechecks_and_writes_nothing_if_the_registry_changed(client, plan_officer):
    url = reverse("registry:import", args=["enterprises"])
    _sign_in(client, plan_officer)
    _upload(client, url, xlsx([enterprise_row(1), enterprise_row(2)]))
    run(xlsx([enterprise_row(2)]), dry_run=False)  # someone else imported one of them meanwhile
    token = client.session["registry_import"]["enterprise"]["token"]
    response = client.post(url, {"action": "confirm", "token": token})
    assert response.status_code == 409 and "已在企业库中" in response.content.decode()
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_import_page_refuses_other_files(client, plan_officer):
    url = reverse("registry:import", args=["enterprises"])
    _sign_in(client, plan_officer)
    html = _upload(client, url, b"a,b", name="data.csv").content.decode()
    assert "请上传 .xlsx 文件" in html


@pytest.mark.django_db
def test_import_pages_per_role(client, reporter_sti, enterprise_user):
    for name in ("import", "template"):
        url = reverse(f"registry:{name}", args=["enterprises"])
        assert client.get(url).status_code == 302  # the public signs in first
        for user in (reporter_sti, enterprise_user):
            _sign_in(client, user)
            assert client.get(url).status_code == 403
            client.logout()
    _sign_in(client, reporter_sti)
    response = _upload(
        client, reverse("registry:import", args=["enterprises"]), xlsx([enterprise_row(1)])
    )
    assert response.status_code == 403 and Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_export_and_template_downloads(client, plan_officer, reporter_sti):
    run(xlsx([enterprise_row(1), enterprise_row(2, 所在市="青岛")]), dry_run=False)
    response = client.get(reverse("registry:export", args=["enterprises"]))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    assert "attachment" in response["Content-Disposition"]
    assert _exported_codes(response.content) == {code(1), code(2)}
    assert client.get(reverse("registry:export", args=["talent"])).status_code == 302
    _sign_in(client, reporter_sti)
    assert client.get(reverse("registry:export", args=["talent"])).status_code == 403
    client.logout()
    _sign_in(client, plan_officer)
    assert client.get(reverse("registry:export", args=["talent"])).status_code == 200
    template = client.get(reverse("registry:template", args=["platforms"]))
    assert template.status_code == 200 and openpyxl.load_workbook(io.BytesIO(template.content))


@pytest.mark.django_db
def test_export_honours_the_list_filters(client):
    run(xlsx([enterprise_row(1), enterprise_row(2, 所在市="青岛")]), dry_run=False)
    qingdao = City.objects.get(name="青岛")
    response = client.get(reverse("registry:export", args=["enterprises"]), {"city": qingdao.code})
    assert _exported_codes(response.content) == {code(2)}


@pytest.mark.django_db
def test_unknown_registry_is_not_routed(client):
    assert client.get("/registry/unicorns/export.xlsx").status_code == 404


# ------------------------------------------------------------------ command line


@pytest.mark.django_db
def test_command_imports_and_exits_2_listing_errors(tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([enterprise_row(1)]))
    call_command("registry_import", "enterprise", str(good), "--dry-run")
    assert Enterprise.objects.count() == 0
    call_command("registry_import", "enterprise", str(good))
    assert Enterprise.objects.count() == 1
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([enterprise_row(2, 所在市="火星"), enterprise_row(1)]))
    with pytest.raises(CommandError) as exc:
        call_command("registry_import", "enterprise", str(bad))
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert "2\t所在市\t未知的市" in err and "3\t统一社会信用代码\t" in err
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_models_behind_every_resource_are_the_registry_models():
    assert {r._meta.model for r in RESOURCES.values()} == {
        Enterprise,
        Platform,
        Talent,
        Project,
        Achievement,
        AlgorithmProduct,
    }
