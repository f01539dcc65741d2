"""Benchmark of the proving ground's evaluation toolkit against the FAKE OpenAI server.

The server runs in its own process (its CPU is not the client's) with 200 ms latency
and room for 64 concurrent requests. Measures:

- throughput against the ideal (concurrency / latency requests per second) at
  concurrency 1, 8, 32 and 64, in-process;
- ``luzhi eval run`` as a whole process on 2,000 questions at concurrency 64: wall
  time, request-phase time, client CPU seconds, and whether its accuracy equals the
  server's known true accuracy; then the same command again, served from the cache;
- answer extraction speed (µs per reply).

Run: ``.venv/bin/python bench/proving.py`` (about a minute). The last line is key=value.
The comparison with lm-evaluation-harness is ``bench/eval_throughput.py``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from luzhi.proving_ground.tests.toolkit_helpers import write_mc_set  # noqa: E402
from luzhi.proving_ground.toolkit import benchmarks  # noqa: E402
from luzhi.proving_ground.toolkit.cache import MemoryCache  # noqa: E402
from luzhi.proving_ground.toolkit.client import Sender  # noqa: E402
from luzhi.proving_ground.toolkit.evaluate import Options  # noqa: E402
from luzhi.proving_ground.toolkit.evaluate import evaluate  # noqa: E402
from luzhi.proving_ground.toolkit.extract import extract_choice  # noqa: E402
from luzhi.proving_ground.toolkit.fake_openai_server import STYLES  # noqa: E402
from luzhi.proving_ground.toolkit.fake_openai_server import true_accuracy  # noqa: E402

PORT = int(os.environ.get("PROVING_BENCH_PORT", "9061"))
LATENCY, CAPACITY, N = 0.2, 64, 2000


def start_server(key_path: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "luzhi.proving_ground.toolkit.fake_openai_server", "--port", str(PORT),
         "--latency", str(LATENCY), "--capacity", str(CAPACITY), "--key", str(key_path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("listening"), line
    return proc


def sweep(base_url: str, directory: Path) -> dict[int, float]:
    bench_all = benchmarks.load("jsonl", directory, "val")
    ratios = {}
    for conc in (1, 8, 32, 64):
        bench = benchmarks.load("jsonl", directory, "val")
        bench.items = bench_all.items[: min(N, 20 * conc)]
        t0 = time.perf_counter()
        result = evaluate(bench, Sender(base_url, concurrency=conc), Options("fake"), MemoryCache())
        wall = result["timing"]["request_s"] or (time.perf_counter() - t0)
        ideal = len(bench.items) / (conc / LATENCY)
        ratios[conc] = ideal / wall
        print(f"concurrency {conc:3d}: {len(bench.items):5d} requests in {wall:6.2f} s "
              f"({len(bench.items) / wall:6.1f} req/s, {ratios[conc]:.3f} of ideal)")
    return ratios


def cli_run(base_url: str, directory: Path, cache: Path, out: Path) -> tuple[float, float, dict]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "luzhi.proving_ground.toolkit.cli", "run", "--base-url", base_url,
                    "--model", "fake", "--benchmark", str(directory), "--concurrency", "64", "--cache", str(cache),
                    "--output", str(out), "--quiet"], cwd=ROOT, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(out.read_text())


def extraction_us() -> float:
    replies = [s.format(x="ABCD"[i % 4], w="ABCD"[(i + 2) % 4]) for i, s in enumerate(STYLES * 50)]
    replies = replies * (20_000 // len(replies))
    t0 = time.process_time()  # CPU time: the machine may be shared
    for r in replies:
        extract_choice(r)
    return (time.process_time() - t0) / len(replies) * 1e6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        key = write_mc_set(tmp / "mc", N, subjects=tuple(f"subject_{i}" for i in range(10)))
        (tmp / "key.json").write_text(json.dumps(key, ensure_ascii=False), encoding="utf-8")
        truth = true_accuracy(key, 0.7)
        server = start_server(tmp / "key.json")
        base_url = f"http://127.0.0.1:{PORT}/v1"
        try:
            ratios = sweep(base_url, tmp / "mc")
            wall, cpu, results = cli_run(base_url, tmp / "mc", tmp / "cache.sqlite3", tmp / "r1.json")
            rerun_wall, rerun_cpu, rerun = cli_run(base_url, tmp / "mc", tmp / "cache.sqlite3", tmp / "r2.json")
        finally:
            server.terminate()
            server.wait()
    exact = int(abs(results["overall"]["accuracy"] - truth) < 1e-9 and rerun["requests"]["sent"] == 0)
    request_s = results["timing"]["request_s"]
    ideal_cli = N / (CAPACITY / LATENCY) / request_s
    us = extraction_us()
    print(f"luzhi eval run, {N} questions at concurrency 64: {wall:.2f} s whole process, "
          f"{request_s:.2f} s request phase ({ideal_cli:.3f} of ideal), {cpu:.2f} s client CPU; "
          f"accuracy {results['overall']['accuracy']:.4f} vs true {truth:.4f}, unparsed {results['overall']['unparsed']}")
    print(f"cached rerun: {rerun_wall:.2f} s, {rerun_cpu:.2f} s CPU, {rerun['requests']['sent']} requests sent")
    print(f"answer extraction: {us:.1f} µs CPU per reply; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"ideal_ratio={ideal_cli:.3f} ideal_ratio_c1={ratios[1]:.3f} ideal_ratio_c8={ratios[8]:.3f} "
          f"ideal_ratio_c32={ratios[32]:.3f} ideal_ratio_c64={ratios[64]:.3f} wall_s={wall:.2f} cpu_s={cpu:.2f} "
          f"cached_rerun_s={rerun_wall:.2f} extract_us={us:.1f} load={os.getloadavg()[0]:.1f} accuracy_exact={exact}")


if __name__ == "__main__":
    main()
