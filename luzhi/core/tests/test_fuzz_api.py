"""The API under fuzzing: schemathesis against the real server process.

A scratch database (SQLite file, or a scratch PostgreSQL database next to the test
database when the suite runs on PostgreSQL) is migrated and filled with the demo data as
``make demo`` does; gunicorn serves it on a free loopback port; schemathesis generates
requests from ``/api/schema/`` as the public, a unit reporter and the plan office, with a
fixed seed and a bounded number of examples, reads first and then writes (POST, PUT,
PATCH, DELETE), and checks that no answer is a server error and every answer matches the
schema.

Operations listed in ``KNOWN_FAILING`` (none today) would still fail in apps this test
does not own; each names what is wrong, and comes off the list with its fix.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse
from urllib.parse import urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
SEED_PLAN = ROOT / "luzhi" / "plan" / "seed" / "shandong-ai-action-plan-2025-2027.txt"
SEED = 42
MAX_EXAMPLES = 10
#: Writes: fewer examples per operation (about 45 s a persona on a busy machine).
MAX_WRITE_EXAMPLES = 3
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

#: path regex -> why it is left out (to be fixed by the app that owns it, then removed here).
KNOWN_FAILING: dict[str, str] = {}

pytestmark = [
    pytest.mark.skipif(
        shutil.which("schemathesis", path=str(BIN)) is None, reason="schemathesis not installed"
    )
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch_database(tmp: Path):
    """A DATABASE_URL for a new, empty database, and a function that drops it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'fuzz.sqlite3'}", lambda: None
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/') or 'luzhi'}_fuzz"
    admin = urlunparse(parsed._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def _luzhi(env, *args) -> str:
    result = subprocess.run(  # noqa: S603  (our own commands)
        [str(BIN / "luzhi"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-4000:])
    return result.stdout


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    database_url, drop = _scratch_database(tmp)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LUZHI_ENV": "development",
        "LUZHI_DEBUG": "0",  # server errors as the production 500 page, not a debug page
        "LUZHI_API_THROTTLE_ANON": "1000000/minute",
        "LUZHI_API_THROTTLE_USER": "1000000/minute",
        "LUZHI_MEDIA_ROOT": str(tmp / "media"),
        "LUZHI_REGISTRY_IMPORT_DIR": str(tmp / "imports"),
        "LUZHI_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # As `make demo` does.
    _luzhi(env, "migrate", "--no-input", "-v", "0")
    _luzhi(env, "units", "sync")
    _luzhi(env, "plan", "import", str(SEED_PLAN))
    _luzhi(env, "indicators", "sync")
    _luzhi(env, "demo", "seed", "--seed", str(SEED))
    tokens = {}
    for username in ("sti", "office"):
        out = _luzhi(env, "drf_create_token", username)
        tokens[username] = re.search(r"[0-9a-f]{40}", out).group(0)

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "luzhi.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "server.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not start: " + (tmp / "server.log").read_text()[-3000:])
        # The schema once, to a file: generating it is the slowest request LuZhi answers.
        schema = tmp / "schema.json"
        with urllib.request.urlopen(base + "/api/schema/?format=json", timeout=300) as response:  # noqa: S310
            schema.write_bytes(response.read())
        yield {"url": base, "schema": schema, "tokens": tokens, "log": tmp / "server.log"}
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop()


def _fuzz(server, persona: str, methods: tuple[str, ...], max_examples: int, cwd: Path) -> None:
    """Run schemathesis on ``methods`` as ``persona``; fail with its report unless all pass."""
    command = [
        str(BIN / "schemathesis"),
        "run",
        str(server["schema"]),
        "--url",
        server["url"],
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(SEED),
        *[option for method in methods for option in ("--include-method", method)],
        "--workers",
        "2",
        "--request-timeout",
        "60",
        "--request-retries",
        "2",
        # A slow machine is not a failure of the API (the check counts generation time).
        "--suppress-health-check",
        "too_slow",
        "--generation-database",
        "none",
        "--no-color",
        "--warnings",
        "off",
    ]
    if KNOWN_FAILING:  # one option: schemathesis keeps only the last of several
        command += ["--exclude-path-regex", "|".join(f"({p})" for p in KNOWN_FAILING)]
    if persona != "anonymous":
        command += ["--header", f"Authorization: Token {server['tokens'][persona]}"]
    result = subprocess.run(  # noqa: S603
        command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
    assert re.search(r"Tested: [1-9]", output), output[-3000:]


@pytest.mark.parametrize("persona", ["anonymous", "sti", "office"])
def test_api_under_fuzzing(fuzz_server, persona, tmp_path):
    """Every read, as each persona."""
    _fuzz(fuzz_server, persona, ("GET",), MAX_EXAMPLES, tmp_path)


@pytest.mark.parametrize("persona", ["anonymous", "sti", "office"])
def test_api_writes_under_fuzzing(fuzz_server, persona, tmp_path):
    """Every write (POST, PUT, PATCH, DELETE), as each persona, after the reads (the scratch
    database makes them harmless): refusals and errors in the one error shape, never a 500."""
    _fuzz(fuzz_server, persona, WRITE_METHODS, MAX_WRITE_EXAMPLES, tmp_path)
