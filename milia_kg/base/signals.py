"""SIGTERM as an interruption, so that a command's cleanup runs: by default SIGTERM ends the process
at once, and ``milia-kg merge`` left its temporary store folder behind (``kill``, a CI job's stop,
``docker stop`` all send SIGTERM).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["terminate_as_interrupt"]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM raises :class:`KeyboardInterrupt` as Ctrl-C does, so ``finally``
    and ``except BaseException`` cleanups run (then the CLI exits 130). Only the main thread can
    set a handler; elsewhere the block runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
