"""Benchmark: scenario–solution matching quality and speed (no database, no Django).

Quality, on the labelled set in ``bench/matching_data`` (60 scenarios, 320
solutions, graded relevance 0–3 with hard negatives and relevant pairs in other
words): nDCG@10 (gain 2^grade − 1) and recall@20 (share of the solutions graded
≥ 1 found in the top 20), for

  charbm25   plain BM25 over single characters (and runs of letters/digits), each query
             character once (charbm25q: as often as it occurs; the lower of the two)
  jieba      BM25 over plain jieba words (no lexicon, same stopwords)
  lexicon    BM25 over jieba + the curated lexicon (synonyms → concepts), no structure
  hybrid     BM25 over lexicon concepts (counted twice) + the characters of the words
  feedback   hybrid + pseudo-relevance feedback (the concepts of the first pass's best two
             solutions join the query), no structure
  full       the ranker LuZhi uses: feedback + structured fit (domain, city)

Only the full ranker and "feedback" use feedback; the baselines are plain BM25.

reported on all 60 scenarios and on the held-out half (even-numbered ones; the
odd half is where weights may be chosen). Target: full ≥ 1.10 × charbm25.

Speed: 100,000 generated solutions (sentences recombined from the labelled
solutions, random domains and cities): index build time (segmentation + BM25),
query latency over 300 scenario queries (median, p95, with segmentation of the
query), and the index's memory (RSS growth). Targets: p95 ≤ 50 ms, build ≤ 60 s.
The machine's 2 cores are shared with other work, so the build is reported as
wall time and as CPU time (the time it takes alone on one core; the last line's
``build_s``); query latencies are wall time.

    .venv/bin/python bench/matching.py [--solutions 100000] [--queries 300] [--quality-only]

The last line reads ``ndcg10_full=… ndcg10_charbm25=… p95_ms=… build_s=…``.
"""

import argparse
import gc
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.matching_data import development  # noqa: E402
from bench.matching_data import load  # noqa: E402
from luzhi.scenarios.ranking.index import Document  # noqa: E402
from luzhi.scenarios.ranking.index import Index  # noqa: E402
from luzhi.scenarios.ranking.index import Query  # noqa: E402
from luzhi.scenarios.ranking.index import Weights  # noqa: E402
from luzhi.scenarios.ranking.index import document_tokens  # noqa: E402
from luzhi.scenarios.ranking.index import query_tokens  # noqa: E402
from luzhi.scenarios.ranking.lexicon import load_lexicon  # noqa: E402
from luzhi.scenarios.ranking.text import Tokenizer  # noqa: E402
from luzhi.scenarios.ranking.text import char_tokens  # noqa: E402
from luzhi.scenarios.ranking.text import default_tokenizer  # noqa: E402

CITIES = ["济南", "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安", "威海", "日照", "临沂", "德州", "聊城", "滨州", "菏泽"]


class CharTokenizer:
    """The baseline's tokenizer, with the interface of ranking.text.Tokenizer."""

    def tokens(self, text):
        return char_tokens(text)


class DistinctCharTokenizer(CharTokenizer):
    """Character BM25 with each query character counted once: the stronger of the two ways
    to query the baseline on this set (so the comparison does not flatter the full ranker)."""

    distinct_query = True


def systems():
    full = default_tokenizer()
    plain = Weights(structure=False, feedback_docs=0)
    return {
        "charbm25": (DistinctCharTokenizer(), plain),
        "charbm25q": (CharTokenizer(), plain),
        "jieba": (Tokenizer(), plain),
        "lexicon": (Tokenizer(load_lexicon()), plain),
        "hybrid": (full, plain),
        "feedback": (full, Weights(structure=False)),
        "full": (full, Weights()),
    }


def _domains(value):
    return frozenset(value if isinstance(value, list) else [value]) if value else frozenset()


def build(tokenizer, weights, solutions):
    docs = [
        Document(s["id"], tuple(document_tokens(tokenizer, s["title"], s["description"])),
                 _domains(s.get("domain")), s.get("city", ""))
        for s in solutions
    ]
    return Index(docs, weights=weights)


def query(tokenizer, s):
    tokens = query_tokens(tokenizer, s["title"], s["description"])
    if getattr(tokenizer, "distinct_query", False):
        tokens = list(dict.fromkeys(tokens))
    return Query(tuple(tokens),
                 _domains(s.get("domain")), s.get("city", ""))


def ndcg(ranking, grades, k=10):
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranking, grades, k=20):
    relevant = {d for d, g in grades.items() if g >= 1}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def quality():
    scenarios, solutions, qrels = load()
    rows = {}
    for name, (tokenizer, weights) in systems().items():
        index = build(tokenizer, weights, solutions)
        per = {}
        for s in scenarios:
            ranking = [h.id for h in index.search(query(tokenizer, s), k=20)]
            per[s["id"]] = (ndcg(ranking, qrels[s["id"]]), recall(ranking, qrels[s["id"]]))
        held = [v for sid, v in per.items() if not development(sid)]
        rows[name] = {
            "ndcg10": statistics.mean(v[0] for v in per.values()),
            "recall20": statistics.mean(v[1] for v in per.values()),
            "ndcg10_heldout": statistics.mean(v[0] for v in held),
            "recall20_heldout": statistics.mean(v[1] for v in held),
            "per": per,
        }
    print(f"labelled set: {len(scenarios)} scenarios, {len(solutions)} solutions, "
          f"{sum(1 for q in qrels.values() for g in q.values() if g >= 1)} relevant pairs")
    print(f"{'ranker':<10} {'nDCG@10':>8} {'R@20':>7} {'nDCG@10 held-out':>17} {'R@20 held-out':>14}")
    for name, r in rows.items():
        print(f"{name:<10} {r['ndcg10']:>8.3f} {r['recall20']:>7.3f} {r['ndcg10_heldout']:>17.3f} {r['recall20_heldout']:>14.3f}")
    base, full = rows["charbm25"]["ndcg10"], rows["full"]["ndcg10"]
    print(f"full / charbm25 nDCG@10: {full / base:.3f} (target ≥ 1.10)")
    return rows


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def generated(n, seed=7):
    """``n`` solutions recombined from the labelled solutions' sentences and titles."""
    _scenarios, solutions, _q = load()
    rng = random.Random(seed)
    titles = [s["title"] for s in solutions]
    clauses = [c for s in solutions for c in s["description"].replace("。", ",").split(",") if len(c) > 3]
    domains = sorted({d for s in solutions for d in _domains(s["domain"])})
    for i in range(n):
        text = ",".join(rng.sample(clauses, 4)) + "。"
        yield {"id": i, "title": rng.choice(titles) + rng.choice(["", "系统", "平台", "解决方案", "服务"]),
               "description": text, "domain": rng.sample(domains, rng.randint(1, 2)), "city": rng.choice(CITIES)}


def speed(n, queries):
    tokenizer = default_tokenizer()
    tokenizer.tokens("预热")  # jieba's dictionary loads once per process (about a second)
    rows = list(generated(n))
    before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    docs = [Document(r["id"], tuple(document_tokens(tokenizer, r["title"], r["description"])),
                     _domains(r["domain"]), r["city"]) for r in rows]
    segmented, segmented_cpu = time.perf_counter(), time.process_time()
    index = Index(docs)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = rss_mb() - before
    del docs
    gc.collect()
    grown = rss_mb() - before
    scenarios, _s, _q = load()
    rng = random.Random(3)
    latencies = []
    for i in range(queries):
        s = scenarios[i % len(scenarios)]
        s = {**s, "city": rng.choice(CITIES)}
        t = time.perf_counter()
        index.search(query(tokenizer, s), k=20)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"\nspeed: {n} generated solutions, {queries} queries (load average {os.getloadavg()[0]:.2f}, "
          f"{os.cpu_count()} cores shared)")
    print(f"{'index build (wall)':<28} {build_s:8.2f} s  (segmentation {segmented - started:.2f} s, BM25 {build_s - (segmented - started):.2f} s)")
    print(f"{'index build (CPU)':<28} {build_cpu:8.2f} s  (segmentation {segmented_cpu - cpu:.2f} s; the time alone on one core)")
    print(f"{'query latency median':<28} {statistics.median(latencies):8.2f} ms")
    print(f"{'query latency p95':<28} {p95:8.2f} ms  (target ≤ 50)")
    print(f"{'memory (RSS growth)':<28} {grown:8.1f} MB  (index kept; {peak:.1f} MB while the documents' tokens were also held)")
    return build_cpu, p95


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args(argv)
    rows = quality()
    build_s, p95 = (float("nan"), float("nan")) if args.quality_only else speed(args.solutions, args.queries)
    print(f"ndcg10_full={rows['full']['ndcg10']:.3f} ndcg10_charbm25={rows['charbm25']['ndcg10']:.3f} "
          f"p95_ms={p95:.1f} build_s={build_s:.1f}")


if __name__ == "__main__":
    main()
