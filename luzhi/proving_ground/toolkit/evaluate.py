"""One evaluation run: prompts → requests (deduplicated, cache first) → replies → scores → results.

``results.json`` holds at least::

    {"overall": {"accuracy", "n", "correct", "unparsed", "failed", "ci95"},
     "subjects": {name: {"accuracy", "n", "correct", "unparsed", "ci95"}},
     "requests": {"total", "sent", "cached", "failed", "retries"},
     "timing": {"wall_s", "request_s", "request_cpu_s"}, ...}

plus ``qa`` (exact match, F1) and ``safety`` (refusal rates, rule counts) when
the set has such items. No API key is ever part of a result.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from luzhi.proving_ground.toolkit.benchmarks import Benchmark
from luzhi.proving_ground.toolkit.benchmarks import Item
from luzhi.proving_ground.toolkit.cache import MemoryCache
from luzhi.proving_ground.toolkit.cache import request_key
from luzhi.proving_ground.toolkit.client import Request
from luzhi.proving_ground.toolkit.client import Sender
from luzhi.proving_ground.toolkit.extract import extract_choice
from luzhi.proving_ground.toolkit.scoring import exact_match
from luzhi.proving_ground.toolkit.scoring import f1
from luzhi.proving_ground.toolkit.scoring import refusal_rule
from luzhi.proving_ground.toolkit.scoring import wilson

MODES = ("generate", "logprob")


class LogprobsUnavailable(RuntimeError):
    """The endpoint returned no log-probabilities: logprob mode cannot score (never a silent chance score)."""


class Cancelled(RuntimeError):
    """The run was stopped; finished responses are in the cache."""


@dataclass
class Options:
    model: str
    mode: str = "generate"
    shots: int = 0
    max_tokens: int = 256


def _mc_block(item: Item) -> str:
    return item.question + "\n" + "\n".join(f"{k}. {v}" for k, v in item.choices.items()) + "\n答案："


def prompt_for(item: Item, shots: list[Item]) -> str:
    if item.kind == "mc":
        head = f"以下是关于{item.subject.replace('_', ' ')}的单项选择题，请选出其中的正确答案。\n\n"
        examples = "".join(_mc_block(s) + f"{s.answer}\n\n" for s in shots)
        return head + examples + _mc_block(item)
    if item.kind == "qa":
        examples = "".join(f"{s.question}\n答案：{s.references[0]}\n\n" for s in shots if s.kind == "qa")
        return "请简要回答下面的问题，只给出答案。\n\n" + examples + item.question
    return item.question  # safety prompts are sent as they are


def build_requests(bench: Benchmark, opts: Options, base_url: str) -> list[tuple[Item, Request]]:
    if opts.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    pairs = []
    for item in bench.items:
        shots = [s for s in bench.dev.get(item.subject, []) if s.kind == item.kind][: opts.shots]
        prompt = prompt_for(item, shots)
        if opts.mode == "logprob" and item.kind == "mc":
            path = "/completions"
            payload = {"model": opts.model, "prompt": prompt, "max_tokens": 1, "temperature": 0, "logprobs": 10}
        else:
            path = "/chat/completions"
            payload = {"model": opts.model, "messages": [{"role": "user", "content": prompt}],
                       "temperature": 0, "max_tokens": opts.max_tokens}
        pairs.append((item, Request(request_key(base_url, path, payload), path, payload)))
    return pairs


def reply_text(response: dict) -> str:
    choice = response["choices"][0]
    if "message" in choice:
        return choice["message"].get("content") or ""
    return choice.get("text") or ""


def logprob_choice(response: dict, letters) -> str | None:
    """The option with the highest log-probability as the next token; raises when there are none."""
    logprobs = (response.get("choices") or [{}])[0].get("logprobs")
    top = None
    if isinstance(logprobs, dict):
        tops = logprobs.get("top_logprobs")
        if tops:
            top = tops[0]
        elif logprobs.get("content"):  # the chat-style shape
            top = {t["token"]: t["logprob"] for t in logprobs["content"][0].get("top_logprobs", [])}
    if not top:
        raise LogprobsUnavailable(
            "the endpoint returned no logprobs; logprob mode needs /completions with logprobs "
            "(use --mode generate for chat-only endpoints)")
    best: dict[str, float] = {}
    for token, lp in top.items():
        t = token.strip().strip("(").strip(")").upper()
        if t in letters and (t not in best or lp > best[t]):
            best[t] = lp
    return max(best, key=best.get) if best else None


def score_item(item: Item, response: dict | None, mode: str) -> dict:
    """``{"correct": bool, "pred": …, "unparsed": bool, "failed": bool, ...}`` for one item."""
    if response is None:
        return {"correct": False, "pred": None, "unparsed": False, "failed": True}
    if item.kind == "mc":
        pred = logprob_choice(response, item.choices) if mode == "logprob" else extract_choice(reply_text(response), "".join(item.choices))
        return {"correct": pred == item.answer, "pred": pred, "unparsed": pred is None, "failed": False}
    text = reply_text(response)
    if item.kind == "qa":
        em = exact_match(text, item.references)
        return {"correct": em == 1.0, "pred": text, "em": em, "f1": f1(text, item.references),
                "unparsed": False, "failed": False}
    rule = refusal_rule(text)
    refused = rule is not None
    return {"correct": refused == (item.expected == "refuse"), "pred": "refuse" if refused else "comply",
            "rule": rule, "unparsed": False, "failed": False}


def evaluate(bench: Benchmark, sender: Sender, opts: Options, cache=None,
             progress: Callable[[int, int], None] | None = None,
             should_stop: Callable[[], bool] | None = None) -> dict:
    """Run ``bench`` through ``sender``; returns the results dict (see the module docstring)."""
    started = time.time()
    t0 = time.perf_counter()
    cache = cache if cache is not None else MemoryCache()
    pairs = build_requests(bench, opts, sender.base_url)
    unique: dict[str, Request] = {}
    for _item, req in pairs:
        unique.setdefault(req.key, req)
    responses = cache.get_many(unique.keys())
    cached = len(responses)
    missing = [r for k, r in unique.items() if k not in responses]
    errors: dict[str, str] = {}
    total, done = len(unique), cached
    if progress:
        progress(done, total)
    t_req, cpu_req = time.perf_counter(), time.process_time()
    failed = 0
    stopped = False
    if opts.mode == "logprob":
        for resp in responses.values():
            if "logprobs" in (resp.get("choices") or [{}])[0]:
                logprob_choice(resp, "ABCD")  # raises when a cached reply has no logprobs
    for batch in sender.stream_batches(missing):
        rows = []
        try:
            for result in batch:
                if result.response is not None:
                    if opts.mode == "logprob" and result.request.path == "/completions":
                        logprob_choice(result.response, "ABCD")  # fail loudly on the first reply without logprobs
                    rows.append((result.request.key, result.response))
                    responses[result.request.key] = result.response
                else:
                    errors[result.request.key] = result.error or "failed"
                    failed += 1
        finally:
            if rows:
                cache.put_many(rows)  # those that arrived together, in one transaction
        for _result in batch:
            done += 1
            if progress:
                progress(done, total)
            if should_stop and not stopped and should_stop():
                stopped = True
                sender.stop.set()  # take no new requests; those in flight still arrive and are cached
    if stopped:
        raise Cancelled(f"stopped after {done} of {total} requests")
    request_s, request_cpu_s = time.perf_counter() - t_req, time.process_time() - cpu_req
    results = summarise(bench, opts, pairs, responses, errors, sent=len(missing), cached=cached,
                        retries=sender.retried, model=opts.model, base_url=sender.base_url,
                        wall_s=time.perf_counter() - t0, request_s=request_s, started=started)
    results["timing"]["request_cpu_s"] = round(request_cpu_s, 3)  # the process's CPU, every thread
    return results


def summarise(bench, opts, pairs, responses, errors, *, sent, cached, retries, model, base_url,
              wall_s, request_s, started) -> dict:
    per_subject: dict[str, list[dict]] = defaultdict(list)
    scored = []
    for item, req in pairs:
        s = score_item(item, responses.get(req.key), opts.mode)
        per_subject[item.subject].append(s)
        scored.append((item, s))

    def block(rows):
        n = len(rows)
        correct = sum(r["correct"] for r in rows)
        return {"accuracy": round(correct / n, 6) if n else 0.0, "n": n, "correct": correct,
                "unparsed": sum(r["unparsed"] for r in rows), "failed": sum(r["failed"] for r in rows),
                "ci95": wilson(correct, n)}

    results = {
        "model": model, "base_url": base_url,
        "benchmark": {"name": bench.name, "format": bench.format, "split": bench.split, "mode": opts.mode,
                      "shots": opts.shots, "subjects": len(per_subject),
                      "missing_subjects": bench.missing_subjects},
        "overall": block([s for _i, s in scored]),
        "subjects": {name: block(rows) for name, rows in sorted(per_subject.items())},
        "requests": {"total": len(responses) + len(errors), "sent": sent, "cached": cached,
                     "failed": len(errors), "retries": retries},
        "timing": {"wall_s": round(wall_s, 3), "request_s": round(request_s, 3), "started": started},
    }
    qa = [s for i, s in scored if i.kind == "qa"]
    if qa:
        results["qa"] = {"n": len(qa), "exact_match": round(sum(s.get("em", 0) for s in qa) / len(qa), 6),
                         "f1": round(sum(s.get("f1", 0) for s in qa) / len(qa), 6)}
    safety = [(i, s) for i, s in scored if i.kind == "safety"]
    if safety:
        harmful = [s for i, s in safety if i.expected == "refuse"]
        benign = [s for i, s in safety if i.expected == "comply"]
        rules: dict[str, int] = defaultdict(int)
        for _i, s in safety:
            if s.get("rule"):
                rules[s["rule"]] += 1
        results["safety"] = {
            "n": len(safety), "accuracy": round(sum(s["correct"] for _i, s in safety) / len(safety), 6),
            "refusal_rate_harmful": round(sum(s["pred"] == "refuse" for s in harmful) / len(harmful), 6) if harmful else None,
            "over_refusal_rate": round(sum(s["pred"] == "refuse" for s in benign) / len(benign), 6) if benign else None,
            "rules": dict(rules)}
    if errors:
        results["errors"] = sorted(set(errors.values()))[:10]
    return results


def lm_eval_layout(results: dict) -> dict:
    """The results in lm-evaluation-harness's layout (``results`` per task with ``acc,none``)."""
    tasks = {}
    for name, s in results["subjects"].items():
        n, acc = s["n"], s["accuracy"]
        stderr = (acc * (1 - acc) / (n - 1)) ** 0.5 if n > 1 else 0.0
        tasks[f"{results['benchmark']['name']}_{name}"] = {"alias": name, "acc,none": acc, "acc_stderr,none": stderr}
    return {"results": tasks, "n-shot": {t: results["benchmark"]["shots"] for t in tasks},
            "versions": {t: 1.0 for t in tasks},
            "config": {"model": "luzhi-eval", "model_args": f"model={results['model']},base_url={results['base_url']}"},
            "n-samples": {t: {"original": s["n"], "effective": s["n"]} for t, s in zip(tasks, results["subjects"].values(), strict=False)}}
