"""Evaluation throughput: ``luzhi eval run`` against lm-evaluation-harness (issue 15, "Performance").

One generated multiple-choice set (2,000 questions by default, 10 subjects, LuZhi's JSONL
format) goes through

- LuZhi's runner as a separate process (``luzhi eval run … --concurrency 64``), then the
  same command again, served from its SQLite cache;
- lm-evaluation-harness (``lm_eval --model local-chat-completions``, ``num_concurrent=64``)
  with the task in ``bench/lmeval_task/luzhi_mc.yaml`` (a ``generate_until`` task over the
  same JSONL and the same prompt, scored with the harness's usual first-letter regex).
  lm-eval lives in its own venv, ``bench/.venv-lmeval`` (git-ignored), which this script
  creates on first use with ``pip install lm-eval[api]==0.4.13``; it is never a LuZhi
  dependency.

Both talk to the same reference server (``FakeOpenAIServer``, in its own process):
200 ms latency, room for 64 concurrent requests, an answer key, and a known true
accuracy (0.70 requested; :func:`true_accuracy` gives the exact share) in a dozen
Chinese/English phrasings, some correcting themselves, some stating nothing. The ideal
is 64 / 0.2 s = 320 requests/s.

Per tool: whole-process wall time, request phase (the server's first arrival to its last
reply, so both tools are timed the same way), requests/s against the ideal, client CPU
seconds (the child's rusage, user + system) and per request, accuracy against the true
one, and what a round trip cost beyond the 200 ms on the server's own clocks (its
arrival-to-reply time, and the client's reply-to-next-request time per connection;
fixed latency caps any client near 97.7% of the ideal at this size: 32 sequential round
trips of 200 ms are 6.40 s against the ideal 6.25 s). The server's CPU is measured too, to show it is not the bottleneck. The machine may
be shared: CPU seconds are the reliable figures, wall times are not.

Run: ``.venv/bin/python bench/eval_throughput.py [--n 2000] [--port 9301] [--skip-lmeval]``.
The last line is ``ideal_ratio=… wall_ratio_vs_lmeval=… cpu_ratio_vs_lmeval=…
cached_rerun_s=… accuracy_exact=1|0``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from luzhi.proving_ground.tests.toolkit_helpers import write_mc_set  # noqa: E402
from luzhi.proving_ground.toolkit.fake_openai_server import true_accuracy  # noqa: E402

LATENCY, CAPACITY, CONCURRENCY, ACCURACY = 0.2, 64, 64, 0.7
IDEAL_RPS = CAPACITY / LATENCY
LMEVAL_VERSION = "0.4.13"
LMEVAL_VENV = ROOT / "bench" / ".venv-lmeval"
LMEVAL_TASK = ROOT / "bench" / "lmeval_task" / "luzhi_mc.yaml"


# ---------------------------------------------------------------- processes

def run_measured(cmd: list[str], *, cwd: Path, env: dict | None = None) -> tuple[float, float, int]:
    """Run ``cmd`` to its end; (wall seconds, CPU seconds of it and its children, exit status)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.stderr.write(err.decode("utf-8", "replace")[-3000:])
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


class Server:
    """The reference server in a process of its own, with its stats endpoint."""

    def __init__(self, port: int, key_path: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "luzhi.proving_ground.toolkit.fake_openai_server", "--port", str(port),
             "--latency", str(LATENCY), "--capacity", str(CAPACITY), "--accuracy", str(ACCURACY),
             "--key", str(key_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening"):
            raise SystemExit(f"reference server did not start: {line!r}")
        self.base_url = line.split()[1]

    def _call(self, method: str, path: str) -> dict:
        req = urllib.request.Request(self.base_url + path, method=method, data=b"{}" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 (loopback)
            return json.loads(resp.read())

    def reset(self) -> dict:
        return self._call("POST", "/_reset")

    def stats(self) -> dict:
        return self._call("GET", "/_stats")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def phase(server: Server, before: dict) -> dict:
    after = server.stats()
    span = (after["last_at"] - after["first_at"]) if after["first_at"] is not None else 0.0
    return {"served": after["served"], "request_s": span, "server_cpu_s": after["cpu_s"] - before["cpu_s"],
            **{k: after.get(k) for k in ("server_ms", "client_ms", "round_trip_ms")}}


# ---------------------------------------------------------------- the two tools

def luzhi_cmd(base_url: str, bench: Path, cache: Path, out: Path) -> list[str]:
    script = Path(sys.executable).with_name("luzhi")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "luzhi.manage"]
    return head + ["eval", "run", "--base-url", base_url, "--model", "fake", "--benchmark", str(bench),
                   "--format", "jsonl", "--split", "val", "--concurrency", str(CONCURRENCY), "--mode", "generate",
                   "--cache", str(cache), "--output", str(out), "--quiet"]


def ensure_lmeval() -> Path:
    """``bench/.venv-lmeval/bin/lm_eval``, installing lm-eval there (pinned) when missing."""
    exe = LMEVAL_VENV / "bin" / "lm_eval"
    if exe.exists():
        return exe
    print(f"creating {LMEVAL_VENV.relative_to(ROOT)} with lm-eval[api]=={LMEVAL_VERSION} (once) …", flush=True)
    base = getattr(sys, "_base_executable", None) or shutil.which("python3.11") or sys.executable
    subprocess.run([base, "-m", "venv", str(LMEVAL_VENV)], check=True)
    subprocess.run([str(LMEVAL_VENV / "bin" / "pip"), "install", "-q", f"lm-eval[api]=={LMEVAL_VERSION}"],
                   check=True)
    return exe


def lmeval_cmd(exe: Path, base_url: str, out: Path) -> list[str]:
    model_args = (f"model=fake,base_url={base_url}/chat/completions,num_concurrent={CONCURRENCY},"
                  "max_retries=3,tokenized_requests=False,timeout=60")
    return [str(exe), "--model", "local-chat-completions", "--model_args", model_args,
            "--tasks", "luzhi_mc", "--include_path", str(LMEVAL_TASK.parent), "--apply_chat_template",
            "--batch_size", "1", "--output_path", str(out)]


def lmeval_env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.update({"HF_HOME": str(tmp / "hf"), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
                "TOKENIZERS_PARALLELISM": "false", "OPENAI_API_KEY": "not-used"})
    return env


def lmeval_accuracy(out: Path) -> float | None:
    files = sorted(out.rglob("results_*.json"))
    if not files:
        return None
    task = json.loads(files[-1].read_text(encoding="utf-8"))["results"]["luzhi_mc"]
    return next((v for k, v in task.items() if k.startswith("exact_match,") and "stderr" not in k), None)


# ---------------------------------------------------------------- report

def line(name: str, n: int, wall: float, cpu: float, ph: dict, acc: float | None, truth: float) -> str:
    rps = ph["served"] / ph["request_s"] if ph["request_s"] else 0.0
    acc_text = "n/a" if acc is None else f"{acc:.4f}"
    return (f"{name:<22} {wall:7.2f} s wall  {ph['request_s']:6.2f} s requests ({ph['served']} served, "
            f"{rps:5.1f} req/s = {rps / IDEAL_RPS:.3f} of ideal)  client CPU {cpu:6.2f} s "
            f"({cpu / n * 1e3:.2f} ms/question)  server CPU {ph['server_cpu_s']:.2f} s  "
            f"accuracy {acc_text} (true {truth:.4f})"
            + (f"\n{'':<22} a round trip took {ph['round_trip_ms']:.3f} ms beyond the latency on the server's "
               f"clocks: {ph['server_ms']:.3f} ms arrival to reply, {ph['client_ms']:.3f} ms reply to the next "
               f"request on its connection" if ph.get("round_trip_ms") is not None else ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="questions (at least 2,000 for the issue's figures)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROVING_BENCH_PORT", "9301")))
    parser.add_argument("--skip-lmeval", action="store_true", help="measure LuZhi only")
    args = parser.parse_args(argv)
    lmeval = None if args.skip_lmeval else ensure_lmeval()

    with tempfile.TemporaryDirectory(prefix="eval-throughput-") as tmp:
        tmp = Path(tmp)
        key = write_mc_set(tmp / "mc", args.n, subjects=tuple(f"subject_{i}" for i in range(10)))
        (tmp / "key.json").write_text(json.dumps(key, ensure_ascii=False), encoding="utf-8")
        truth = true_accuracy(key, ACCURACY)
        server = Server(args.port, tmp / "key.json")
        try:
            before = server.reset()
            wall, cpu, rc = run_measured(luzhi_cmd(server.base_url, tmp / "mc", tmp / "cache.sqlite3",
                                                   tmp / "r1.json"), cwd=ROOT)
            ph = phase(server, before)
            results = json.loads((tmp / "r1.json").read_text()) if rc in (0, 1) else None
            before = server.reset()
            rerun_wall, rerun_cpu, _rc = run_measured(
                luzhi_cmd(server.base_url, tmp / "mc", tmp / "cache.sqlite3", tmp / "r2.json"), cwd=ROOT)
            rerun_ph = phase(server, before)
            rerun = json.loads((tmp / "r2.json").read_text())
            lm = None
            if lmeval:
                shutil.copy(tmp / "mc" / "val.jsonl", tmp / "val.jsonl")
                before = server.reset()
                lm_wall, lm_cpu, lm_rc = run_measured(lmeval_cmd(lmeval, server.base_url, tmp / "lm-out"),
                                                      cwd=tmp, env=lmeval_env(tmp))
                lm = (lm_wall, lm_cpu, phase(server, before), lmeval_accuracy(tmp / "lm-out") if not lm_rc else None)
        finally:
            server.stop()

    if results is None:
        raise SystemExit("luzhi eval run failed")
    acc = results["overall"]["accuracy"]
    print(f"{args.n} multiple-choice questions, reference server at {LATENCY * 1e3:.0f} ms latency, capacity "
          f"{CAPACITY}, concurrency {CONCURRENCY}; ideal {IDEAL_RPS:.0f} req/s = {args.n / IDEAL_RPS:.2f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(line("luzhi eval run", args.n, wall, cpu, ph, acc, truth))
    timing = results["timing"]
    print(f"{'':<22} runner's own request phase {timing['request_s']:.2f} s using "
          f"{timing['request_cpu_s']:.2f} s CPU ({timing['request_cpu_s'] / args.n * 1e3:.3f} ms/request), "
          f"evaluate() {timing['wall_s']:.2f} s, process CPU {timing['process_cpu_s']:.2f} s, "
          f"unparsed {results['overall']['unparsed']}, outside the request phase {wall - ph['request_s']:.2f} s")
    print(f"{'luzhi eval run, cached':<22} {rerun_wall:7.2f} s wall, client CPU {rerun_cpu:.2f} s, "
          f"{rerun['requests']['sent']} sent / {rerun['requests']['cached']} cached, "
          f"{rerun_ph['served']} reached the server, accuracy {rerun['overall']['accuracy']:.4f}")
    if lm:
        print(line(f"lm-eval {LMEVAL_VERSION}", args.n, lm[0], lm[1], lm[2], lm[3], truth))
    ideal_ratio = (args.n / IDEAL_RPS) / ph["request_s"] if ph["request_s"] else 0.0
    exact = int(abs(acc - truth) < 1e-9 and rerun["requests"]["sent"] == 0
                and abs(rerun["overall"]["accuracy"] - truth) < 1e-9)
    wall_ratio = f"{wall / lm[0]:.3f}" if lm else "n/a"
    cpu_ratio = f"{cpu / lm[1]:.3f}" if lm else "n/a"
    print(f"ideal_ratio={ideal_ratio:.3f} wall_ratio_vs_lmeval={wall_ratio} cpu_ratio_vs_lmeval={cpu_ratio} "
          f"cached_rerun_s={rerun_wall:.2f} accuracy_exact={exact}")


if __name__ == "__main__":
    main()
