"""Bytes → text: UTF-8 (with or without BOM) and GBK/GB18030 accepted, the rest refused."""

import pytest

from luzhi.plan.parsing import ParseError
from luzhi.plan.parsing import decode_plan_bytes
from luzhi.plan.parsing import parse_plan_bytes

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


def test_oversized_files_and_texts_are_refused_with_a_clear_message():
    from luzhi.plan.parsing import parse_plan
    from luzhi.plan.parsing.decoding import MAX_PLAN_BYTES
    from luzhi.plan.parsing.decoding import MAX_PLAN_CHARS

    with pytest.raises(ParseError, match="1 MB") as caught:
        decode_plan_bytes(PLAN.encode("utf-8") * (MAX_PLAN_BYTES // 40))
    assert "文件过大" in str(caught.value) and "at most 2.0 MB" in str(caught.value)
    with pytest.raises(ParseError, match="计划文本过长"):
        parse_plan("一" * (MAX_PLAN_CHARS + 1))
    assert decode_plan_bytes(PLAN.encode("utf-8"), max_bytes=len(PLAN.encode("utf-8"))) == PLAN


def test_decoding_memory_stays_proportional_to_the_text():
    """The Chinese-text check counts characters; it never lists them (40 bytes each)."""
    import tracemalloc

    data = SEED.read_bytes() * 40  # 600 kB
    tracemalloc.start()
    decode_plan_bytes(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # The decoded text itself takes up to 4 bytes a character; allow a few copies of it.
    assert peak < 5 * len(data), f"decoding {len(data)} bytes peaked at {peak} bytes"
