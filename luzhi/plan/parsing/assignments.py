"""Assignment brackets: which units lead, are responsible, or share a task.

A plan ends a sentence (or a run of sentences) with a bracket naming the
units: ``(牵头单位:省科技厅,责任单位:省教育厅)``, ``(省发展改革委、省科技厅按职责分工
负责)``, or, in looser texts, ``(省科技厅牵头)``. Everything is matched on the
normalised copy (half-width, simplified); unit names are cut from the original
so they come out as written.
"""

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .brackets import BracketScan, depth_zero, scan_brackets
from .errors import ParseError
from .textmap import PlanText

# A role label and its colon. 牵头 leads; 责任/配合/参与/协同/协办 are all
# responsible units in LuZhi's model.
LABEL_RE = re.compile(r"(牵头|责任|配合|参与|协同|协办)(单位|部门)\s*:\s*")
JOINT_SUFFIX = "按职责分工负责"
# Fallback phrasing without labels: (省科技厅牵头, 省教育厅配合).
VERB_ROLES = (
    ("牵头", "lead"),
    ("负责", "responsible"),
    ("配合", "responsible"),
    ("参与", "responsible"),
)
# The explanation of the ☆ convention; recognised so it is never read as units.
STAR_NOTE_RE = re.compile(
    r"^(注\s*:\s*)?(标|带|标注|标有|加|有)?\s*[☆★]\s*(号)?(的|者)?\s*(单位|部门)?\s*(为|是)"
    r"\s*(主要)?牵头(单位|部门)(\s*[,;]?\s*(以下|下)同)?\s*$"
)
SEE_ABOVE = {"下同", "以下同"}
MARKERS = "☆★"
# What a unit name may end with that is not part of it.
_OPEN_SUFFIXES = ("等单位", "等部门", "等")
_TRIM = " \t\r\n。.,;、"  # not ":": a label's colon must stay to be seen


@dataclass
class _Group:
    """One role's units inside a bracket, in writing order."""

    role: str
    pieces: list[tuple[int, int]] = field(default_factory=list)  # unit spans (normalised)


def _line_error(doc: PlanText, offset: int, zh: str, en: str) -> ParseError:
    line, text = doc.line_info(offset)
    return ParseError(zh, en, line=line, text=text)


def find_assignments(
    doc: PlanText, start: int, end: int
) -> tuple[list[dict], list[tuple[int, int]]]:
    """The assignments in ``[start, end)`` and every top-level bracket there.

    The brackets are returned too because quantities inside any bracket
    (``(每秒百亿亿次浮点运算)``) are not targets.
    """
    norm = doc.norm
    assignments: list[dict] = []
    groups: list[tuple[int, int]] = []
    first_line = doc.line_of(start)
    last_line = doc.line_of(max(start, end - 1))
    for index in range(first_line, last_line + 1):
        line_start, line_end = doc.line_range(index)
        line_start, line_end = max(line_start, start), min(line_end, end)
        chunk = norm[line_start:line_end]
        if "(" not in chunk and ")" not in chunk:
            continue
        scan = scan_brackets(norm, line_start, line_end)
        _check_unmatched(doc, scan, line_start, line_end)
        for open_, close in scan.groups:
            groups.append((open_, close + 1))
            assignment = read_bracket(doc, open_, close)
            if assignment is not None:
                assignments.append(assignment)
    return assignments, groups


def _check_unmatched(doc: PlanText, scan: BracketScan, line_start: int, line_end: int) -> None:
    """An unbalanced bracket is an error only when it belongs to an assignment.

    A stray ``(`` is judged by the text up to the next well-formed bracket, so
    ``(见附表。(牵头单位:市科技局)`` is prose followed by a good assignment.
    """
    norm = doc.norm
    group_starts = [open_ for open_, _ in scan.groups]
    for pos in scan.unmatched_open:
        stop = next((g for g in group_starts if g > pos), line_end)
        if LABEL_RE.search(norm, pos, stop):
            raise _line_error(
                doc,
                pos,
                "分工括号不配对, 缺少右括号",
                "unbalanced brackets in an assignment: a '(' is never closed",
            )
    for pos in scan.unmatched_close:
        start = max([line_start, norm.rfind("。", line_start, pos) + 1])
        start = max([start] + [close + 1 for _, close in scan.groups if close < pos])
        if LABEL_RE.search(norm, start, pos):
            raise _line_error(
                doc,
                pos,
                "分工括号不配对, 缺少左括号",
                "unbalanced brackets in an assignment: a ')' has no '('",
            )


def read_bracket(doc: PlanText, open_: int, close: int) -> dict | None:
    """The assignment in the bracket ``norm[open_:close + 1]``, or None if it is not one."""
    norm = doc.norm
    inner_start, inner_end = open_ + 1, close
    cuts = [inner_start - 1, *depth_zero(norm, inner_start, inner_end, ",;"), inner_end]
    segments = []
    for left, right in pairwise(cuts):
        seg_start, seg_end = _strip(norm, left + 1, right)
        if seg_start >= seg_end:
            continue
        text = norm[seg_start:seg_end]
        if STAR_NOTE_RE.match(text) or text in SEE_ABOVE:
            continue  # the ☆ convention explained: not units
        segments.append((seg_start, seg_end))
    if not segments:
        return None
    groups = _labelled_groups(doc, segments)
    if groups is None:
        groups = _verb_groups(doc, open_, close, segments)
    if groups is None:
        return None
    return _build(doc, open_, close, groups)


def _strip(norm: str, start: int, end: int) -> tuple[int, int]:
    while start < end and norm[start] in _TRIM:
        start += 1
    while end > start and norm[end - 1] in _TRIM:
        end -= 1
    return start, end


def _labelled_groups(doc: PlanText, segments: list[tuple[int, int]]) -> list[_Group] | None:
    """Groups of a bracket with role labels or 按职责分工负责; None when it has neither."""
    norm = doc.norm
    labelled = any(
        LABEL_RE.match(norm, s, e) or norm[s:e].endswith(JOINT_SUFFIX) for s, e in segments
    )
    if not labelled:
        return None
    groups: list[_Group] = []
    for seg_start, seg_end in segments:
        match = LABEL_RE.match(norm, seg_start, seg_end)
        if match:
            role = "lead" if match.group(1) == "牵头" else "responsible"
            units_start = match.end()
            if _strip(norm, units_start, seg_end)[0] >= seg_end:
                written = doc.original[seg_start:seg_end]
                raise _line_error(
                    doc,
                    seg_start,
                    f"分工 “{written}” 没有列出单位",
                    f"assignment label {written!r} names no units",
                )
            groups.append(_Group(role))
        elif norm[seg_start:seg_end].endswith(JOINT_SUFFIX):
            seg_end -= len(JOINT_SUFFIX)
            units_start = seg_start
            groups.append(_Group("joint"))
        else:
            # An unlabelled segment joins the role list before it (the
            # responsible list when none came before).
            units_start = seg_start
            if not groups:
                groups.append(_Group("responsible"))
        groups[-1].pieces.extend(_split_units(norm, units_start, seg_end))
    if not any(LABEL_RE.match(norm, s, e) for s, e in segments):
        # (甲、乙,丙按职责分工负责): with no label at all, every unit shares the work.
        for group in groups:
            group.role = "joint"
    return groups


def _verb_groups(
    doc: PlanText, open_: int, close: int, segments: list[tuple[int, int]]
) -> list[_Group] | None:
    """Fallback: (省科技厅牵头), (省科技厅牵头, 省教育厅配合).

    Every segment must end with a role verb, one of them with 牵头 or 负责,
    and the bracket must close a sentence: (由企业负责) inside a sentence is prose.
    """
    norm = doc.norm
    if not any(norm.endswith(("牵头", "负责"), s, e) for s, e in segments):
        return None
    if not _closes_sentence(norm, open_, close):
        return None
    groups: list[_Group] = []
    for seg_start, seg_end in segments:
        for verb, role in VERB_ROLES:
            if norm.endswith(verb, seg_start, seg_end):
                groups.append(
                    _Group(role, pieces=_split_units(norm, seg_start, seg_end - len(verb)))
                )
                break
        else:
            return None
    return groups


def _closes_sentence(norm: str, open_: int, close: int) -> bool:
    """Whether the bracket sits at a sentence end: after 。/; or before 。/; or a line end."""
    before = open_ - 1
    while before >= 0 and norm[before] in " \t":
        before -= 1
    if before < 0 or norm[before] in "。;!?\n":
        return True
    after = close + 1
    while after < len(norm) and norm[after] in " \t":
        after += 1
    return after >= len(norm) or norm[after] in "。;\r\n"


def _split_units(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Unit spans split on 、 outside nested brackets: 各县(市、区)人民政府 stays whole."""
    cuts = [start - 1, *depth_zero(norm, start, end, "、"), end]
    pieces = []
    for left, right in pairwise(cuts):
        piece = _strip(norm, left + 1, right)
        if piece[0] < piece[1]:
            pieces.append(piece)
    return pieces


def _build(doc: PlanText, open_: int, close: int, groups: list[_Group]) -> dict:
    """The assignment dict: names as written, ☆ units promoted to lead, 等 noted."""
    roles: dict[str, list[str]] = {"lead": [], "responsible": [], "joint": []}
    open_ended = False
    for group in groups:
        for number, (start, end) in enumerate(group.pieces):
            name, starred, ended = _unit_name(doc, start, end)
            if ended and number == len(group.pieces) - 1:
                open_ended = True
            if not name:
                continue
            role = "lead" if starred else group.role
            if name not in roles[role]:
                roles[role].append(name)
    if not any(roles.values()):
        raise _line_error(doc, open_, "分工括号中没有单位", "the assignment bracket names no units")
    return {
        **roles,
        "open_ended": open_ended,
        "raw": doc.original[open_ : close + 1],
        "span": [open_, close + 1],
    }


def _unit_name(doc: PlanText, start: int, end: int) -> tuple[str, bool, bool]:
    """(name as written without ☆/★ and a trailing 等, starred?, ended with 等?)."""
    norm = doc.norm
    starred = any(ch in MARKERS for ch in norm[start:end])
    keep = [i for i in range(start, end) if norm[i] not in MARKERS]
    folded = "".join(norm[i] for i in keep).strip()
    ended = False
    for suffix in _OPEN_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            ended = True
            # Drop the suffix's characters from the kept positions.
            drop = len(suffix)
            while drop and keep:
                if not norm[keep[-1]].isspace():
                    drop -= 1
                keep.pop()
            break
    name = "".join(doc.original[i] for i in keep).strip(" \t\u3000")
    return name, starred, ended
