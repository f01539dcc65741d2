"""Plan text → the plan JSON document (docs/plan-json.md)."""

from .assignments import find_assignments
from .decoding import MAX_PLAN_BYTES
from .decoding import MAX_PLAN_CHARS
from .decoding import check_size
from .decoding import decode_plan_bytes
from .errors import ParseError
from .header import read_header
from .notes import scan_notes
from .structure import Node
from .structure import assign_paths_and_kinds
from .structure import build_tree
from .structure import heading_parts
from .structure import strip_span
from .structure import walk
from .targets import find_targets
from .targets import first_deadline
from .textmap import PlanText

TARGET_KINDS = ("goal", "task")


def parse_plan(text: str, *, max_chars: int = MAX_PLAN_CHARS) -> dict:
    """Parse a decoded plan text into the plan document; ParseError if it cannot.

    Every ``span`` indexes ``text`` as passed: ``text[start:end]`` is the clause.
    A text over ``max_chars`` characters is refused before any work is done.
    """
    if not isinstance(text, str) or not text.strip():
        raise ParseError("计划文本为空", "the plan text is empty")
    check_size(len(text), max_chars, chars=True)
    doc = PlanText(text)
    roots = build_tree(doc)
    if not roots:
        raise ParseError(
            "未找到编号章节 (如 “一、”“(一)”“1.”), 无法识别计划结构",
            "no numbered sections (一、 (一) 1.) found: cannot read the plan's structure",
        )
    nodes = list(walk(roots))
    parts = {}
    for node in nodes:
        title_span, body_span = heading_parts(doc, node)
        node.title_norm = doc.norm[slice(*title_span)]
        parts[id(node)] = (title_span, body_span)
    repeats = assign_paths_and_kinds(roots)

    header = read_header(doc, roots[0].heading.line)
    if not header["title"]:
        header["title"] = (
            doc.original[slice(*strip_span(doc.original, 0, len(text)))].split("\n", 1)[0].strip()
        )

    notes = scan_notes(doc.norm)
    sections = []
    for node in nodes:
        title_span, body_span = parts[id(node)]
        assignments, brackets = find_assignments(doc, *body_span, notes)
        targets = find_targets(doc, *body_span, brackets, default_by=_goal_deadline(doc, node))
        span = strip_span(doc.original, node.heading.start, node.end)
        sections.append(
            {
                "path": node.path,
                "kind": node.kind,
                "title": doc.original[slice(*title_span)],
                "text": doc.original[slice(*body_span)],
                "span": list(span),
                "assignments": assignments,
                # Targets live in goals and tasks, not in headings or action titles;
                # the scan still runs everywhere so a garbled number is reported.
                "targets": targets if node.kind in TARGET_KINDS else [],
            }
        )
    return {**header, "sections": sections, "warnings": _repeat_warnings(doc, repeats)}


def _repeat_warnings(doc: PlanText, repeats: list[tuple[Node, Node]]) -> list[dict]:
    """One warning per number written twice under the same parent, naming both lines."""
    warnings = []
    for repeat, first in repeats:
        start, end = repeat.heading.start, repeat.heading.rest
        number = doc.original[start:end].strip()
        lines = [first.heading.line + 1, repeat.heading.line + 1]
        warnings.append(
            {
                "code": "duplicate_number",
                "path": repeat.path,
                "lines": lines,
                "message": (
                    f"第{lines[1]}行: 编号 “{number}” 与第{lines[0]}行重复 (同一上级下编号不能重复)"
                    f" (line {lines[1]}: number {number!r} repeats line {lines[0]};"
                    " numbers must be unique under one parent)"
                ),
            }
        )
    return warnings


def _goal_deadline(doc: PlanText, node: Node) -> int | None:
    """For a goal section, the first deadline in its whole goal part; else None.

    The goals of a plan share one horizon (力争到2027年 …): it governs every
    goal target, including those written before it or in sibling subsections.
    """
    if node.kind != "goal":
        return None
    top = node
    while top.parent is not None and top.parent.level != 0:
        top = top.parent
    return first_deadline(doc.norm, top.heading.start, top.end)


def parse_plan_bytes(data: bytes, *, max_bytes: int = MAX_PLAN_BYTES) -> dict:
    """``parse_plan(decode_plan_bytes(data))``: a plan file's bytes to its document."""
    return parse_plan(decode_plan_bytes(data, max_bytes=max_bytes), max_chars=max_bytes)
