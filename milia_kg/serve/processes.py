"""Several server processes behind one listening socket, so that HTTP work uses every core.

One Python process holds one interpreter lock: however many query workers it has, parsing requests
and writing answers run on one core. :func:`supervise` forks ``count`` server processes from the
process that loaded the graph (before it starts any thread, so no lock is inherited held); each
runs its own event loop and its own query workers, and shares the loaded store copy-on-write.

The supervisor accepts every connection itself and hands it to the servers in turn over a Unix
socket (``SCM_RIGHTS``, :func:`hand_over`; a server takes it with :func:`take_connections`).
When the servers accepted from the shared socket themselves, one woken server took every pending
connection at once: four keep-alive clients landed 4/0 or 3/1 as often as 2/2 and sixteen 14/2,
so one server's interpreter and its share of the query workers did most of the work while the
other's idled (issue 22, target 1). Handed in turn, they split evenly.

SIGINT or SIGTERM is passed on to every server, which finishes its requests and exits; a server
that dies otherwise is replaced (at most :data:`MAX_RESTARTS` times, then the service stops with an
error).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import socket
import sys
import time
from collections.abc import Callable
from types import FrameType

from milia_kg.errors import MiliaKGError

__all__ = ["MAX_RESTARTS", "hand_over", "supervise", "take_connections"]

#: Servers replaced after dying unasked, before the supervisor gives up.
MAX_RESTARTS = 20


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when its parent dies (a supervisor killed hard)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start(serve: Callable[[int, socket.socket], None], index: int, listener: socket.socket,
           others: list[socket.socket]) -> tuple[int, socket.socket]:
    """Fork server ``index``; return its pid and the supervisor's end of its hand-over socket."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the server exits here
        code = 0
        try:
            ours.close()
            listener.close()  # the supervisor accepts; a server never does
            for other in others:
                other.close()
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            _die_with_parent()
            serve(index, theirs)
        except BaseException as exc:  # one line, as every other failure of the command
            print(f"milia-kg serve: server process {index} failed: {exc}", file=sys.stderr, flush=True)
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    theirs.close()
    ours.setblocking(False)  # a server that does not read is skipped, never waited for
    return pid, ours


def hand_over(channel: socket.socket, connection: socket.socket) -> bool:
    """Send an accepted ``connection`` to a server over ``channel``; whether it was taken."""
    try:
        socket.send_fds(channel, [b"c"], [connection.fileno()])
    except OSError:  # the server is gone (or its queue is full): another one takes it
        return False
    return True


def take_connections(channel: socket.socket, take: Callable[[socket.socket], None],
                     closed: Callable[[], None]) -> Callable[[], None]:
    """The reader of a server's hand-over ``channel``: each connection received goes to ``take``
    (non-blocking); ``closed()`` when the supervisor's end is gone."""

    def read() -> None:
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(channel, 16, 8)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                message, fds = b"", []
            if not message and not fds:
                closed()
                return
            for fd in fds:
                connection = socket.socket(fileno=fd)
                connection.setblocking(False)
                take(connection)

    return read


def supervise(serve: Callable[[int, socket.socket], None], count: int, listener: socket.socket) -> None:
    """Run ``serve(index, channel)`` in ``count`` forked processes until SIGINT or SIGTERM, handing
    them the connections accepted on ``listener`` in turn over their ``channel``.

    :raises MiliaKGError: if servers kept dying unasked (more than :data:`MAX_RESTARTS` times).
    """
    stopping = False
    running: dict[int, int] = {}
    channels: dict[int, socket.socket] = {}

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def start(index: int) -> None:
        pid, channel = _start(serve, index, listener, list(channels.values()))
        running[pid] = index
        channels[index] = channel

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    restarts = 0
    turn = 0
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    try:
        for index in range(count):
            start(index)
        while running:
            if stopping:  # nothing more is accepted; wait for the servers to finish
                time.sleep(0.05)
            elif selector.select(0.2):
                turn = _dispatch(listener, channels, count, turn)
            while running:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    running.clear()
                    break
                if pid == 0:
                    break
                index = running.pop(pid, -1)
                if index >= 0:
                    with contextlib.suppress(OSError):
                        channels.pop(index).close()
                if stopping or index < 0:
                    continue
                restarts += 1
                if restarts > MAX_RESTARTS:
                    stop(signal.SIGTERM, None)
                    for other in list(running):
                        with contextlib.suppress(ChildProcessError):
                            os.waitpid(other, 0)
                    raise MiliaKGError(f"server processes died {restarts} times; stopping")
                time.sleep(0.1)
                start(index)
    finally:
        selector.close()
        for channel in channels.values():
            channel.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _dispatch(listener: socket.socket, channels: dict[int, socket.socket], count: int, turn: int) -> int:
    """Accept every pending connection and hand each to the next server in turn; the next turn."""
    while True:
        try:
            connection, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            return turn
        except OSError:  # out of descriptors, or a connection reset before it was accepted
            return turn
        with connection:
            for step in range(count):
                channel = channels.get((turn + step) % count)
                if channel is not None and hand_over(channel, connection):
                    turn = (turn + step + 1) % count
                    break
