"""The labelled set of bench/matching.py: 60 scenarios, 320 solutions, graded relevance.

Written by hand for LuZhi's benchmark, separately from the ranker's lexicon
(luzhi/scenarios/ranking/data/lexicon.txt, which came first): relevant solutions
are phrased as vendors write, not in the scenario's words; every scenario has two
hard negatives that share its words but not its purpose. Scenarios whose number
is odd (ind-01, ind-03 …) are the development half on which the ranker's weights
may be chosen; the even ones are held out.
"""

from bench.matching_data import labelled_a
from bench.matching_data import labelled_b
from bench.matching_data.distractors import DISTRACTORS


def load():
    """(scenarios, solutions, qrels): scenarios and solutions as JSONL-shaped dicts,
    qrels as {scenario id: {solution id: grade}} (unlisted pairs are 0)."""
    scenarios, solutions, qrels = [], [], {}
    for sid, domain, city, title, text, sols in labelled_a.S + labelled_b.S:
        scenarios.append({"id": sid, "title": title, "description": text, "domain": domain, "city": city})
        qrels[sid] = {}
        for n, (grade, stitle, stext, domains) in enumerate(sols, start=1):
            tid = f"{sid}-t{n}"
            solutions.append({"id": tid, "title": stitle, "description": stext, "domain": domains, "city": ""})
            qrels[sid][tid] = grade
    for n, (title, text, domains) in enumerate(DISTRACTORS, start=1):
        solutions.append({"id": f"gen-{n:02d}", "title": title, "description": text, "domain": domains, "city": ""})
    ids = {s["id"] for s in solutions}
    for sid, tid, grade in labelled_b.CROSS + labelled_b.POOLED:
        assert tid in ids and sid in qrels, (sid, tid)
        qrels[sid][tid] = max(grade, qrels[sid].get(tid, 0))
    return scenarios, solutions, qrels


def development(sid: str) -> bool:
    return int(sid.rsplit("-", 1)[1]) % 2 == 1
