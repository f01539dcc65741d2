"""The Ray Jobs adapter against a real Ray head node that this test starts on this
machine (loopback only), through the whole placement flow: dispatch with a voucher hold,
submission after commit, the job running, metered usage back, the hold redeemed.

Ray is the optional extra ``placement-ray`` (requirements-ray.lock), which ``make test``
installs; without it this test fails and says so.
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
from datetime import date
from pathlib import Path

import pytest

from luzhi.compute import invariants, services
from luzhi.compute.adapters import JobSpec, JobState, RayJobsAdapter
from luzhi.compute.models import Redemption
from luzhi.compute.tests.conftest import TODAY


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_head():
    """A local Ray head node (1 CPU, dashboard on a free loopback port), stopped by its pid."""
    ray = Path(sys.executable).with_name("ray")
    if not ray.exists():
        pytest.fail("Ray is not installed: `make test` installs requirements-ray.lock (the placement-ray extra)")
    temp = tempfile.mkdtemp(prefix="lzray-", dir="/tmp")  # noqa: S108  (Ray's socket paths must stay short)
    port, dashboard = free_port(), free_port()
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_DISABLE_DOCKER_CPU_WARNING": "1"}
    head = subprocess.Popen(  # noqa: S603  (our own venv's ray)
        [str(ray), "start", "--head", "--block", "--num-cpus=1", "--num-gpus=0", f"--port={port}",
         "--node-ip-address=127.0.0.1", "--dashboard-host=127.0.0.1", f"--dashboard-port={dashboard}",
         "--include-dashboard=true", "--disable-usage-stats", f"--temp-dir={temp}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{dashboard}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/api/version", timeout=2):  # noqa: S310  (loopback)
                    break
            except OSError:
                if head.poll() is not None:
                    pytest.fail("the Ray head node exited while starting")
                time.sleep(0.5)
        else:
            pytest.fail("the Ray dashboard did not answer within 90 s")
        yield url
    finally:
        # The head's own process group (start_new_session): only what this test started.
        # Ray's graceful stop takes half a minute; nothing of it needs to survive the test.
        try:
            os.killpg(head.pid, signal.SIGTERM)
            head.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)
        head.wait(timeout=30)
        shutil.rmtree(temp, ignore_errors=True)


def wait_finished(fetch, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = fetch()
        if result.state.finished if hasattr(result, "state") else result.status in ("succeeded", "failed"):
            return result
        time.sleep(0.5)
    raise AssertionError("the job did not finish in time")


def test_ray_adapter_runs_a_job_and_meters_it(ray_head):
    adapter = RayJobsAdapter(ray_head)
    spec = JobSpec("luzhi-ray-adapter-1", "smoke", f"{sys.executable} -c 'print(6 * 7)'", cards=2, hours=1)
    job_id = adapter.submit(spec)
    assert adapter.submit(spec) == job_id  # a retry with the same submission id starts nothing new
    status = wait_finished(lambda: adapter.status(job_id, cards=2))
    assert status.state == JobState.SUCCEEDED and status.card_hours is not None and status.card_hours > 0


def test_placement_flow_through_ray(ray_head, plan_officer, operator, enterprise_user, buyer, center, voucher,
                                    program, django_capture_on_commit_callbacks):
    services.center_update(actor=plan_officer, center=center, scheduler="ray", scheduler_url=ray_head)
    job = services.job_request_create(actor=enterprise_user, enterprise=buyer, name="推理评测", precision="fp16",
                                      cards=2, hours=1, entrypoint=f"{sys.executable} -c 'print(1)'")
    with django_capture_on_commit_callbacks() as callbacks:
        dispatch = services.job_dispatch(actor=enterprise_user, job=job, inventory=center.inventory.get(),
                                         voucher=voucher, idempotency_key="ray-dispatch-0001", today=TODAY)
    assert len(callbacks) == 1  # submission is queued only once the hold and dispatch commit
    assert dispatch.status == "held" and dispatch.hold.status == "held"
    dispatch = services.dispatch_submit(dispatch=dispatch)  # what the queued task runs
    assert dispatch.status == "submitted" and dispatch.external_id == "ray-dispatch-0001"
    dispatch = wait_finished(lambda: services.dispatch_refresh(dispatch=dispatch))
    assert dispatch.status == "succeeded" and dispatch.metered_card_hours > 0
    services.dispatch_report_usage(actor=operator, dispatch=dispatch, card_hours=dispatch.metered_card_hours,
                                   invoice_no="RAY-INV-1", invoice_date=date(2026, 3, 14), today=TODAY)
    hold = Redemption.objects.get(pk=dispatch.hold_id)
    assert hold.status in ("redeemed", "released") and hold.delivered
    assert invariants.violations(program) == []
