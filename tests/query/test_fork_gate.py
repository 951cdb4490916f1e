"""Forks and in-process engine work never overlap (milia_kg.query.isolate.FORK_GATE).

A forked child inherits every lock another thread held at the instant of the fork, held for good: a
threaded ``milia-kg serve`` saw about one query child in 5,000 hang on Oxigraph's storage mutex.
These tests stand a plain lock in for the engine's, so they fail the same way without the gate.
"""

from __future__ import annotations

import threading
import time

import pytest

from milia_kg import KnowledgeGraph
from milia_kg.query.isolate import FORK_GATE, ForkGate, can_fork, run_isolated

pytestmark = pytest.mark.skipif(not can_fork(), reason="forks only on POSIX")


def _hold_while(gate_hold: float, engine_lock: threading.Lock, started: threading.Event) -> None:
    with FORK_GATE.shared(), engine_lock:
        started.set()
        time.sleep(gate_hold)


def test_a_fork_waits_for_engine_work_so_the_child_never_inherits_its_lock() -> None:
    engine_lock = threading.Lock()  # stands in for the engine's internal mutex
    started = threading.Event()
    reader = threading.Thread(target=_hold_while, args=(0.3, engine_lock, started))
    reader.start()
    started.wait()
    took = time.monotonic()
    # the child takes the "engine" lock as a query would; inherited held, it would wait forever
    assert run_isolated(lambda: engine_lock.acquire(timeout=2), timeout=10, max_memory=1 << 28) is True
    assert time.monotonic() - took >= 0.2  # the fork waited for the reader to leave the engine
    reader.join()


@pytest.mark.parametrize("first", ["shared", "exclusive"])
def test_shared_and_exclusive_exclude_each_other(first: str) -> None:
    gate = ForkGate()
    inside: list[str] = []
    entered = threading.Event()

    def hold() -> None:
        with getattr(gate, first)():
            inside.append(first)
            entered.set()
            time.sleep(0.2)
            inside.append(f"{first} done")

    other = "exclusive" if first == "shared" else "shared"
    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait()
    with getattr(gate, other)():
        inside.append(other)
    holder.join()
    assert inside == [first, f"{first} done", other]


def test_readers_share_the_gate() -> None:
    gate = ForkGate()
    with gate.shared(), gate.shared():  # a second reader does not wait for the first
        pass


def test_queries_and_isolated_queries_from_many_threads() -> None:
    """Catalogue queries in-process and free SPARQL in forked children, side by side: all answered."""
    kg = KnowledgeGraph.open()
    limited = kg.with_limits(timeout=10)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(15):
                if i % 2:
                    assert limited.sparql("ASK { ?s ?p ?o }") is True
                else:
                    assert kg.query("subtypes")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
