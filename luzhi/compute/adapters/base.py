"""The adapter interface every scheduler adapter implements, and its HTTP helper."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from enum import StrEnum

from luzhi.compute import conf


class AdapterError(Exception):
    """The scheduler refused or could not be reached (the message says which)."""


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class JobSpec:
    """What LuZhi asks a scheduler to run. ``submission_id`` is the dispatch's idempotency
    key: submitting the same id twice must not start the job twice."""

    submission_id: str
    name: str
    entrypoint: str
    cards: int
    hours: int
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class JobStatus:
    """Where a job stands; ``card_hours`` is the metered usage once it has run."""

    external_id: str
    state: JobState
    message: str = ""
    card_hours: Decimal | None = None


class SchedulerAdapter:
    """One scheduler's API. Subclasses implement submit, status and cancel."""

    kind = ""

    def __init__(self, base_url: str, *, token: str = "", timeout: float | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout or conf.SCHEDULER_TIMEOUT

    def submit(self, spec: JobSpec) -> str:  # pragma: no cover - interface
        """Start the job; return the scheduler's id for it."""
        raise NotImplementedError

    def status(self, external_id: str, *, cards: int = 1) -> JobStatus:  # pragma: no cover - interface
        raise NotImplementedError

    def cancel(self, external_id: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        return {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        """One JSON request; returns (status, decoded body). Network errors → AdapterError."""
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = urllib.request.Request(  # noqa: S310  (the URL is the center's registered scheduler)
            self.base_url + path, data=data, method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json", **self.headers()},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise AdapterError(f"{self.kind} scheduler at {self.base_url} unreachable: {exc}") from exc
        try:
            decoded = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            decoded = raw.decode("utf-8", "replace")
        return status, decoded


def card_hours(start_ms: int | float | None, end_ms: int | float | None, cards: int) -> Decimal | None:
    """Metered card-hours from start and end times in milliseconds."""
    if not start_ms or not end_ms or end_ms < start_ms:
        return None
    return (Decimal(int(end_ms) - int(start_ms)) / Decimal(3_600_000) * cards).quantize(Decimal("0.0001"))
