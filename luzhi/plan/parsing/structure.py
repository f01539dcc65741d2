"""The section tree: numbered headings, their levels by nesting, their extents.

A plan numbers its parts 一、, its subsections (一) and its items in one of
several styles (1. 1、 (1) ① ⑴). Levels follow nesting, not style: the first
item style met under a subsection is that subsection's third level, and any
other style met inside one of its items is deeper and stays in the item's
text. Headings are recognised on the matching copy at the start of a line.
"""

import re
from dataclasses import dataclass
from dataclasses import field

from .brackets import depth_zero
from .header import looks_like_org
from .header import parse_date_line
from .numerals import chinese_to_int
from .numerals import circled_to_int
from .textmap import PlanText

_CN = "零〇一二三四五六七八九十百"
PART_RE = re.compile(rf"([{_CN}]+)\s*、\s*")
SUB_RE = re.compile(rf"\(\s*([{_CN}]+)\s*\)\s*")
ITEM_RES = (
    ("dot", re.compile(r"(\d{1,3})\s*\.(?!\d)\s*")),
    ("comma", re.compile(r"(\d{1,3})\s*、\s*")),
    ("paren", re.compile(r"\(\s*(\d{1,3})\s*\)\s*")),
)
CIRCLED_RE = re.compile(r"([\u2460-\u2473\u3251-\u325f\u32b1-\u32bf])\s*")
PAREN_DIGIT_RE = re.compile(r"([\u2474-\u2487])\s*")

# Lines that end the plan body: web-page furniture, attachments, a closing
# date. What follows them is not part of the last section.
TERMINATOR_RE = re.compile(
    r"^(政策解读|相关解读|图文解读|附件|抄送|扫一扫|打印本页|关闭窗口|【打印】|分享到|"
    r"Produced\s+By|相关链接|相关文件|主办单位|责任编辑|\(此件|\(?\s*联系(人|电话|方式))",
    re.IGNORECASE,
)

PART, SUB, ITEM = 1, 2, 3
_ROLE_HINTS = ("单位", "部门", "牵头", "负责")


@dataclass
class Heading:
    """A numbered line: its style, path label and where number and rest begin."""

    level: int
    style: str
    label: str
    start: int  # offset of the number
    rest: int  # offset of the text after the number and its separator
    line: int  # 0-based line index
    line_start: int
    line_end: int


@dataclass
class Node:
    """One section while the tree is built; ``end`` is the raw extent end."""

    heading: Heading
    parent: "Node | None"
    children: list["Node"] = field(default_factory=list)
    end: int = 0
    item_style: str | None = None  # the item style of this container's children
    path: str = ""
    kind: str = ""
    title_norm: str = ""  # the title in the matching copy, for the 目标 test

    @property
    def level(self) -> int:
        return self.heading.level


def detect_heading(norm: str, start: int, end: int, index: int) -> Heading | None:
    """The heading starting line ``index`` (``norm[start:end]``), if it is one."""
    lead = start
    while lead < end and norm[lead] in " \t\r\ufeff":
        lead += 1
    if lead >= end:
        return None

    def make(level: int, style: str, label: str, match: re.Match) -> Heading:
        return Heading(level, style, label, lead, lead + match.end(), index, start, end)

    line = norm[lead:end]
    match = PART_RE.match(line)
    if match and chinese_to_int(match.group(1)):
        return make(PART, "part", match.group(1), match)
    match = SUB_RE.match(line)
    if match and chinese_to_int(match.group(1)):
        return make(SUB, "sub", f"({match.group(1)})", match)
    for style, pattern in ITEM_RES:
        match = pattern.match(line)
        if match and int(match.group(1)) > 0:
            return make(ITEM, style, str(int(match.group(1))), match)
    match = CIRCLED_RE.match(line)
    if match:
        return make(ITEM, "circled", str(circled_to_int(match.group(1))), match)
    match = PAREN_DIGIT_RE.match(line)
    if match:
        # ⑴ is the one-character form of (1): the same style.
        return make(ITEM, "paren", str(circled_to_int(match.group(1))), match)
    return None


class _Builder:
    """Walks the lines once, keeping the open part, subsection and item."""

    def __init__(self, doc: PlanText) -> None:
        self.doc = doc
        self.root = Node(Heading(0, "root", "", 0, 0, -1, 0, 0), None)
        self.open: list[Node] = [self.root]  # root, then part/sub/item as open
        self.plan_end = len(doc.original)

    def build(self) -> list[Node]:
        doc = self.doc
        for index in range(doc.line_count()):
            start, end = doc.line_range(index)
            stripped = doc.norm[start:end].strip()
            if not stripped:
                continue
            if len(self.open) > 1 and TERMINATOR_RE.match(stripped):
                self.plan_end = start
                break
            if len(self.open) > 1 and parse_date_line(stripped):
                # A closing date: the units signing above it are not body text either.
                self.plan_end = self._signature_start(index)
                break
            heading = detect_heading(doc.norm, start, end, index)
            if heading is not None:
                self._place(heading)
        self._close_to(1, self.plan_end)
        return self.root.children

    def _signature_start(self, index: int) -> int:
        """Where the body ends when line ``index`` ends it: above a signature block."""
        doc = self.doc
        first = index
        probe = index - 1
        last_heading_line = self.open[-1].heading.line
        while probe > last_heading_line:
            start, end = doc.line_range(probe)
            text = doc.norm[start:end].strip()
            if text and not looks_like_org(text):
                break
            if text:
                first = probe
            probe -= 1
        return doc.line_range(first)[0]

    def _close_to(self, depth: int, at: int) -> None:
        """Close open nodes until only ``depth`` remain; they end at ``at``."""
        while len(self.open) > depth:
            self.open.pop().end = at

    def _push(self, heading: Heading) -> None:
        parent = self.open[-1]
        node = Node(heading, parent)
        parent.children.append(node)
        self.open.append(node)

    def _place(self, heading: Heading) -> None:
        at = heading.line_start
        if heading.level == PART:
            self._close_to(1, at)
            self._push(heading)
            return
        if heading.level == SUB:
            while self.open[-1].level not in (0, PART):
                self.open.pop().end = at
            self._push(heading)
            return
        # An item: find the innermost container (root, part or subsection).
        container_depth = max(i for i, n in enumerate(self.open) if n.level != ITEM)
        container = self.open[container_depth]
        if container.item_style is None:
            container.item_style = heading.style
        if heading.style == container.item_style:
            self._close_to(container_depth + 1, at)
            self._push(heading)
        # Otherwise it is a deeper item inside the open item: part of its text.


def build_tree(doc: PlanText) -> list[Node]:
    """The top-level sections, their extents ending where the plan body ends."""
    return _Builder(doc).build()


def walk(nodes: list[Node]):
    """Nodes in document order, parents before children."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def assign_paths_and_kinds(roots: list[Node]) -> list[tuple[Node, Node]]:
    """Set ``path`` (labels joined by /, made unique) and ``kind`` on every node.

    Needs ``title_norm`` set first: a part is a goal by its title. Returns the
    repeated numbers as ``(repeat, first)`` pairs: a number written twice under
    one parent (a typo the plan office must fix before importing).
    """
    first: dict[str, Node] = {}
    seen: dict[str, int] = {}
    repeats: list[tuple[Node, Node]] = []
    for node in walk(roots):
        label = node.heading.label
        base = f"{node.parent.path}/{label}" if node.parent and node.parent.path else label
        count = seen.get(base, 0) + 1
        seen[base] = count
        # A repeated number still needs a unique path so the document stays well formed.
        node.path = base if count == 1 else f"{base}#{count}"
        if count == 1:
            first[base] = node
        else:
            repeats.append((node, first[base]))
        node.kind = _kind(node)
    return repeats


def _kind(node: Node) -> str:
    """goal under a 目标 part; else heading parts, action subsections, task leaves."""
    ancestor = node
    while ancestor.parent is not None and ancestor.parent.level != 0:
        ancestor = ancestor.parent
    if "目标" in ancestor.title_norm:
        return "goal"
    if node.level == PART:
        return "heading"
    return "action" if node.children else "task"


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without leading and trailing whitespace (``\\r``, 　 too)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def heading_parts(doc: PlanText, node: Node) -> tuple[tuple[int, int], tuple[int, int]]:
    """The title span and the own-text span of a node (both in original offsets).

    A heading line that is a bare title (no 。 and no trailing bracket) is a
    heading, not a sentence: the section's text starts on the next line. When
    the line is the first sentence of a paragraph, the text starts right after
    the number and the title is that sentence.
    """
    norm = doc.norm
    h = node.heading
    rest_start, rest_end = strip_span(norm, h.rest, h.line_end)
    own_end = node.children[0].heading.line_start if node.children else node.end
    own_end = max(own_end, rest_end)
    stops = depth_zero(norm, rest_start, rest_end, "。:;")
    title_end = stops[0] if stops else rest_end
    title_end = _before_trailing_bracket(norm, rest_start, title_end)
    title = strip_span(norm, rest_start, title_end)
    sentence = depth_zero(norm, rest_start, rest_end, "。,;!?")
    bare = not sentence and not norm[rest_start:rest_end].endswith(")")
    if bare:
        body = strip_span(norm, rest_end, own_end)
        if body[0] == body[1] and not node.children:
            body = strip_span(norm, rest_start, rest_end)  # the title is all there is
        return title, body
    return title, strip_span(norm, rest_start, own_end)


def _before_trailing_bracket(norm: str, start: int, end: int) -> int:
    """Cut a title before a bracket that closes it when it names units (an assignment)."""
    stripped = norm[start:end].rstrip()
    if not stripped.endswith(")"):
        return end
    depth = 0
    for i in range(start + len(stripped) - 1, start - 1, -1):
        if norm[i] == ")":
            depth += 1
        elif norm[i] == "(":
            depth -= 1
            if depth == 0:
                inner = norm[i : start + len(stripped)]
                return i if any(word in inner for word in _ROLE_HINTS) else end
    return end
