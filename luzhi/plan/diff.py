"""What changed between two versions of a plan, computed on the plan JSON.

Sections are matched by path; a section's assignments are compared as a list
(who leads, who is responsible, who is joint), its targets by metric. The
result is JSON-able and stored on the import record.
"""

from typing import Any

SECTION_FIELDS = ("kind", "title", "text")
TARGET_FIELDS = ("cmp", "value", "value_max", "unit", "by", "per")


def _assignment_key(assignment: dict) -> tuple:
    return (
        tuple(assignment.get("lead", [])),
        tuple(assignment.get("responsible", [])),
        tuple(assignment.get("joint", [])),
        bool(assignment.get("open_ended")),
    )


def _targets_by_metric(section: dict) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {}
    for target in section.get("targets", []):
        result.setdefault(target["metric"], []).append(target)
    return result


def _target_summary(path: str, target: dict) -> dict:
    return {"path": path, "metric": target["metric"], "raw": target.get("raw", "")} | {
        field: target.get(field) for field in TARGET_FIELDS
    }


def diff_plans(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Compare two plan documents; return sections, assignments and targets added/removed/changed."""
    old_sections = {s["path"]: s for s in old.get("sections", [])}
    new_sections = {s["path"]: s for s in new.get("sections", [])}
    result: dict[str, Any] = {
        "plan": {
            field: {"before": old.get(field), "after": new.get(field)}
            for field in ("title", "doc_number", "issued", "issuers")
            if old.get(field) != new.get(field)
        },
        "sections": {"added": [], "removed": [], "changed": []},
        "assignments": {"added": [], "removed": []},
        "targets": {"added": [], "removed": [], "changed": []},
    }
    for path, section in new_sections.items():
        if path not in old_sections:
            result["sections"]["added"].append({"path": path, "title": section["title"]})
    for path, section in old_sections.items():
        if path not in new_sections:
            result["sections"]["removed"].append({"path": path, "title": section["title"]})

    for path in new_sections.keys() | old_sections.keys():
        before = old_sections.get(path, {})
        after = new_sections.get(path, {})
        if before and after:
            fields = [f for f in SECTION_FIELDS if before.get(f) != after.get(f)]
            if fields:
                result["sections"]["changed"].append(
                    {"path": path, "title": after["title"], "fields": fields}
                )
        _diff_assignments(path, before, after, result["assignments"])
        _diff_targets(path, before, after, result["targets"])

    for group in ("sections", "assignments", "targets"):
        for kind in result[group].values():
            kind.sort(key=lambda item: (_path_sort_key(item["path"]), str(item)))
    return result


def _diff_assignments(path: str, before: dict, after: dict, out: dict) -> None:
    old_keys = [_assignment_key(a) for a in before.get("assignments", [])]
    new_keys = [_assignment_key(a) for a in after.get("assignments", [])]
    for assignment, key in zip(after.get("assignments", []), new_keys, strict=True):
        if key not in old_keys:
            out["added"].append({"path": path, "raw": assignment.get("raw", "")})
    for assignment, key in zip(before.get("assignments", []), old_keys, strict=True):
        if key not in new_keys:
            out["removed"].append({"path": path, "raw": assignment.get("raw", "")})


def _diff_targets(path: str, before: dict, after: dict, out: dict) -> None:
    old_targets = _targets_by_metric(before)
    new_targets = _targets_by_metric(after)
    for metric, targets in new_targets.items():
        previous = old_targets.get(metric, [])
        for index, target in enumerate(targets):
            if index >= len(previous):
                out["added"].append(_target_summary(path, target))
                continue
            old_target = previous[index]
            fields = [f for f in TARGET_FIELDS if old_target.get(f) != target.get(f)]
            if fields:
                out["changed"].append(
                    {
                        "path": path,
                        "metric": metric,
                        "fields": fields,
                        "before": _target_summary(path, old_target),
                        "after": _target_summary(path, target),
                    }
                )
    for metric, targets in old_targets.items():
        kept = len(new_targets.get(metric, []))
        for target in targets[kept:]:
            out["removed"].append(_target_summary(path, target))


def diff_is_empty(diff: dict[str, Any]) -> bool:
    """True when two documents differ in nothing the diff tracks."""
    return not diff.get("plan") and not any(
        items for group in ("sections", "assignments", "targets") for items in diff[group].values()
    )


_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _numeral_value(token: str) -> int:
    """Read a path token (一, (十二), 3) as a number so 十 sorts after 九."""
    token = token.strip("()")
    if token.isdigit():
        return int(token)
    if token.startswith("十"):
        return 10 + _CHINESE_DIGITS.get(token[1:], 0) if len(token) > 1 else 10
    if "十" in token:
        tens, _, ones = token.partition("十")
        return _CHINESE_DIGITS.get(tens, 0) * 10 + _CHINESE_DIGITS.get(ones, 0)
    return _CHINESE_DIGITS.get(token, 0)


def _path_sort_key(path: str) -> tuple:
    return tuple(_numeral_value(token) for token in path.split("/"))
