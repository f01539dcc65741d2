"""The toolkit's HTTP plumbing and the reference server's clock: reading a message head,
the microsecond selector, latency counted from arrival, the per-round-trip breakdown."""

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from luzhi.proving_ground.tests.toolkit_helpers import write_mc_set
from luzhi.proving_ground.toolkit import benchmarks
from luzhi.proving_ground.toolkit.cache import MemoryCache
from luzhi.proving_ground.toolkit.client import Sender
from luzhi.proving_ground.toolkit.evaluate import Options
from luzhi.proving_ground.toolkit.evaluate import evaluate
from luzhi.proving_ground.toolkit.fake_openai_server import PreciseEpollSelector
from luzhi.proving_ground.toolkit.fake_openai_server import round_trip_overheads
from luzhi.proving_ground.toolkit.fake_openai_server import serve_in_thread
from luzhi.proving_ground.toolkit.http import Client
from luzhi.proving_ground.toolkit.http import Endpoint
from luzhi.proving_ground.toolkit.http import HTTPError
from luzhi.proving_ground.toolkit.http import read_head


def _run(coro):
    """Run ``coro`` on a fresh loop in a thread of its own (another test may leave a loop
    running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _reader(data: bytes, *, eof: bool = True) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    return reader


def test_read_head_reads_start_line_and_headers_and_leaves_the_body():
    async def go():
        reader = _reader(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        head = await read_head(reader)
        return head, await reader.read()

    (start, headers), rest = _run(go())
    assert start == "HTTP/1.1 200 OK"
    assert headers == {"content-type": "application/json", "content-length": "2"}
    assert rest == b"{}"


def test_read_head_is_none_at_a_clean_end_and_fails_on_a_cut_head():
    async def head_of(data: bytes):
        return await read_head(_reader(data))

    assert _run(head_of(b"")) is None
    with pytest.raises(asyncio.IncompleteReadError):
        _run(head_of(b"HTTP/1.1 200 OK\r\nContent-Le"))


@pytest.mark.skipif(not hasattr(__import__("selectors"), "EpollSelector"), reason="epoll is Linux's")
def test_precise_selector_reports_ready_sockets_and_times_out_empty():
    a, b = socket.socketpair()
    selector = PreciseEpollSelector()
    try:
        selector.register(a, 1)  # EVENT_READ
        assert selector.select(0.0004) == []  # a sub-millisecond wait, nothing ready
        b.send(b"x")
        assert [key.fileobj for key, _ in selector.select(5)] == [a]
    finally:
        selector.close()
        a.close()
        b.close()


def test_round_trip_overheads_split_server_and_client_time():
    # Connection 1: two round trips; connection 2: one. Latency 200 ms.
    trace = [(1, 0.000, 0.201), (2, 0.0005, 0.2015), (1, 0.203, 0.404)]
    got = round_trip_overheads(trace, 0.2)
    assert got == {"server_ms": 1.0, "client_ms": 2.0, "round_trip_ms": 3.0}
    assert round_trip_overheads([], 0.2)["round_trip_ms"] is None


def test_server_never_answers_before_the_latency_has_passed_since_arrival(tmp_path):
    key = write_mc_set(tmp_path / "s", 40)
    bench = benchmarks.load("jsonl", tmp_path / "s", "val")
    with serve_in_thread(key=key, latency=0.03, capacity=4) as server:
        evaluate(bench, Sender(server.base_url, concurrency=8), Options("fake"), MemoryCache())
        trace, stats = list(server.trace), server.stats()
    assert len(trace) == 40 and stats["served"] == 40
    # Capacity 4 of 8 in flight: some wait for a slot, and their latency starts then.
    assert all(replied - arrived >= 0.03 - 1e-6 for _conn, arrived, replied in trace)
    # A slot is held for the whole latency: 40 requests through 4 slots take 10 latencies at least.
    assert stats["last_at"] - stats["first_at"] >= 10 * 0.03 - 1e-6
    assert stats["first_at"] == min(arrived for _c, arrived, _r in trace)
    assert stats["server_ms"] >= 0 and stats["client_ms"] >= 0


def _canned_client(replies: list[bytes]):
    """A loopback server answering the n-th request on a connection with ``replies[n]`` (a
    ``None`` reply closes the connection), and a :class:`Client` for it; use inside a loop.
    ``seen`` (the server's attribute) counts the requests it read."""
    async def start():
        async def handle(reader, writer):
            for reply in replies:
                if await read_head(reader) is None:
                    break
                await reader.readexactly(2)  # the body: "{}"
                server.seen += 1
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        server.seen = 0
        port = server.sockets[0].getsockname()[1]
        return server, Client(Endpoint.parse(f"http://127.0.0.1:{port}/v1"), timeout=5)
    return start()


def test_client_reads_chunked_length_and_close_delimited_bodies_on_one_connection():
    async def go():
        server, client = await _canned_client([
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=1\r\n{\"a\"\r\n3\r\n: 1\r\n1\r\n}\r\n0\r\nX-T: 1\r\n\r\n",
            b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n[]",
            b"HTTP/1.0 503 X\r\n\r\nto the end",
        ])
        try:
            got = [await client.post_json("/x", {}) for _ in range(3)]
            return got, len(client._idle)
        finally:
            await client.close()
            server.close()

    (chunked, sized, to_end), idle = _run(go())
    assert (chunked.status, chunked.json()) == (200, {"a": 1})
    assert (sized.status, sized.body) == (201, b"[]")
    assert (to_end.status, to_end.body) == (503, b"to the end")
    assert idle == 0  # HTTP/1.0 without a length ends the connection


@pytest.mark.parametrize(("reply", "message"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", "ended after 2 of 10 body bytes"),
    (b"HTTP/1.1 200 OK\r\nContent-Le", "ended in a response head"),
    (b"SSH-2.0-x\r\n\r\n", "not an HTTP response"),
    (None, "closed the connection without a response"),
])
def test_client_turns_cut_or_foreign_responses_into_http_errors(reply, message):
    async def go():
        server, client = await _canned_client([reply])
        try:
            with pytest.raises(HTTPError, match=message):
                await client.post_json("/x", {})
        finally:
            await client.close()
            server.close()

    _run(go())


def test_client_opens_connections_ahead_and_a_refused_endpoint_is_no_error_then():
    async def go():
        server, client = await _canned_client([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"])
        opened = await client.open(3)
        idle = len(client._idle)
        await client.close()
        server.close()
        refused = Client(Endpoint.parse(f"http://127.0.0.1:{_free_port()}/v1"), timeout=5)
        return opened, idle, await refused.open(2)

    assert _run(go()) == (3, 3, 0)


def test_a_connection_opened_ahead_that_closes_unanswered_is_an_error_not_a_silent_resend():
    async def go():
        server, client = await _canned_client([None])  # reads the request, closes without a reply
        await client.open(1)
        try:
            with pytest.raises(HTTPError, match="closed the connection without a response"):
                await client.post_json("/x", {})
            return server.seen
        finally:
            await client.close()
            server.close()

    assert _run(go()) == 1  # sent once: only a connection that has answered before may be stale


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("first", "followed"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", True),
    (b"HTTP/1.1 429 X\r\nRetry-After: 1\r\nContent-Length: 2\r\n\r\n{}", False),
    (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", False),
])
def test_a_follow_up_goes_out_on_the_connection_only_after_a_200_kept_alive(first, followed):
    async def go():
        server, client = await _canned_client([first, b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n[1]"])
        try:
            response, pending = await client.post_json_then("/x", {}, ("/x", {}))
            second = (await client.finish(pending))[0] if pending is not None else None
            return response.status, second and second.body, server.seen
        finally:
            await client.close()
            server.close()

    status, second, seen = _run(go())
    if followed:
        assert (status, second, seen) == (200, b"[1]", 2)
    else:
        assert second is None and seen == 1  # not sent: the caller sends it itself


def test_a_retry_never_runs_beside_the_follow_up_already_sent(tmp_path):
    """A 200 with malformed JSON has had the next request written behind it already: the
    retry waits for that one's reply, so a worker never has two requests in flight."""
    key = write_mc_set(tmp_path / "s", 6)
    bench = benchmarks.load("jsonl", tmp_path / "s", "val")
    with serve_in_thread(key=key, latency=0.03, faults=["bad_json"]) as server:
        results = evaluate(bench, Sender(server.base_url, concurrency=1, backoff=0.001), Options("fake"),
                           MemoryCache())
        trace = sorted(server.trace, key=lambda t: t[1])
    assert results["requests"]["retries"] == 1 and results["requests"]["failed"] == 0
    assert len(trace) == 6 and server.requests == 7  # the malformed one twice, no other resent
    assert all(later[1] >= earlier[2] for earlier, later in zip(trace, trace[1:], strict=False))
