"""Several server processes on one listening socket, so that HTTP work uses every core.

One Python process holds one interpreter lock: however many query workers it has, parsing requests
and writing answers run on one core. :func:`supervise` forks ``count`` server processes from the
process that loaded the graph (before it starts any thread, so no lock is inherited held); each
accepts from the same listening socket, runs its own event loop and its own query workers, and
shares the loaded store copy-on-write. The supervisor only waits: SIGINT or SIGTERM is passed on
to every server, which finishes its requests and exits; a server that dies otherwise is replaced
(at most :data:`MAX_RESTARTS` times, then the service stops with an error).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from types import FrameType

from milia_kg.errors import MiliaKGError

__all__ = ["MAX_RESTARTS", "supervise"]

#: Servers replaced after dying unasked, before the supervisor gives up.
MAX_RESTARTS = 20


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when its parent dies (a supervisor killed hard)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start(serve: Callable[[int], None], index: int) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the server exits here
        code = 0
        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            _die_with_parent()
            serve(index)
        except BaseException as exc:  # one line, as every other failure of the command
            print(f"milia-kg serve: server process {index} failed: {exc}", file=sys.stderr, flush=True)
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    return pid


def supervise(serve: Callable[[int], None], count: int) -> None:
    """Run ``serve(index)`` in ``count`` forked processes until SIGINT or SIGTERM.

    :raises MiliaKGError: if servers kept dying unasked (more than :data:`MAX_RESTARTS` times).
    """
    stopping = False
    running: dict[int, int] = {}

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    restarts = 0
    try:
        for index in range(count):
            running[_start(serve, index)] = index
        while running:
            try:
                pid, _ = os.wait()
            except ChildProcessError:
                break
            index = running.pop(pid, -1)
            if stopping or index < 0:
                continue
            restarts += 1
            if restarts > MAX_RESTARTS:
                stop(signal.SIGTERM, None)
                for pid in list(running):
                    with contextlib.suppress(ChildProcessError):
                        os.waitpid(pid, 0)
                raise MiliaKGError(f"server processes died {restarts} times; stopping")
            time.sleep(0.1)
            running[_start(serve, index)] = index
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
