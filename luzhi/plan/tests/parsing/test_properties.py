"""Properties every parse must have, and the parser's speed on a large plan."""

import pytest

from luzhi.plan.parsing import parse_plan
from luzhi.plan.parsing.synthetic import make_synthetic_plan

from .helpers import FIXTURES
from .helpers import SEED
from .helpers import VARIANTS
from .helpers import parse_file

PLANS = [SEED] + [FIXTURES / name for name in sorted(VARIANTS)]


def check_spans(text: str, doc: dict) -> None:
    """Every raw is its span's slice; every text lies in its section's span."""
    paths = set()
    for sec in doc["sections"]:
        start, end = sec["span"]
        assert 0 <= start < end <= len(text)
        extent = text[start:end]
        assert extent == extent.strip(), sec["path"]
        assert sec["text"] in extent, sec["path"]
        assert sec["title"] in extent, sec["path"]
        assert sec["path"] not in paths
        parent = sec["path"].rpartition("/")[0]
        assert not parent or parent in paths, "parents come before children"
        paths.add(sec["path"])
        for item in sec["assignments"] + sec["targets"]:
            item_start, item_end = item["span"]
            assert text[item_start:item_end] == item["raw"]
            assert start <= item_start < item_end <= end
        for assignment in sec["assignments"]:
            names = assignment["lead"] + assignment["responsible"] + assignment["joint"]
            assert names and all(name and name.strip() == name for name in names)
            assert not any(mark in name for name in names for mark in "☆★")
        for target in sec["targets"]:
            assert target["metric"].strip()
            assert target["cmp"] in {">=", ">", "=", "≈", "range", "<=", "<"}
            assert (target["cmp"] == "range") == (target["value_max"] is not None)


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_spans_slice_the_original_text(path):
    text, doc = parse_file(path)
    check_spans(text, doc)


def test_spans_on_the_synthetic_plan():
    text = make_synthetic_plan(3)
    check_spans(text, parse_plan(text))


def test_synthetic_plan_numbers_actions_past_ten():
    doc = parse_plan(make_synthetic_plan(3))
    actions = [s["path"] for s in doc["sections"] if s["kind"] == "action"]
    assert len(actions) == 21
    assert actions[9:12] == ["二/(十)", "二/(十一)", "二/(十二)"]
    assert actions[-1] == "二/(二十一)"
    assert sum(len(s["targets"]) for s in doc["sections"]) == 11 + 3 * 10 + 1


def test_synthetic_plan_is_rejected_for_zero_copies():
    with pytest.raises(ValueError):
        make_synthetic_plan(0)


def test_hundred_times_the_seed_parses_whole():
    """The size bench/plan_import.py times: every action of every copy is read."""
    doc = parse_plan(make_synthetic_plan(100))
    assert len([s for s in doc["sections"] if s["kind"] == "action"]) == 700
    assert doc["warnings"] == []


def test_parse_memory_grows_with_the_text_not_faster():
    """4× the text peaks at about 4× the memory (nothing quadratic), a few bytes per byte."""
    import tracemalloc

    def peak(copies: int) -> tuple[int, int]:
        text = make_synthetic_plan(copies)
        tracemalloc.start()
        parse_plan(text)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top, len(text.encode("utf-8"))

    (small, _), (large, size) = peak(3), peak(12)
    assert large < 5 * small
    assert large < 15 * size, f"parsing {size} bytes peaked at {large} bytes"
