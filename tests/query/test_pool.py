"""The pre-forked query workers (milia_kg.query.pool): many requests per worker, and the isolation of
a forked child kept: time limit, memory cap, crash, answer size, each costing only its worker."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import stat
import time
from collections.abc import Iterator
from typing import Any

import pytest

from milia_kg.errors import (
    AnswerSizeError,
    InvalidQueryError,
    MemoryLimitError,
    QueryLimitError,
    QueryTimeoutError,
)
from milia_kg.query.isolate import can_fork
from milia_kg.query.pool import WorkerPool

pytestmark = pytest.mark.skipif(not can_fork(), reason="forks only on POSIX")

MAX_BYTES = 1 << 20


def handler(request: tuple[str, Any]) -> Any:
    """What the tests ask a worker to do."""
    kind, arg = request
    if kind == "echo":
        return arg, os.getpid()
    if kind == "sleep":
        time.sleep(arg)
        return "woke"
    if kind == "span":
        started = time.time()
        time.sleep(arg)
        return started, time.time()
    if kind == "allocate":
        return len(bytearray(arg))
    if kind == "signal":
        os.kill(os.getpid(), arg)
        time.sleep(5)
    if kind == "big":
        return b"x" * arg
    if kind == "refuse":
        raise InvalidQueryError(arg)
    raise AssertionError(kind)


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(handler, size=2, max_memory=256 << 20, max_bytes=MAX_BYTES).start()
    try:
        yield workers
    finally:
        workers.close()


def call(pool: WorkerPool, request: tuple[str, Any], timeout: float = 10.0) -> Any:
    return asyncio.run(pool.call(request, timeout))


def test_workers_answer_many_requests_without_forking(pool: WorkerPool) -> None:
    pids = set(pool.pids)
    answers = [call(pool, ("echo", i)) for i in range(40)]
    assert [value for value, _ in answers] == list(range(40))
    assert {pid for _, pid in answers} <= pids and os.getpid() not in pids
    assert set(pool.pids) == pids


def test_concurrent_calls_use_every_worker(pool: WorkerPool) -> None:
    async def both() -> list[Any]:
        return await asyncio.gather(pool.call(("span", 0.5), 10), pool.call(("span", 0.5), 10))

    (start_a, end_a), (start_b, end_b) = asyncio.run(both())
    assert start_a < end_b and start_b < end_a  # in parallel, not one after the other


def test_a_runaway_is_killed_at_the_deadline_and_replaced(pool: WorkerPool) -> None:
    before = set(pool.pids)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"time limit of 0\.5 s"):
        call(pool, ("sleep", 60), timeout=0.5)
    assert time.monotonic() - started < 3
    after = set(pool.pids)
    assert len(after) == 2 and len(before - after) == 1  # one worker killed, one new in its place
    assert call(pool, ("echo", "still here"))[0] == "still here"


def test_a_query_over_its_memory_share_is_stopped_and_the_worker_retires(pool: WorkerPool) -> None:
    before = set(pool.pids)
    with pytest.raises(MemoryLimitError, match="memory limit of 256 MiB"):
        call(pool, ("allocate", 1 << 30))
    assert len(set(pool.pids) - before) == 1
    assert call(pool, ("allocate", 1 << 20)) == 1 << 20


@pytest.mark.parametrize(("sig", "error", "message"), [
    (signal.SIGABRT, MemoryLimitError, "memory limit of 256 MiB"),  # Oxigraph aborts on a failed allocation
    (signal.SIGSEGV, QueryLimitError, r"the engine crashed \(signal 11\)"),
])
def test_a_worker_that_dies_is_an_error_for_its_request_only(
        pool: WorkerPool, sig: int, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call(pool, ("signal", sig))
    assert len(pool.pids) == 2
    assert call(pool, ("echo", 1))[0] == 1


def test_a_large_answer_is_refused(pool: WorkerPool) -> None:
    with pytest.raises(AnswerSizeError):
        call(pool, ("big", 3 * MAX_BYTES))
    assert call(pool, ("big", 10)) == b"x" * 10


def test_typed_errors_come_back_as_raised(pool: WorkerPool) -> None:
    pids = set(pool.pids)
    with pytest.raises(InvalidQueryError, match="no such thing"):
        call(pool, ("refuse", "no such thing"))
    assert set(pool.pids) == pids  # a refusal costs no worker


def test_a_worker_killed_while_idle_is_replaced_before_use(pool: WorkerPool) -> None:
    for pid in pool.pids:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert call(pool, ("echo", "fresh"))[0] == "fresh"
    assert len(pool.pids) == 2


def test_workers_hold_no_socket_but_their_own(pool: WorkerPool) -> None:
    """A long-lived worker holding a client connection or the listening socket would keep either
    open after the server closed it."""
    listening = socket.create_server(("127.0.0.1", 0))
    try:
        with pytest.raises(QueryTimeoutError):  # the replacement is forked while `listening` is open
            call(pool, ("sleep", 60), timeout=0.2)

        async def both() -> list[Any]:  # once each worker has answered, it is past its start-up
            return await asyncio.gather(pool.call(("span", 0.2), 10), pool.call(("span", 0.2), 10))

        asyncio.run(both())
        for pid in pool.pids:
            sockets = []
            for name in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if stat.S_ISSOCK(os.stat(f"/proc/{pid}/fd/{name}").st_mode):
                        sockets.append(name)
                except OSError:
                    continue
            assert len(sockets) == 1, (pid, sockets)
    finally:
        listening.close()


def test_closing_the_pool_ends_its_workers() -> None:
    workers = WorkerPool(handler, size=2, max_memory=64 << 20, max_bytes=MAX_BYTES).start()
    pids = workers.pids
    workers.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
