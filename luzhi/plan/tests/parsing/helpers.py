"""Paths and loaders shared by the parser tests (no Django needed)."""

import json
from functools import cache
from pathlib import Path

from luzhi.plan.parsing import decode_plan_bytes
from luzhi.plan.parsing import parse_plan_bytes

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = Path(__file__).resolve().parents[4]
SEED_NAME = "shandong-ai-action-plan-2025-2027.txt"
SEED = REPO / "luzhi" / "plan" / "seed" / SEED_NAME
# The shared copy the repo's seed was taken from: beside the checkout, or beside the
# directory holding it (git worktrees sit one level deeper). None when absent.
SHARED_SEED = next(
    (
        folder / "shared" / "plan" / SEED_NAME
        for folder in REPO.parents
        if (folder / "shared" / "plan" / SEED_NAME).exists()
    ),
    None,
)

# Variant plans: fixture file → expected JSON name.
VARIANTS = {
    "jinan_city.crlf.txt": "jinan_city",
    "zibo_measures.gbk.txt": "zibo_measures",
    "qingdao_traditional.txt": "qingdao_traditional",
    "yantai_targets.txt": "yantai_targets",
    "weihai_direct_items.txt": "weihai_direct_items",
}


def expected(name: str) -> dict:
    """The reviewed expected document ``fixtures/NAME.expected.json``."""
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


@cache
def _parsed(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    return decode_plan_bytes(data), json.dumps(parse_plan_bytes(data), ensure_ascii=False)


def parse_file(path: Path) -> tuple[str, dict]:
    """(decoded text, parsed document) of a plan file; parsed once per test run."""
    text, doc = _parsed(path)
    return text, json.loads(doc)


def section(doc: dict, path: str) -> dict:
    """The section of ``doc`` with this path."""
    matches = [s for s in doc["sections"] if s["path"] == path]
    assert len(matches) == 1, f"{path}: {len(matches)} sections"
    return matches[0]


def roles(assignment: dict) -> tuple[list[str], list[str], list[str], bool]:
    """An assignment as (lead, responsible, joint, open_ended) for compact assertions."""
    return (
        assignment["lead"],
        assignment["responsible"],
        assignment["joint"],
        assignment["open_ended"],
    )


def target_facts(target: dict) -> tuple:
    """A target as (metric, cmp, value, value_max, unit, by, per)."""
    return (
        target["metric"],
        target["cmp"],
        target["value"],
        target["value_max"],
        target["unit"],
        target["by"],
        target["per"],
    )
