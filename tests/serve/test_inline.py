"""Quick calls run on the event loop, slow ones on a worker thread (milia_kg/serve/inline.py)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

pytest.importorskip("starlette", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from milia_kg.serve.inline import QuickCalls


def _where() -> int:
    return threading.get_ident()


def _spin(seconds: float) -> int:
    """Spend ``seconds`` of this thread's CPU; the thread's id."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass
    return threading.get_ident()


def _fail() -> int:
    raise KeyError("nowhere")


def test_quick_call_moves_to_the_loop() -> None:
    async def scenario() -> list[bool]:
        calls = QuickCalls(budget=0.05)
        loop_thread = threading.get_ident()
        ran = [await calls.run(("q", "a"), _where) for _ in range(3)]
        other = await calls.run(("q", "b"), _where)  # another request: not known yet
        return [t == loop_thread for t in [*ran, other]]

    assert asyncio.run(scenario()) == [False, True, True, False]


def test_slow_call_stays_on_a_thread() -> None:
    async def scenario() -> tuple[list[bool], bool]:
        calls = QuickCalls(budget=0.002)
        loop_thread = threading.get_ident()
        ran = [await calls.run("slow", _spin, 0.004) != loop_thread for _ in range(3)]
        return ran, calls.is_quick("slow")

    assert asyncio.run(scenario()) == ([True, True, True], False)


def test_known_quick_call_that_turns_slow_goes_back_to_a_thread() -> None:
    async def scenario() -> list[bool]:
        calls = QuickCalls(budget=0.002)
        loop_thread = threading.get_ident()
        seen = [await calls.run("k", _spin, 0.0) == loop_thread,   # first: a thread
                await calls.run("k", _spin, 0.004) == loop_thread,  # known quick: the loop, but slow
                await calls.run("k", _spin, 0.0) == loop_thread]   # so a thread again
        return [*seen, calls.is_quick("k")]

    assert asyncio.run(scenario()) == [False, True, False, True]


def test_failure_is_not_learned() -> None:
    async def scenario() -> bool:
        calls = QuickCalls()
        for _ in range(2):
            with pytest.raises(KeyError):
                await calls.run("bad", _fail)
        return calls.is_quick("bad")

    assert asyncio.run(scenario()) is False


def test_at_most_size_keys_kept_least_recent_dropped() -> None:
    async def scenario() -> list[bool]:
        calls = QuickCalls(budget=0.05, size=2)
        for key in ("a", "b", "a", "c"):  # "a" used again, so "b" is the least recent when "c" comes
            await calls.run(key, _where)
        return [calls.is_quick(k) for k in ("a", "b", "c")]

    assert asyncio.run(scenario()) == [True, False, True]
