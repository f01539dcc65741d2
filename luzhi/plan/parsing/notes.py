"""Notes a plan makes about its own assignments, and the conventions they announce.

Plans explain how to read their unit lists once and then rely on it:
``(责任单位:☆县工信局、县大数据中心。标☆的为牵头单位,下同。)``,
``(除标注“分别牵头”外,列第一位为牵头或汇总单位,下同)``,
``牵头单位(无牵头单位的,责任单位即为牵头单位,下同)``,
``(…以下任务均需各区市政府、开发区管委落实,不再一一列出)``.
Such a note is never a unit. What it announces applies from where it stands to
the end of the plan (下同, "the same below"): to the assignment it stands in and
to every later one. Everything is matched on the normalised copy.
"""

import re
from dataclasses import dataclass
from dataclasses import field

#: Marks that may announce a lead unit; ☆ and ★ do so without being announced.
MARKS = "☆★*※▲△●○◎"
DEFAULT_MARKS = "☆★"

_UNIT = r"(?:单位|部门)"
# 标☆的为牵头单位 / 带*号的为牵头部门 / 注:☆为牵头单位
MARK_NOTE_RE = re.compile(
    rf"(?:注\s*:\s*)?(?:标|带|标注|标有|加|有)?\s*([{re.escape(MARKS)}])\s*号?\s*(?:的|者)?"
    rf"\s*{_UNIT}?\s*(?:为|是)\s*(?:主要)?牵头{_UNIT}"
)
# 列第一位为牵头或汇总单位 / 排在首位的为牵头单位 / 第一个单位为牵头单位
FIRST_NOTE_RE = re.compile(
    rf"(?:排名|列在|排在|列|排)?(?:第一|首)(?:位|个|家)?(?:的)?\s*{_UNIT}?\s*(?:为|是)\s*牵头"
)
# 无牵头单位的,责任单位即为牵头单位
LEADLESS_NOTE_RE = re.compile(rf"无牵头{_UNIT}的?\s*,?\s*责任{_UNIT}即?为牵头{_UNIT}")
# 以下任务均需各区市政府、开发区管委落实,不再一一列出
EVERYWHERE_NOTE_RE = re.compile(
    r"以下(?:各项)?(?:任务|工作|事项)?均(?:需|由|要)(?P<units>[^,;。()|\n]+?)(?:负责)?落实"
    r"\s*,?\s*不再(?:逐一|一一|逐项|单独)?列出"
)
# One comma- or semicolon-separated piece of a note, met while splitting a unit list.
_NOTE_PIECES = (
    MARK_NOTE_RE,
    FIRST_NOTE_RE,
    re.compile(rf"^无牵头{_UNIT}的?$"),
    re.compile(rf"^责任{_UNIT}即?为牵头{_UNIT}$"),
    re.compile(r"^以下.*均(?:需|由|要).*落实$"),
    re.compile(r"^不再(?:逐一|一一|逐项|单独)?列出$"),
    re.compile(r"^除.*外$"),  # 除标注“分别牵头”外
    re.compile(r"^注\s*:"),
)
SEE_BELOW = {"下同", "以下同", "后同"}
# Labels some plans put in the bracket before the units (荆门: 预期性指标,牵头单位:…).
NOT_UNITS = {"预期性指标", "约束性指标", "预期性", "约束性"}


def is_note(text: str) -> bool:
    """Whether a piece of a bracket (normalised, stripped) is a note rather than units."""
    text = text.strip()
    if not text or text in SEE_BELOW or text in NOT_UNITS:
        return True
    return any(pattern.search(text) for pattern in _NOTE_PIECES)


@dataclass
class Note:
    """One convention a plan announces, at an offset of the text."""

    pos: int
    kind: str  # "mark", "first", "leadless" or "everywhere"
    mark: str = ""
    units: tuple[int, int] = (0, 0)  # for "everywhere": the span of the unit list


@dataclass
class Conventions:
    """The conventions in force for one assignment."""

    marks: str = DEFAULT_MARKS
    first_leads: bool = False
    leadless_are_responsible_leads: bool = False
    everywhere: list[tuple[int, int]] = field(default_factory=list)  # unit-list spans


def scan_notes(norm: str) -> list[Note]:
    """Every note of the plan (notice, preamble and body alike), in text order."""
    notes = [Note(m.start(), "mark", mark=m.group(1)) for m in MARK_NOTE_RE.finditer(norm)]
    notes += [Note(m.start(), "first") for m in FIRST_NOTE_RE.finditer(norm)]
    notes += [Note(m.start(), "leadless") for m in LEADLESS_NOTE_RE.finditer(norm)]
    notes += [
        Note(m.start(), "everywhere", units=m.span("units"))
        for m in EVERYWHERE_NOTE_RE.finditer(norm)
    ]
    return sorted(notes, key=lambda note: note.pos)


def conventions_for(notes: list[Note], start: int, end: int) -> Conventions:
    """The conventions for the assignment at ``[start, end)``.

    A note inside the assignment applies to it; units a note adds to "every task
    below" (以下任务均需…落实) go to later assignments only, since the note's own
    assignment lists them already.
    """
    conventions = Conventions()
    marks = set(DEFAULT_MARKS)
    for note in notes:
        if note.pos >= end:
            break
        if note.kind == "mark":
            marks.add(note.mark)
        elif note.kind == "first":
            conventions.first_leads = True
        elif note.kind == "leadless":
            conventions.leadless_are_responsible_leads = True
        elif note.kind == "everywhere" and note.pos < start:
            conventions.everywhere.append(note.units)
    conventions.marks = "".join(sorted(marks))
    return conventions
