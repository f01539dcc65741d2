"""Texts the parser refuses, and how it says so."""

import pytest

from luzhi.plan.parsing import ParseError
from luzhi.plan.parsing import parse_plan

TEMPLATE = (
    "某市人工智能行动方案\n"
    "\n"
    "一、主要目标\n"
    "到2027年,培育{quantity}人工智能企业。\n"
    "\n"
    "二、重点任务\n"
    "(一)实施创新行动\n"
    "1. 加强研究。开展关键技术攻关。{bracket}\n"
)


def plan(quantity="20家", bracket="(牵头单位:市科技局)"):
    return TEMPLATE.format(quantity=quantity, bracket=bracket)


def test_template_is_valid():
    doc = parse_plan(plan())
    assert [s["path"] for s in doc["sections"]] == ["一", "二", "二/(一)", "二/(一)/1"]


@pytest.mark.parametrize("text", ["", "   \n\t\r\n　"])
def test_empty_text(text):
    with pytest.raises(ParseError, match="empty") as caught:
        parse_plan(text)
    assert caught.value.line is None


def test_no_numbered_sections():
    with pytest.raises(ParseError, match="no numbered sections"):
        parse_plan("某市人工智能行动方案\n为加快发展,制定本方案。\n全面推进各项工作。\n")


@pytest.mark.parametrize("quantity", ["1O0家以上", "5..0个", "1,0.0家"])
def test_unreadable_target_number_names_the_line(quantity):
    with pytest.raises(ParseError) as caught:
        parse_plan(plan(quantity=quantity))
    error = caught.value
    assert error.line == 4
    assert error.text == f"到2027年,培育{quantity}人工智能企业。"
    assert str(error) == (
        f"第4行: 无法识别目标数值 “{quantity}” (line 4: cannot read the number in target "
        f'"{quantity}")'
    )
    assert error.message == (
        f'无法识别目标数值 “{quantity}” (cannot read the number in target "{quantity}")'
    )


@pytest.mark.parametrize(
    "quantity", ["1,000家", "5G基站10个", "3D打印设备5台", "FP16算力100PFlops"]
)
def test_codes_and_thousands_are_not_errors(quantity):
    parse_plan(plan(quantity=quantity))


@pytest.mark.parametrize(
    "bracket",
    [
        "(牵头单位:,责任单位:市教育局)",
        "(牵头单位:市科技局,责任单位:)",
        "（牵头单位：）",
        "(牵头单位:☆)",
    ],
)
def test_label_without_units(bracket):
    with pytest.raises(ParseError, match="names no units") as caught:
        parse_plan(plan(bracket=bracket))
    assert caught.value.line == 8


@pytest.mark.parametrize(
    "bracket",
    [
        "(牵头单位:市科技局,责任单位:市教育局",
        "牵头单位:市科技局,责任单位:市教育局)",
        "(牵头单位:市科技局(筹,责任单位:市教育局)",
    ],
)
def test_unbalanced_assignment_brackets(bracket):
    with pytest.raises(ParseError, match="unbalanced brackets") as caught:
        parse_plan(plan(bracket=bracket))
    assert caught.value.line == 8
    assert caught.value.text.startswith("1. 加强研究。")


def test_unbalanced_prose_bracket_is_tolerated():
    doc = parse_plan(plan(bracket="(见附表。(牵头单位:市科技局)"))
    assert doc["sections"][-1]["assignments"][0]["lead"] == ["市科技局"]


def test_parse_error_is_a_value_error():
    assert issubclass(ParseError, ValueError)
    error = ParseError("中文", "English")
    assert (error.line, error.text, str(error)) == (None, None, "中文 (English)")
