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
from luzhi.proving_ground.toolkit.evaluate import Options, evaluate
from luzhi.proving_ground.toolkit.fake_openai_server import (
    PreciseEpollSelector,
    round_trip_overheads,
    serve_in_thread,
)
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
