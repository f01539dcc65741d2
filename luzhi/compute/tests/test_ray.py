"""The Ray Jobs adapter against a real Ray head node that this test starts on this
machine (loopback only), through the whole placement flow: dispatch with a voucher hold,
submission after commit, the job running, metered usage back, the hold redeemed.

Ray is the optional extra ``placement-ray`` (requirements-ray.lock), which ``make test``
installs; without it this test fails and says so.
"""

from __future__ import annotations

import sys
import time
from datetime import date

import pytest

from luzhi.compute import conf
from luzhi.compute import invariants
from luzhi.compute import services
from luzhi.compute.adapters import AdapterError
from luzhi.compute.adapters import JobSpec
from luzhi.compute.adapters import JobState
from luzhi.compute.adapters import RayJobsAdapter
from luzhi.compute.models import Redemption
from luzhi.compute.tests import ray_node
from luzhi.compute.tests.conftest import TODAY


@pytest.fixture(scope="module")
def ray_head(request):
    """The local Ray head node the conftest started at collection (or starts now)."""
    from luzhi.compute.tests import conftest

    head = conftest.ray_head_started() or ray_node.start()
    if head is None:
        pytest.fail("Ray is not installed: `make test` installs requirements-ray.lock (the placement-ray extra)")
    try:
        url = ray_node.wait(head)
        if url is None:
            pytest.fail("the Ray head node exited or its dashboard did not answer within 120 s")
        yield url
    finally:
        ray_node.stop(head)
        conftest.ray_head_forget()


def wait_finished(fetch, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = fetch()
        if result.state.finished if hasattr(result, "state") else result.status in ("succeeded", "failed"):
            return result
        time.sleep(0.5)
    raise AssertionError("the job did not finish in time")


def test_placement_flow_through_ray(ray_head, plan_officer, operator, enterprise_user, buyer, center, voucher,
                                    program, django_capture_on_commit_callbacks, monkeypatch):
    """One job, one head node (starting Ray and running a job cost seconds each): the adapter's
    own contract (a retry starts nothing new, the status meters card-hours) and the whole flow."""
    # Ray answers a submission once its job supervisor runs: seconds on a loaded machine.
    monkeypatch.setattr(conf, "SCHEDULER_TIMEOUT", 60)
    services.center_update(actor=plan_officer, center=center, scheduler="ray", scheduler_url=ray_head)
    job = services.job_request_create(actor=enterprise_user, enterprise=buyer, name="推理评测", precision="fp16",
                                      cards=2, hours=1, entrypoint=f"{sys.executable} -c 'print(1)'")
    with django_capture_on_commit_callbacks() as callbacks:
        dispatch = services.job_dispatch(actor=enterprise_user, job=job, inventory=center.inventory.get(),
                                         voucher=voucher, idempotency_key="ray-dispatch-0001", today=TODAY)
    assert len(callbacks) == 1  # submission is queued only once the hold and dispatch commit
    assert dispatch.status == "held" and dispatch.hold.status == "held"
    # What the queued task runs. A head node that has just come up may answer before its job
    # agent does ("No available agent to submit job, please try again later"): as Ray says.
    # On a loaded machine the agent has been seen to take over a minute.
    deadline = time.monotonic() + 180
    while True:
        try:
            dispatch = services.dispatch_submit(dispatch=dispatch)
            break
        except AdapterError as exc:
            if "try again later" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(1)
    assert dispatch.status == "submitted" and dispatch.external_id == "ray-dispatch-0001"
    adapter = RayJobsAdapter(ray_head)
    spec = JobSpec("ray-dispatch-0001", "推理评测", f"{sys.executable} -c 'print(1)'", cards=2, hours=1)
    assert adapter.submit(spec) == "ray-dispatch-0001"  # a retry with the same submission id starts nothing new
    status = wait_finished(lambda: adapter.status("ray-dispatch-0001", cards=2))
    assert status.state == JobState.SUCCEEDED and status.card_hours is not None and status.card_hours > 0
    dispatch = wait_finished(lambda: services.dispatch_refresh(dispatch=dispatch))
    assert dispatch.status == "succeeded" and dispatch.metered_card_hours > 0
    services.dispatch_report_usage(actor=operator, dispatch=dispatch, card_hours=dispatch.metered_card_hours,
                                   invoice_no="RAY-INV-1", invoice_date=date(2026, 3, 14), today=TODAY)
    hold = Redemption.objects.get(pk=dispatch.hold_id)
    assert hold.status in ("redeemed", "released") and hold.delivered
    assert invariants.violations(program) == []
