"""Slurm's REST API (slurmrestd, OpenAPI plugin v0.0.40): JWT in ``X-SLURM-USER-TOKEN``.

``POST /slurm/v0.0.40/job/submit`` with a batch script and job description;
``GET /slurm/v0.0.40/job/{id}`` for its state and times (seconds);
``DELETE /slurm/v0.0.40/job/{id}`` to cancel.
"""

from __future__ import annotations

from luzhi.compute.adapters.base import AdapterError
from luzhi.compute.adapters.base import JobSpec
from luzhi.compute.adapters.base import JobState
from luzhi.compute.adapters.base import JobStatus
from luzhi.compute.adapters.base import SchedulerAdapter
from luzhi.compute.adapters.base import card_hours

API = "/slurm/v0.0.40"
STATES = {
    "PENDING": JobState.PENDING,
    "CONFIGURING": JobState.PENDING,
    "RUNNING": JobState.RUNNING,
    "COMPLETING": JobState.RUNNING,
    "COMPLETED": JobState.SUCCEEDED,
    "FAILED": JobState.FAILED,
    "TIMEOUT": JobState.FAILED,
    "NODE_FAIL": JobState.FAILED,
    "OUT_OF_MEMORY": JobState.FAILED,
    "CANCELLED": JobState.CANCELLED,
}


def _number(value):
    """slurmrestd wraps numbers as {"set": true, "number": N} from v0.0.40 on."""
    if isinstance(value, dict):
        return value.get("number") if value.get("set", True) else None
    return value


class SlurmRestAdapter(SchedulerAdapter):
    kind = "slurm"

    def __init__(self, base_url: str, *, token: str = "", user: str = "luzhi", timeout: float | None = None):
        super().__init__(base_url, token=token, timeout=timeout)
        self.user = user

    def headers(self) -> dict[str, str]:
        return {"X-SLURM-USER-NAME": self.user, "X-SLURM-USER-TOKEN": self.token}

    def submit(self, spec: JobSpec) -> str:
        body = {
            "script": f"#!/bin/bash\n{spec.entrypoint}\n",
            "job": {
                "name": spec.submission_id,  # the dispatch key: a retry finds the job by name
                "comment": spec.name[:200],
                "tres_per_node": f"gres/gpu:{spec.cards}",
                "time_limit": {"set": True, "number": spec.hours * 60},
                "current_working_directory": "/tmp",  # noqa: S108  (on the center's nodes)
                "environment": ["PATH=/bin:/usr/bin:/usr/local/bin"],
            },
        }
        status, answer = self.request("POST", f"{API}/job/submit", body)
        if status == 200 and isinstance(answer, dict) and answer.get("job_id") is not None:
            return str(answer["job_id"])
        raise AdapterError(f"Slurm refused the job ({status}): {answer}")

    def status(self, external_id: str, *, cards: int = 1) -> JobStatus:
        status, answer = self.request("GET", f"{API}/job/{external_id}")
        jobs = answer.get("jobs") if isinstance(answer, dict) else None
        if status != 200 or not jobs:
            raise AdapterError(f"Slurm has no job {external_id} ({status})")
        job = jobs[0]
        raw_state = job.get("job_state")
        raw_state = raw_state[0] if isinstance(raw_state, list) and raw_state else raw_state
        state = STATES.get(str(raw_state), JobState.PENDING)
        start, end = _number(job.get("start_time")), _number(job.get("end_time"))
        hours = card_hours(start * 1000 if start else None, end * 1000 if end else None, cards) if state.finished else None
        return JobStatus(external_id, state, str(job.get("state_reason") or ""), hours)

    def cancel(self, external_id: str) -> None:
        status, answer = self.request("DELETE", f"{API}/job/{external_id}")
        if status != 200:
            raise AdapterError(f"Slurm could not cancel {external_id} ({status}): {answer}")
