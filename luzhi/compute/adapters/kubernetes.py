"""Kubernetes: a batch/v1 Job per dispatch, named after the dispatch key (so a retry
finds the existing Job: the API server answers 409 AlreadyExists)."""

from __future__ import annotations

import re
from datetime import datetime

from luzhi.compute.adapters.base import AdapterError
from luzhi.compute.adapters.base import JobSpec
from luzhi.compute.adapters.base import JobState
from luzhi.compute.adapters.base import JobStatus
from luzhi.compute.adapters.base import SchedulerAdapter
from luzhi.compute.adapters.base import card_hours


def _ms(stamp: str | None) -> float | None:
    if not stamp:
        return None
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000


class KubernetesAdapter(SchedulerAdapter):
    kind = "kubernetes"

    def __init__(self, base_url: str, *, token: str = "", namespace: str = "luzhi",
                 image: str = "python:3.11-slim", timeout: float | None = None):
        super().__init__(base_url, token=token, timeout=timeout)
        self.namespace, self.image = namespace, image

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @staticmethod
    def job_name(submission_id: str) -> str:
        return "luzhi-" + re.sub(r"[^a-z0-9-]", "-", submission_id.lower())[:50].strip("-")

    def manifest(self, spec: JobSpec) -> dict:
        return {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": self.job_name(spec.submission_id), "labels": {"app.kubernetes.io/managed-by": "luzhi"}},
            "spec": {
                "backoffLimit": 0,
                "activeDeadlineSeconds": spec.hours * 3600,
                "template": {
                    "spec": {
                        "restartPolicy": "Never",
                        "containers": [{
                            "name": "job",
                            "image": self.image,
                            "command": ["/bin/sh", "-c", spec.entrypoint],
                            "resources": {"limits": {"nvidia.com/gpu": spec.cards}},
                        }],
                    }
                },
            },
        }

    def submit(self, spec: JobSpec) -> str:
        status, answer = self.request("POST", f"/apis/batch/v1/namespaces/{self.namespace}/jobs", self.manifest(spec))
        if status in (200, 201, 409):  # 409: the Job exists (a retry)
            return self.job_name(spec.submission_id)
        raise AdapterError(f"Kubernetes refused the job ({status}): {answer}")

    def status(self, external_id: str, *, cards: int = 1) -> JobStatus:
        status, answer = self.request("GET", f"/apis/batch/v1/namespaces/{self.namespace}/jobs/{external_id}")
        if status != 200 or not isinstance(answer, dict):
            raise AdapterError(f"Kubernetes has no job {external_id} ({status})")
        st = answer.get("status") or {}
        if st.get("succeeded"):
            state = JobState.SUCCEEDED
        elif st.get("failed"):
            state = JobState.FAILED
        elif st.get("active"):
            state = JobState.RUNNING
        else:
            state = JobState.PENDING
        hours = card_hours(_ms(st.get("startTime")), _ms(st.get("completionTime")), cards) if state.finished else None
        return JobStatus(external_id, state, "", hours)

    def cancel(self, external_id: str) -> None:
        status, answer = self.request(
            "DELETE", f"/apis/batch/v1/namespaces/{self.namespace}/jobs/{external_id}?propagationPolicy=Background"
        )
        if status not in (200, 202):
            raise AdapterError(f"Kubernetes could not delete {external_id} ({status}): {answer}")
