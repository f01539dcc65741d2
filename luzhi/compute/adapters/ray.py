"""Ray Jobs: the REST API a Ray cluster's dashboard serves (``/api/jobs/``).

Submitting with ``submission_id`` makes a retry safe: Ray refuses a second job
with the same id, which this adapter takes as "already submitted".
"""

from __future__ import annotations

from luzhi.compute.adapters.base import AdapterError
from luzhi.compute.adapters.base import JobSpec
from luzhi.compute.adapters.base import JobState
from luzhi.compute.adapters.base import JobStatus
from luzhi.compute.adapters.base import SchedulerAdapter
from luzhi.compute.adapters.base import card_hours

STATES = {
    "PENDING": JobState.PENDING,
    "RUNNING": JobState.RUNNING,
    "SUCCEEDED": JobState.SUCCEEDED,
    "FAILED": JobState.FAILED,
    "STOPPED": JobState.CANCELLED,
}


class RayJobsAdapter(SchedulerAdapter):
    kind = "ray"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def submit(self, spec: JobSpec) -> str:
        body = {
            "entrypoint": spec.entrypoint,
            "submission_id": spec.submission_id,
            "metadata": {"name": spec.name, "cards": str(spec.cards), **{k: str(v) for k, v in spec.metadata.items()}},
        }
        status, answer = self.request("POST", "/api/jobs/", body)
        if status == 200 and isinstance(answer, dict):
            return str(answer.get("submission_id") or spec.submission_id)
        if status in (400, 500) and "already exists" in str(answer):
            return spec.submission_id  # a retry of a job Ray already has
        raise AdapterError(f"Ray refused the job ({status}): {answer}")

    def status(self, external_id: str, *, cards: int = 1) -> JobStatus:
        status, answer = self.request("GET", f"/api/jobs/{external_id}")
        if status != 200 or not isinstance(answer, dict):
            raise AdapterError(f"Ray has no job {external_id} ({status})")
        state = STATES.get(str(answer.get("status")), JobState.PENDING)
        hours = card_hours(answer.get("start_time"), answer.get("end_time"), cards) if state.finished else None
        return JobStatus(external_id, state, str(answer.get("message") or ""), hours)

    def cancel(self, external_id: str) -> None:
        status, answer = self.request("POST", f"/api/jobs/{external_id}/stop")
        if status != 200:
            raise AdapterError(f"Ray could not stop {external_id} ({status}): {answer}")
