"""Bytes → text: UTF-8 (with or without BOM) and GBK/GB18030 accepted, the rest refused."""

import pytest

from luzhi.plan.parsing import ParseError, decode_plan_bytes, parse_plan_bytes

from .helpers import SEED

PLAN = "山东省人工智能行动计划\n一、主要目标\n到2027年,培育领军企业20家。\n"


def test_utf8():
    assert decode_plan_bytes(PLAN.encode("utf-8")) == PLAN


def test_utf8_bom_is_stripped():
    assert decode_plan_bytes(b"\xef\xbb\xbf" + PLAN.encode("utf-8")) == PLAN


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_and_gb18030(encoding):
    assert decode_plan_bytes(PLAN.encode(encoding)) == PLAN


def test_traditional_text_in_gbk():
    text = "青島市人工智慧產業發展行動方案\n一、發展目標\n"
    assert decode_plan_bytes(text.encode("gbk")) == text


def test_seed_in_gbk_parses_like_utf8():
    data = SEED.read_bytes()
    assert parse_plan_bytes(data.decode("utf-8").encode("gb18030")) == parse_plan_bytes(data)


@pytest.mark.parametrize("data", [b"", b"   \r\n\t "])
def test_empty_file_is_refused(data):
    with pytest.raises(ParseError, match="empty"):
        decode_plan_bytes(data)


def test_latin1_is_refused_with_its_byte_offset():
    data = "Plan régional d'été\nsecond line".encode("latin-1")
    with pytest.raises(ParseError) as caught:
        decode_plan_bytes(data)
    assert "neither UTF-8 nor GBK" in str(caught.value)
    assert "byte 6 is not UTF-8" in str(caught.value)  # the first é
    assert caught.value.line == 1


def test_shift_jis_is_refused():
    data = "人工知能の研究開発を推進する。ひらがなとカタカナの文章です。".encode("shift_jis")
    with pytest.raises(ParseError, match="garbled|neither"):
        decode_plan_bytes(data)


def test_utf16_is_refused():
    with pytest.raises(ParseError, match="UTF-16"):
        decode_plan_bytes(PLAN.encode("utf-16"))


def test_binary_with_nul_bytes_is_refused():
    data = PLAN.encode("utf-8") + b"\n\x00\x01\x02"
    with pytest.raises(ParseError, match="NUL") as caught:
        decode_plan_bytes(data)
    assert caught.value.line == 5


def test_control_characters_are_refused():
    data = ("计划" + "\x01\x02\x03" * 10 + "\n").encode("utf-8")
    with pytest.raises(ParseError, match="control characters"):
        decode_plan_bytes(data)


def test_text_without_chinese_is_refused():
    with pytest.raises(ParseError, match="too few Chinese"):
        decode_plan_bytes(b"1. An English plan\n2. Another item\n")
