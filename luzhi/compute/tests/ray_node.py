"""A local Ray head node for the Ray adapter's test (1 CPU, loopback only).

Starting Ray takes seconds of mostly one core, so the compute tests' conftest starts it
as soon as collection shows the Ray test is selected (``start``); the test session runs
other tests meanwhile and the test's fixture only waits for the dashboard (``wait``).
``stop`` kills the head's own process group: only what this module started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Head:
    process: subprocess.Popen
    url: str
    temp: str


def start() -> Head | None:
    """Start the head node in its own process group; None when Ray is not installed."""
    ray = Path(sys.executable).with_name("ray")
    if not ray.exists():
        return None
    temp = tempfile.mkdtemp(prefix="lzray-", dir="/tmp")  # noqa: S108  (Ray's socket paths must stay short)
    port, dashboard = free_port(), free_port()
    # Every port of its own, not Ray's fixed defaults (the job agent's 52365, the client
    # server's 10001 …): a second head on the machine (two test runs at once) would otherwise
    # leave this one without a job agent ("No available agent to submit job").
    agent_ports = [
        f"--{option}={free_port()}"
        for option in (
            "ray-client-server-port",
            "dashboard-agent-listen-port",
            "dashboard-agent-grpc-port",
            "runtime-env-agent-port",
            "metrics-export-port",
        )
    ]
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_DISABLE_DOCKER_CPU_WARNING": "1"}
    process = subprocess.Popen(  # noqa: S603  (our own venv's ray)
        [str(ray), "start", "--head", "--block", "--num-cpus=1", "--num-gpus=0", f"--port={port}",
         "--node-ip-address=127.0.0.1", "--dashboard-host=127.0.0.1", f"--dashboard-port={dashboard}",
         "--include-dashboard=true", "--disable-usage-stats", f"--temp-dir={temp}", *agent_ports],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    return Head(process, f"http://127.0.0.1:{dashboard}", temp)


def wait(head: Head, timeout: float = 120) -> str | None:
    """The dashboard's URL once it answers; None with a reason printed if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{head.url}/api/version", timeout=2):  # noqa: S310  (loopback)
                return head.url
        except OSError:
            if head.process.poll() is not None:
                return None
            time.sleep(0.5)
    return None


def stop(head: Head) -> None:
    """Kill the head's process group (Ray's graceful stop takes half a minute; nothing of it
    needs to survive the test) and remove its directory."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(head.process.pid, signal.SIGKILL)
    head.process.wait(timeout=30)
    shutil.rmtree(head.temp, ignore_errors=True)
