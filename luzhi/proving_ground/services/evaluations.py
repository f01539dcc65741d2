"""Evaluation runs: submit (split into shards), execute a shard (the toolkit's runner with the
shared database cache), merge, cancel, retry, and requeue shards whose worker died.

A shard is every ``shard_count``-th item of the benchmark from its index, so any
number of task workers (on several machines sharing PostgreSQL) run a large job
at once. Responses go to :class:`CachedResponse` as they arrive: a shard that
died and is run again, or a cancelled run that is resubmitted, sends nothing
already answered.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luzhi.core.cache import bump
from luzhi.core.services import StateConflict
from luzhi.core.services import lock
from luzhi.proving_ground import permissions
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import CachedResponse
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import EvaluationShard
from luzhi.proving_ground.models import LargeModel
from luzhi.proving_ground.toolkit import benchmarks as loaders
from luzhi.proving_ground.toolkit.scoring import wilson

log = logging.getLogger(__name__)
R, S = EvaluationRun.State, EvaluationShard.State
SCOPE = "proving_ground"
EXAMPLES = Path(__file__).resolve().parents[1] / "toolkit" / "examples"
#: How often a running shard writes its progress and looks for a cancellation (seconds).
PROGRESS_EVERY = 0.5
#: A running shard without a heartbeat for this long belongs to a dead worker.
STALE_AFTER = timedelta(minutes=5)
#: How the workers send requests (timeouts in seconds; retries with exponential backoff).
SENDER_OPTIONS = {"timeout": 120.0, "retries": 5, "backoff": 0.5}


def benchmark_dir(benchmark: Benchmark) -> Path:
    path = Path(benchmark.path)
    return path if path.is_absolute() else EXAMPLES / path


def load_benchmark(benchmark: Benchmark):
    try:
        return loaders.load(benchmark.format, benchmark_dir(benchmark), benchmark.split)
    except loaders.BenchmarkError as exc:
        raise ValidationError({"benchmark": str(exc)}) from None


@transaction.atomic
def benchmark_save(*, actor, benchmark: Benchmark) -> Benchmark:
    """Create or update a benchmark; its files must load (the message names the file and line)."""
    permissions.benchmarks.require(actor, "manage", benchmark)
    benchmark.full_clean()
    bench = load_benchmark(benchmark)
    if not bench.items:
        raise ValidationError({"path": _("评测集中没有题目。")})
    benchmark.save()
    bump(SCOPE)
    return benchmark


# ------------------------------------------------------------------ submit, cancel, retry

@transaction.atomic
def run_submit(*, actor, model: LargeModel, benchmark: Benchmark, mode: str = "generate", concurrency: int = 8,
               shard_count: int = 1) -> EvaluationRun:
    permissions.runs.require(actor, "submit")
    model = lock(model)
    if not model.endpoint_url or not model.endpoint_model:
        raise ValidationError({"model": _("该模型未填写评测接口地址和接口模型名。")})
    if EvaluationRun.objects.filter(model=model, benchmark=benchmark, mode=mode, state__in=EvaluationRun.OPEN).exists():
        raise ValidationError({"benchmark": _("该模型在此评测集上已有排队或运行中的评测任务。")})
    bench = load_benchmark(benchmark)
    if benchmark.format != "jsonl" and mode not in ("generate", "logprob"):
        raise ValidationError({"mode": _("未知的评分方式。")})
    run = EvaluationRun(model=model, benchmark=benchmark, mode=mode, concurrency=concurrency,
                        shard_count=shard_count, submitted_by=actor)
    run.full_clean()
    run.save()
    n = len(bench.items)
    for index in range(shard_count):
        EvaluationShard.objects.create(run=run, index=index, total=len(range(index, n, shard_count)))
    _enqueue_shards(run.shards.all())
    bump(SCOPE)
    return run


def _enqueue_shards(shards) -> None:
    from luzhi.proving_ground.tasks import run_shard

    ids = [s.pk for s in shards]
    transaction.on_commit(lambda: [run_shard.enqueue(shard_id=i) for i in ids])


@transaction.atomic
def run_cancel(*, actor, run: EvaluationRun) -> EvaluationRun:
    """Ask running shards to stop (they notice within a second) and cancel queued ones."""
    run = lock(run)
    permissions.runs.require(actor, "cancel", run)
    run.cancel_requested = True
    run.save(update_fields=["cancel_requested", "updated_at"])
    run.shards.filter(state=S.QUEUED).update(state=S.CANCELLED)
    _settle(run)
    bump(SCOPE)
    return run


@transaction.atomic
def run_retry(*, actor, run: EvaluationRun) -> EvaluationRun:
    """Run a failed or cancelled run's unfinished shards again (finished requests come from the cache)."""
    run = lock(run)
    permissions.runs.require(actor, "submit")
    if run.state not in (R.FAILED, R.CANCELLED):
        raise StateConflict(_("只有失败或已取消的评测任务可以重试。"))
    shards = list(run.shards.exclude(state=S.DONE))
    EvaluationShard.objects.filter(pk__in=[s.pk for s in shards]).update(state=S.QUEUED, error="")
    run.state, run.cancel_requested, run.error, run.finished_at = R.QUEUED, False, "", None
    run.save()
    _enqueue_shards(shards)
    bump(SCOPE)
    return run


def shards_requeue_stale(*, now=None, stale_after: timedelta = STALE_AFTER) -> int:
    """Queue again the running shards whose worker stopped sending heartbeats (a dead worker)."""
    now = now or timezone.now()
    count = 0
    for shard in EvaluationShard.objects.filter(state=S.RUNNING, heartbeat__lt=now - stale_after):
        with transaction.atomic():
            shard = lock(shard)
            if shard.state != S.RUNNING or shard.heartbeat >= now - stale_after:
                continue  # it came back to life, or someone else requeued it
            shard.state = S.QUEUED
            shard.save(update_fields=["state"])
            _enqueue_shards([shard])
            count += 1
    return count


# ------------------------------------------------------------------ executing a shard

class DatabaseCache:
    """The toolkit's cache interface on :class:`CachedResponse` (written as each response arrives)."""

    def get_many(self, keys) -> dict:
        keys = list(keys)
        found = {}
        for i in range(0, len(keys), 500):
            found.update(CachedResponse.objects.filter(key__in=keys[i:i + 500]).values_list("key", "response"))
        return found

    def put(self, key: str, response: dict) -> None:
        self.put_many([(key, response)])

    def put_many(self, rows: list[tuple[str, dict]]) -> None:
        CachedResponse.objects.bulk_create([CachedResponse(key=k, response=r) for k, r in rows],
                                           ignore_conflicts=True)

    def close(self) -> None:
        pass


def _claim(shard_id: int) -> EvaluationShard | None:
    with transaction.atomic():
        shard = lock(EvaluationShard.objects.get(pk=shard_id))
        run = lock(shard.run)
        if shard.state != S.QUEUED or run.state not in EvaluationRun.OPEN:
            return None  # done, cancelled, or already claimed by another worker
        if run.cancel_requested:
            shard.state = S.CANCELLED
            shard.save(update_fields=["state"])
            _settle(run)
            return None
        shard.state, shard.attempts, shard.heartbeat, shard.error = S.RUNNING, shard.attempts + 1, timezone.now(), ""
        shard.save()
        if run.state == R.QUEUED:
            run.state = R.RUNNING
            run.save(update_fields=["state", "updated_at"])
        return shard


def shard_execute(*, shard_id: int) -> str:
    """Run one shard to the end (the task ``run_shard``). Returns the shard's final state."""
    from luzhi.proving_ground.toolkit.client import Sender
    from luzhi.proving_ground.toolkit.evaluate import Cancelled
    from luzhi.proving_ground.toolkit.evaluate import LogprobsUnavailable
    from luzhi.proving_ground.toolkit.evaluate import Options
    from luzhi.proving_ground.toolkit.evaluate import evaluate

    shard = _claim(shard_id)
    if shard is None:
        return EvaluationShard.objects.get(pk=shard_id).state
    run = shard.run
    model = run.model
    last = [0.0, False]

    def progress(done, total):
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or done == total:
            last[0] = now
            EvaluationShard.objects.filter(pk=shard.pk).update(done=done, total=total, heartbeat=timezone.now())
            last[1] = EvaluationRun.objects.filter(pk=run.pk, cancel_requested=True).exists()

    state, error, results = S.FAILED, "", None
    try:
        bench = load_benchmark(run.benchmark)
        bench.items = bench.items[shard.index::run.shard_count]
        sender = Sender(model.endpoint_url, api_key=os.environ.get(model.api_key_env) if model.api_key_env else None,
                        concurrency=run.concurrency, **SENDER_OPTIONS)
        results = evaluate(bench, sender, Options(model.endpoint_model, run.mode, run.benchmark.shots),
                           DatabaseCache(), progress=progress, should_stop=lambda: last[1])
        failed = results["requests"]["failed"]
        if failed:
            error = _("%(n)d 个请求失败(%(why)s);重试时只重发这些请求。") % {
                "n": failed, "why": "; ".join(results.get("errors", []))[:300]}
        else:
            state = S.DONE
    except Cancelled:
        state = S.CANCELLED
    except (LogprobsUnavailable, ValidationError, ValueError) as exc:
        error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    except Exception as exc:  # a worker must record why, not die silently
        log.exception("shard %s failed", shard_id)
        error = f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        shard = lock(shard)
        shard.state, shard.error, shard.heartbeat = state, error[:2000], timezone.now()
        if results is not None:
            shard.counts = {name: [s["n"], s["correct"], s["unparsed"], s["failed"]]
                            for name, s in results["subjects"].items()}
            shard.requests = {k: results["requests"][k] for k in ("sent", "cached", "failed")}
            shard.done = results["requests"]["total"]
        shard.save()
        _settle(lock(run))
    bump(SCOPE)
    return state


def _settle(run: EvaluationRun) -> None:
    """Merge the shards once none is open (the run's row is locked by the caller)."""
    states = list(run.shards.values_list("state", flat=True))
    if any(s in (S.QUEUED, S.RUNNING) for s in states) or run.state not in EvaluationRun.OPEN:
        return
    shards = list(run.shards.all())
    if all(s == S.DONE for s in states):
        subjects: dict[str, list[int]] = {}
        requests = {"sent": 0, "cached": 0, "failed": 0}
        for shard in shards:
            for name, counts in shard.counts.items():
                acc = subjects.setdefault(name, [0, 0, 0, 0])
                for i, value in enumerate(counts):
                    acc[i] += value
            for k in requests:
                requests[k] += shard.requests.get(k, 0)
        n = sum(c[0] for c in subjects.values())
        correct = sum(c[1] for c in subjects.values())
        low, high = wilson(correct, n)
        run.state = R.SUCCEEDED
        run.n, run.unparsed = n, sum(c[2] for c in subjects.values())
        run.accuracy = Decimal(correct) / Decimal(n) if n else Decimal(0)
        run.accuracy = run.accuracy.quantize(Decimal("0.000001"))
        run.ci_low, run.ci_high = Decimal(str(low)), Decimal(str(high))
        run.results = {
            "overall": {"accuracy": float(run.accuracy), "n": n, "correct": correct, "unparsed": run.unparsed,
                        "ci95": [low, high]},
            "subjects": {name: {"accuracy": round(c[1] / c[0], 6) if c[0] else 0.0, "n": c[0], "correct": c[1],
                                "unparsed": c[2], "ci95": wilson(c[1], c[0])} for name, c in sorted(subjects.items())},
            "requests": requests,
        }
    elif any(s == S.FAILED for s in states):
        run.state = R.FAILED
        run.error = "\n".join(f"#{s.index}: {s.error}" for s in shards if s.state == S.FAILED)[:4000]
    else:
        run.state = R.CANCELLED
    run.finished_at = timezone.now()
    run.save()
