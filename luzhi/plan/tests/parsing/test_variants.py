"""Five plans written differently from the seed, parsed whole and fact by fact.

- jinan_city: a city plan, CRLF, full-width punctuation and indentation,
  牵头部门/配合部门, 1． items with folded (1) sub-items, ☆ lead markers explained
  by a note line, 各县（市、区）人民政府 and 各镇（街道）, units appended after a comma.
- zibo_measures: GBK-encoded, no notice, goal subsections, ① items, (X) measures.
- qingdao_traditional: traditional characters, 1、 items, a Chinese-numeral date.
- yantai_targets: every comparator and many units, decoy brackets and numbers.
- weihai_direct_items: items directly under parts, ⑴ sub-items, fallback 牵头/配合.
"""

import pytest

from .helpers import FIXTURES
from .helpers import VARIANTS
from .helpers import expected
from .helpers import parse_file
from .helpers import roles
from .helpers import section
from .helpers import target_facts


def load(name: str):
    filename = next(f for f, n in VARIANTS.items() if n == name)
    return parse_file(FIXTURES / filename)


@pytest.mark.parametrize(("filename", "name"), sorted(VARIANTS.items()))
def test_whole_document_matches_the_reviewed_fixture(filename, name):
    _, doc = parse_file(FIXTURES / filename)
    assert doc == expected(name)


# ---------------------------------------------------------------- 济南 (jinan_city)


def test_jinan_header_full_width_and_crlf():
    text, doc = load("jinan_city")
    assert "\r\n" in text
    assert doc["title"] == "济南市人工智能赋能千行百业行动方案（2025—2026年）"
    assert doc["doc_number"] == "济政办字〔2025〕8号"
    assert doc["issued"] == "2025-03-18"
    assert doc["issuers"] == ["济南市人民政府办公厅"]


def test_jinan_paths_use_half_width_brackets():
    _, doc = load("jinan_city")
    assert [s["path"] for s in doc["sections"]] == [
        "一",
        "二",
        "二/(一)",
        "二/(一)/1",
        "二/(一)/2",
        "二/(二)",
        "二/(二)/1",
        "二/(二)/2",
        "二/(二)/3",
        "三",
        "三/(一)",
        "三/(二)",
    ]


def test_jinan_sub_items_fold_into_the_task():
    text, doc = load("jinan_city")
    task = section(doc, "二/(一)/2")
    assert "（1）降低中小企业用算成本；" in task["text"]
    assert "（2）支持高校、科研院所开展模型训练。" in task["text"]
    # The bracket on its own line after the sub-items still belongs to the task.
    assert roles(task["assignments"][0]) == (
        ["市工业和信息化局"],
        ["市财政局", "市科技局"],
        [],
        False,
    )
    assert text[slice(*task["span"])].startswith("2．推广算力券。")


def test_jinan_labels_and_appended_units():
    _, doc = load("jinan_city")
    first = section(doc, "二/(一)/1")["assignments"][0]
    assert roles(first) == (
        ["市大数据局"],
        ["市发展改革委", "市工业和信息化局", "各区县人民政府"],
        [],
        False,
    )
    assert first["raw"].startswith("（牵头部门：")


def test_jinan_star_marks_lead_and_nested_brackets_stay_in_names():
    _, doc = load("jinan_city")
    assert roles(section(doc, "二/(二)/1")["assignments"][0]) == (
        ["市工业和信息化局"],
        ["各县（市、区）人民政府"],
        [],
        False,
    )
    assert roles(section(doc, "二/(二)/2")["assignments"][0]) == (
        ["市大数据局"],
        ["市政务服务中心", "各镇（街道）"],
        [],
        False,
    )


def test_jinan_joint_list_with_appended_units():
    _, doc = load("jinan_city")
    assert section(doc, "三/(一)")["assignments"][0]["joint"] == [
        "市科技局",
        "市发展改革委",
        "各区县人民政府",
    ]


def test_jinan_targets_and_attachment_line_ends_the_plan():
    text, doc = load("jinan_city")
    assert [target_facts(t) for t in section(doc, "一")["targets"]] == [
        ("人工智能核心产业规模", "=", 600, None, "亿元", 2026, None),
        ("人工智能重点企业", ">=", 300, None, "家", 2026, None),
        ("标杆应用场景", "≈", 100, None, "个", 2026, None),
    ]
    assert [target_facts(t) for t in section(doc, "二/(一)/2")["targets"]] == [
        ("算力券", ">=", 2000, None, "万元", None, "year"),
    ]
    assert [target_facts(t) for t in section(doc, "二/(二)/1")["targets"]] == [
        ("智能工厂", "=", 50, None, "家", 2026, None),
    ]
    assert "附件" not in text[slice(*doc["sections"][-1]["span"])]


# ---------------------------------------------------------------- 淄博 (zibo_measures, GBK)


def test_zibo_gbk_plan_without_notice():
    _, doc = load("zibo_measures")
    assert doc["title"] == "淄博市人工智能产业创新发展三年行动计划（2025—2027年）"
    assert (doc["doc_number"], doc["issued"], doc["issuers"]) == (None, None, [])


def test_zibo_goal_subsections_share_the_deadline():
    _, doc = load("zibo_measures")
    kinds = {s["path"]: s["kind"] for s in doc["sections"]}
    assert kinds["一"] == kinds["一/(一)"] == kinds["一/(三)"] == "goal"
    # 一/(二) has no deadline of its own: the goal part's 到2027年 governs it.
    assert [target_facts(t) for t in section(doc, "一/(二)")["targets"]] == [
        ("人工智能相关产业营业收入", ">", 300, None, "亿元", 2027, None),
        ("专精特新企业", "=", 40, None, "家", 2027, None),
    ]
    assert [t["by"] for t in section(doc, "一/(三)")["targets"]] == [2026, 2026]


def test_zibo_circled_items_and_measures():
    _, doc = load("zibo_measures")
    paths = [s["path"] for s in doc["sections"] if s["kind"] == "task"]
    assert paths[:3] == ["二/(一)/1", "二/(一)/2", "二/(一)/3"]
    assert paths[-5:] == ["三/(一)", "三/(二)", "三/(三)", "三/(四)", "三/(五)"]
    assert roles(section(doc, "二/(二)/1")["assignments"][0]) == (
        ["市工业和信息化局"],
        [],
        [],
        False,
    )


def test_zibo_thresholds_and_caps_are_not_targets():
    _, doc = load("zibo_measures")
    # 营业收入超10亿元的企业: the 10亿元 qualifies the noun; the target is the 5 firms.
    assert [target_facts(t) for t in section(doc, "二/(三)/1")["targets"]] == [
        ("营业收入超10亿元的企业", "=", 5, None, "家", None, None),
    ]
    # 给予最高100万元: an upper bound, not a target.
    assert section(doc, "二/(三)/2")["targets"] == []
    assert section(doc, "二/(一)/2")["targets"][0]["cmp"] == "range"


# ---------------------------------------------------------------- 青岛 (qingdao_traditional)


def test_qingdao_traditional_names_stay_as_written():
    _, doc = load("qingdao_traditional")
    assert doc["doc_number"] == "青政發〔2025〕3號"
    assert doc["issued"] == "2025-01-20"  # written 二〇二五年一月二十日
    assert roles(section(doc, "二/(一)/1")["assignments"][0]) == (
        ["市科技局"],
        ["市教育局", "市財政局"],
        [],
        False,
    )
    assert roles(section(doc, "二/(二)/2")["assignments"][0]) == (
        ["市海洋發展局"],
        ["西海岸新區管委", "各區（市）政府"],
        [],
        True,
    )
    assert section(doc, "二/(二)/1")["assignments"][0]["joint"] == ["市交通運輸局", "青島港集團"]


def test_qingdao_traditional_targets():
    _, doc = load("qingdao_traditional")
    assert [target_facts(t) for t in section(doc, "一")["targets"]] == [
        ("人工智慧核心產業規模", ">", 500, None, "亿元", 2027, None),
        ("人工智慧企業", ">=", 200, None, "家", 2027, None),
        ("算力中心", "range", 3, 5, "个", 2027, None),
    ]
    assert section(doc, "二/(三)/1")["targets"][0]["raw"] == "不少於30個"
    assert target_facts(section(doc, "三/(二)")["targets"][0]) == (
        "人工智慧產業基金規模",
        "≈",
        50,
        None,
        "亿元",
        None,
        None,
    )


# ---------------------------------------------------------------- 烟台 (yantai_targets)


def test_yantai_goal_targets_cover_the_comparators():
    _, doc = load("yantai_targets")
    assert [target_facts(t) for t in section(doc, "一")["targets"]] == [
        ("算力规模", ">", 2000, None, "PFlops", 2026, None),
        ("标杆企业", "=", 20, None, "个", 2026, None),
        ("人工智能领域高层次人才", ">=", 300, None, "名", 2026, None),
        ("人工智能核心产业营业收入", ">", 200, None, "亿元", 2027, None),
        ("行业大模型", "range", 2, 3, "个", 2027, None),
    ]


def test_yantai_decoys_are_ignored():
    _, doc = load("yantai_targets")
    raws = [t["raw"] for s in doc["sections"] for t in s["targets"]]
    assert not any("20%" in raw or "FP16" in raw or "0535" in raw for raw in raws)
    assert "最高50万元" not in raws and "超过1000万元" not in raws
    assert section(doc, "二/(二)/3")["targets"] == []  # 第三批, 第二批 are ordinals
    assessment = section(doc, "三/(二)")
    assert assessment["targets"] == []
    assert [a["raw"] for a in assessment["assignments"]] == ["(牵头单位:市工业和信息化局)"]
    contact = section(doc, "二/(一)/2")
    assert [a["raw"] for a in contact["assignments"]] == [
        "(牵头单位:市工业和信息化局,责任单位:市财政局)"
    ]


def test_yantai_task_targets():
    _, doc = load("yantai_targets")
    facts = {s["path"]: [target_facts(t) for t in s["targets"]] for s in doc["sections"]}
    assert facts["二/(一)/1"] == [("算力", ">=", 500, None, "PFlops", None, None)]
    assert facts["二/(一)/2"] == [("一次性奖励", "=", 20, None, "万元", None, None)]
    assert facts["二/(二)/1"] == [
        ("应用场景清单", ">=", 2, None, "批次", None, "year"),
        # 每年 reaches every clause of its sentence: 30 scenes a year too.
        ("示范场景", "≈", 30, None, "个", None, "year"),
    ]
    assert facts["二/(二)/2"] == [
        ("对接会", ">=", 10, None, "次", None, "year"),
        ("服务企业", "≈", 500, None, "家", None, "year"),
    ]
    assert facts["二/(三)/1"] == [
        ("人工智能领军企业", "=", 5, None, "家", 2027, None),
        ("专精特新企业", ">=", 50, None, "家", 2027, None),
    ]
    assert facts["三/(一)"] == [("专项资金", ">=", 1, None, "亿元", None, "year")]


# ---------------------------------------------------------------- 威海 (weihai_direct_items)


def test_weihai_items_directly_under_parts():
    _, doc = load("weihai_direct_items")
    assert [(s["path"], s["kind"]) for s in doc["sections"]][:4] == [
        ("一", "goal"),
        ("二", "heading"),
        ("二/1", "task"),
        ("二/2", "task"),
    ]
    folded = section(doc, "二/2")
    assert "⑴推广智能网箱" in folded["text"]
    assert folded["targets"][0]["metric"] == "渔船智能终端"


def test_weihai_fallback_and_star_note_inside_the_first_bracket():
    _, doc = load("weihai_direct_items")
    assert roles(section(doc, "二/1")["assignments"][0]) == (
        ["市海洋发展局"],
        ["市大数据局"],
        [],
        False,
    )
    assert roles(section(doc, "二/2")["assignments"][0]) == (
        ["市海洋发展局"],
        ["市工业和信息化局"],
        [],
        False,
    )
    assert roles(section(doc, "二/4")["assignments"][0]) == ([], ["市交通运输局"], [], False)
    assert roles(section(doc, "二/7")["assignments"][0]) == (
        ["市教育局"],
        ["市科技局", "山东大学(威海)", "哈尔滨工业大学(威海)"],
        [],
        True,
    )


def test_weihai_contact_line_is_outside_the_plan():
    text, doc = load("weihai_direct_items")
    last = doc["sections"][-1]
    assert last["path"] == "三" and last["kind"] == "heading"
    assert "联系电话" not in text[slice(*last["span"])]
    assert last["assignments"][0]["joint"] == ["市海洋发展局", "市科技局"]
