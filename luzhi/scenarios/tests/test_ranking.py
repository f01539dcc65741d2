"""The ranker on small fixtures (no database): the relevant solution beats the hard negative
that shares words but not purpose; synonyms meet; structure and explanations."""

import json

import numpy as np
import pytest

from luzhi.scenarios.ranking import cli
from luzhi.scenarios.ranking.index import Document
from luzhi.scenarios.ranking.index import Index
from luzhi.scenarios.ranking.index import Query
from luzhi.scenarios.ranking.index import Weights
from luzhi.scenarios.ranking.index import document_tokens
from luzhi.scenarios.ranking.index import query_tokens
from luzhi.scenarios.ranking.lexicon import parse_lexicon
from luzhi.scenarios.ranking.text import Tokenizer
from luzhi.scenarios.ranking.text import char_tokens
from luzhi.scenarios.ranking.text import default_tokenizer
from luzhi.scenarios.ranking.text import normalise

SOLUTIONS = {
    # relevant, in other words than the scenario's
    "vision": ("冲压件外观瑕疵AI识别系统", "用深度学习识别钣金件表面的划伤、压痕,替代人工目检,接入产线PLC自动剔除。", ["industry"], "370200"),
    # hard negative: shares 检测/表面/汽车/系统, but is about batteries' safety and charging
    "battery": ("新能源汽车电池检测与充电管理系统", "对汽车动力电池进行充放电检测,监测电池表面温度,保障充电安全。", ["energy"], "370100"),
    # hard negative: shares 集装箱/智能/调度 with the port scenario, but is energy storage
    "storage": ("集装箱式储能电站智能调度", "集装箱式储能系统的充放电智能调度与能量管理。", ["energy"], "370100"),
    "port": ("自动化码头岸桥远程操控", "为集装箱码头提供岸桥、场桥远程操控与作业智能调度,提升装卸效率。", ["ocean", "transport"], "370200"),
}


def _index(tokenizer, weights=None):
    docs = [
        Document(key, tuple(document_tokens(tokenizer, title, text)), frozenset(domains), city)
        for key, (title, text, domains, city) in SOLUTIONS.items()
    ]
    return Index(docs, weights=weights or Weights())


def _query(tokenizer, title, text, domain, city=""):
    return Query(tuple(query_tokens(tokenizer, title, text)), frozenset([domain]), city, f"{title} {text}")


def test_relevant_beats_the_hard_negative():
    tokenizer = default_tokenizer()
    index = _index(tokenizer)
    query = _query(tokenizer, "汽车零部件表面缺陷视觉检测", "冲压件表面划痕、凹坑靠人工检测,希望用机器视觉在线检测。", "industry", "370100")
    ranking = [hit.id for hit in index.search(query, k=4)]
    assert ranking.index("vision") < ranking.index("battery") if "battery" in ranking else ranking[0] == "vision"
    assert ranking[0] == "vision"

    port = _query(tokenizer, "港口集装箱装卸智能化改造", "码头龙门吊远程控制,集卡与桥吊协同调度。", "ocean")
    ranking = [hit.id for hit in index.search(port, k=4)]
    assert ranking[0] == "port" and ranking.index("port") < ranking.index("storage")


def test_synonyms_meet_through_the_lexicon():
    tokenizer = default_tokenizer()
    # 外观检测, 表面缺陷检测 and 瑕疵检测 are one concept; plain jieba keeps them apart.
    concepts = [{t for t in tokenizer.tokens(x) if not t.startswith("#")} for x in ("外观检测", "表面缺陷检测", "瑕疵检测")]
    assert concepts[0] == concepts[1] == concepts[2] == {"视觉质检"}
    # The characters of the words come too, marked, for partial overlap (焊缝 / 焊接).
    assert "#焊" in tokenizer.tokens("焊缝") and "#焊" in tokenizer.tokens("焊接")
    plain = Tokenizer()
    assert set(plain.tokens("外观检测")) != set(plain.tokens("表面缺陷检测"))


def test_why_matched_names_shared_terms_domain_and_city():
    tokenizer = default_tokenizer()
    index = _index(tokenizer)
    query = _query(tokenizer, "冲压件外观检测", "机器视觉识别钣金件表面缺陷", "industry", "370200")
    hit = index.search(query, k=1)[0]
    assert hit.id == "vision"
    assert {"表面缺陷", "冲压件"} <= set(hit.terms) and hit.domains == ("industry",) and hit.same_city
    assert hit.reasons == {"terms": list(hit.terms), "domains": ["industry"], "same_city": True}


def test_structure_lifts_a_shared_domain_and_plain_bm25_does_not():
    docs = [Document("a", ("调度",), frozenset(["energy"])), Document("b", ("调度",), frozenset(["ocean"]))]
    query = Query(("调度",), frozenset(["ocean"]))
    assert Index(docs).search(query, k=2)[0].id == "b"
    flat = Index(docs, weights=Weights(structure=False)).search(query, k=2)
    assert flat[0].score == flat[1].score


def test_nothing_shared_nothing_returned_and_filters():
    docs = [Document(1, ("视觉质检",)), Document(2, ("海洋牧场",)), Document(3, ("视觉质检", "钢铁"))]
    index = Index(docs)
    assert index.search(Query(("区块链",)), k=5) == []
    assert [h.id for h in index.search(Query(("视觉质检",)), k=5, allowed={3})] == [3]
    assert [h.id for h in index.search(Query(("视觉质检",)), k=5, exclude=1)] == [3]
    assert Index([]).search(Query(("x",))) == []


class FakeEncoder:
    """Stands in for a sentence-transformers model (none can be downloaded here): embeds a
    text by which of a few purposes it mentions."""

    name = "fake"
    purposes = ("检测", "养殖", "调度")

    def encode(self, texts):
        rows = np.array([[1.0 if p in t else 0.0 for p in self.purposes] + [0.1] for t in texts])
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_dense_scores_are_fused_by_reciprocal_rank():
    encoder = FakeEncoder()
    texts = {"a": "网箱养殖投喂", "b": "视觉检测", "c": "港口调度"}
    docs = [Document(k, ("海洋",) if k != "b" else ("海洋", "海洋"), frozenset()) for k in texts]
    embeddings = encoder.encode(list(texts.values()))
    lexical = Index(docs).search(Query(("海洋",), text="深远海养殖"), k=3)
    fused = Index(docs, encoder=encoder, embeddings=embeddings).search(Query(("海洋",), text="深远海养殖"), k=3)
    assert lexical[0].id == "b"  # BM25 alone prefers the doc that repeats the word
    assert fused[0].id == "a" and fused[0].dense_rank == 1  # the embedding's first choice wins the fusion


def test_text_is_normalised_and_capped():
    assert normalise("<b>ＡＩ</b>  质检\n") == "ai 质检"
    assert len(normalise("字" * 10_000)) == 4000
    assert char_tokens("AI视觉 v2") == ["ai", "视", "觉", "v2"]
    with pytest.raises(ValueError, match="already means"):
        parse_lexicon("甲 乙\n丙 乙\n")


def _jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def test_the_command_ranks_jsonl_without_a_database(tmp_path, capsys):
    scenarios = _jsonl(tmp_path / "s.jsonl", [
        {"id": "s1", "title": "汽车零部件表面缺陷视觉检测", "description": "冲压件划痕靠人工目检", "domain": "工业制造", "city": "济南"},
        {"id": "s2", "title": "港口集装箱码头远程操控", "description": "岸桥远程控制", "domain": "现代海洋", "city": "青岛"},
    ])
    solutions = _jsonl(tmp_path / "t.jsonl", [
        {"id": key, "title": title, "description": text, "domain": domains, "city": ""}
        for key, (title, text, domains, _c) in SOLUTIONS.items()
    ])
    assert cli.main(["--scenarios", scenarios, "--solutions", solutions, "--top", "2"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["scenario"] for line in lines] == ["s1", "s2"]
    assert lines[0]["ranking"][0] == "vision" and lines[1]["ranking"][0] == "port"
    assert all(len(line["ranking"]) <= 2 for line in lines)


def test_the_command_reports_bad_lines_and_long_text(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "s1", "title": "x"}\nnot json\n', encoding="utf-8")
    good = _jsonl(tmp_path / "t.jsonl", [{"id": "t1", "title": "视觉检测", "description": "长" * 9000}])
    assert cli.main(["--scenarios", str(bad), "--solutions", good]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2" in err
    assert cli.main(["--scenarios", good, "--solutions", good]) == 0
    assert "cut to 4000 characters" in capsys.readouterr().err
    assert cli.main(["--scenarios", str(tmp_path / "missing.jsonl"), "--solutions", good]) == 2


def test_the_command_loads_no_django():
    import subprocess
    import sys

    code = "import sys; import luzhi.scenarios.ranking.cli; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert out.strip() == "False"


def test_the_vectorised_matrix_equals_bm25s_own():
    import random

    import bm25s

    from luzhi.scenarios.ranking.index import build_bm25

    rng = random.Random(5)
    words = [f"w{i}" for i in range(40)]
    corpus = [[rng.choice(words) for _ in range(rng.randint(1, 30))] for _ in range(200)]
    mine = build_bm25(corpus)
    reference = bm25s.BM25(k1=1.5, b=0.75)
    reference.index(corpus, show_progress=False)
    for _ in range(20):
        query = rng.sample(words, 4)
        a = mine.get_scores_from_ids([mine.vocab_dict[w] for w in query if w in mine.vocab_dict])
        b = reference.get_scores_from_ids([reference.vocab_dict[w] for w in query if w in reference.vocab_dict])
        assert np.allclose(a, b, atol=1e-6)


def test_feedback_reaches_a_solution_in_other_words():
    """Pseudo-relevance feedback: the query shares 甲 with "near" only; "near" also says 乙,
    and "far" says only 乙 — the second pass finds "far", a plain BM25 pass cannot."""
    docs = [
        Document("near", ("甲", "甲", "乙"), frozenset(), ""),
        Document("far", ("乙", "丙"), frozenset(), ""),
        Document("other", ("丁", "戊"), frozenset(), ""),
        Document("noise", ("己",), frozenset(), ""),
    ]
    query = Query(("甲",))
    plain = Index(docs, weights=Weights(structure=False, feedback_docs=0))
    assert [h.id for h in plain.search(query)] == ["near"]
    fed = Index(docs, weights=Weights(structure=False, feedback_docs=1))
    hits = fed.search(query)
    assert [h.id for h in hits] == ["near", "far"]
    assert hits[1].terms == ()  # "why matched" names the query's own terms only
    # Feedback comes only from documents the caller may see.
    assert fed.search(query, allowed=["far", "other"]) == []
    assert "other" not in [h.id for h in fed.search(query)]
