"""Sending requests: one asyncio queue over every request of a run, a concurrency limit,
an optional rate limit, timeouts, and retries with exponential backoff on 429, 5xx,
transport errors and malformed JSON (``Retry-After`` honoured).

The event loop runs on a thread of its own; :meth:`Sender.stream_batches` yields
results to the calling thread as they arrive (all those that arrived since it last
looked, in one list), so the caller (the CLI's SQLite cache, or the web worker's
database) writes them at once, one transaction a batch. Stopping the iteration (or
the ``stop`` event) lets in-flight requests finish and takes no new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from luzhi.proving_ground.toolkit.http import Client
from luzhi.proving_ground.toolkit.http import Endpoint
from luzhi.proving_ground.toolkit.http import HTTPError
from luzhi.proving_ground.toolkit.http import Pending
from luzhi.proving_ground.toolkit.http import Response

RETRY_STATUSES = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class Request:
    key: str
    path: str
    payload: dict


@dataclass
class Result:
    request: Request
    response: dict | None
    error: str | None = None
    attempts: int = 1


@dataclass
class Sender:
    base_url: str
    api_key: str | None = None
    concurrency: int = 8
    rate: float | None = None  # requests per second (None: unlimited)
    timeout: float = 60.0
    retries: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.endpoint = Endpoint.parse(self.base_url)
        self.retried = 0

    def stream(self, requests: list[Request]) -> Iterator[Result]:
        """Each result as it arrives."""
        for batch in self.stream_batches(requests):
            yield from batch

    def stream_batches(self, requests: list[Request]) -> Iterator[list[Result]]:
        """The results as they arrive, in lists of all those that arrived since the last one
        was taken (so a cache can write them in one transaction, without waiting for more)."""
        out: queue.SimpleQueue = queue.SimpleQueue()
        done = object()

        def run():
            try:
                asyncio.run(self._main(requests, out))
            except BaseException as exc:  # surfaced in the caller's thread
                out.put(exc)
            finally:
                out.put(done)

        thread = threading.Thread(target=run, name="eval-sender", daemon=True)
        thread.start()
        try:
            finished = False
            while not finished:
                batch = []
                item = out.get()
                while True:
                    if item is done:
                        finished = True
                        break
                    if isinstance(item, BaseException):
                        raise item
                    batch += item
                    try:
                        item = out.get_nowait()
                    except queue.Empty:
                        break
                if batch:
                    yield batch
        finally:
            self.stop.set()
            thread.join()
            self.stop.clear()

    async def _main(self, requests: list[Request], out) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        client = Client(self.endpoint, headers=headers, timeout=self.timeout)
        todo: asyncio.Queue = asyncio.Queue()
        for r in requests:
            todo.put_nowait(r)
        self._next_slot = time.monotonic()
        self._rate_lock = asyncio.Lock()

        # Results are handed over once per turn of the event loop, after every request that
        # turn sends is written: the caller's thread then wakes (and takes the GIL) once per
        # turn, not once per reply, and never between a reply and the next request.
        arrived: list[Result] = []
        loop = asyncio.get_running_loop()

        def hand_over():
            if arrived:
                out.put(arrived[:])
                arrived.clear()

        async def worker():
            ahead = None  # the next request, taken already (and perhaps already sent)
            while True:
                if ahead is not None and (ahead[1] is not None or not self.stop.is_set()):
                    req, sent = ahead
                elif self.stop.is_set():
                    return
                else:
                    try:
                        req, sent = todo.get_nowait(), None
                    except asyncio.QueueEmpty:
                        return
                result, ahead = await self._send(client, req, sent, todo)
                if not arrived:
                    loop.call_soon(hand_over)
                arrived.append(result)

        workers = min(self.concurrency, max(1, len(requests)))
        try:
            await client.open(workers)  # the first requests then go out together
            await asyncio.gather(*(worker() for _ in range(workers)))
        finally:
            hand_over()
            await client.close()

    async def _throttle(self) -> None:
        if not self.rate:
            return
        async with self._rate_lock:
            now = time.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + 1.0 / self.rate
        if wait > 0:
            await asyncio.sleep(wait)

    async def _send(self, client: Client, req: Request, sent, todo: asyncio.Queue):
        """``req``'s result after its attempts, and the next request when one was taken from
        ``todo`` on the way: (request, what became of it). Without a rate limit each attempt
        takes the next request along, to be written on the same connection the moment a 200
        arrives (before the reply is even looked at); ``sent`` is what became of ``req`` when
        it went out that way: a :class:`Pending`, or its response or error if that had to be
        read early (so that a retry never runs beside it: one request in flight a worker)."""
        error = ""
        follow: list = [None, None]  # [next request, Pending | Response | HTTPError | None]
        for attempt in range(self.retries + 1):
            if attempt:
                self.retried += 1
            delay = min(self.max_backoff, self.backoff * 2**attempt)
            try:
                got, sent = sent, None
                if isinstance(got, HTTPError):
                    raise got
                if got is None:
                    await self._throttle()
                if not isinstance(got, Response) and follow[0] is None and not self.rate and not self.stop.is_set():
                    with contextlib.suppress(asyncio.QueueEmpty):
                        follow[0] = todo.get_nowait()
                then = (follow[0].path, follow[0].payload) if follow[0] is not None and follow[1] is None else None
                if isinstance(got, Response):
                    resp, pending = got, None
                elif isinstance(got, Pending):
                    resp, pending = await client.finish(got, then)
                else:
                    resp, pending = await client.post_json_then(req.path, req.payload, then)
                if then is not None:
                    follow[1] = pending  # None: not sent (still to send)
            except HTTPError as exc:
                error = str(exc)
            else:
                if resp.status == 200:
                    try:
                        data = resp.json()
                        if not isinstance(data, dict) or not data.get("choices"):
                            raise ValueError("no choices")
                        return Result(req, data, attempts=attempt + 1), self._ahead(follow)
                    except ValueError:
                        error = "malformed JSON in a 200 response"
                elif resp.status in RETRY_STATUSES:
                    error = f"HTTP {resp.status}"
                    retry_after = resp.headers.get("retry-after")
                    if retry_after:
                        with contextlib.suppress(ValueError):
                            delay = min(self.max_backoff, max(0.0, float(retry_after)))
                else:
                    return (Result(req, None, f"HTTP {resp.status}: {resp.body[:200].decode('utf-8', 'replace')}",
                                   attempts=attempt + 1), self._ahead(follow))
            if isinstance(follow[1], Pending):  # read the follow-up first: one request in flight
                try:
                    follow[1] = (await client.finish(follow[1]))[0]
                except HTTPError as exc:
                    follow[1] = exc
            if attempt < self.retries and not self.stop.is_set():
                await asyncio.sleep(delay)
            elif self.stop.is_set():
                break
        return Result(req, None, error or "gave up", attempts=attempt + 1), self._ahead(follow)

    @staticmethod
    def _ahead(follow: list):
        return None if follow[0] is None else (follow[0], follow[1])
