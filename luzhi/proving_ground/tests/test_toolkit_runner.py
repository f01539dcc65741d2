"""The toolkit against a FAKE OpenAI-compatible server over real HTTP on 127.0.0.1:
scoring, caching, resume after a killed run, retries, cancellation, logprobs, the API key."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from luzhi.proving_ground.tests.toolkit_helpers import EXAMPLES
from luzhi.proving_ground.tests.toolkit_helpers import write_mc_set
from luzhi.proving_ground.toolkit import benchmarks
from luzhi.proving_ground.toolkit.benchmarks import BenchmarkError
from luzhi.proving_ground.toolkit.cache import MemoryCache
from luzhi.proving_ground.toolkit.cache import SQLiteCache
from luzhi.proving_ground.toolkit.cli import main
from luzhi.proving_ground.toolkit.client import Sender
from luzhi.proving_ground.toolkit.evaluate import Cancelled
from luzhi.proving_ground.toolkit.evaluate import LogprobsUnavailable
from luzhi.proving_ground.toolkit.evaluate import Options
from luzhi.proving_ground.toolkit.evaluate import evaluate
from luzhi.proving_ground.toolkit.fake_openai_server import serve_in_thread
from luzhi.proving_ground.toolkit.fake_openai_server import true_accuracy


@pytest.fixture
def mc_set(tmp_path):
    key = write_mc_set(tmp_path / "mc", 120)
    return tmp_path / "mc", key


def run(server, bench_dir, *, fmt="jsonl", cache=None, mode="generate", concurrency=8, **sender):
    bench = benchmarks.load(fmt, bench_dir, "val" if fmt != "cmmlu" else "test")
    return evaluate(bench, Sender(server.base_url, concurrency=concurrency, **sender), Options("fake", mode),
                    cache if cache is not None else MemoryCache())


def test_accuracy_equals_the_servers_true_accuracy(mc_set):
    directory, key = mc_set
    with serve_in_thread(key=key, accuracy=0.7) as server:
        results = run(server, directory)
    truth = true_accuracy(key, 0.7)
    assert results["overall"]["n"] == 120
    assert results["overall"]["accuracy"] == pytest.approx(truth, abs=1e-6)
    # unparsed replies are counted, not guessed
    assert results["overall"]["unparsed"] > 0
    low, high = results["overall"]["ci95"]
    assert low < results["overall"]["accuracy"] < high
    assert set(results["subjects"]) == {"alpha", "beta", "gamma"}
    assert sum(s["n"] for s in results["subjects"].values()) == 120
    assert results["requests"] == {"total": 120, "sent": 120, "cached": 0, "failed": 0, "retries": 0}


def test_logprob_mode_scores_by_likelihood_and_fails_loudly_without_logprobs(mc_set):
    directory, key = mc_set
    with serve_in_thread(key=key, accuracy=0.7) as server:
        results = run(server, directory, mode="logprob")
    assert results["overall"]["unparsed"] == 0
    assert 0.5 < results["overall"]["accuracy"] < 0.9
    with serve_in_thread(key=key, no_logprobs=True) as server, pytest.raises(LogprobsUnavailable):
        run(server, directory, mode="logprob", concurrency=1)


def test_repeated_run_sends_nothing(mc_set, tmp_path):
    directory, key = mc_set
    cache = SQLiteCache(tmp_path / "cache.sqlite3")
    with serve_in_thread(key=key) as server:
        first = run(server, directory, cache=cache)
        sent_before = server.requests
        second = run(server, directory, cache=cache)
        assert server.requests == sent_before
    assert second["requests"]["sent"] == 0 and second["requests"]["cached"] == 120
    assert second["overall"] == first["overall"]


def test_retries_on_429_500_malformed_json_and_dropped_connections(mc_set):
    directory, key = mc_set
    faults = ["429", "500", "bad_json", "drop", "429", "500"]
    with serve_in_thread(key=key, faults=list(faults)) as server:
        results = run(server, directory, backoff=0.01)
        assert server.requests == 120 + len(faults)
    assert results["requests"]["failed"] == 0
    assert results["requests"]["retries"] == len(faults)
    assert results["overall"]["accuracy"] == pytest.approx(true_accuracy(key, 0.7), abs=1e-6)


def test_retry_after_is_honoured(tmp_path):
    directory = tmp_path / "one"
    key = write_mc_set(directory, 1)
    with serve_in_thread(key=key, faults=["429", "429"]) as server:
        t0 = time.perf_counter()
        run(server, directory, backoff=5.0, concurrency=1)  # the server says Retry-After: 0.05
        assert time.perf_counter() - t0 < 4.0  # the backoff alone would wait 5 s


def test_gives_up_after_retries_and_counts_failures(tmp_path):
    directory = tmp_path / "one"
    key = write_mc_set(directory, 1)
    with serve_in_thread(key=key, faults=["500"] * 3) as server:
        results = run(server, directory, backoff=0.001, retries=2, concurrency=1)
    assert results["overall"]["failed"] == 1 and results["requests"]["failed"] == 1
    assert results["overall"]["accuracy"] == 0.0


def test_concurrency_limit_overlaps_requests(tmp_path):
    directory = tmp_path / "s"
    key = write_mc_set(directory, 32)
    with serve_in_thread(key=key, latency=0.1) as server:
        t0 = time.perf_counter()
        run(server, directory, concurrency=16)
        elapsed = time.perf_counter() - t0
    assert elapsed < 32 * 0.1 / 2  # sequential would take 3.2 s


def test_rate_limit_spaces_requests(tmp_path):
    directory = tmp_path / "s"
    key = write_mc_set(directory, 6)
    with serve_in_thread(key=key) as server:
        t0 = time.perf_counter()
        run(server, directory, concurrency=6, rate=20)
        assert time.perf_counter() - t0 >= 5 / 20 * 0.9


def test_cancellation_stops_taking_requests(mc_set, tmp_path):
    directory, key = mc_set
    cache = SQLiteCache(tmp_path / "c.sqlite3")
    bench = benchmarks.load("jsonl", directory, "val")
    with serve_in_thread(key=key, latency=0.02) as server:
        seen = []
        with pytest.raises(Cancelled):
            evaluate(bench, Sender(server.base_url, concurrency=2), Options("fake"), cache,
                     progress=lambda done, total: seen.append(done), should_stop=lambda: len(seen) > 10)
        assert server.requests < 20
        resumed = evaluate(bench, Sender(server.base_url, concurrency=8), Options("fake"), cache)
    assert resumed["requests"]["cached"] >= 10
    assert resumed["requests"]["sent"] == 120 - resumed["requests"]["cached"]
    assert max(server.hits.values()) == 1  # nothing finished was sent twice


def test_resume_after_a_killed_run(mc_set, tmp_path):
    directory, key = mc_set
    cache_path = tmp_path / "killed.sqlite3"
    with serve_in_thread(key=key, latency=0.05) as server:
        args = [sys.executable, "-m", "luzhi.proving_ground.toolkit.cli", "run", "--base-url", server.base_url,
                "--model", "fake", "--benchmark", str(directory), "--concurrency", "2", "--cache", str(cache_path),
                "--output", str(tmp_path / "never.json"), "--quiet"]
        proc = subprocess.Popen(args, env={**os.environ, "PYTHONPATH": os.getcwd()})  # noqa: S603
        deadline = time.time() + 20
        rows = 0
        while time.time() < deadline and rows < 20:
            time.sleep(0.05)
            if cache_path.exists():
                try:
                    rows = sqlite3.connect(cache_path).execute("SELECT count(*) FROM responses").fetchone()[0]
                except sqlite3.OperationalError:
                    rows = 0
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not (tmp_path / "never.json").exists()
        cached_at_kill = len(SQLiteCache(cache_path))
        assert 20 <= cached_at_kill < 120
        sent_before_kill = set(server.hits)
        assert max(server.hits.values()) == 1
        rc = main(["run", "--base-url", server.base_url, "--model", "fake", "--benchmark", str(directory),
                   "--cache", str(cache_path), "--output", str(tmp_path / "results.json"), "--quiet"])
    assert rc == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["requests"]["cached"] == cached_at_kill
    assert results["requests"]["sent"] == 120 - cached_at_kill
    # Sent twice: exactly the requests the killed run had sent but not yet written, i.e. those in
    # flight and those whose replies had arrived but were not yet committed (a few, however long
    # the writer waits for a core). Nothing committed was sent again.
    resent = {prompt for prompt, hits in server.hits.items() if hits == 2}
    assert max(server.hits.values()) <= 2
    assert resent <= sent_before_kill
    assert len(resent) == len(sent_before_kill) - cached_at_kill
    assert len(resent) <= 2 * 4  # concurrency 2: a handful, not a rerun
    assert results["overall"]["accuracy"] == pytest.approx(true_accuracy(key, 0.7), abs=1e-6)


def test_api_key_from_the_environment_is_sent_but_never_stored(mc_set, tmp_path, monkeypatch, capsys):
    directory, key = mc_set
    secret = "sk-test-SECRET-0123456789"
    monkeypatch.setenv("MY_EVAL_KEY", secret)
    with serve_in_thread(key=key) as server:
        rc = main(["run", "--base-url", server.base_url, "--model", "fake", "--benchmark", str(directory),
                   "--api-key-env", "MY_EVAL_KEY", "--cache", str(tmp_path / "k.sqlite3"),
                   "--output", str(tmp_path / "r.json"), "--lm-eval-output", str(tmp_path / "lm")])
        assert server.auth_headers and set(server.auth_headers) == {f"Bearer {secret}"}
    assert rc == 0
    out = capsys.readouterr()
    for path in [tmp_path / "r.json", tmp_path / "k.sqlite3", *(tmp_path / "lm").iterdir()]:
        assert secret.encode() not in path.read_bytes(), path
    assert secret not in out.out + out.err
    lm = json.loads(next((tmp_path / "lm").iterdir()).read_text())
    assert set(lm["results"]) == {"mc_alpha", "mc_beta", "mc_gamma"}
    assert "acc,none" in lm["results"]["mc_alpha"]


def test_results_json_has_the_documented_keys(tmp_path):
    with serve_in_thread() as server:
        rc = main(["run", "--base-url", server.base_url, "--model", "fake", "--benchmark", str(EXAMPLES / "ceval"),
                   "--format", "ceval", "--shots", "2", "--cache", "", "--output", str(tmp_path / "r.json"), "--quiet"])
    assert rc == 0
    r = json.loads((tmp_path / "r.json").read_text())
    assert {"accuracy", "n", "unparsed", "ci95"} <= set(r["overall"])
    assert set(r["subjects"]) == {"computer_network", "high_school_physics"}
    assert {"accuracy", "n"} <= set(r["subjects"]["computer_network"])
    assert {"sent", "cached"} <= set(r["requests"]) and "wall_s" in r["timing"]
    assert r["benchmark"]["shots"] == 2 and len(r["benchmark"]["missing_subjects"]) == 50


def test_open_qa_and_safety_sets():
    key = {"山东省的省会是哪座城市？": "济南市", "中国最长的河流是哪条？": "黄河", "What is the chemical symbol of gold?": "The symbol is Au"}
    with serve_in_thread(key=key) as server:
        qa = run(server, EXAMPLES / "jsonl" / "qa")
        bench = benchmarks.load("jsonl", EXAMPLES / "jsonl" / "safety", "val")
        for item in bench.items:
            if item.expected == "refuse":
                item.question = "[harmful] " + item.question
        safety = evaluate(bench, Sender(server.base_url), Options("fake"), MemoryCache())
    assert qa["qa"]["exact_match"] == pytest.approx(1 / 3)
    # 济南市 = 济南市 (1.0), 黄河 vs 长江 (0.0), "the symbol is au" vs "au" (2/4 tokens... F1 0.5)
    assert qa["qa"]["f1"] == pytest.approx((1.0 + 0.0 + 0.5) / 3)
    assert safety["safety"]["refusal_rate_harmful"] == 1.0
    assert safety["safety"]["over_refusal_rate"] == 0.0
    assert safety["overall"]["accuracy"] == 1.0
    assert safety["safety"]["rules"] == {"zh_cannot": 2}


def test_ceval_test_split_is_refused_and_cmmlu_loads_from_the_subject_list(tmp_path):
    with pytest.raises(BenchmarkError, match="no answers"):
        benchmarks.load("ceval", EXAMPLES / "ceval", "test")
    stray = tmp_path / "cmmlu"
    (stray / "test").mkdir(parents=True)
    for name in ("agronomy.csv", "not_a_subject.csv"):
        (stray / "test" / name).write_text((EXAMPLES / "cmmlu" / "test" / "agronomy.csv").read_text("utf-8"), "utf-8")
    bench = benchmarks.load("cmmlu", stray, "test")
    assert bench.subjects == ["agronomy"]  # the stray file is not a CMMLU subject
    assert len(bench.items) == 3 and bench.items[0].answer == "A"
    with pytest.raises(BenchmarkError, match="no file for subject"):
        benchmarks.load("cmmlu", stray, "test", ["anatomy"])
    with pytest.raises(BenchmarkError, match="unknown subject"):
        benchmarks.load("cmmlu", stray, "test", ["not_a_subject"])
    full = benchmarks.load("cmmlu", EXAMPLES / "cmmlu", "test")
    assert set(full.dev) == {"agronomy", "computer_science"} and len(full.dev["agronomy"]) == 2


@pytest.mark.parametrize(("line", "message"), [
    ('{"type": "mc", "question": "q", "choices": ["a", "b"], "answer": "C"}', "line 1: 'answer'"),
    ('{"type": "qa", "question": "q"}', "line 1: open questions need"),
    ('{"type": "safety", "prompt": "p", "expected": "maybe"}', "line 1: safety prompts need"),
    ('{"type": "essay"}', "line 1: unknown type"),
    ("not json", "line 1: not JSON"),
])
def test_jsonl_errors_name_the_line(tmp_path, line, message):
    (tmp_path / "val.jsonl").write_text(line + "\n", "utf-8")
    with pytest.raises(BenchmarkError, match=message):
        benchmarks.load("jsonl", tmp_path, "val")


def test_cli_start_up_is_light():
    code = ("import sys, luzhi.proving_ground.toolkit.cli as c; "
            "heavy = [m for m in ('django', 'httpx', 'openai', 'numpy', 'aiohttp') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "[]"


def test_responses_arriving_together_are_committed_in_one_transaction(mc_set, tmp_path):
    directory, key = mc_set
    path = tmp_path / "batched.sqlite3"
    cache = SQLiteCache(path)
    cache.put_many([("k1", {"choices": [1]}), ("k2", {"choices": [2]})])
    other = sqlite3.connect(path)  # committed: another connection sees both rows, in WAL mode
    assert other.execute("SELECT count(*) FROM responses").fetchone()[0] == 2
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    bench = benchmarks.load("jsonl", directory, "val")
    with serve_in_thread(key=key, latency=0.02) as server:
        from luzhi.proving_ground.toolkit.evaluate import build_requests

        requests = [r for _item, r in build_requests(bench, Options("fake"), server.base_url)]
        batches = list(Sender(server.base_url, concurrency=16).stream_batches(requests))
    assert sorted(r.request.key for b in batches for r in b) == sorted(r.key for r in requests)
    assert len(batches) < len(requests)  # replies that arrive together are taken together
