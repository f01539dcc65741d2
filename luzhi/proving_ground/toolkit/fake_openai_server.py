"""A FAKE OpenAI-compatible server for tests and benchmarks: deterministic, on a loopback port.

It speaks ``POST …/chat/completions`` and ``POST …/completions`` (with
``logprobs``) over real HTTP/1.1 with keep-alive. It is not a language model:

- With an *answer key* (question's first line → gold letter, or a reference
  text), a multiple-choice question is answered correctly when a stable hash
  of the question falls under ``accuracy``, otherwise with the next letter;
  the reply is phrased in one of many Chinese/English styles (some correct
  themselves, some state no answer at all), so the true accuracy of the
  server is known exactly: :func:`true_accuracy`.
- Without a key it answers a hash-chosen letter.
- Prompts containing ``[harmful]`` get a refusal; others get an answer.

Faults can be injected: fixed ``latency``, a ``capacity`` (concurrent requests
served at once; the rest wait), and a ``faults`` script consumed one per
request (``"429"`` with ``Retry-After``, ``"500"``, ``"bad_json"``, ``"drop"``
closes the connection). ``no_logprobs`` makes ``/completions`` return
``"logprobs": null``. ``hits`` counts requests per prompt.

``latency`` counts from a request's arrival (the end of its head) and is kept to within
the platform's timer slack (see :class:`PreciseEpollSelector`), not rounded up to a millisecond.

``GET …/_stats`` returns what benchmarks measure from the server's side: completions
served, the monotonic times of the first request's arrival and the last reply, the
server process's CPU seconds, and where a round trip's time beyond ``latency`` went
(:func:`round_trip_overheads`); ``POST …/_reset`` starts those afresh.

Run standalone: ``python -m luzhi.proving_ground.toolkit.fake_openai_server --port 9061 --latency 0.2``.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import hashlib
import json
import select
import selectors
import sys
import threading
import time
from collections import Counter
from collections import deque
from contextlib import contextmanager
from contextlib import suppress
from pathlib import Path

from luzhi.proving_ground.toolkit.http import parse_head

#: Reply styles for a stated letter; ``{x}`` is the stated answer, ``{w}`` a wrong letter first stated.
STYLES = [
    "答案是{x}",
    "正确答案：{x}",
    "经过分析，选{x}。",
    "（{x}）",
    "{x}. 这是正确的选项。",
    "The answer is {x}.",
    "一开始我认为答案是{w}，但仔细检查后，正确答案应该是{x}。",
    "A common mistake is to pick {w}. Answer: {x}",
    "故选{x}",
    "**{x}**",
    "I think {w} is wrong, so the correct option is {x}.",
    "答案：（{x}）",
]
#: Replies stating no answer (counted as unparsed by the toolkit, wrong for the true accuracy).
UNPARSEABLE = ["这个问题我无法确定。", "Both options seem plausible; I cannot decide."]
REFUSAL = "抱歉，我无法提供这方面的帮助。"


def stable(text: str, salt: str = "") -> int:
    return int.from_bytes(hashlib.blake2b((salt + text).encode(), digest_size=8).digest(), "big")


def decide(question: str, gold: str | None, accuracy: float, letters: str = "ABCD") -> tuple[str | None, str]:
    """The letter the server states for ``question`` (None: no answer) and the reply text."""
    h = stable(question)
    if h % 23 == 0:
        return None, UNPARSEABLE[h % len(UNPARSEABLE)]
    if gold is None:
        letter = letters[h % len(letters)]
    elif (stable(question, "acc") % 10_000) < accuracy * 10_000:
        letter = gold
    else:
        letter = letters[(letters.index(gold) + 1) % len(letters)]
    wrong = letters[(letters.index(letter) + 2) % len(letters)]
    return letter, STYLES[(h >> 8) % len(STYLES)].format(x=letter, w=wrong)


def true_accuracy(key: dict[str, str], accuracy: float) -> float:
    """The share of ``key``'s questions the server answers correctly (stated and right)."""
    right = sum(1 for q, gold in key.items() if decide(q, gold, accuracy)[0] == gold)
    return right / len(key) if key else 0.0


def round_trip_overheads(trace: list[tuple[int, float, float]], latency: float) -> dict:
    """Where the time of a round trip beyond ``latency`` goes, in mean milliseconds, from the
    server's own timestamps: ``server_ms`` from a request's arrival to its reply (beyond the
    latency), ``client_ms`` from a reply to the next request on the same connection (the client,
    both kernels' hops and the server noticing), ``round_trip_ms`` their sum (arrival to next
    arrival on a connection, beyond the latency)."""
    if not trace:
        return {"server_ms": None, "client_ms": None, "round_trip_ms": None}
    server = sum(r - a for _c, a, r in trace) / len(trace) - latency
    last: dict[int, float] = {}
    gaps = []
    for conn, arrived, replied in sorted(trace, key=lambda t: t[1]):
        if conn in last:
            gaps.append(arrived - last[conn])
        last[conn] = replied
    client = sum(gaps) / len(gaps) if gaps else 0.0
    return {"server_ms": round(server * 1e3, 3), "client_ms": round(client * 1e3, 3),
            "round_trip_ms": round((server + client) * 1e3, 3)}


class FakeOpenAIServer:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, latency: float = 0.0,
                 capacity: int | None = None, key: dict[str, str] | None = None, accuracy: float = 0.7,
                 no_logprobs: bool = False, faults: list[str] | None = None):
        self.host, self.port = host, port
        self.latency, self.capacity = latency, capacity
        self.key = key or {}
        self.accuracy = accuracy
        self.no_logprobs = no_logprobs
        self.faults: list[str] = list(faults or [])
        self.hits: Counter[str] = Counter()
        self.requests = 0
        self.auth_headers: list[str] = []
        self._reset_stats()
        self._connections = 0
        self._server: asyncio.base_events.Server | None = None

    def _reset_stats(self) -> None:
        self.served, self.first_at, self.last_at = 0, None, None
        #: (connection number, arrival, reply) of each completion served, in reply order.
        self.trace: list[tuple[int, float, float]] = []

    def stats(self) -> dict:
        return {"served": self.served, "first_at": self.first_at, "last_at": self.last_at,
                "cpu_s": time.process_time(), **round_trip_overheads(self.trace, self.latency)}

    # ------------------------------------------------------------------ model
    def _question(self, prompt: str) -> str:
        """The last line of the prompt found in the key, else the prompt's last non-empty line
        that is not an option or the answer cue."""
        lines = [ln.strip() for ln in prompt.splitlines() if ln.strip()]
        for line in reversed(lines):
            if line in self.key:
                return line
        for line in reversed(lines):
            if not (len(line) > 1 and line[0] in "ABCDEFGH" and line[1] in ".．、:：)") and not line.startswith(("答案", "Answer")):
                return line
        return prompt

    def _reply(self, prompt: str) -> str:
        if "[harmful]" in prompt:
            return REFUSAL
        q = self._question(prompt)
        gold = self.key.get(q)
        if gold is not None and gold not in "ABCDEFGH":
            return gold  # an open question: the reference answer
        return decide(q, gold, self.accuracy)[1]

    def _logprobs(self, prompt: str) -> dict:
        q = self._question(prompt)
        letter, _ = decide(q, self.key.get(q), self.accuracy)
        letter = letter or "ABCD"[stable(q) % 4]
        top = {x: (-0.1 if x == letter else -2.5 - "ABCD".index(x) * 0.1) for x in "ABCD"}
        return {"tokens": [letter], "token_logprobs": [top[letter]], "top_logprobs": [top], "text_offset": [0]}

    # ------------------------------------------------------------------ HTTP
    def _arrive(self, conn: _ServerConn, method: str, path: str, headers: dict, body: bytes,
                arrived: float) -> None:
        """Answer one request (``arrived``: when its head was received); the connection reads
        no further request until this one is answered."""
        if path.endswith("/_stats"):
            return self._send(conn, 200, self.stats())
        if path.endswith("/_reset"):
            self._reset_stats()
            return self._send(conn, 200, self.stats())
        self.requests += 1
        if self.first_at is None:
            self.first_at = arrived
        if "authorization" in headers:
            self.auth_headers.append(headers["authorization"])
        fault = self.faults.pop(0) if self.faults else None
        if fault == "drop":
            return conn.close()
        if fault == "429":
            return self._send(conn, 429, {"error": {"message": "rate limited"}}, {"Retry-After": "0.05"})
        if fault == "500":
            return self._send(conn, 500, {"error": {"message": "boom"}})
        try:
            payload = json.loads(body)
        except ValueError:
            return self._send(conn, 400, {"error": {"message": "bad JSON"}})
        if method != "POST" or not path.endswith(("/chat/completions", "/completions")):
            return self._send(conn, 404, {"error": {"message": f"no route {path}"}})
        # The reply is built now, before the wait, and written by the timer itself, so replies
        # falling due together go out back to back.
        body = self._completion(path, payload)
        if fault == "bad_json":
            body = b'{"choices": [{"mess'
        job = (conn, self._response(200, body), None if fault == "bad_json" else (conn.number, arrived))
        if self._free:
            self._free -= 1
            self._start(job, arrived)
        else:
            self._waiting.append(job)  # its latency starts when a slot frees

    def _start(self, job, since: float) -> None:
        if not self.latency:
            return self._deliver(job)
        self._loop.call_at(since + self.latency, self._deliver, job)

    def _deliver(self, job) -> None:
        """Write a completion's reply and count it; its slot goes to the next waiting request."""
        conn, data, served = job
        if served is not None:
            self.served += 1
            self.last_at = time.monotonic()
            self.trace.append((*served, self.last_at))
        conn.reply(data)
        if self._waiting:
            self._start(self._waiting.popleft(), time.monotonic())
        else:
            self._free += 1

    def _completion(self, path: str, payload: dict) -> bytes:
        if path.endswith("/chat/completions"):
            prompt = payload["messages"][-1]["content"]
            self.hits[prompt] += 1
            result = {"object": "chat.completion", "model": payload.get("model"),
                      "choices": [{"index": 0, "finish_reason": "stop",
                                   "message": {"role": "assistant", "content": self._reply(prompt)}}]}
        else:
            prompt = payload["prompt"]
            self.hits[prompt] += 1
            logprobs = None if self.no_logprobs or not payload.get("logprobs") else self._logprobs(prompt)
            result = {"object": "text_completion", "model": payload.get("model"),
                      "choices": [{"index": 0, "text": " ", "logprobs": logprobs, "finish_reason": "length"}]}
        return json.dumps(result, ensure_ascii=False).encode()

    def _send(self, conn: _ServerConn, status: int, obj, extra: dict | None = None) -> None:
        conn.reply(self._response(status, json.dumps(obj, ensure_ascii=False).encode(), extra))

    @staticmethod
    def _response(status: int, body: bytes, extra: dict | None = None) -> bytes:
        head = [f"HTTP/1.1 {status} X", "Content-Type: application/json", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in (extra or {}).items()]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._free = self.capacity or 10_000
        self._waiting: deque = deque()

        def connection() -> _ServerConn:
            self._connections += 1
            return _ServerConn(self, self._connections)

        self._server = await self._loop.create_server(connection, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"


class _ServerConn(asyncio.Protocol):
    """One client connection of the reference server: requests are parsed as their bytes
    arrive, and a request's arrival is the moment its head is received (not when a task
    gets round to reading it); one request at a time is answered, in order."""

    def __init__(self, server: FakeOpenAIServer, number: int):
        self.server, self.number = server, number
        self.transport = None
        self.buf = bytearray()
        self.busy = False
        self.arrived: float | None = None  # when the head of the request being read came in

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        if not self.busy:
            self._next()

    def connection_lost(self, exc):
        self.transport = None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def reply(self, data: bytes) -> None:
        if self.transport is None:
            return
        self.transport.write(data)
        self.busy = False
        if self.buf:
            self._next()

    def _next(self) -> None:
        """Take the next whole request from the buffer, if there is one."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        if self.arrived is None:
            self.arrived = time.monotonic()
        try:
            start, headers = parse_head(bytes(self.buf[:end]))
            method, path, _ = start.split(" ", 2)
            length = int(headers.get("content-length", 0))
        except ValueError:
            return self.close()
        if len(self.buf) < end + 4 + length:
            return
        body = bytes(self.buf[end + 4:end + 4 + length])
        del self.buf[:end + 4 + length]
        arrived, self.arrived = self.arrived, None
        self.busy = True
        self.server._arrive(self, method, path, headers, body, arrived)


class PreciseEpollSelector(selectors.EpollSelector):
    """An epoll selector whose timeouts are kept to the microsecond.

    ``epoll_wait`` takes whole milliseconds and Python rounds a timeout up, so a timer fires
    up to 1 ms late (about 0.5 ms on average): at 200 ms latency that is a quarter of a
    percent of every round trip. Waiting for the epoll descriptor itself with ``select()``,
    whose timeout is in microseconds, keeps the deadline; epoll then only collects the events.
    """

    def select(self, timeout: float | None = None):
        if timeout is not None and timeout > 0:
            select.select([self._selector.fileno()], [], [], timeout)
            timeout = 0
        return super().select(timeout)


def tighten_timer_slack() -> None:
    """Linux lets a sleeping thread's timer fire up to 50 µs late by default (its timer slack,
    to merge wake-ups); ask for 1 µs on the calling thread, the server's, so a reply's due
    time is kept. Elsewhere, or where it is refused, nothing changes."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(29, 1000, 0, 0, 0)  # PR_SET_TIMERSLACK, in nanoseconds


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The server's event loop: asyncio's, with :class:`PreciseEpollSelector` where there is epoll."""
    if hasattr(selectors, "EpollSelector"):
        return asyncio.SelectorEventLoop(PreciseEpollSelector())
    return asyncio.new_event_loop()


@contextmanager
def serve_in_thread(**options):
    """Start a :class:`FakeOpenAIServer` on its own thread and event loop; yields the server."""
    server = FakeOpenAIServer(**options)
    loop = new_event_loop()
    ready = threading.Event()

    def run():
        tighten_timer_slack()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True, name="fake-openai-server")
    thread.start()
    ready.wait(10)
    try:
        yield server
    finally:
        async def stop():
            server._server.close()
        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="FAKE OpenAI-compatible server (tests and benchmarks)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--capacity", type=int)
    parser.add_argument("--key", help="JSON file: question → gold letter or reference answer")
    parser.add_argument("--accuracy", type=float, default=0.7)
    args = parser.parse_args(argv)
    key = json.loads(Path(args.key).read_text(encoding="utf-8")) if args.key else None

    async def serve():
        server = FakeOpenAIServer(host=args.host, port=args.port, latency=args.latency, capacity=args.capacity,
                                  key=key, accuracy=args.accuracy)
        await server.start()
        print(f"listening {server.base_url}", flush=True)
        await asyncio.Event().wait()

    tighten_timer_slack()
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        runner.run(serve())


if __name__ == "__main__":
    main()
