"""Assignments: which units lead, are responsible, or share a task.

Plans name the units in one of several notations (docs/plan-json.md lists them):

- a bracket closing the sentences it governs: ``(牵头单位:省科技厅,责任单位:省教育厅)``,
  ``(省发展改革委、省科技厅按职责分工负责)``, ``(省科技厅牵头,省教育厅配合)``,
  also in 〔〕;
- a line of its own after the task, or after a sentence, with no bracket:
  ``责任单位:市发展改革委(牵头)、市财政局,各县市区政府``;
- leads marked in the list: ``☆市工信局``, ``市科技局(牵头)``, ``A、B分别牵头``, or
  by a convention a note announces (列第一位为牵头单位, see :mod:`.notes`).

Everything is matched on the normalised copy (half-width, simplified); unit names
are cut from the original so they come out as written.
"""

import re
from dataclasses import dataclass
from dataclasses import field
from itertools import pairwise

from .brackets import BracketScan
from .brackets import depth_zero
from .brackets import scan_brackets
from .errors import ParseError
from .notes import Conventions
from .notes import Note
from .notes import conventions_for
from .notes import is_note
from .textmap import PlanText

# A role label and its colon. 牵头/主责 lead; 责任/配合/参与/协同/协办 are all
# responsible units in LuZhi's model.
LABEL_RE = re.compile(r"(牵头|主责|责任|配合|参与|协同|协办)(单位|部门)\s*:\s*")
LEAD_LABELS = ("牵头", "主责")
JOINT_SUFFIXES = ("按照职责分工负责", "按职责分工负责", "按职责分工落实")
# Role verbs after a list (longest first): (省科技厅牵头), (A、B分别牵头), (A牵头负责).
VERB_ROLES = (
    ("分别牵头", "lead"),
    ("牵头负责", "lead"),
    ("牵头落实", "lead"),
    ("负责落实", "responsible"),
    ("牵头", "lead"),
    ("负责", "responsible"),
    ("配合", "responsible"),
    ("参与", "responsible"),
)
# A lead marked after its name: 市科技局(牵头).
LEAD_MARK_RE = re.compile(r"\(\s*(?:牵头|主责)(?:单位|部门)?\s*\)")
# 市级各有关部门及各县市区政府: "and every …" starts another unit.
_AND_EVERY_RE = re.compile(r"(?:以及|及|和)(?=各)")
# What a unit name may end with that is not part of it.
_OPEN_SUFFIXES = ("等单位", "等部门", "等")
_TRIM = " \t\r\n。.,;、"  # not ":": a label's colon must stay to be seen
_SEPARATORS = ",;。\n"
_SENTENCE_ENDS = "。;!?"


@dataclass
class _Group:
    """One role's units, in writing order."""

    role: str
    pieces: list[tuple[int, int]] = field(default_factory=list)  # unit spans (normalised)


def _line_error(doc: PlanText, offset: int, zh: str, en: str) -> ParseError:
    line, text = doc.line_info(offset)
    return ParseError(zh, en, line=line, text=text)


def find_assignments(
    doc: PlanText, start: int, end: int, notes: list[Note] = ()
) -> tuple[list[dict], list[tuple[int, int]]]:
    """The assignments in ``[start, end)`` and every span whose quantities are no targets.

    The spans are the top-level brackets (``(每秒百亿亿次浮点运算)``) and the
    assignment lines. ``notes`` are the plan's notes (:func:`.notes.scan_notes`).
    """
    norm = doc.norm
    assignments: list[dict] = []
    masked: list[tuple[int, int]] = []
    index = doc.line_of(start)
    last_line = doc.line_of(max(start, end - 1))
    while index <= last_line:
        line_start, line_end = doc.line_range(index)
        line_start, line_end = max(line_start, start), min(line_end, end)
        label = _line_label(norm, line_start, line_end)
        prose_end = line_end if label is None else label
        _brackets(doc, line_start, prose_end, notes, assignments, masked)
        if label is not None:
            # The assignment runs to the line's end, and on over lines that start with a label.
            region_end = line_end
            while index < last_line:
                next_start, next_end = doc.line_range(index + 1)
                next_end = min(next_end, end)
                if _line_label(norm, next_start, next_end) != _lstrip(norm, next_start, next_end):
                    break
                index += 1
                region_end = next_end
            region = _strip(norm, label, region_end)
            masked.append(region)
            assignment = _read_region(doc, *region, notes, bracketed=False)
            if assignment is not None:
                assignments.append(assignment)
        index += 1
    return assignments, masked


def _lstrip(norm: str, start: int, end: int) -> int:
    while start < end and norm[start] in " \t\ufeff":
        start += 1
    return start


def _line_label(norm: str, start: int, end: int) -> int | None:
    """Where a line's own assignment starts: a role label (outside brackets) at the line
    start or right after a sentence end, e.g. ``责任单位:市科技局`` or ``…。牵头单位:…``."""
    chunk = norm[start:end]
    if ":" not in chunk:
        return None
    for match in LABEL_RE.finditer(norm, start, end):
        before = norm[start : match.start()]
        if before.count("(") != before.count(")"):
            continue
        stripped = before.rstrip(" \t\ufeff")
        rest = norm[match.start() : end]
        if rest.count(")") > rest.count("("):
            return None  # 牵头单位:市科技局) lost its "(": the bracket check names it
        if not stripped or stripped[-1] in _SENTENCE_ENDS:
            return match.start()
    return None


def _brackets(
    doc: PlanText,
    start: int,
    end: int,
    notes: list[Note],
    assignments: list[dict],
    masked: list[tuple[int, int]],
) -> None:
    """The bracketed assignments of one line's prose ``[start, end)``."""
    chunk = doc.norm[start:end]
    if "(" not in chunk and ")" not in chunk:
        return
    scan = scan_brackets(doc.norm, start, end)
    _check_unmatched(doc, scan, start, end)
    for open_, close in scan.groups:
        masked.append((open_, close + 1))
        assignment = _read_region(doc, open_ + 1, close, notes, bracketed=True)
        if assignment is not None:
            assignments.append(assignment)


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


def _strip(norm: str, start: int, end: int) -> tuple[int, int]:
    while start < end and norm[start] in _TRIM:
        start += 1
    while end > start and norm[end - 1] in _TRIM:
        end -= 1
    return start, end


def _segments(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comma/semicolon-separated segments of a unit region, notes left out.

    After a sentence end (。) inside the region only a segment with a role label
    is read: the rest is the plan's explanation (标☆的为牵头单位,下同。).
    """
    cuts = [start - 1, *depth_zero(norm, start, end, _SEPARATORS), end]
    segments = []
    in_note = False
    for left, right in pairwise(cuts):
        seg_start, seg_end = _strip(norm, left + 1, right)
        if left >= start and norm[left] == "。":
            in_note = True
        if seg_start >= seg_end:
            continue
        labelled = LABEL_RE.match(norm, seg_start, seg_end) is not None
        if in_note and not labelled:
            continue
        if not labelled and is_note(_outside_brackets(norm, seg_start, seg_end)):
            continue
        in_note = False
        segments.append((seg_start, seg_end))
    return segments


def _outside_brackets(norm: str, start: int, end: int) -> str:
    """``norm[start:end]`` without what nested brackets hold."""
    kept, depth = [], 0
    for ch in norm[start:end]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(ch)
    return "".join(kept)


def _verb(norm: str, start: int, end: int) -> tuple[str, int] | None:
    """The role verb ending ``norm[start:end]`` and where it starts, if any."""
    for verb, role in VERB_ROLES:
        if norm.endswith(verb, start, end):
            return role, end - len(verb)
    return None


def _joint(norm: str, start: int, end: int) -> int | None:
    """Where a 按职责分工负责 ending ``norm[start:end]`` starts, if it has one."""
    for suffix in JOINT_SUFFIXES:
        if norm.endswith(suffix, start, end):
            return end - len(suffix)
    return None


def _read_region(
    doc: PlanText, start: int, end: int, notes: list[Note], *, bracketed: bool
) -> dict | None:
    """The assignment in ``norm[start:end]`` (a bracket's inside, or an assignment line),
    or None when it is not one."""
    norm = doc.norm
    segments = _segments(norm, start, end)
    if not segments:
        return None
    raw_start, raw_end = (start - 1, end + 1) if bracketed else (start, end)
    conventions = conventions_for(notes, raw_start, raw_end)
    groups = _groups(doc, segments)
    if groups is None:
        return None
    if bracketed and (groups.verbs_only or groups.marks_only):
        # (省科技厅牵头) closes a sentence; (由企业负责) inside one is prose. Without a
        # label, a suffix or a verb, only a marked lead (☆, (牵头)) makes units of a bracket.
        if not _closes_sentence(norm, raw_start, raw_end - 1):
            return None
        marked = any(
            _unit_name(doc, s, e, conventions)[1] for g in groups.items for s, e in g.pieces
        )
        if groups.marks_only and not marked:
            return None
    return _build(doc, raw_start, raw_end, groups.items, conventions, bracketed=bracketed)


@dataclass
class _Groups:
    """A region's role groups and what kind of region it was."""

    items: list[_Group]
    verbs_only: bool  # no label and no joint suffix: every segment ended with a role verb
    marks_only: bool  # no label, suffix or verb: only lead marks can make it an assignment


def _groups(doc: PlanText, segments: list[tuple[int, int]]) -> _Groups | None:
    """Role groups of a region's segments, or None when the region names no roles."""
    norm = doc.norm
    labelled = any(LABEL_RE.match(norm, s, e) for s, e in segments)
    joint = any(_joint(norm, s, e) is not None for s, e in segments)
    verbs = [_verb(norm, s, e) for s, e in segments]
    verbs_only = not labelled and not joint
    lead_or_charge = any(norm.endswith(("牵头", "负责"), s, e) for s, e in segments)
    if verbs_only and any(verbs) and not (all(verbs) and lead_or_charge):
        return None  # the fallback (省科技厅牵头, 省教育厅配合): every segment ends with a verb
    groups: list[_Group] = []
    for (seg_start, seg_end), verb in zip(segments, verbs, strict=True):
        match = LABEL_RE.match(norm, seg_start, seg_end)
        units_start, units_end = seg_start, seg_end
        if match:
            role = "lead" if match.group(1) in LEAD_LABELS else "responsible"
            units_start = match.end()
            if _strip(norm, units_start, seg_end)[0] >= seg_end:
                written = doc.original[seg_start:seg_end]
                raise _line_error(
                    doc,
                    seg_start,
                    f"分工 “{written}” 没有列出单位",
                    f"assignment label {written!r} names no units",
                )
            inner = _verb(norm, units_start, seg_end)
            if inner is not None:
                # 责任单位:市人力社保局、市农业农村局分别牵头
                role, units_end = inner
            groups.append(_Group(role))
        elif (suffix := _joint(norm, seg_start, seg_end)) is not None:
            units_end = suffix
            groups.append(_Group("joint"))
        elif verb is not None:
            role, units_end = verb
            groups.append(_Group(role))
        elif not groups:
            # An unlabelled first segment: responsible, or joint in (甲、乙,丙按职责分工负责).
            groups.append(_Group("joint" if joint and not labelled else "responsible"))
        # Any other unlabelled segment joins the role list before it.
        groups[-1].pieces.extend(_split_units(norm, units_start, units_end))
    if not any(group.pieces for group in groups):
        return None  # a bare (牵头) after a name is a mark, not an assignment
    return _Groups(groups, verbs_only and any(verbs), verbs_only and not any(verbs))


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
    """Unit spans split on 、 outside nested brackets (各县(市、区)人民政府 stays whole),
    and before "及各"/"和各" (市级各有关部门及各县市区政府 is two units)."""
    start, end = _strip(norm, start, end)
    if norm.endswith("分别", start, end):
        end -= 2  # A、B分别牵头: the 分别 belongs to the verb
    cuts = [start - 1, *depth_zero(norm, start, end, "、"), end]
    pieces = []
    for left, right in pairwise(cuts):
        piece_start, piece_end = _strip(norm, left + 1, right)
        for match in _AND_EVERY_RE.finditer(norm, piece_start, piece_end):
            if norm[piece_start : match.start()].count("(") == norm[
                piece_start : match.start()
            ].count(")"):
                pieces.append(_strip(norm, piece_start, match.start()))
                piece_start = match.end()
        pieces.append(_strip(norm, piece_start, piece_end))
    return [piece for piece in pieces if piece[0] < piece[1]]


def _build(
    doc: PlanText,
    raw_start: int,
    raw_end: int,
    groups: list[_Group],
    conventions: Conventions,
    *,
    bracketed: bool,
) -> dict:
    """The assignment dict: names as written, marked units promoted, conventions applied."""
    roles: dict[str, list[str]] = {"lead": [], "responsible": [], "joint": []}
    open_ended = False
    explicit_lead = any(group.role == "lead" for group in groups)
    for group in groups:
        for number, (start, end) in enumerate(group.pieces):
            name, marked, ended = _unit_name(doc, start, end, conventions)
            if ended and number == len(group.pieces) - 1:
                open_ended = True
            if not name:
                continue
            explicit_lead = explicit_lead or marked
            role = "lead" if marked else group.role
            if name not in roles[role]:
                roles[role].append(name)
    if not explicit_lead and roles["responsible"]:
        if conventions.first_leads:
            roles["lead"].append(roles["responsible"].pop(0))  # 列第一位为牵头单位
        elif conventions.leadless_are_responsible_leads:
            roles["lead"], roles["responsible"] = roles["responsible"], []
    for start, end in conventions.everywhere:
        # 以下任务均需各区市政府落实,不再一一列出: they take part in every later task.
        for piece in _split_units(doc.norm, start, end):
            name = _unit_name(doc, *piece, conventions)[0]
            if name and not any(name in names for names in roles.values()):
                roles["responsible"].append(name)
    if not any(roles.values()):
        raise _line_error(doc, raw_start, "分工中没有单位", "the assignment names no units")
    return {
        **roles,
        "open_ended": open_ended,
        "raw": doc.original[raw_start:raw_end],
        "span": [raw_start, raw_end],
    }


def _trailing_bracket(norm: str, start: int, end: int) -> int | None:
    """Where the bracket closing ``norm[start:end]`` opens, if the piece ends with one."""
    if end <= start or norm[end - 1] != ")":
        return None
    depth = 0
    for i in range(end - 1, start - 1, -1):
        if norm[i] == ")":
            depth += 1
        elif norm[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def _unit_name(
    doc: PlanText, start: int, end: int, conventions: Conventions
) -> tuple[str, bool, bool]:
    """(name as written without marks, (牵头), a note or a trailing 等; lead-marked?; 等?)."""
    norm = doc.norm
    marked = False
    while (opened := _trailing_bracket(norm, start, end)) is not None:
        inner = norm[opened + 1 : end - 1]
        if LEAD_MARK_RE.fullmatch(norm, opened, end):
            marked = True  # 市科技局(牵头)
        elif not is_note(inner):
            break  # part of the name: 山东大学(威海), 各县(市、区)人民政府
        end = _strip(norm, start, opened)[1]
    marks = conventions.marks
    marked = marked or any(ch in marks for ch in norm[start:end])
    keep = [i for i in range(start, end) if norm[i] not in marks]
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
    return name, marked, ended
