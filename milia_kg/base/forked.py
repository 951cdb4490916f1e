"""Run one function in a forked child while the caller goes on; collect its result later.

Why: ``milia-kg build`` validates (pyshacl, the QC checks) and writes its products from the same
reasoned graph, and the two do not depend on each other until the end. A forked child starts with
the graph already in memory (nothing is pickled on the way in), so the two run on two cores. The
result comes back pickled through a pipe; an exception raised in the child is raised again by
:meth:`Pending.result`. Where ``os.fork`` does not exist, the function runs on the spot.

>>> with start(sum, [1, 2, 3]) as pending:
...     pending.result()
6
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from milia_kg.errors import MiliaKGError

__all__ = ["Pending", "start"]

T = TypeVar("T")


class Pending(Generic[T]):
    """The result of a function started by :func:`start`: :meth:`result` waits for it."""

    def __init__(self, pid: int | None, reader: int | None, value: tuple[bool, Any] | None = None) -> None:
        self._pid = pid
        self._reader = reader
        self._value = value

    @property
    def pid(self) -> int | None:
        """The child's process id while it is not reaped (``None`` after, or when nothing was forked)."""
        return self._pid

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()

    def cancel(self) -> None:
        """Stop the child if it still runs and reap it (the caller gave up on the result)."""
        if self._pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        self._pid = None
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None

    def result(self) -> T:
        """The function's return value (waiting for the child to end); its exception, raised here.

        :raises MiliaKGError: if the child died without an answer (killed, out of memory).
        """
        if self._value is None:
            self._value = self._collect()
        ok, value = self._value
        if not ok:
            raise value
        return value

    def _collect(self) -> tuple[bool, Any]:
        assert self._pid is not None and self._reader is not None
        chunks = []
        reader, self._reader = self._reader, None
        with os.fdopen(reader, "rb") as pipe:
            while chunk := pipe.read(1 << 16):
                chunks.append(chunk)
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        try:
            answer = pickle.loads(b"".join(chunks))
        except Exception:  # nothing (or half an answer) came back: say how the child ended
            code = os.waitstatus_to_exitcode(status)
            raise MiliaKGError(f"a background process ended without an answer (exit status {code})") from None
        if not (isinstance(answer, tuple) and len(answer) == 2):
            raise MiliaKGError("a background process sent a malformed answer")
        return answer


def _answer(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """The pickled ``(True, result)`` or ``(False, exception)``; an exception that does not pickle
    becomes a :class:`MiliaKGError` with its text."""
    try:
        outcome: tuple[bool, Any] = (True, function(*args))
    except BaseException as error:  # everything goes back to the parent
        outcome = (False, error)
    try:
        data = pickle.dumps(outcome)
        pickle.loads(data)  # an exception whose constructor takes other arguments than it keeps fails here
        return data
    except Exception:  # an unpicklable result or exception: its text still goes back
        failure = outcome[1] if not outcome[0] else TypeError("the result could not be sent back")
        return pickle.dumps((False, MiliaKGError(f"{type(failure).__name__}: {failure}")))


def start(function: Callable[..., T], *args: Any) -> Pending[T]:
    """Call ``function(*args)`` in a forked child; the caller continues at once.

    The child never returns into the caller's code: it ends with ``os._exit`` after sending its
    answer, so no ``finally`` or context manager of the caller runs twice.
    """
    if not hasattr(os, "fork"):
        try:
            return Pending(None, None, (True, function(*args)))
        except Exception as error:  # raised by result(), as in a child
            return Pending(None, None, (False, error))
    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(reader)
            data = _answer(function, args)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # the parent reports a child without an answer
            code = 70
        finally:
            os._exit(code)
    os.close(writer)
    return Pending(pid, reader)
