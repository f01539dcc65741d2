"""Today's row errors, pinned: files with many kinds of bad rows give exactly these errors.

The import's reading and validation were rewritten for speed (issue 11); what a
user is told must not change. ``data/import_errors_pinned.json`` holds every
error (row, column, message) and the counts the import reported for each file
below, as the per-row ``full_clean`` import produced them. Regenerate it only
for a deliberate change of a message (``LUZHI_PIN_ERRORS=write``), and say why
in the commit.
"""

import datetime
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest

from luzhi.registry.credit_code import check_character
from luzhi.registry.resources import RESOURCES
from luzhi.registry.services.imports import registry_import

PINNED = Path(__file__).parent / "data" / "import_errors_pinned.json"
FUTURE = datetime.date(2099, 5, 1)


def code(i: int) -> str:
    first = f"91370100{i:09d}"
    return first + check_character(first)


def _xlsx(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _enterprise_rows() -> list[list]:
    """One bad thing (or a few) per row; every row with figures fills all four money cells."""
    ok = ["山东测试科技有限公司", None, "济南", "大模型", datetime.date(2020, 1, 2), "否", None]
    money = [2024, 1000, 100, 50, 20]

    def row(i, changes=None, figures=money):
        values = list(ok)
        values[0] = f"{ok[0]}{i:03d}"
        values[1] = code(i)
        for index, value in (changes or {}).items():
            values[index] = value
        return values + list(figures)

    nothing = [None] * 5
    return [
        row(1),  # good
        row(2, {0: None}),  # blank name
        row(3, {0: "长" * 201}),  # name too long
        row(4, {1: "91370100MA3C12345X"}),  # check character
        row(5, {1: "123"}),  # length
        row(6, {1: "91370100IO3C12345X"}),  # characters
        row(7, {1: None}),  # blank code
        row(8, {1: " " + code(8).lower()}),  # pasted: fine
        row(9, {2: "火星"}),  # unknown city
        row(10, {2: None}),  # blank city
        row(11, {3: "量子计算"}),  # unknown segment
        row(12, {3: None}),  # blank segment
        row(13, {4: FUTURE}),  # future date
        row(14, {4: "去年春天"}),  # not a date
        row(15, {4: 43831}),  # a serial number
        row(16, {4: None}),  # blank date
        row(17, {4: "2020/5/1", 5: "是", 6: "2021年3月4日"}),  # text dates: fine
        row(18, {5: "也许"}),  # not yes/no
        row(19, {5: "否", 6: datetime.date(2021, 1, 1)}),  # date without hard tech
        row(20, {5: "是", 6: FUTURE}),  # future since
        row(21, figures=["二〇二四", 1000, 100, 50, 20]),  # year not a number
        row(22, figures=[2999, 1000, 100, 50, 20]),  # future year
        row(23, figures=[2024.5, 1000, 100, 50, 20]),  # fractional year
        row(24, figures=[-2024, 1000, 100, 50, 20]),  # negative year
        row(25, figures=[2024, -1000, 0, 0, 20]),  # negative revenue
        row(26, figures=[2024, "很多", 100, 50, 20]),  # revenue text
        row(27, figures=[2024, True, 100, 50, 20]),  # revenue a boolean
        row(28, figures=[2024, 100, 200, 50, 20]),  # ai core above revenue
        row(29, figures=[2024, 1000, 100, 50, -5]),  # negative head count
        row(30, figures=[2024, 1000, 100, 50, "12.5"]),  # fractional head count text
        row(31, figures=[2024, 1000, 100, 50, "二十"]),  # head count text
        row(32, figures=[2024, 12345678901234567, 100, 50, 20]),  # too many digits
        row(33, figures=[2024, 1000.125, 100, 50, 20]),  # three decimals
        row(34, figures=[2024, "1,234.5", 100, 50, 20]),  # thousands separator: fine
        row(35, figures=[None, 1000, 100, 50, 20]),  # figures without a year
        row(36, figures=[2024, None, 100, 50, 20]),  # a year without revenue
        row(37, figures=nothing),  # no figures: fine
        row(1, {0: "重复"}),  # duplicate of row 2
        row(38, {0: "#N/A"}),  # error value
        row(39, {2: "=A1"}),  # formula
        row(40, {0: 12345}),  # a number as a name: fine
        row(41, {0: "   "}),  # whitespace name
        row(42, {2: "青岛市", 3: "ai_chips"}),  # value instead of label: fine
        row(43, {5: 1}),  # 1 for yes
        row(44, {4: datetime.datetime(2020, 3, 4, 10, 30)}),  # a date-time: fine
        row(45, {4: datetime.time(10, 30)}),  # a time
        row(46, {3: 7}),  # a number as a segment
        row(47, {0: None, 2: "火星", 3: "区块链", 4: "昨天"}, ["x", "y", "z", "w", "v"]),  # all bad
        row(48) + ["多余"],  # outside the header
        [None] * 12,  # blank row: skipped
        row(49, {1: "existing"}),  # set below: an enterprise already in the registry
    ]


def _other_rows() -> dict[str, list[list]]:
    return {
        "platform": [
            [
                "实验室A",
                "省实验室",
                "省级",
                "山东大学",
                "济南",
                datetime.date(2023, 5, 1),
                "",
                "运行",
                "是",
            ],
            [
                "实验室A",
                "省实验室",
                "省级",
                "山东大学",
                "济南",
                datetime.date(2023, 5, 1),
                "",
                "运行",
                "是",
            ],
            ["", "外星实验室", "宇宙级", "", "火星", FUTURE, "x" * 101, "休眠", "可能"],
            ["实验室B", "省实验室", "省级", "山东大学", "济南", None, None, None, None],
            ["实验室C", "incubator", "city", "山东大学", "济南市", "2023-02-30", None, "", ""],
        ],
        "talent": [
            ["张三", "国家级", "某人才计划", "人工智能", "山东大学", "济南", 2023],
            ["李四", "市级", "", "", "", "济南", 2999],
            ["王五", "省级", "计划", "", "单位", "济南", "二〇二三"],
            ["张三", "国家级", "某人才计划", "人工智能", "山东大学", "青岛", 2023],
            ["赵六", "省级", "计划", "", "单位", "济南", None],
        ],
        "project": [
            ["项目一", "基础研究", 2024, "山东大学", "济南", 120.5, "在研"],
            ["项目二", "基础研究", 2024, "山东大学", "济南", -3, "在研"],
            ["项目三", "不存在的计划", 2999, "山东大学", "济南", "很多", "进行中"],
            ["项目一", "省重点研发计划", 2024, "山东大学", "青岛", 0, ""],
            ["", "", None, "", "", 1, None],  # (a blank amount: see test_imports)
        ],
        "achievement": [
            [
                "成果一",
                "专利",
                "山东大学",
                "济南",
                datetime.date(2024, 1, 5),
                6,
                "",
                "",
                "否",
                None,
            ],
            [
                "成果二",
                "专利",
                "山东大学",
                "济南",
                datetime.date(2024, 1, 5),
                12,
                "",
                "",
                "是",
                None,
            ],
            ["成果三", "论文", "山东大学", "济南", FUTURE, 0, "第一批", "入选", "否", FUTURE],
            ["成果四", "专著", "", "济南", None, "高", "", "落选", "否", "不详"],
            [
                "成果一",
                "专利",
                "山东大学",
                "济南",
                datetime.date(2024, 1, 5),
                None,
                "",
                "",
                "",
                None,
            ],
        ],
        "algorithmproduct": [
            ["算法一", code(100), "测试企业", "工业质检", "", "已发布", datetime.date(2024, 6, 1)],
            ["算法二", code(101), "", "工业质检", "", "已发布", None],
            ["算法三", "123", "", "", "", "已发布", None],
            ["算法一", code(100), "", "工业质检", "", "研发中", FUTURE],
            ["算法四", None, "", "领域", "", "上架", "2024-06-01"],
        ],
    }


def _cases() -> dict[str, tuple[str, bytes]]:
    enterprise = RESOURCES["enterprise"].columns()
    cases = {"enterprise": ("enterprise", _xlsx(enterprise, _enterprise_rows()))}
    core = enterprise[:7]
    cases["enterprise-core"] = (
        "enterprise",
        _xlsx(core, [r[:7] for r in _enterprise_rows()[:20]]),
    )
    for registry, rows in _other_rows().items():
        cases[registry] = (registry, _xlsx(RESOURCES[registry].columns(), rows))
    return cases


def _report(registry: str, data: bytes) -> dict:
    from luzhi.registry.models import Enterprise

    report = registry_import(actor=None, registry=registry, upload=data, dry_run=True)
    provider = Enterprise.objects.get(credit_code=code(100)).pk  # ids differ between databases
    return {
        "rows": report.rows,
        "valid_rows": report.valid_rows,
        "bad_rows": report.bad_rows,
        "error_count": report.error_count,
        "errors": [
            [e.row, e.column, e.message.replace(f" / {provider})", " / <provider>)")]
            for e in report.errors
        ],
    }


@pytest.fixture
def existing(db):
    from luzhi.accounts.models import City
    from luzhi.registry.models import Enterprise
    from luzhi.registry.models import Platform

    jinan = City.objects.get(name="济南")
    Enterprise.objects.create(
        name="已有企业",
        credit_code=code(49),
        city=jinan,
        segment="large_models",
        founded_on=datetime.date(2020, 1, 1),
    )
    Enterprise.objects.create(
        name="提供企业",
        credit_code=code(100),
        city=jinan,
        segment="large_models",
        founded_on=datetime.date(2020, 1, 1),
    )
    Platform.objects.create(
        name="实验室C",
        kind="incubator",
        level="city",
        host="山东大学",
        city=jinan,
        approved_on=datetime.date(2020, 1, 1),
    )


def _fix_existing(rows):
    for row in rows:
        if row[1] == "existing":
            row[1] = code(49)
    return rows


def test_row_errors_are_exactly_todays(existing):
    cases = _cases()
    enterprise = RESOURCES["enterprise"].columns()
    cases["enterprise"] = ("enterprise", _xlsx(enterprise, _fix_existing(_enterprise_rows())))
    found = {name: _report(registry, data) for name, (registry, data) in cases.items()}
    if os.environ.get("LUZHI_PIN_ERRORS") == "write":
        PINNED.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n")
    pinned = json.loads(PINNED.read_text())
    assert set(found) == set(pinned)
    for name in pinned:
        assert found[name]["errors"] == pinned[name]["errors"], name
        assert found[name] == pinned[name], name
