"""``luzhi eval run …``: evaluate an OpenAI-compatible endpoint on a local benchmark.

Runs without Django and imports only the standard library. The API key is
read from the environment variable named by ``--api-key-env`` (default
``LUZHI_EVAL_API_KEY``) and is never written to the cache, the results or the log.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luzhi eval", description="Large-model evaluation toolkit (大模型评测工具)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="evaluate a model endpoint on a benchmark")
    run.add_argument("--base-url", required=True, help="OpenAI-compatible base URL, e.g. http://host:8000/v1")
    run.add_argument("--model", required=True)
    run.add_argument("--benchmark", required=True, help="benchmark directory (or a .jsonl file)")
    run.add_argument("--format", choices=("ceval", "cmmlu", "jsonl"), default="jsonl")
    run.add_argument("--split", default=None, help="default: val (C-Eval, JSONL), test (CMMLU)")
    run.add_argument("--subjects", help="comma-separated subjects (default: the published list)")
    run.add_argument("--shots", type=int, default=0, help="few-shot examples from the dev split")
    run.add_argument("--mode", choices=("generate", "logprob"), default="generate")
    run.add_argument("--concurrency", type=int, default=8)
    run.add_argument("--rate", type=float, help="at most this many requests per second")
    run.add_argument("--timeout", type=float, default=60.0)
    run.add_argument("--retries", type=int, default=5)
    run.add_argument("--max-tokens", type=int, default=256)
    run.add_argument("--cache", default=".luzhi-eval-cache.sqlite3", help="SQLite response cache ('' to disable)")
    run.add_argument("--api-key-env", default="LUZHI_EVAL_API_KEY", help="environment variable holding the API key")
    run.add_argument("--output", default="results.json")
    run.add_argument("--lm-eval-output", help="also write lm-evaluation-harness's results layout here")
    run.add_argument("--quiet", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    t0 = time.perf_counter()
    args = _parser().parse_args(argv)
    from luzhi.proving_ground.toolkit.benchmarks import BenchmarkError
    from luzhi.proving_ground.toolkit.benchmarks import load
    from luzhi.proving_ground.toolkit.cache import MemoryCache
    from luzhi.proving_ground.toolkit.cache import SQLiteCache
    from luzhi.proving_ground.toolkit.client import Sender
    from luzhi.proving_ground.toolkit.evaluate import LogprobsUnavailable
    from luzhi.proving_ground.toolkit.evaluate import Options
    from luzhi.proving_ground.toolkit.evaluate import evaluate
    from luzhi.proving_ground.toolkit.evaluate import lm_eval_layout

    split = args.split or ("test" if args.format == "cmmlu" else "val")
    subjects = [s.strip() for s in args.subjects.split(",")] if args.subjects else None
    try:
        bench = load(args.format, args.benchmark, split, subjects)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        sender = Sender(args.base_url, api_key=os.environ.get(args.api_key_env) or None,
                        concurrency=args.concurrency, rate=args.rate, timeout=args.timeout, retries=args.retries)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cache = SQLiteCache(args.cache) if args.cache else MemoryCache()
    last = [0.0]

    def progress(done, total):
        now = time.perf_counter()
        if not args.quiet and (done == total or now - last[0] > 1.0):
            last[0] = now
            print(f"\r{done}/{total} requests", end="\n" if done == total else "", file=sys.stderr, flush=True)

    try:
        results = evaluate(bench, sender, Options(args.model, args.mode, args.shots, args.max_tokens), cache,
                           progress=progress)
    except LogprobsUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("\ninterrupted; finished responses are cached, run again to resume", file=sys.stderr)
        return 130
    finally:
        cache.close()
    results["timing"]["process_s"] = round(time.perf_counter() - t0, 3)
    results["timing"]["process_cpu_s"] = round(time.process_time(), 3)  # since the interpreter started
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.lm_eval_output:
        out = Path(args.lm_eval_output)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"results_{time.strftime('%Y-%m-%dT%H-%M-%S')}.json").write_text(
            json.dumps(lm_eval_layout(results), ensure_ascii=False, indent=2), encoding="utf-8")
    o, r = results["overall"], results["requests"]
    if not args.quiet:
        print(f"accuracy {o['accuracy']:.4f} (95% CI {o['ci95'][0]:.4f}–{o['ci95'][1]:.4f}), n={o['n']}, "
              f"unparsed={o['unparsed']}, failed={o['failed']}; requests sent={r['sent']} cached={r['cached']}; "
              f"{results['timing']['wall_s']:.2f} s → {args.output}", file=sys.stderr)
    return 1 if o["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
