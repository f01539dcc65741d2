"""Benchmark: page throughput under load, each page against an empty view of the same kind.

Builds a scratch database with the demo data (a temporary SQLite file unless
DATABASE_URL points at PostgreSQL, where it creates and drops ``luzhi_bench_pages``),
starts gunicorn — the production server — on a loopback port with DEBUG off and
one worker count for every page, signs in the demo plan office and a reporter
through the real login form, and then, for a fixed time per page, keeps
``--connections`` requests in flight from a small asyncio load generator in this
process. Each page is compared with the empty view of its kind: ``/healthz`` (a
real view that checks the database connection) signed out for public pages, and
signed in (with the session cookie, so the session is read) for signed-in pages.

Pages — public: home, a task page, the responsibility matrix, the public cockpit;
signed in: the plan office's cockpit, a round overview, the enterprise list, a
reporter's inbox. Prints requests/s, median and p95 latency per page and each
page's ratio to its empty view; the last line reads
``min_ratio_public=… min_ratio_signed_in=… empty_rps=… slowest=PAGE``.
Targets: public pages ≥ 0.5 of the empty view, signed-in pages ≥ 0.25, every
page's p95 ≤ 100 ms.

    .venv/bin/python bench/pages.py [--seconds 8] [--workers 2] [--connections 8]
"""

import argparse
import asyncio
import os
import platform
import re
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SEED_PLAN = ROOT / "luzhi" / "plan" / "seed" / "shandong-ai-action-plan-2025-2027.txt"
BENCH_DB = "luzhi_bench_pages"
DEMO_PASSWORD = "luzhi-demo-2025"  # noqa: S105  (the demo accounts' password)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def luzhi(env, *args) -> str:
    result = subprocess.run(
        [str(BIN / "luzhi"), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"luzhi {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# ---------------------------------------------------------------------------- HTTP client


async def request(port: int, path: str, *, method="GET", cookies=None, body=b"", headers=None):
    """One HTTP/1.1 request on a new connection (gunicorn's sync workers close each one).

    Returns (status, headers dict with lists, body bytes).
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed: dict[str, list[str]] = {}
    for line in header_lines:
        key, _, value = line.partition(":")
        parsed.setdefault(key.strip().lower(), []).append(value.strip())
    return int(status_line.split()[1]), parsed, payload


def set_cookies(headers) -> dict:
    jar = {}
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        jar[name] = rest.split(";", 1)[0]
    return jar


async def sign_in(port: int, username: str) -> dict:
    """The session cookie of ``username``, signed in through the real login form."""
    status, headers, body = await request(port, "/login/")
    jar = set_cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    status, headers, body = await request(
        port,
        "/login/",
        method="POST",
        cookies=jar,
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/login/",
        },
    )
    jar.update(set_cookies(headers))
    if status != 302 or "sessionid" not in jar:
        sys.exit(f"could not sign in {username}: {status} {body[:300]!r}")
    return jar


def load(port: int, path: str, cookies, seconds: float, connections: int):
    """Keep ``connections`` requests in flight for ``seconds``; latencies of the 200s.

    A selector loop over raw non-blocking sockets with the request bytes built once:
    a few microseconds of client CPU per request, so the client is not what limits
    the empty view (asyncio streams cost ~10× more and capped it near 600 req/s).
    """
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    payload = ("\r\n".join(lines) + "\r\n\r\n").encode()
    address = ("127.0.0.1", port)
    sel = selectors.DefaultSelector()
    latencies: list[float] = []
    errors = 0
    clock = time.perf_counter
    deadline = clock() + seconds

    def start():
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(address)
        sel.register(sock, selectors.EVENT_WRITE, [clock(), b""])

    started = clock()
    for _ in range(connections):
        start()
    while sel.get_map():
        for key, events in sel.select(timeout=1.0):
            sock, state = key.fileobj, key.data
            if events & selectors.EVENT_WRITE:
                sock.send(payload)
                sel.modify(sock, selectors.EVENT_READ, state)
                continue
            chunk = sock.recv(262144)
            if chunk:
                if len(state[1]) < 12:
                    state[1] += chunk[:12]
                continue
            sel.unregister(sock)
            sock.close()
            if state[1][9:12] == b"200":
                latencies.append(clock() - state[0])
            else:
                errors += 1
            if clock() < deadline:
                start()
    return latencies, errors, clock() - started


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="load time per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=8, help="requests in flight")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    postgres = database_url.startswith("postgres")
    if postgres:
        base = database_url.rsplit("/", 1)[0]
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], check=True)
        database_url = f"{base}/{BENCH_DB}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LUZHI_DEBUG": "0",
        "LUZHI_MEDIA_ROOT": f"{tmp.name}/media",
        "LUZHI_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    luzhi(env, "migrate", "--no-input", "-v", "0")
    luzhi(env, "units", "sync")
    luzhi(env, "plan", "import", str(SEED_PLAN))
    luzhi(env, "indicators", "sync")
    luzhi(env, "demo", "seed", "--seed", "42")
    setup_s = time.perf_counter() - started

    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "luzhi.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        results = asyncio.run(run(port, args))
    finally:
        server.terminate()
        server.wait(timeout=20)
        if postgres:
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], check=False)
    report(results, args, setup_s, postgres)


async def pages_to_measure(port: int):
    """(name, kind, path, cookies) for every page: the empty views first."""
    office = await sign_in(port, "office")
    reporter = await sign_in(port, "sti")
    status, _h, body = await request(port, "/supervision/", cookies=office)
    round_path = re.search(rb'href="(/supervision/rounds/\d+/)"', body)
    status, _h, body = await request(port, "/plan/matrix/")
    task_path = re.search(rb'href="(/plan/tasks/\d+/)"', body) or re.search(
        rb'href="(/plan/[a-z]+/\d+/)"', body
    )
    pages = [
        ("empty (signed out)", "public", "/healthz", None),
        ("home", "public", "/", None),
        ("task page", "public", task_path.group(1).decode() if task_path else "/plan/matrix/", None),
        ("responsibility matrix", "public", "/plan/matrix/", None),
        ("public cockpit", "public", "/indicators/public/", None),
        ("empty (signed in)", "signed_in", "/healthz", office),
        ("office cockpit", "signed_in", "/indicators/cockpit/", office),
        ("round overview", "signed_in", round_path.group(1).decode() if round_path else "/supervision/", office),
        ("enterprise list", "signed_in", "/registry/enterprises/", office),
        ("reporter inbox", "signed_in", "/supervision/inbox/", reporter),
    ]
    for name, _kind, path, cookies in pages:
        status, _h, _b = await request(port, path, cookies=cookies)
        if status != 200:
            sys.exit(f"{name} ({path}) answered {status}")
    return pages


async def run(port: int, args):
    pages = await pages_to_measure(port)
    results = []
    for name, kind, path, cookies in pages:
        load(port, path, cookies, min(1.0, args.seconds / 4), args.connections)  # warm-up
        latencies, errors, elapsed = load(port, path, cookies, args.seconds, args.connections)
        latencies.sort()
        results.append(
            {
                "name": name,
                "kind": kind,
                "path": path,
                "rps": len(latencies) / elapsed,
                "median_ms": statistics.median(latencies) * 1000,
                "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
                "errors": errors,
            }
        )
    return results


def report(results, args, setup_s: float, postgres: bool) -> None:
    empty = {r["kind"]: r["rps"] for r in results if r["path"] == "/healthz"}
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.python_version()}, "
        f"{'PostgreSQL' if postgres else 'SQLite'}, load average {os.getloadavg()[0]:.2f}; "
        f"gunicorn {args.workers} workers, {args.connections} in flight, {args.seconds:g} s a page; "
        f"demo data loaded in {setup_s:.0f} s"
    )
    print(f"{'page':<24}{'path':<28}{'req/s':>9}{'median ms':>11}{'p95 ms':>9}{'ratio':>8}{'errors':>8}")
    for r in results:
        r["ratio"] = r["rps"] / empty[r["kind"]]
        print(
            f"{r['name']:<24}{r['path'][:27]:<28}{r['rps']:>9.0f}{r['median_ms']:>11.1f}"
            f"{r['p95_ms']:>9.1f}{r['ratio']:>8.2f}{r['errors']:>8}"
        )
    pages = [r for r in results if r["path"] != "/healthz"]
    public = min(r["ratio"] for r in pages if r["kind"] == "public")
    signed_in = min(r["ratio"] for r in pages if r["kind"] == "signed_in")
    slowest = min(pages, key=lambda r: r["ratio"])["name"].replace(" ", "_")
    print(
        f"min_ratio_public={public:.2f} min_ratio_signed_in={signed_in:.2f} "
        f"empty_rps={empty['public']:.0f} slowest={slowest}"
    )


if __name__ == "__main__":
    main()
