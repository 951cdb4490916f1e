"""Run a quick call on the event loop, a slow one on a worker thread: which is which is learned per
request, by the CPU time its last run took.

A canned query answered over REST (``/api/queries/NAME``) ran on Starlette's thread pool so that it
never held the event loop: the hop to a thread and back cost 0.3-0.4 ms of CPU per request, more
than half of what the query itself takes (0.58 ms on average over the catalogue; the server process
spent 1.4-1.7 ms a request in all; issue 22, target 1). :class:`QuickCalls` runs a request on the
loop once the same request (its key: the query's name and parameters) has been seen to take less
than ``budget`` seconds of CPU; the first run, and every run after one over the budget, goes to the
thread pool. The loop is therefore held only by requests known to be short; the store is read-only
while serving, so a request's cost does not drift. Only the keys of quick requests are kept
(their hashes: at most ``size``, the least recently used dropped first), never an answer; two keys
of one hash only mean that a slow request may run once on the loop before it is known slow.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

__all__ = ["QuickCalls"]

T = TypeVar("T")


class QuickCalls:
    """Calls run on the event loop once their key is known to take under ``budget`` s of CPU, else on
    Starlette's thread pool; at most ``size`` keys kept."""

    def __init__(self, budget: float = 0.003, size: int = 4096) -> None:
        self.budget, self.size = budget, size
        self._quick: OrderedDict[int, None] = OrderedDict()

    def is_quick(self, key: Hashable) -> bool:
        """Whether ``key`` runs on the loop next time."""
        return hash(key) in self._quick

    async def run(self, key: Hashable, func: Callable[..., T], *args: object) -> T:
        """``func(*args)``: here when ``key`` is known quick, else on a worker thread; either way its
        CPU time decides where ``key`` runs next (a call that raises is not timed)."""
        digest = hash(key)
        if digest in self._quick:
            self._quick.move_to_end(digest)
            value, spent = _timed(func, *args)
        else:
            value, spent = await run_in_threadpool(_timed, func, *args)
        self._learn(digest, spent)
        return value

    def _learn(self, key: int, spent: float) -> None:
        if spent >= self.budget:
            self._quick.pop(key, None)
            return
        self._quick[key] = None
        if len(self._quick) > self.size:
            self._quick.popitem(last=False)


def _timed(func: Callable[..., T], *args: object) -> tuple[T, float]:
    """``func(*args)`` and the CPU seconds this thread spent on it."""
    start = time.thread_time()
    value = func(*args)
    return value, time.thread_time() - start
