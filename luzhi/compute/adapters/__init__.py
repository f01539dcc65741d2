"""Adapters to the schedulers that run jobs at compute centers.

LuZhi decides where a job goes (placement); running it is the center's own
scheduler's job. Each adapter speaks one scheduler's HTTP API with the standard
library only, so the base install needs no client package:

- :class:`~.slurm.SlurmRestAdapter`: Slurm's REST API (slurmrestd), which most
  supercomputing centers run;
- :class:`~.kubernetes.KubernetesAdapter`: Kubernetes batch/v1 Jobs;
- :class:`~.ray.RayJobsAdapter`: the Ray Jobs REST API of a Ray cluster's dashboard.

:func:`adapter_for` picks a center's adapter from its ``scheduler`` and
``scheduler_url``; a token, when the scheduler needs one, comes from the
environment variable ``LUZHI_COMPUTE_TOKEN_<CENTER CODE>`` (upper case, ``-`` → ``_``).
"""

from __future__ import annotations

import os

from luzhi.compute.adapters.base import AdapterError
from luzhi.compute.adapters.base import JobSpec
from luzhi.compute.adapters.base import JobState
from luzhi.compute.adapters.base import JobStatus
from luzhi.compute.adapters.base import SchedulerAdapter
from luzhi.compute.adapters.kubernetes import KubernetesAdapter
from luzhi.compute.adapters.ray import RayJobsAdapter
from luzhi.compute.adapters.slurm import SlurmRestAdapter

ADAPTERS: dict[str, type[SchedulerAdapter]] = {
    "slurm": SlurmRestAdapter,
    "kubernetes": KubernetesAdapter,
    "ray": RayJobsAdapter,
}


def adapter_for(center) -> SchedulerAdapter:
    """The adapter of ``center``'s scheduler (AdapterError when it has none)."""
    cls = ADAPTERS.get(center.scheduler or "")
    if cls is None or not center.scheduler_url:
        raise AdapterError(f"center {center.code} has no scheduler connected")
    token = os.environ.get("LUZHI_COMPUTE_TOKEN_" + center.code.upper().replace("-", "_"), "")
    return cls(center.scheduler_url, token=token)


__all__ = [
    "ADAPTERS",
    "AdapterError",
    "JobSpec",
    "JobState",
    "JobStatus",
    "KubernetesAdapter",
    "RayJobsAdapter",
    "SchedulerAdapter",
    "SlurmRestAdapter",
    "adapter_for",
]
