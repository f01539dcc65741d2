"""Import edge cases found by a tester (issue 10): every cell a user can type gives a
row-and-column error, never a traceback; blank optional cells keep their defaults."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Project
from luzhi.registry.resources import RESOURCES
from luzhi.registry.tests.test_imports import FIGURES
from luzhi.registry.tests.test_imports import HEADER
from luzhi.registry.tests.test_imports import code
from luzhi.registry.tests.test_imports import enterprise_row
from luzhi.registry.tests.test_imports import messages
from luzhi.registry.tests.test_imports import run
from luzhi.registry.tests.test_imports import xlsx


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("blank", ["人工智能核心产业收入(万元)", "研发投入(万元)"])
def test_a_blank_optional_money_cell_keeps_its_default(blank, dry_run):
    figures = dict(zip(FIGURES, [2024, 1000, 100, 50, 20], strict=True))
    figures[blank] = None
    report = run(
        xlsx([enterprise_row(1) + list(figures.values())], HEADER + FIGURES), dry_run=dry_run
    )
    assert report.ok, report.errors
    if not dry_run:
        year = EnterpriseYear.objects.get()
        assert (
            year.revenue == 1000
            and getattr(
                year,
                {"人工智能核心产业收入(万元)": "ai_core_revenue", "研发投入(万元)": "rd_spend"}[
                    blank
                ],
            )
            == 0
        )


@pytest.mark.django_db
def test_only_the_required_columns_plus_year_and_revenue():
    header = HEADER + ["年度", "营业收入(万元)"]
    report = run(xlsx([enterprise_row(1) + [2024, 500]], header), dry_run=False)
    assert report.ok and report.created == 1, report.errors
    year = EnterpriseYear.objects.get()
    assert (year.revenue, year.ai_core_revenue, year.rd_spend, year.employees) == (500, 0, 0, 0)


@pytest.mark.django_db
def test_a_blank_project_funding_keeps_its_default():
    header = RESOURCES["project"].columns()
    row = ["大模型推理优化", "基础研究", 2024, "山东大学", "济南", None, "在研"]
    report = run(xlsx([row], header), registry="project", dry_run=False)
    assert report.ok, report.errors
    assert Project.objects.get().funding == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "sNaN", "-nan", "Infinity", "inf", "-Inf"])
def test_not_a_number_in_a_money_cell_is_a_row_error(value):
    report = run(xlsx([enterprise_row(1) + [2024, value, value, value, 1]], HEADER + FIGURES))
    assert {(row, column) for row, column, _m in messages(report)} == {
        (2, "营业收入(万元)"),
        (2, "人工智能核心产业收入(万元)"),
        (2, "研发投入(万元)"),
    }
    assert all("不是数字" in m for _r, _c, m in messages(report))


@pytest.mark.django_db
def test_thousands_separators_full_width_and_in_whole_numbers():
    rows = [enterprise_row(1) + [2024, "1，234.5", "1,000", "12，3", "1,234"]]
    report = run(xlsx(rows, HEADER + FIGURES), dry_run=False)
    assert report.ok, report.errors
    year = EnterpriseYear.objects.get()
    assert (year.revenue, year.ai_core_revenue, year.rd_spend, year.employees) == (
        Decimal("1234.5"),
        1000,
        123,
        1234,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "١٢", ",", "1 000", "12.0.0", "--1", "1.5"])
def test_odd_whole_numbers_are_one_plain_error(value):
    report = run(xlsx([enterprise_row(1) + [2024, 1, 0, 0, value]], HEADER + FIGURES))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "从业人员") and "不是整数" in message


@pytest.mark.django_db
def test_an_invalid_key_is_not_also_a_duplicate():
    rows = [
        enterprise_row(1, 统一社会信用代码="123"),
        enterprise_row(2, 统一社会信用代码="123"),
        enterprise_row(3, 统一社会信用代码="91370100MA3C12345X"),
        enterprise_row(4, 统一社会信用代码="91370100MA3C12345X"),
    ]
    report = run(xlsx(rows))
    assert [(row, column) for row, column, _m in messages(report)] == [
        (2, "统一社会信用代码"),
        (3, "统一社会信用代码"),
        (4, "统一社会信用代码"),
        (5, "统一社会信用代码"),
    ]
    assert not any("重复" in m for _r, _c, m in messages(report))


@pytest.mark.django_db
def test_a_19_character_credit_code_gets_one_message():
    report = run(xlsx([enterprise_row(1, 统一社会信用代码=code(1) + "1")]))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "统一社会信用代码") and "应为18位" in message and "19" in message


NASTY = [
    "NaN",
    "sNaN",
    "Infinity",
    "-0",
    "1e999999999",
    "-1e-999999999",
    "²",
    "1，234",
    "=1+1",
    "#REF!",
    "\u200b",
    "x" * 5000,
    "０１２３",
    10**30,
    -(10**30),
    1e308,
    -1e-308,
    0.1,
    True,
    datetime.date(1, 1, 1),
    datetime.datetime(9999, 12, 31, 23, 59),
    datetime.time(23, 59),
]


@pytest.mark.django_db
@pytest.mark.parametrize("registry", sorted(RESOURCES))
def test_every_cell_takes_any_typed_value_without_a_traceback(registry):
    """Each nasty value in each column: errors name a row and a column, or the row is accepted."""
    header = RESOURCES[registry].columns()
    rows = [[value] * len(header) for value in NASTY]
    rows += [
        [value if i == j else None for i in range(len(header))]
        for value in NASTY
        for j in range(len(header))
    ]
    for dry_run in (True, False):
        report = run(xlsx(rows, header), registry=registry, dry_run=dry_run)
        assert report.error_count and report.created == 0
        for row, column, message in messages(report):
            assert row is not None and row >= 2 and column and message
            assert "Traceback" not in message and "object has no attribute" not in message


@pytest.mark.django_db
def test_an_unmigrated_database_is_one_clear_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(Enterprise._meta, "db_table", "registry_enterprise_not_migrated")
    report = run(xlsx([enterprise_row(1)]))
    [(row, column, message)] = messages(report)
    assert row is None and "migrate" in message
    path = tmp_path / "e.xlsx"
    path.write_bytes(xlsx([enterprise_row(1)]))
    with pytest.raises(CommandError) as exc:
        call_command("registry_import", "enterprise", str(path))
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "migrate" in err
