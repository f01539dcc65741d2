"""Bytes to text: UTF-8 first, then GB18030 (a superset of GBK); refuse anything else.

Plans arrive as UTF-8 from the web or as GBK from office software. Other
encodings are refused rather than guessed: a Shift-JIS or Latin-1 file decoded
as GBK gives plausible-looking nonsense, so a decoded text must also look like
Chinese prose (enough common CJK characters, almost no control characters).
"""

import re
import unicodedata
from collections import Counter

from .errors import ParseError
from .textmap import normalize

_BOMS_REFUSED = {
    b"\xff\xfe": "UTF-16LE",
    b"\xfe\xff": "UTF-16BE",
}
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f"}
# Shares a plan text must reach to be read as Chinese.
_MIN_CJK_SHARE = 0.25
_MIN_COMMON_SHARE = 0.9
_MAX_CONTROL_SHARE = 0.01
#: A plan is well under 1 MB (the Shandong plan is 15 kB); anything past this is
#: another kind of file, refused before any work is done on it.
MAX_PLAN_BYTES = 2 * 1024 * 1024
#: The same ceiling for a text handed to the parser directly (2 MB of GBK Chinese).
MAX_PLAN_CHARS = 1_000_000
_BAD_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_size(size: int, limit: int, *, chars: bool = False) -> None:
    """Refuse a plan larger than ``limit`` (bytes, or characters) with a clear message."""
    if size <= limit:
        return
    if chars:
        raise ParseError(
            f"计划文本过长 ({size} 个字符), 上限 {limit} 个字符; 行动计划通常不足 1 MB,"
            " 请检查是否选错了文件",
            f"the plan text is too long ({size} characters, at most {limit}); plans are well"
            " under 1 MB, check that this is the right file",
        )
    raise ParseError(
        f"文件过大 ({_megabytes(size)}), 上限 {_megabytes(limit)}; 行动计划通常不足 1 MB,"
        " 请检查是否选错了文件",
        f"the file is too large ({_megabytes(size)}, at most {_megabytes(limit)}); plans are"
        " well under 1 MB, check that this is the right file",
    )


def _line_at(data: bytes, offset: int) -> int:
    """1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF


def _is_common(ch: str) -> bool:
    """A character that everyday Chinese uses: in GB2312, or a traditional form of one.

    Shift-JIS kana and kanji decoded as GBK land almost entirely outside
    GB2312 (lead bytes 0x81–0xA0), so this share tells real text from mojibake.
    """
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    folded = normalize(ch)
    if folded == ch:
        return False
    try:
        folded.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _check_looks_chinese(text: str, encoding: str) -> None:
    """Refuse a decoded text that is not Chinese prose, naming the first bad line.

    Works on character counts (one ``Counter`` pass in C), never on a list of
    the characters, so memory stays a small multiple of the distinct characters.
    """
    counts = Counter(text)
    visible = sum(n for ch, n in counts.items() if not ch.isspace())
    if not visible:
        raise ParseError("文件内容为空", "the file is empty", line=None)
    controls = sum(
        n
        for ch, n in counts.items()
        if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
    )
    if controls > _MAX_CONTROL_SHARE * len(text):
        first = _BAD_CONTROL_RE.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first else None
        raise ParseError(
            f"控制字符过多, 不是文本文件 (按 {encoding} 解码)",
            f"too many control characters, not a text file (decoded as {encoding})",
            line=line,
        )
    distinct = [ch for ch in counts if _is_cjk(ch)]
    cjk = sum(counts[ch] for ch in distinct)
    if cjk < 2 or cjk < _MIN_CJK_SHARE * visible:
        raise ParseError(
            f"中文字符太少, 不是中文计划文本 (按 {encoding} 解码)",
            f"too few Chinese characters to be a plan text (decoded as {encoding})",
        )
    common = sum(1 for ch in distinct if _is_common(ch))
    if common < _MIN_COMMON_SHARE * len(distinct):
        raise ParseError(
            f"按 {encoding} 解码得到乱码, 文件编码不受支持 (仅支持 UTF-8 和 GBK/GB18030)",
            f"decoding as {encoding} gives garbled text; only UTF-8 and GBK/GB18030 are supported",
        )


def decode_plan_bytes(data: bytes, *, max_bytes: int = MAX_PLAN_BYTES) -> str:
    """Decode a plan file: UTF-8 (BOM stripped), else GB18030/GBK; ParseError otherwise.

    A file over ``max_bytes`` is refused before it is decoded.
    """
    check_size(len(data), max_bytes)
    if not data or not data.strip():
        raise ParseError("文件为空", "the file is empty")
    for bom, name in _BOMS_REFUSED.items():
        if data.startswith(bom):
            raise ParseError(
                f"不支持 {name} 编码, 请另存为 UTF-8 或 GBK",
                f"{name} is not supported; save the file as UTF-8 or GBK",
                line=1,
            )
    nul = data.find(b"\x00")
    if nul != -1:
        raise ParseError(
            f"第 {nul} 字节是空字符 (NUL), 不是文本文件",
            f"byte {nul} is a NUL byte; this is not a text file",
            line=_line_at(data, nul),
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
        encoding = "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
            encoding = "GB18030"
        except UnicodeDecodeError as gb_error:
            offset = gb_error.start
            raise ParseError(
                f"既不是 UTF-8 也不是 GBK/GB18030 编码: 第 {utf8_error.start} 字节不是 UTF-8, "
                f"第 {offset} 字节不是 GBK",
                f"neither UTF-8 nor GBK/GB18030: byte {utf8_error.start} is not UTF-8, "
                f"byte {offset} is not GBK",
                line=_line_at(data, offset),
            ) from gb_error
    _check_looks_chinese(text, encoding)
    return text
