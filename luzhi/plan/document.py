"""The plan JSON document (docs/plan-json.md): validation of an uploaded document.

The parser produces this document from a text; ``luzhi plan export`` writes it
back from the database (with the source text under ``source_text``), and
``luzhi plan import`` accepts it, so export → import is lossless.
"""

import re
from typing import Any

KINDS = {"goal", "heading", "action", "task"}
CMPS = {">=", ">", "=", "≈", "range", "<=", "<"}
ROLE_KEYS = ("lead", "responsible", "joint")
PATH_RE = re.compile(r"^[^/\s]+(/[^/\s]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DocumentError(ValueError):
    """A plan document that does not have the documented shape; names the offending field."""

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


def _expect(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise DocumentError(where, message)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_span(value: Any, where: str, limit: int | None) -> None:
    _expect(
        isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value),
        where,
        "必须是 [起点, 终点] 两个整数 (must be [start, end] integers)",
    )
    _expect(0 <= value[0] <= value[1], where, "起点不能大于终点 (start must not exceed end)")
    if limit is not None:
        _expect(value[1] <= limit, where, "超出原文长度 (beyond the end of the source text)")


def _check_names(value: Any, where: str) -> None:
    _expect(
        isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value),
        where,
        "必须是非空字符串列表 (must be a list of non-empty strings)",
    )


def validate_plan_document(doc: Any) -> None:
    """Check a plan document's shape; raise DocumentError naming the first bad field."""
    _expect(isinstance(doc, dict), "$", "必须是 JSON 对象 (must be a JSON object)")
    _expect(
        isinstance(doc.get("title"), str) and doc["title"].strip(), "title", "缺少标题 (missing)"
    )
    for key in ("doc_number", "issued"):
        _expect(doc.get(key) is None or isinstance(doc[key], str), key, "必须是字符串或 null")
    if doc.get("issued"):
        _expect(bool(DATE_RE.match(doc["issued"])), "issued", "日期格式应为 YYYY-MM-DD")
    _check_names(doc.get("issuers", []), "issuers")
    source = doc.get("source_text")
    _expect(source is None or isinstance(source, str), "source_text", "必须是字符串")
    limit = len(source) if source else None
    sections = doc.get("sections")
    _expect(isinstance(sections, list) and sections, "sections", "至少需要一个章节 (no sections)")
    seen: set[str] = set()
    for i, section in enumerate(sections):
        where = f"sections[{i}]"
        _expect(isinstance(section, dict), where, "必须是对象")
        path = section.get("path")
        _expect(
            isinstance(path, str) and bool(PATH_RE.match(path)), f"{where}.path", "编号路径无效"
        )
        _expect(path not in seen, f"{where}.path", f"编号路径重复: {path}")
        parent = path.rsplit("/", 1)[0] if "/" in path else None
        _expect(parent is None or parent in seen, f"{where}.path", f"上级章节 {parent} 须在前")
        seen.add(path)
        _expect(section.get("kind") in KINDS, f"{where}.kind", f"须为 {sorted(KINDS)} 之一")
        _expect(isinstance(section.get("title"), str), f"{where}.title", "必须是字符串")
        _expect(isinstance(section.get("text", ""), str), f"{where}.text", "必须是字符串")
        _check_span(section.get("span"), f"{where}.span", limit)
        for j, assignment in enumerate(section.get("assignments", [])):
            at = f"{where}.assignments[{j}]"
            _expect(isinstance(assignment, dict), at, "必须是对象")
            for key in ROLE_KEYS:
                _check_names(assignment.get(key, []), f"{at}.{key}")
            _expect(
                any(assignment.get(key) for key in ROLE_KEYS), at, "分工没有任何单位 (no units)"
            )
            _expect(
                isinstance(assignment.get("open_ended", False), bool),
                f"{at}.open_ended",
                "须为布尔值",
            )
            _expect(isinstance(assignment.get("raw", ""), str), f"{at}.raw", "必须是字符串")
            _check_span(assignment.get("span"), f"{at}.span", limit)
        for j, target in enumerate(section.get("targets", [])):
            at = f"{where}.targets[{j}]"
            _expect(isinstance(target, dict), at, "必须是对象")
            _expect(
                isinstance(target.get("metric"), str) and target["metric"].strip(),
                f"{at}.metric",
                "缺少指标名称",
            )
            _expect(target.get("cmp") in CMPS, f"{at}.cmp", f"须为 {sorted(CMPS)} 之一")
            _expect(
                _is_number(target.get("value")),
                f"{at}.value",
                "目标值必须是数字 (must be a number)",
            )
            value_max = target.get("value_max")
            _expect(
                value_max is None or _is_number(value_max), f"{at}.value_max", "必须是数字或 null"
            )
            if target["cmp"] == "range":
                _expect(
                    value_max is not None and value_max >= target["value"],
                    f"{at}.value_max",
                    "区间上限须不小于下限",
                )
            _expect(isinstance(target.get("unit"), str), f"{at}.unit", "必须是字符串")
            by = target.get("by")
            _expect(
                by is None or (isinstance(by, int) and 1900 < by < 2200),
                f"{at}.by",
                "须为年份或 null",
            )
            _expect(target.get("per") in (None, "year"), f"{at}.per", '须为 "year" 或 null')
            _check_span(target.get("span"), f"{at}.span", limit)
