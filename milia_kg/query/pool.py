"""Pre-forked, memory-capped worker processes that evaluate untrusted queries, many each.

:func:`~milia_kg.query.isolate.run_isolated` forks a ~100 MB process per query: 8-13 ms whatever
the query, most of a served ``/sparql`` request. A :class:`WorkerPool` forks its workers once,
after the store is loaded, and sends each many requests over a Unix socket pair. Isolation stays
what it was:

* **memory**: each worker lowers its own ``RLIMIT_AS`` to what it maps at start plus its share of
  the budget; an allocation that fails is a :class:`~milia_kg.errors.MemoryLimitError`, and the
  worker, whose heap may be left fragmented, retires after answering;
* **time**: the caller waits until the deadline, then kills the worker (``SIGKILL``) and raises
  :class:`~milia_kg.errors.QueryTimeoutError`; Oxigraph cannot be interrupted, a process can;
* **crashes**: a worker that dies (Oxigraph aborts on a failed allocation, a stack overflow) is a
  typed error for that request only;
* **answer size**: an answer larger than ``max_bytes`` is refused in the worker, and a worker that
  announces more is killed before the parent reads it.

A killed or dead worker is replaced before its place is given to the next request. Forks happen
under :data:`~milia_kg.query.isolate.FORK_GATE` (a fork while another thread holds Oxigraph's
storage mutex left children hung for good); the first ones, from :meth:`WorkerPool.start`, are
meant to run before the server starts any thread.

The handler runs in the worker on the objects the parent had when it forked (the loaded store,
warm caches): only the request and the answer are pickled. The parent side is ``asyncio`` on
whatever loop is running (uvicorn's, or a test client's): :meth:`WorkerPool.call` holds no thread
while it waits. Admission (how many requests at once, queueing, ``503``) is the caller's: the pool
assumes at most :attr:`WorkerPool.size` calls at once (see :class:`milia_kg.serve.limits.QueryGate`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import os
import pickle
import signal
import socket
import struct
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from milia_kg.errors import AnswerSizeError, MemoryLimitError, QueryLimitError, QueryTimeoutError
from milia_kg.query.isolate import FORK_GATE, cap_memory, memory_message, outcome, silence_stderr

__all__ = ["WorkerPool"]

_HEADER = struct.Struct("!Q")
#: Bytes of pickling around an answer of ``max_bytes``, past which a worker is not believed.
_SLACK = 1 << 20


@dataclass
class _Worker:
    pid: int
    sock: socket.socket  # the parent's end, non-blocking
    served: int = 0
    status: int | None = None  # the wait status, once reaped (its pid may then be reused)


class WorkerPool:
    """``size`` worker processes running ``handler(request)``; see the module's docstring.

    :param handler: called in a worker with each request; its return value (or the typed error it
        raises) is pickled back.
    :param size: workers, the most requests evaluated at once.
    :param max_memory: bytes each worker may add to what it maps when it starts.
    :param max_bytes: bytes of one pickled answer.
    :param recycle: requests after which a worker is replaced (its heap only grows).
    """

    def __init__(self, handler: Callable[[Any], Any], size: int, max_memory: int, max_bytes: int,
                 recycle: int = 5_000) -> None:
        self.handler, self.size = handler, size
        self.max_memory, self.max_bytes, self.recycle = max_memory, max_bytes, recycle
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._all: dict[int, _Worker] = {}
        self._closed = False
        self._finalizer = weakref.finalize(self, _kill_all, self._all)

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> WorkerPool:
        """Fork the workers (best before the server starts threads; the fork gate is held anyway)."""
        for _ in range(self.size - len(self._all)):
            self._give_back(self._spawn())
        return self

    def close(self) -> None:
        """Kill every worker and wait for it."""
        self._closed = True
        self._finalizer()

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (for tests and the log)."""
        with self._lock:
            return list(self._all)

    def _spawn(self) -> _Worker:
        parent, child = socket.socketpair()
        with FORK_GATE.exclusive():
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the worker exits inside _serve
                parent.close()
                self._serve(child)
        child.close()
        parent.setblocking(False)
        worker = _Worker(pid, parent)
        with self._lock:
            self._all[pid] = worker
        return worker

    def _serve(self, sock: socket.socket) -> None:
        """The worker's loop: one request in, one answer out, until the parent's end closes."""
        try:
            # other workers' ends too, so that each worker sees EOF when the parent goes
            _close_inherited_sockets(sock.fileno())
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            gc.freeze()  # the parent's objects: never scanned, so their pages stay shared
            silence_stderr()
            cap_memory(self.max_memory)
            while True:
                head = _recv_exactly(sock, _HEADER.size)
                if head is None:
                    break
                request = pickle.loads(_recv_exactly(sock, _HEADER.unpack(head)[0]) or b"")
                message = outcome(functools.partial(self.handler, request), self.max_memory)
                try:
                    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:
                    data = pickle.dumps(("error", QueryLimitError(f"unsendable result: {exc}")))
                if len(data) > self.max_bytes + _SLACK:
                    data = pickle.dumps(("error", AnswerSizeError(self.max_bytes)))
                sock.sendall(_HEADER.pack(len(data)) + data)
                if isinstance(message[1], MemoryError):
                    break  # retire: the next request gets a fresh heap
        finally:
            os._exit(0)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def _take(self) -> _Worker:
        with self._lock:
            if not self._idle:
                raise QueryLimitError(f"no query worker free: at most {self.size} queries run at once")
            return self._idle.pop()

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker``, reap it and put a new one in its place."""
        _kill(worker)
        with self._lock:
            self._all.pop(worker.pid, None)
        if not self._closed:
            self._give_back(self._spawn())

    # -- calls ----------------------------------------------------------------------------

    async def call(self, request: Any, timeout: float) -> Any:
        """Run ``handler(request)`` in an idle worker; return its value or raise its typed error.

        :raises QueryTimeoutError: no answer within ``timeout`` s (the worker is killed and replaced).
        :raises MemoryLimitError: the worker ran out of its memory share.
        :raises AnswerSizeError: the answer is larger than ``max_bytes``.
        :raises QueryLimitError: the worker died otherwise, or no worker is free.
        """
        worker = self._take()
        keep = False
        try:
            if _exited(worker):  # died while idle (killed from outside): start afresh
                await asyncio.to_thread(self._retire, worker)
                worker = self._take()
            kind, value = await self._exchange(worker, request, timeout)
            worker.served += 1
            keep = worker.served < self.recycle and not isinstance(value, MemoryError)
        finally:
            if keep:
                self._give_back(worker)
            else:
                await asyncio.shield(asyncio.to_thread(self._retire, worker))
        if kind == "error":
            raise value
        return value

    async def _exchange(self, worker: _Worker, request: Any, timeout: float) -> tuple[str, Any]:
        loop = asyncio.get_running_loop()
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_sendall(worker.sock, _HEADER.pack(len(data)) + data)
                body = await self._answer(loop, worker.sock)
        except TimeoutError:
            raise QueryTimeoutError(timeout) from None
        except OSError:
            body = None
        if body is None:
            raise self._death(worker)
        kind, value = pickle.loads(body)
        return kind, value

    async def _answer(self, loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes | None:
        """One answer's bytes (header and body mostly arrive in one receive), or ``None`` at end
        of file.

        :raises AnswerSizeError: if the worker announces more than ``max_bytes``.
        """
        received = bytearray()
        wanted = _HEADER.size
        while len(received) < wanted:
            chunk = await loop.sock_recv(sock, min(wanted - len(received), 1 << 20) if wanted > _HEADER.size
                                         else 1 << 16)
            if not chunk:
                return None
            received += chunk
            if wanted == _HEADER.size and len(received) >= _HEADER.size:
                size = _HEADER.unpack_from(received)[0]
                if size > self.max_bytes + _SLACK:
                    raise AnswerSizeError(self.max_bytes)
                wanted += size
        return bytes(received[_HEADER.size:])

    def _death(self, worker: _Worker) -> QueryLimitError:
        """The typed error of a worker whose answer never came (it is reaped here)."""
        status = _kill(worker)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT:
            return MemoryLimitError(memory_message(self.max_memory))
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"status {os.WEXITSTATUS(status)}")
        return QueryLimitError(f"query stopped: the engine crashed ({how})")


# ----------------------------------------------------------------------------- helpers


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    """``size`` bytes from a blocking socket, or ``None`` at end of file."""
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _exited(worker: _Worker) -> bool:
    """Whether ``worker`` has exited (then it is reaped)."""
    try:
        pid, status = os.waitpid(worker.pid, os.WNOHANG)
    except ChildProcessError:
        pid, status = worker.pid, 0
    if pid:
        worker.status = status
    return bool(pid)


def _kill(worker: _Worker) -> int:
    """SIGKILL ``worker``, close its socket and reap it; its wait status."""
    if worker.status is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        try:
            worker.status = os.waitpid(worker.pid, 0)[1]
        except ChildProcessError:
            worker.status = 0
    with contextlib.suppress(OSError):
        worker.sock.close()
    return worker.status


def _close_inherited_sockets(keep: int) -> None:
    """Close every socket this process inherited but ``keep``: a client connection or the listening
    socket held open by a long-lived worker would outlive the server's own close."""
    import stat

    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)


def _kill_all(workers: dict[int, _Worker]) -> None:
    for worker in list(workers.values()):
        _kill(worker)
    workers.clear()
