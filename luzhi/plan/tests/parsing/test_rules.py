"""The parsing rules one at a time, on small plans written for each rule."""

import pytest

from luzhi.plan.parsing import parse_plan
from luzhi.plan.parsing.numerals import chinese_to_int
from luzhi.plan.parsing.numerals import circled_to_int
from luzhi.plan.parsing.numerals import int_to_chinese
from luzhi.plan.parsing.textmap import PlanText
from luzhi.plan.parsing.textmap import normalize

from .helpers import roles
from .helpers import section
from .helpers import target_facts


def one_task(body: str, header: str = "某市人工智能行动方案\n") -> dict:
    """A plan with one task whose text is ``body``; returns that task's section."""
    doc = parse_plan(f"{header}一、重点任务\n(一)实施行动\n1. {body}\n")
    return section(doc, "一/(一)/1")


def goal_targets(sentence: str) -> list[tuple]:
    doc = parse_plan(f"某市行动方案\n一、主要目标\n{sentence}\n")
    return [target_facts(t) for t in section(doc, "一")["targets"]]


# ---------------------------------------------------------------- levels and kinds


@pytest.mark.parametrize(
    ("item", "number"),
    [("1.", 1), ("2．", 2), ("3、", 3), ("(4)", 4), ("（5）", 5), ("⑥", 6), ("⑺", 7), ("㉑", 21)],
)
def test_item_styles_all_give_arabic_numbers(item, number):
    doc = parse_plan(f"一、重点任务\n（一）实施行动\n{item}建设平台。\n")
    assert [s["path"] for s in doc["sections"]] == ["一", "一/(一)", f"一/(一)/{number}"]
    assert section(doc, f"一/(一)/{number}")["title"] == "建设平台"


def test_deeper_styles_fold_into_the_task():
    doc = parse_plan(
        "一、重点任务\n(一)实施行动\n1. 建设平台。\n(1)建设甲平台;\n(2)建设乙平台。\n"
        "2. 培养人才。\n①引进人才;\n"
    )
    assert [s["path"] for s in doc["sections"]] == ["一", "一/(一)", "一/(一)/1", "一/(一)/2"]
    assert section(doc, "一/(一)/1")["text"] == "建设平台。\n(1)建设甲平台;\n(2)建设乙平台。"
    assert section(doc, "一/(一)/2")["text"] == "培养人才。\n①引进人才;"


def test_the_first_item_style_under_a_subsection_is_the_third_level():
    doc = parse_plan("一、重点任务\n(一)实施行动\n(1)建设平台。\n(2)培养人才。\n")
    assert [s["kind"] for s in doc["sections"]] == ["heading", "action", "task", "task"]


def test_subsection_numbers_beyond_ten():
    text = "".join(f"({int_to_chinese(n)})第{n}项举措。\n" for n in range(9, 13))
    doc = parse_plan("三、保障措施\n" + text)
    assert [s["path"] for s in doc["sections"]] == [
        "三",
        "三/(九)",
        "三/(十)",
        "三/(十一)",
        "三/(十二)",
    ]
    assert {s["kind"] for s in doc["sections"][1:]} == {"task"}


def test_goal_part_makes_its_subsections_goals():
    doc = parse_plan(
        "一、发展目标\n(一)创新能力。到2027年,建设平台10家。\n二、重点任务\n(一)行动\n"
    )
    assert [s["kind"] for s in doc["sections"]] == ["goal", "goal", "heading", "task"]


def test_bare_title_line_is_not_part_of_the_text():
    doc = parse_plan("一、重点任务\n(一)加强组织领导\n　　建立工作专班,统筹推进。\n")
    sub = section(doc, "一/(一)")
    assert (sub["title"], sub["text"]) == ("加强组织领导", "建立工作专班,统筹推进。")


def test_heading_line_with_body_keeps_its_first_sentence():
    doc = parse_plan("一、主要目标。到2027年,建成平台5个。\n")
    goal = section(doc, "一")
    assert goal["title"] == "主要目标"
    assert goal["text"] == "主要目标。到2027年,建成平台5个。"


def test_repeated_numbers_get_unique_paths():
    doc = parse_plan("一、重点任务\n(一)行动\n1. 甲。\n1. 乙。\n")
    assert [s["path"] for s in doc["sections"]][-2:] == ["一/(一)/1", "一/(一)/1#2"]


def test_indentation_and_full_width_spaces():
    doc = parse_plan("　　一、重点任务\n\t（一）实施行动\n    1．建设平台。\n")
    assert [s["path"] for s in doc["sections"]] == ["一", "一/(一)", "一/(一)/1"]


# ---------------------------------------------------------------- header


def test_plan_without_notice():
    doc = parse_plan("某市人工智能行动方案\n(2025—2027年)\n\n一、主要目标\n")
    assert doc["title"] == "某市人工智能行动方案(2025—2027年)"
    assert (doc["doc_number"], doc["issued"], doc["issuers"]) == (None, None, [])


def test_notice_title_is_the_fallback():
    doc = parse_plan("关于印发《某市行动方案》的通知\n一、主要目标\n")
    assert doc["title"] == "某市行动方案"


def test_issuers_on_one_line_and_a_bracketed_doc_number():
    doc = parse_plan(
        "关于印发某市行动方案的通知\n济科字[2024]7号\n现印发给你们,请认真执行。\n"
        "济南市科学技术局　济南市财政局\n2024年1月5日\n某市行动方案\n一、主要目标\n"
    )
    assert doc["doc_number"] == "济科字[2024]7号"
    assert doc["issuers"] == ["济南市科学技术局", "济南市财政局"]
    assert doc["issued"] == "2024-01-05"
    assert doc["title"] == "某市行动方案"


# ---------------------------------------------------------------- assignments


def test_half_and_full_width_labels_are_the_same():
    half = one_task("建设平台。(牵头单位:市科技局,责任单位:市财政局)")["assignments"][0]
    full = one_task("建设平台。（牵头单位：市科技局，责任单位：市财政局）")["assignments"][0]
    assert roles(half) == roles(full) == (["市科技局"], ["市财政局"], [], False)


@pytest.mark.parametrize(
    ("bracket", "expected"),
    [
        ("(牵头部门:甲,配合部门:乙)", (["甲"], ["乙"], [], False)),
        ("(责任部门:甲、乙)", ([], ["甲", "乙"], [], False)),
        ("(责任单位:甲☆、乙、★丙)", (["甲", "丙"], ["乙"], [], False)),
        ("(甲、乙,丙按职责分工负责)", ([], [], ["甲", "乙", "丙"], False)),
        ("(甲、乙按职责分工负责,各区县)", ([], [], ["甲", "乙", "各区县"], False)),
        ("(牵头单位:甲;责任单位:乙等)", (["甲"], ["乙"], [], True)),
        ("(责任单位:甲,各县(市、区)人民政府)", ([], ["甲", "各县(市、区)人民政府"], [], False)),
        ("(甲牵头)", (["甲"], [], [], False)),
        ("(甲牵头,乙、丙配合)", (["甲"], ["乙", "丙"], [], False)),
        ("(甲负责)", ([], ["甲"], [], False)),
        ("(牽頭單位:市科技局,責任單位:市財政局)", (["市科技局"], ["市財政局"], [], False)),
        ("(标☆的为牵头单位,下同;责任单位:甲☆、乙)", (["甲"], ["乙"], [], False)),
    ],
)
def test_assignment_forms(bracket, expected):
    task = one_task(f"建设平台。{bracket}")
    assert [roles(a) for a in task["assignments"]] == [expected]
    assert task["assignments"][0]["raw"] == bracket


@pytest.mark.parametrize(
    "bracket",
    [
        "(FP16)",
        "(2025—2027年)",
        "(此件公开发布)",
        "(筹)",
        "(每秒百亿亿次浮点运算)",
        "(鲁科字〔2024〕131号)",
        "(联系电话:0531-86012345)",
        "(以下简称“计划”)",
        "(标☆的为牵头单位,下同)",
    ],
)
def test_decoy_brackets_are_not_assignments(bracket):
    assert one_task(f"建设平台{bracket}。")["assignments"] == []


def test_verb_fallback_needs_a_sentence_end():
    assert one_task("建设平台(由企业负责)运营维护。")["assignments"] == []


def test_star_note_line_before_the_plan():
    doc = parse_plan(
        "某市行动方案\n（标☆的为牵头单位，下同）\n一、重点任务\n(一)行动\n"
        "1. 建设平台。（责任单位：市科技局☆、市财政局）\n"
    )
    assert roles(section(doc, "一/(一)/1")["assignments"][0]) == (
        ["市科技局"],
        ["市财政局"],
        [],
        False,
    )


def test_several_brackets_in_order():
    task = one_task("建设平台。(牵头单位:甲)培养人才。(牵头单位:乙,责任单位:丙)")
    assert [roles(a) for a in task["assignments"]] == [
        (["甲"], [], [], False),
        (["乙"], ["丙"], [], False),
    ]


# ---------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("phrase", "cmp", "value", "value_max"),
    [
        ("建成平台10家以上", ">=", 10, None),
        ("建成平台不少于10家", ">=", 10, None),
        ("建成平台不低于10家", ">=", 10, None),
        ("建成平台至少10家", ">=", 10, None),
        ("平台数量突破10家", ">", 10, None),
        ("平台数量超10家", ">", 10, None),
        ("平台数量超过10家", ">", 10, None),
        ("建成平台100余家", ">", 100, None),
        ("建成平台10家左右", "≈", 10, None),
        ("建成平台约10家", "≈", 10, None),
        ("平台数量达到10家", "=", 10, None),
        ("建成平台10家", "=", 10, None),
        ("建成平台1—2家", "range", 1, 2),
        ("建成平台1-2家", "range", 1, 2),
        ("建成平台2～3家", "range", 2, 3),
        ("建成平台2至3家", "range", 2, 3),
        ("建成平台十家左右", "≈", 10, None),
        ("建成平台两家", "=", 2, None),
    ],
)
def test_comparators(phrase, cmp, value, value_max):
    [(metric, got_cmp, got_value, got_max, unit, by, per)] = goal_targets(f"到2027年,{phrase}。")
    assert (got_cmp, got_value, got_max, unit, by, per) == (cmp, value, value_max, "家", 2027, None)
    assert metric in ("平台", "平台数量")


@pytest.mark.parametrize(
    ("phrase", "value", "unit"),
    [
        ("算力规模达到14EFlops", 14, "EFlops"),
        ("算力规模达到300PFlops", 300, "PFlops"),
        ("智能算力占比达到40%", 40, "%"),
        ("智能算力占比达到40％", 40, "%"),
        ("产值达到1.5亿元", 1.5, "亿元"),
        ("产业规模达到1万亿元", 1, "万亿元"),
        ("补贴金额达到500万元", 500, "万元"),
        ("人均补贴达到800元", 800, "元"),
        ("发布场景清单2批次", 2, "批次"),
        ("引进人才90名", 90, "名"),
        ("培训人才200人", 200, "人"),
        ("授权专利30件", 30, "件"),
        ("推广装备5套", 5, "套"),
        ("建设高校3所", 3, "所"),
        ("建设场馆2座", 2, "座"),
        ("建设产线4条", 4, "条"),
        ("部署终端1000台", 1000, "台"),
        ("举办活动3次", 3, "次"),
        ("汇聚开发者10万人", 100000, "人"),
        ("产值达到十亿元", 10, "亿元"),
    ],
)
def test_units(phrase, value, unit):
    [facts] = goal_targets(f"到2027年,{phrase}。")
    assert facts[2:5] == (value, None, unit)


@pytest.mark.parametrize(
    ("sentence", "metrics"),
    [
        ("培育10项以上原创性重大科技成果。", ["原创性重大科技成果"]),
        ("全省算力规模达到14EFlops。", ["算力规模"]),
        ("培育标杆企业20个。", ["标杆企业"]),
        ("打造具有国内竞争力的行业级大模型10个以上。", ["行业级大模型"]),
        ("新引育90名国家级、150名省级科技人才。", ["国家级科技人才", "省级科技人才"]),
        ("布局1—2家省实验室、30家左右省重点实验室。", ["省实验室", "省重点实验室"]),
        ("带动相关产业规模超万亿元。", ["相关产业规模"]),
        ("设立产业基金,规模约50亿元。", ["产业基金规模"]),
        ("培育5家以上专业科技企业孵化器。", ["专业科技企业孵化器"]),
    ],
)
def test_metric_is_the_counted_noun(sentence, metrics):
    assert [facts[0] for facts in goal_targets(sentence)] == metrics


def test_deadlines_and_per_year():
    task = one_task(
        "建设平台。培育企业3家;到2026年底,建成平台5个;每年举办活动2次;至2027年,孵化企业9家。"
    )
    assert [(t["value"], t["by"], t["per"]) for t in task["targets"]] == [
        (3, None, None),
        (5, 2026, None),
        (2, None, "year"),
        (9, 2027, None),
    ]


def traditional(text: str) -> str:
    """The same text in traditional characters (OpenCC s2t), to check both scripts."""
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


def simplified_facts(facts: list[tuple]) -> list[tuple]:
    """Target facts with the metric folded to simplified characters (names stay as written)."""
    return [(normalize(f[0]), *f[1:]) for f in facts]


@pytest.mark.parametrize("script", [str, traditional], ids=["simplified", "traditional"])
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "到2027年,数据中心电能利用效率(PUE)降至1.25以下。",
            [("数据中心电能利用效率", "<=", 1.25, None, "", 2027, None)],
        ),
        ("居民消费价格涨幅控制在3%以内。", [("居民消费价格涨幅", "<=", 3, None, "%", None, None)]),
        (
            "数据中心PUE不超过1.3,城镇调查失业率低于5.5%。",
            [
                ("数据中心PUE", "<=", 1.3, None, "", None, None),
                ("城镇调查失业率", "<", 5.5, None, "%", None, None),
            ],
        ),
        (
            "平均电能利用效率降至1.5以下,整体上架率不低于60%。",
            [
                ("平均电能利用效率", "<=", 1.5, None, "", None, None),
                ("整体上架率", ">=", 60, None, "%", None, None),
            ],
        ),
        ("单位算力能耗降低到0.8以下。", [("单位算力能耗", "<=", 0.8, None, "", None, None)]),
    ],
)
def test_upper_bounds_are_targets_with_lte_and_lt(script, sentence, expected):
    assert simplified_facts(goal_targets(script(sentence))) == expected


def test_upper_bound_raw_and_span():
    text = "某市行动方案\n一、主要目标\n新建数据中心PUE降至1.25以下。\n"
    [target] = section(parse_plan(text), "一")["targets"]
    assert target["raw"] == "降至1.25以下" == text[slice(*target["span"])]


@pytest.mark.parametrize("script", [str, traditional], ids=["simplified", "traditional"])
def test_every_year_reaches_every_clause_of_its_sentence(script):
    task = one_task(
        script(
            "推广算力券。每年发放算力券不少于3000万元，服务中小企业100家以上。"
            "每年支持项目50项,到2027年累计支持300项;每年培育企业10家,累计培育50家。"
        )
    )
    assert [(t["value"], t["unit"], t["by"], t["per"]) for t in task["targets"]] == [
        (3000, "万元", None, "year"),
        (100, "家", None, "year"),
        (50, "项", None, "year"),
        (300, "项", 2027, None),
        (10, "家", None, "year"),
        (50, "家", 2027, None),  # a total: the task's deadline governs it, 每年 does not
    ]


def test_goal_deadline_governs_targets_written_before_it():
    [facts] = goal_targets("建成平台5个,力争到2027年全面完成。")
    assert facts[5] == 2027


@pytest.mark.parametrize(
    "sentence",
    [
        "到2027年,全面完成2025—2027年各项任务。",
        "开展第3批试点。",
        "建设5G基站,部署FP16算力。",
        "打造一批场景,形成一个体系。",
        "推动百企百景,走进千家万户。",
        "企业用能成本降低20%。",
        "单个项目补贴最高50万元,不超过10家。",
        "对首次认定的企业给予不超过100万元奖励。",
        "对产值超过1000万元的企业给予支持。",
        "提高2个百分点。",
        "联系电话0531-86012345。",
        "实施“十四五”规划。",
    ],
)
def test_not_targets(sentence):
    assert goal_targets(sentence) == []


def test_targets_only_in_goals_and_tasks():
    doc = parse_plan("一、重点任务\n建设平台10个。\n(一)实施行动,建设平台5个\n1. 建设平台3个。\n")
    assert [(s["path"], len(s["targets"])) for s in doc["sections"]] == [
        ("一", 0),
        ("一/(一)", 0),
        ("一/(一)/1", 1),
    ]


# ---------------------------------------------------------------- helpers


def test_normalize_keeps_length_and_maps_width_and_script():
    original = "（牽頭單位：市科技局，責任單位：市財政局）１０項　"
    folded = normalize(original)
    assert len(folded) == len(original)
    assert folded == "(牵头单位:市科技局,责任单位:市财政局)10项 "


def test_plan_text_lines_handle_crlf():
    doc = PlanText("甲\r\n乙\n丙")
    assert [doc.line_range(i) for i in range(doc.line_count())] == [(0, 1), (3, 4), (5, 6)]
    assert doc.line_info(4) == (2, "乙")


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("十", 10), ("十一", 11), ("二十三", 23), ("一百零五", 105), ("两千万", 20_000_000),
     ("万亿", 10**12), ("二〇二四", 2024), ("十四五", None), ("三五", None)],
)  # fmt: skip
def test_chinese_numerals(numeral, value):
    assert chinese_to_int(numeral) == value


def test_numeral_round_trip_and_circled():
    assert all(chinese_to_int(int_to_chinese(n)) == n for n in range(1, 1000))
    assert [circled_to_int(c) for c in "①⑳㉑㊿⑴"] == [1, 20, 21, 50, 1]


@pytest.mark.parametrize("script", [str, traditional], ids=["simplified", "traditional"])
def test_a_note_inside_the_unit_list_is_no_unit_and_its_mark_carries_on(script):
    doc = parse_plan(
        script(
            "某县行动计划\n一、重点任务\n(一)推进工业制造。打造标杆项目。"
            "(责任单位:☆县工信局、县大数据中心、县卫健局。标☆的为牵头单位,下同。)\n"
            "(二)推进现代农业。发展智慧农业。(责任单位:☆县农业农村局、县科技局)\n"
        )
    )
    first, second = (section(doc, path)["assignments"][0] for path in ("一/(一)", "一/(二)"))
    assert [normalize(n) for n in first["lead"] + first["responsible"]] == [
        "县工信局",
        "县大数据中心",
        "县卫健局",
    ]
    assert [normalize(n) for n in first["lead"]] == ["县工信局"]
    assert [normalize(n) for n in second["lead"]] == ["县农业农村局"]


def test_a_lead_marked_after_its_name_is_no_longer_refused():
    task = one_task(
        "建设算力中心。\n责任单位:市发展改革委(牵头)、市大数据局(牵头)、市财政局,各县市区政府\n"
    )
    assert roles(task["assignments"][0]) == (
        ["市发展改革委", "市大数据局"],
        ["市财政局", "各县市区政府"],
        [],
        False,
    )
