"""Template helpers of the plan pages: the highlighted source text, role badges, targets.

Every piece of HTML here is built with ``format_html`` / ``escape``: the source
text and every name in it come from uploaded files and are never marked safe
unescaped.
"""

from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

from django import template
from django.utils.html import escape
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

ROLE_LABELS = {"lead": _("牵头"), "responsible": _("责任"), "joint": _("共同")}
ROLE_TITLES = {
    "lead": _("牵头单位"),
    "responsible": _("责任单位"),
    "joint": _("按职责分工负责"),
}
CMP_SYMBOLS = {"=": "", ">=": "≥", ">": ">", "≈": "≈", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Span:
    """A stretch ``[start, end)`` of the source text to wrap in ``<mark class=css>``."""

    start: int
    end: int
    css: str
    element_id: str = ""
    title: str = ""


def render_highlighted(text: str, spans: list[Span]) -> SafeString:
    """The text, escaped, with each span wrapped in a ``<mark>``; nested spans nest.

    Spans are sorted by start (longest first at the same start); a span that
    starts inside another is rendered inside it, clipped to its end, so the
    output is always well-formed HTML.
    """
    text = text or ""
    size = len(text)
    cleaned = sorted(
        (
            Span(max(0, s.start), min(size, s.end), s.css, s.element_id, s.title)
            for s in spans
            if s.end > s.start
        ),
        key=lambda s: (s.start, -s.end),
    )
    return mark_safe("".join(_render(text, 0, size, cleaned)))  # noqa: S308 - pieces are escaped


def _render(text: str, lo: int, hi: int, spans: list[Span]) -> list[str]:
    out: list[str] = []
    cursor = lo
    i = 0
    while i < len(spans):
        span = spans[i]
        # The spans starting inside this one are its children.
        j = i + 1
        while j < len(spans) and spans[j].start < span.end:
            j += 1
        start, end = max(span.start, cursor), min(span.end, hi)
        if start >= end:
            i += 1  # nothing left of it: its children are rendered as siblings
            continue
        out.append(escape(text[cursor:start]))
        out.append(_open_tag(span))
        out.extend(_render(text, start, end, spans[i + 1 : j]))
        out.append("</mark>")
        cursor = end
        i = j
    out.append(escape(text[cursor:hi]))
    return out


def _open_tag(span: Span) -> str:
    if span.element_id and span.title:
        return format_html(
            '<mark class="{}" id="{}" title="{}">', span.css, span.element_id, span.title
        )
    if span.element_id:
        return format_html('<mark class="{}" id="{}">', span.css, span.element_id)
    if span.title:
        return format_html('<mark class="{}" title="{}">', span.css, span.title)
    return format_html('<mark class="{}">', span.css)


@register.simple_tag
def highlight_source(text, spans):
    """``{% highlight_source plan.source_text spans %}``: the source with marked spans."""
    return render_highlighted(text, list(spans or ()))


@register.filter
def role_label(role: str) -> str:
    """牵头 / 责任 / 共同 for a role key."""
    return ROLE_LABELS.get(role, role)


@register.simple_tag
def role_badge(role: str, short: bool = True) -> SafeString:
    """A coloured badge for a role (lead red, responsible blue, joint green)."""
    label = ROLE_LABELS.get(role, role) if short else ROLE_TITLES.get(role, role)
    return format_html(
        '<span class="badge role-{}" title="{}">{}</span>',
        role,
        ROLE_TITLES.get(role, role),
        label,
    )


def _fmt(value) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format(number.normalize(), "f")


@register.filter
def target_value(summary) -> str:
    """A target summary from an import diff (cmp, value, value_max, unit, per) as ≥150项/年."""
    if not summary:
        return ""
    unit = summary.get("unit") or ""
    value = _fmt(summary.get("value"))
    if summary.get("cmp") == "range" and summary.get("value_max") is not None:
        text = f"{value}–{_fmt(summary.get('value_max'))}{unit}"
    else:
        text = f"{CMP_SYMBOLS.get(summary.get('cmp'), '')}{value}{unit}"
    return f"{text}/年" if summary.get("per") == "year" else text


@register.filter
def path_tail(path: str) -> str:
    """The last label of a section path: 二/(一)/1 → 1."""
    return (path or "").rsplit("/", 1)[-1]


@register.filter
def short_action_title(title: str) -> str:
    """The quoted name of an action (实施软硬协同“策源攀高”创新行动 → 策源攀高), else the title."""
    if "“" in (title or "") and "”" in title:
        inner = title.split("“", 1)[1].split("”", 1)[0]
        if inner:
            return inner
    return title or ""


SECTION_FIELD_LABELS = {"kind": _("类型"), "title": _("标题"), "text": _("正文")}
PLAN_FIELD_LABELS = {
    "title": _("标题"),
    "doc_number": _("文号"),
    "issued": _("印发日期"),
    "issuers": _("印发单位"),
}


@register.filter
def section_fields(fields) -> str:
    """The changed fields of a section in the diff (title, text) as readable labels."""
    return "、".join(str(SECTION_FIELD_LABELS.get(f, f)) for f in fields or ())


@register.filter
def plan_field(name: str) -> str:
    """A plan header field of the diff (doc_number …) as a readable label."""
    return PLAN_FIELD_LABELS.get(name, name)


def _context(text: str, keep: int, *, head: bool, tail: bool) -> str:
    """Shorten an unchanged stretch to ``keep`` characters on the sides that touch a change."""
    if len(text) <= 2 * keep + 1:
        return text
    if head and tail:
        return f"{text[:keep]}…{text[-keep:]}"
    if head:
        return f"{text[:keep]}…"
    if tail:
        return f"…{text[-keep:]}"
    return "…"


@register.simple_tag
def diff_side(old, new, side: str = "after", keep: int = 30) -> SafeString:
    """One side of a character diff of two texts: the removed (before) or added (after) parts marked.

    Unchanged stretches are shortened to ``keep`` characters of context so a
    one-number change in a long paragraph is easy to find.
    """
    from difflib import SequenceMatcher

    old, new = str(old or ""), str(new or "")
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    parts: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            text = old[i1:i2]
            parts.append(
                escape(_context(text, keep, head=index > 0, tail=index < len(opcodes) - 1))
            )
            continue
        if side == "before" and i2 > i1:
            parts.append(format_html('<del class="before">{}</del>', old[i1:i2]))
        if side == "after" and j2 > j1:
            parts.append(format_html('<ins class="after">{}</ins>', new[j1:j2]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
