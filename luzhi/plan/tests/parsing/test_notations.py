"""Notations of tasks, assignments and targets used by published plans of other
provinces and cities (docs/plan-json.md, *Notations*), one fixture each.

Each fixture is a short excerpt written in that notation
(``fixtures/notations/NN_name.txt``) with the reviewed reading beside it
(``NN_name.expected.json``: the notation, where it was seen, and per section its
kind, assignments as ``[lead, responsible, joint, open_ended]`` and targets as
``[metric, cmp, value, value_max, unit, by, per]``). Every excerpt is parsed as
written (simplified) and converted to traditional characters; both readings
must match, names compared in simplified form since names come out as written.
"""

import json

import pytest
from opencc import OpenCC

from luzhi.plan.parsing import parse_plan
from luzhi.plan.parsing.textmap import normalize

from .helpers import FIXTURES
from .test_properties import check_spans

NOTATIONS = FIXTURES / "notations"
NAMES = sorted(path.stem for path in NOTATIONS.glob("*.txt"))
TO_TRADITIONAL = OpenCC("s2t")


def reading(doc: dict) -> dict:
    """The facts a fixture pins down, names folded to simplified characters."""

    def names(values: list[str]) -> list[str]:
        return [normalize(value) for value in values]

    return {
        section["path"]: {
            "kind": section["kind"],
            "assignments": [
                [names(a["lead"]), names(a["responsible"]), names(a["joint"]), a["open_ended"]]
                for a in section["assignments"]
            ],
            "targets": [
                [normalize(t["metric"]), t["cmp"], t["value"], t["value_max"], t["unit"],
                 t["by"], t["per"]]
                for t in section["targets"]
            ],
        }
        for section in doc["sections"]
    }  # fmt: skip


def test_there_are_at_least_ten_notations_each_with_a_source():
    assert len(NAMES) >= 10
    for name in NAMES:
        expected = json.loads((NOTATIONS / f"{name}.expected.json").read_text(encoding="utf-8"))
        assert expected["notation"] and expected["sources"], name


@pytest.mark.parametrize("script", ["simplified", "traditional"])
@pytest.mark.parametrize("name", NAMES)
def test_notation_parses_to_the_right_tasks_units_and_targets(name, script):
    text = (NOTATIONS / f"{name}.txt").read_text(encoding="utf-8")
    if script == "traditional":
        text = TO_TRADITIONAL.convert(text)
    expected = json.loads((NOTATIONS / f"{name}.expected.json").read_text(encoding="utf-8"))
    doc = parse_plan(text)
    assert doc["warnings"] == []
    assert reading(doc) == expected["sections"]
    check_spans(text, doc)
