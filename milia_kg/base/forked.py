"""Run one function in a forked child while the caller goes on; collect its result later.

Why: ``milia-kg build`` validates (pyshacl, the QC checks) and writes its products from the same
reasoned graph, and the two do not depend on each other until the end. A forked child starts with
the graph already in memory (nothing is pickled on the way in), so the two run on two cores. The
result comes back pickled through a pipe; an exception raised in the child is raised again by
:meth:`Pending.result`. Where ``os.fork`` does not exist, the function runs on the spot.

:func:`start_fed` forks before the inputs exist: the child prepares (imports, reads files) while the
parent computes, then reads what the parent sends (:meth:`Fed.send`, pickled, in order) from its
:class:`Inbox`. ``build`` starts validation so, and pyshacl's import overlaps the parse and reasoning.

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
from typing import Any, Generic, Self, TypeVar

from milia_kg.errors import MiliaKGError

__all__ = ["Fed", "Inbox", "Pending", "start", "start_fed"]

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

    def __enter__(self) -> Self:
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
    return Pending(*_fork(function, args))


def _fork(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[int, int]:
    """Fork a child that sends back :func:`_answer` and exits; return its pid and the pipe to read."""
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
    return pid, reader


#: Bytes asked for the pipe to a fed child, so that :meth:`Fed.send` returns at once while the child
#: still prepares (Linux's default is 64 KiB; a larger message waits for the child to read it).
PIPE_BYTES = 1 << 20


class Inbox:
    """What the parent sends a child of :func:`start_fed`: :meth:`get` returns one sent tuple, in order."""

    def __init__(self, reader: int | None = None, queued: list[tuple[Any, ...]] | None = None) -> None:
        self._pipe = os.fdopen(reader, "rb") if reader is not None else None
        self._queued = queued if queued is not None else []

    def get(self) -> tuple[Any, ...]:
        """The next tuple the parent sent (waiting for it).

        :raises EOFError: if the parent closed the pipe first (it stopped, or is collecting the result).
        """
        if self._pipe is None:
            if not self._queued:
                raise EOFError("nothing more was sent")
            return self._queued.pop(0)
        header = self._pipe.read(8)
        if len(header) < 8:
            raise EOFError("the parent stopped sending")
        data = self._pipe.read(int.from_bytes(header, "big"))
        values: tuple[Any, ...] = pickle.loads(data)  # the tuple the parent pickled
        return values


class Fed(Pending[T]):
    """A child of :func:`start_fed`: :meth:`send` passes it inputs, :meth:`result` waits for its answer."""

    def __init__(self, pid: int | None, reader: int | None, writer: int | None,
                 function: Callable[..., T] | None = None, args: tuple[Any, ...] = ()) -> None:
        super().__init__(pid, reader)
        self._writer = writer
        self._function = function  # only where nothing was forked: run by result() on what was sent
        self._args = args
        self._queued: list[tuple[Any, ...]] = []

    def send(self, *values: Any) -> None:
        """Pickle ``values`` to the child, which reads them with :meth:`Inbox.get`. A child that already
        ended is not an error here: :meth:`result` says how it ended."""
        if self._function is not None:
            self._queued.append(values)
            return
        if self._writer is None:
            return
        data = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(BrokenPipeError):
            view = memoryview(len(data).to_bytes(8, "big") + data)
            while view:
                view = view[os.write(self._writer, view):]

    def _close_writer(self) -> None:
        if self._writer is not None:
            os.close(self._writer)
            self._writer = None

    def cancel(self) -> None:
        self._close_writer()
        super().cancel()

    def result(self) -> T:
        """As :meth:`Pending.result`; the child reads no more input once this is called."""
        self._close_writer()
        if self._function is not None:
            function, self._function = self._function, None
            try:
                self._value = (True, function(Inbox(queued=self._queued), *self._args))
            except Exception as error:  # raised below, as from a child
                self._value = (False, error)
        return super().result()


def start_fed(function: Callable[..., T], *args: Any) -> Fed[T]:
    """Call ``function(inbox, *args)`` in a forked child that reads its later inputs from ``inbox``
    (an :class:`Inbox`) as the parent sends them. Where ``os.fork`` does not exist, :meth:`Fed.result`
    calls it in this process with what was sent."""
    if not hasattr(os, "fork"):
        return Fed(None, None, None, function, args)
    import fcntl  # with os.fork: a POSIX system

    feed_reader, feed_writer = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # F_SETPIPE_SZ: Linux only; elsewhere the default
        fcntl.fcntl(feed_writer, fcntl.F_SETPIPE_SZ, PIPE_BYTES)

    def fed(*args: Any) -> T:
        os.close(feed_writer)
        return function(Inbox(feed_reader), *args)

    try:
        pid, reader = _fork(fed, args)
    finally:
        os.close(feed_reader)
    return Fed(pid, reader, feed_writer)
