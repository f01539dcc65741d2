"""diff_plans on hand-made documents: what counts as added, removed and changed."""

from luzhi.plan.diff import diff_is_empty
from luzhi.plan.diff import diff_plans


def _section(path, title="T", text="", assignments=(), targets=()):
    return {
        "path": path,
        "kind": "task",
        "title": title,
        "text": text,
        "span": [0, 1],
        "assignments": list(assignments),
        "targets": list(targets),
    }


def _target(metric, value, cmp=">=", unit="项", **extra):
    return {
        "metric": metric,
        "cmp": cmp,
        "value": value,
        "value_max": None,
        "unit": unit,
        "by": 2027,
        "per": None,
        "raw": f"{value}{unit}",
        "span": [0, 1],
    } | extra


def _assignment(lead=(), responsible=(), joint=(), open_ended=False):
    return {
        "lead": list(lead),
        "responsible": list(responsible),
        "joint": list(joint),
        "open_ended": open_ended,
        "raw": "(…)",
        "span": [0, 1],
    }


def _doc(*sections, **extra):
    return {
        "title": "计划",
        "doc_number": None,
        "issued": None,
        "issuers": [],
        "sections": list(sections),
    } | extra


def test_identical_documents_have_an_empty_diff():
    doc = _doc(
        _section("一/1", assignments=[_assignment(lead=["省科技厅"])], targets=[_target("项目", 5)])
    )
    assert diff_is_empty(diff_plans(doc, doc))


def test_spans_alone_do_not_count_as_changes():
    old = _doc(_section("一/1", targets=[_target("项目", 5)]))
    new = _doc(_section("一/1", targets=[_target("项目", 5, span=[10, 20])]))
    assert diff_is_empty(diff_plans(old, new))


def test_sections_added_removed_and_changed_by_path():
    old = _doc(_section("一/1", title="甲"), _section("一/2", title="乙"))
    new = _doc(_section("一/1", title="甲改"), _section("一/3", title="丙"))
    diff = diff_plans(old, new)
    assert diff["sections"]["added"] == [{"path": "一/3", "title": "丙"}]
    assert diff["sections"]["removed"] == [{"path": "一/2", "title": "乙"}]
    assert diff["sections"]["changed"] == [{"path": "一/1", "title": "甲改", "fields": ["title"]}]


def test_an_assignment_with_another_unit_is_one_removed_and_one_added():
    old = _doc(
        _section("一/1", assignments=[_assignment(lead=["省科技厅"], responsible=["省教育厅"])])
    )
    new = _doc(
        _section("一/1", assignments=[_assignment(lead=["省科技厅"], responsible=["省财政厅"])])
    )
    diff = diff_plans(old, new)
    assert len(diff["assignments"]["added"]) == 1 and len(diff["assignments"]["removed"]) == 1


def test_open_ended_flag_is_a_change():
    old = _doc(_section("一/1", assignments=[_assignment(joint=["省科技厅"])]))
    new = _doc(_section("一/1", assignments=[_assignment(joint=["省科技厅"], open_ended=True)]))
    assert not diff_is_empty(diff_plans(old, new))


def test_targets_matched_by_metric_report_changed_fields():
    old = _doc(_section("一/1", targets=[_target("基础研究项目", 150, per="year", by=None)]))
    new = _doc(
        _section(
            "一/1",
            targets=[
                _target("基础研究项目", 160, per="year", by=None),
                _target("算法产品", 100, cmp="=", unit="个"),
            ],
        )
    )
    diff = diff_plans(old, new)
    (changed,) = diff["targets"]["changed"]
    assert changed["fields"] == ["value"]
    assert (changed["before"]["value"], changed["after"]["value"]) == (150, 160)
    assert [t["metric"] for t in diff["targets"]["added"]] == ["算法产品"]
    assert diff_plans(new, old)["targets"]["removed"][0]["metric"] == "算法产品"


def test_plan_metadata_changes_are_reported():
    diff = diff_plans(_doc(doc_number="鲁科字〔2024〕131号"), _doc(doc_number="鲁科字〔2025〕7号"))
    assert diff["plan"] == {
        "doc_number": {"before": "鲁科字〔2024〕131号", "after": "鲁科字〔2025〕7号"}
    }


def test_paths_sort_numerically_including_chinese_numerals():
    old = _doc()
    new = _doc(*[_section(p) for p in ["二/(十一)/1", "二/(二)/1", "二/(十)/2", "二/(十)/10"]])
    paths = [s["path"] for s in diff_plans(old, new)["sections"]["added"]]
    assert paths == ["二/(二)/1", "二/(十)/2", "二/(十)/10", "二/(十一)/1"]
