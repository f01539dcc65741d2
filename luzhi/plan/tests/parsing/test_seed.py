"""The seed plan (山东省人工智能产业科技创新行动计划 2025—2027) parsed fact by fact."""

import pytest

from .helpers import SEED
from .helpers import SHARED_SEED
from .helpers import expected
from .helpers import parse_file
from .helpers import roles
from .helpers import section
from .helpers import target_facts

SCI = "省科技厅"
MIIT = "省工业和信息化厅"
NDRC = "省发展改革委"
EDU = "省教育厅"
FIN = "省财政厅"
BIGDATA = "省大数据局"
SASAC = "省国资委"

# Every assignment of the seed, as written, in order: (lead, responsible, joint, open_ended).
ASSIGNMENTS = {
    "二/(一)/1": [([SCI], [EDU], [], False)],
    "二/(一)/2": [([SCI], [NDRC, MIIT], [], False)],
    "二/(一)/3": [([SCI], [NDRC, MIIT, FIN], [], False)],
    "二/(二)/1": [([BIGDATA, MIIT], [NDRC, SCI, "省通信管理局"], [], False)],
    "二/(二)/2": [([SCI, MIIT], [], [], False)],
    "二/(二)/3": [([BIGDATA], [MIIT], [], False)],
    "二/(三)/1": [
        ([NDRC, SCI], [MIIT], [], False),
        (["省市场监管局"], [SCI, MIIT], [], False),
    ],
    "二/(三)/2": [
        ([NDRC, MIIT], [SCI], [], False),
        ([SASAC], [], [], False),
    ],
    "二/(三)/3": [
        ([SCI], [], [], False),
        ([MIIT], [NDRC, BIGDATA], [], False),
    ],
    "二/(四)/1": [([SCI, MIIT], [NDRC, FIN], [], False)],
    "二/(四)/2": [([SCI], [], [], False)],
    "二/(五)/1": [([SCI, MIIT], [NDRC, EDU], [], False)],
    "二/(五)/2": [([], [], [NDRC, SCI, MIIT, "省商务厅"], False)],
    "二/(五)/3": [([], [], [NDRC, SCI, MIIT], False)],
    "二/(六)/1": [([MIIT], [NDRC, BIGDATA], [], False)],
    "二/(六)/2": [
        ([NDRC, MIIT], [SCI, EDU, "省卫生健康委", "省海洋局"], [], True),
        ([SASAC], [], [], False),
    ],
    "二/(七)/1": [
        (["省委组织部"], [EDU, SCI, MIIT, "省人力资源社会保障厅", SASAC], [], False),
    ],
    "二/(七)/2": [
        ([SCI, "中国人民银行山东省分行"], ["省委金融办", FIN, "山东金融监管局"], [], False),
    ],
    "二/(七)/3": [([SCI], ["省市场监管局"], [], False)],
    "二/(七)/4": [([SCI], [], [], False)],
    "三/(一)": [([SCI], ["省委组织部", NDRC, MIIT], [], True)],
    "三/(二)": [([SCI, FIN], [NDRC], [], False)],
    "三/(三)": [([SCI, MIIT], [], [], False)],
    "三/(四)": [(["省委网信办"], [], [], False)],
}

# The 22 targets: path → [(metric, cmp, value, value_max, unit, by, per)].
TARGETS = {
    "一": [
        ("原创性重大科技成果", ">=", 10, None, "项", 2027, None),
        ("算力规模", "=", 14, None, "EFlops", 2027, None),
        ("智能算力占比", "=", 40, None, "%", 2027, None),
        ("行业级大模型", ">=", 10, None, "个", 2027, None),
        ("人工智能领军企业", "=", 20, None, "家", 2027, None),
        ("重大科技创新平台", "=", 100, None, "家", 2027, None),
        ("国家级科技人才", "=", 90, None, "名", 2027, None),
        ("省级科技人才", "=", 150, None, "名", 2027, None),
        ("全国领先的深度融合应用场景", "≈", 500, None, "个", 2027, None),
        ("人工智能核心产业产值规模", ">", 1000, None, "亿元", 2027, None),
        ("相关产业规模", ">", 1, None, "万亿元", 2027, None),
    ],
    "二/(一)/1": [("基础研究项目", ">=", 150, None, "项", None, "year")],
    "二/(二)/2": [("算法产品", "=", 100, None, "个", 2027, None)],
    "二/(四)/1": [
        ("专业科技企业孵化器", ">=", 5, None, "家", 2027, None),
        ("科技型企业", ">=", 50, None, "家", 2027, None),
    ],
    "二/(五)/1": [
        ("国家级重大创新平台", "range", 1, 2, "个", 2027, None),
        ("校地人工智能研究院", "=", 2, None, "个", 2027, None),
        ("省实验室", "range", 1, 2, "家", 2027, None),
        ("省重点实验室", "≈", 30, None, "家", 2027, None),
        ("省技术创新中心", "≈", 20, None, "家", 2027, None),
    ],
    "二/(五)/3": [("人工智能产业科技园区", "≈", 3, None, "家", 2027, None)],
    "三/(二)": [("省级科技创新项目", ">=", 50, None, "项", None, "year")],
}

ISSUERS = [
    "山东省科学技术厅",
    "中共山东省委组织部",
    "中共山东省委网络安全和信息化委员会办公室",
    "中共山东省委金融委员会办公室",
    "山东省发展和改革委员会",
    "山东省教育厅",
    "山东省工业和信息化厅",
    "山东省财政厅",
    "山东省人力资源和社会保障厅",
    "山东省商务厅",
    "山东省卫生健康委员会",
    "山东省人民政府国有资产监督管理委员会",
    "山东省市场监督管理局",
    "山东省大数据局",
    "山东省海洋局",
    "山东省通信管理局",
    "中国人民银行山东省分行",
    "国家金融监督管理总局山东监管局",
]


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_repo_seed_is_the_shared_plan():
    if SHARED_SEED is None:
        pytest.skip("no shared/plan beside this checkout or its parent folders")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_whole_document_matches_the_reviewed_fixture(seed):
    _, doc = seed
    assert doc == expected("seed")


def test_notice_header(seed):
    _, doc = seed
    assert doc["title"] == "山东省人工智能产业科技创新行动计划(2025—2027年)"
    assert doc["doc_number"] == "鲁科字〔2024〕131号"
    assert doc["issued"] == "2024-12-06"
    assert doc["issuers"] == ISSUERS


def test_parts_are_goal_and_headings(seed):
    _, doc = seed
    tops = [(s["path"], s["kind"], s["title"]) for s in doc["sections"] if "/" not in s["path"]]
    assert tops == [
        ("一", "goal", "主要目标"),
        ("二", "heading", "重点任务"),
        ("三", "heading", "重点举措"),
    ]
    assert section(doc, "二")["text"] == ""
    assert section(doc, "一")["text"].startswith("瞄准人工智能前沿方向")


def test_seven_actions(seed):
    _, doc = seed
    actions = [s["path"] for s in doc["sections"] if s["kind"] == "action"]
    assert actions == [f"二/({n})" for n in "一二三四五六七"]
    assert section(doc, "二/(一)")["title"] == "实施软硬协同“策源攀高”创新行动"
    assert section(doc, "二/(七)")["title"] == "实施资源要素“提质增效”创新行动"


def test_twenty_four_tasks(seed):
    _, doc = seed
    tasks = [s["path"] for s in doc["sections"] if s["kind"] == "task"]
    counts = {"一": 3, "二": 3, "三": 3, "四": 2, "五": 3, "六": 2, "七": 4}
    expected_tasks = [f"二/({a})/{i}" for a, n in counts.items() for i in range(1, n + 1)]
    expected_tasks += ["三/(一)", "三/(二)", "三/(三)", "三/(四)"]
    assert tasks == expected_tasks
    assert len(tasks) == 24


def test_task_title_text_and_span(seed):
    text, doc = seed
    task = section(doc, "二/(一)/1")
    assert task["title"] == "强化前沿基础研究和技术预见"
    assert task["text"].startswith("强化前沿基础研究和技术预见。聚焦多模态智能")
    assert task["text"].endswith("(牵头单位:省科技厅,责任单位:省教育厅)")
    assert text[slice(*task["span"])] == "1. " + task["text"]
    measure = section(doc, "三/(一)")
    assert measure["title"] == "加强组织实施"
    assert text[slice(*measure["span"])].startswith("(一)加强组织实施。")


def test_parent_spans_cover_children(seed):
    _, doc = seed
    part = section(doc, "二")
    for child in doc["sections"]:
        if child["path"].startswith("二/"):
            assert part["span"][0] <= child["span"][0] <= child["span"][1] <= part["span"][1]
    assert section(doc, "三")["span"][1] == section(doc, "三/(四)")["span"][1]


def test_every_assignment_as_written(seed):
    _, doc = seed
    found = {s["path"]: [roles(a) for a in s["assignments"]] for s in doc["sections"]}
    assert {path: value for path, value in found.items() if value} == ASSIGNMENTS


@pytest.mark.parametrize("path", ["二/(三)/1", "二/(三)/2", "二/(三)/3", "二/(六)/2"])
def test_two_brackets_each_governing_its_sentences(seed, path):
    text, doc = seed
    task = section(doc, path)
    first, second = task["assignments"]
    assert first["span"][1] < second["span"][0]
    assert text[slice(*first["span"])] == first["raw"]


def test_joint_lists(seed):
    _, doc = seed
    joint = section(doc, "二/(五)/2")["assignments"][0]
    assert joint["raw"] == "(省发展改革委、省科技厅、省工业和信息化厅、省商务厅按职责分工负责)"
    assert joint["joint"] == [NDRC, SCI, MIIT, "省商务厅"]
    assert joint["lead"] == joint["responsible"] == []


def test_open_ended_lists_drop_deng(seed):
    _, doc = seed
    first = section(doc, "二/(六)/2")["assignments"][0]
    assert first["open_ended"] is True
    assert first["responsible"][-1] == "省海洋局"
    assert section(doc, "三/(一)")["assignments"][0]["responsible"][-1] == MIIT


def test_decoy_brackets_are_not_assignments(seed):
    _, doc = seed
    raws = [a["raw"] for s in doc["sections"] for a in s["assignments"]]
    for decoy in ("(每秒百亿亿次浮点运算)", "(筹)", "首台(套)", "(套)", "(2025—2027年)"):
        assert decoy not in raws


def test_exactly_the_22_targets(seed):
    _, doc = seed
    found = {
        s["path"]: [target_facts(t) for t in s["targets"]] for s in doc["sections"] if s["targets"]
    }
    assert found == TARGETS
    assert sum(len(v) for v in found.values()) == 22


def test_target_raw_phrases(seed):
    text, doc = seed
    goal = section(doc, "一")["targets"]
    assert [t["raw"] for t in goal] == [
        "10项以上",
        "达到14EFlops",
        "达到40%",
        "10个以上",
        "20家",
        "100家",
        "90名",
        "150名",
        "500个左右",
        "突破1000亿元",
        "超万亿元",
    ]
    for target in goal:
        assert text[slice(*target["span"])] == target["raw"]
    assert section(doc, "二/(五)/1")["targets"][0]["raw"] == "1—2个"
    assert section(doc, "三/(二)")["targets"][0]["raw"] == "不少于50项"


def test_no_targets_in_headings_or_actions(seed):
    _, doc = seed
    for sec in doc["sections"]:
        if sec["kind"] in ("heading", "action"):
            assert sec["targets"] == []
