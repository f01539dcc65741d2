"""The notice around a plan: its title, document number, issue date and issuers.

A plan published by notice (通知) starts with the notice title, the document
number (鲁科字〔2024〕131号), the addressees, one sentence of body, the issuing
units one per line, the date, and then the plan's own title. A plan on its
own starts with its title. Everything here looks only at the lines before the
first numbered section.
"""

import re

from .numerals import chinese_to_int
from .textmap import PlanText

# Document number: 2–6 CJK characters (the issuer's code, often ending in 字),
# the year in 〔〕, [] or (), the serial number and 号.
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{2,6}[〔\[(]\s*\d{4}\s*[〕\])]\s*\d{1,5}\s*号")
DATE_LINE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
CN_DATE_LINE_RE = re.compile(
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
# The plan period printed under its title: (2025—2027年).
PERIOD_LINE_RE = re.compile(r"^\(\s*\d{4}\s*[—–\-~至到]+\s*\d{4}\s*年?\s*\)$")
_SENTENCE_MARKS = set('。,;:!?“”"、')
_TITLE_WORDS = ("计划", "方案", "意见", "规划", "办法", "措施", "纲要", "行动", "政策", "通知")


def parse_date_line(line: str) -> str | None:
    """``2024年12月6日`` or ``二〇二四年十二月六日`` (a whole line) → ``2024-12-06``."""
    match = DATE_LINE_RE.match(line)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = CN_DATE_LINE_RE.match(line)
        if not match:
            return None
        values = [chinese_to_int(g) for g in match.groups()]
        if None in values:
            return None
        year, month, day = values  # type: ignore[misc]
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def looks_like_org(line: str) -> bool:
    """A line that is one or more unit names: short, CJK, no sentence punctuation."""
    if not 2 <= len(line) <= 80:
        return False
    if any(ch in _SENTENCE_MARKS or ch.isdigit() for ch in line):
        return False
    if "通知" in line or "计划" in line or "方案" in line:
        return False
    cjk = sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 0.8 * len(line.replace(" ", "").replace("(", "").replace(")", ""))


def _nonblank_lines(doc: PlanText, first: int, last: int) -> list[int]:
    """0-based indices of the non-blank lines in ``[first, last)``."""
    out = []
    for index in range(first, last):
        start, end = doc.line_range(index)
        if doc.norm[start:end].strip():
            out.append(index)
    return out


def _stripped(doc: PlanText, index: int) -> tuple[int, int]:
    """Offsets of line ``index`` without its leading and trailing whitespace."""
    start, end = doc.line_range(index)
    line = doc.norm[start:end]
    lead = len(line) - len(line.lstrip())
    trail = len(line) - len(line.rstrip())
    return start + lead, end - trail


def read_header(doc: PlanText, first_section_line: int) -> dict:
    """Title, doc number, issue date and issuers from the lines before the plan body."""
    lines = _nonblank_lines(doc, 0, first_section_line)
    texts = {i: doc.norm[slice(*_stripped(doc, i))] for i in lines}

    doc_number = _find_doc_number(doc, lines, texts)

    issued = None
    date_pos = None
    for pos, index in enumerate(lines):
        value = parse_date_line(texts[index])
        if value:
            issued, date_pos = value, pos  # the last date line before the plan wins
    issuers: list[str] = []
    if date_pos is not None:
        issuers = _issuers_before(doc, lines[:date_pos], texts)

    title_from = date_pos + 1 if date_pos is not None else 0
    title = _find_title(doc, lines, texts, title_from)
    return {"title": title, "doc_number": doc_number, "issued": issued, "issuers": issuers}


def _find_doc_number(doc: PlanText, lines: list[int], texts: dict[int, str]) -> str | None:
    """The document number: a line of its own first, else the first one in the header."""
    fallback = None
    for index in lines:
        match = DOC_NUMBER_RE.search(texts[index])
        if not match:
            continue
        start, _ = _stripped(doc, index)
        written = doc.original[start + match.start() : start + match.end()]
        rest = (texts[index][: match.start()] + texts[index][match.end() :]).strip("() ")
        if not rest:
            return written
        fallback = fallback or written
    return fallback


def _issuers_before(doc: PlanText, lines: list[int], texts: dict[int, str]) -> list[str]:
    """Unit names on the lines just above the date, as written, in order."""
    names: list[str] = []
    for index in reversed(lines):
        if not looks_like_org(texts[index]):
            break
        start, end = _stripped(doc, index)
        # Several units may share a line, separated by spaces.
        names[:0] = doc.original[start:end].split()
    return names


def _looks_like_title(line: str) -> bool:
    if len(line) < 4 or line.endswith(("。", ":", ";", ",")):
        return False
    if line.startswith("(") and line.endswith(")"):
        return False
    if "。" in line or DOC_NUMBER_RE.search(line) or parse_date_line(line):
        return False
    cjk = sum(1 for ch in line if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 4 and "通知" not in line


def _with_period(doc: PlanText, candidates: list[int], texts: dict[int, str], pos: int) -> str:
    """The title line at ``candidates[pos]`` joined with a (2025—2027年) line below it."""
    start, end = _stripped(doc, candidates[pos])
    title = doc.original[start:end]
    if pos + 1 < len(candidates) and PERIOD_LINE_RE.match(texts[candidates[pos + 1]]):
        period_start, period_end = _stripped(doc, candidates[pos + 1])
        title += doc.original[period_start:period_end]
    return title


def _find_title(doc: PlanText, lines: list[int], texts: dict[int, str], first: int) -> str:
    """The plan's own title (with its period line), else the notice's 《…》, else line one."""
    candidates = lines[first:]
    # A line naming a kind of document (计划, 方案 …) first, any title-like line next.
    for needs_word in (True, False):
        for pos, index in enumerate(candidates):
            text = texts[index]
            if not _looks_like_title(text):
                continue
            if needs_word and not any(word in text for word in _TITLE_WORDS):
                continue
            return _with_period(doc, candidates, texts, pos)
    for index in lines:
        text = texts[index]
        opened, closed = text.find("《"), text.find("》")
        if "通知" in text and 0 <= opened < closed:
            start, _ = _stripped(doc, index)
            return doc.original[start + opened + 1 : start + closed]
    if lines:
        return doc.original[slice(*_stripped(doc, lines[0]))]
    return ""
