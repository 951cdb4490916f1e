"""Bounds on the whole service, not one query: how many forked queries run at once (from a total
memory budget), how long they queue, which ``Host`` names are answered, and how large and how slow
a request body may be.

A query's own limits (time, rows, memory, answer bytes) are :class:`~milia_kg.query.limits.Limits`;
they bound one query. Forty such queries at 1 GiB each would still take the host down, so
:class:`ServeLimits` splits one memory budget over :attr:`ServeLimits.max_concurrent` query slots
(:class:`QueryGate`, one slot per worker of the query pool), and a request that finds every slot
taken and the queue full is answered ``503`` with ``Retry-After`` at once. The queue waits on the
event loop, not on a worker thread, so ``/health`` and the cheap routes keep answering while
expensive queries wait.

:class:`BodyGuard` wraps the application (ASGI) and checks each request before a route sees it:
the ``Host`` header against the allow-list (a DNS-rebinding page reaches a loopback service under
its own name; answered ``421``), the declared ``Content-Length`` against the body cap (``413``
unread) and, while the route reads, the bytes actually received (``413``) and the body's deadline
(``408``).
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from milia_kg.errors import ParameterError
from milia_kg.serve.http import HTTPError, error_body

__all__ = ["LOOPBACK_HOSTS", "BodyGuard", "QueryGate", "ServeLimits", "host_name"]

#: Host names always answered: the loopback names a local browser or client uses.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
#: Fewest bytes one query slot may get from the memory budget.
MIN_SLOT_MEMORY = 64 << 20

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class ServeLimits:
    """The service's own bounds (``milia-kg serve`` options in brackets).

    :param max_concurrent: query worker processes, the queries evaluated at once (``--max-concurrent``).
    :param memory_budget: bytes all of them together may add (``--memory-budget``); each gets
        ``memory_budget // max_concurrent``.
    :param max_waiting: queries queued for a slot; one more is refused at once (``--max-waiting``).
    :param wait: seconds a queued query waits for a slot before ``503``.
    :param max_body: bytes of a request body (``--max-body``).
    :param read_timeout: seconds to send a request's headers (from the connection or the last
        answer) and, separately, its whole body (``--read-timeout``).
    :param max_connections: open connections and requests; past it a request is answered ``503``.
    :param max_bytes: bytes of one answer (``--max-bytes``).
    :param hosts: ``Host`` names answered besides :data:`LOOPBACK_HOSTS` (``--allow-host``).
    :param answer_cache: keep successful query answers in memory (``--no-answer-cache``: none;
        :mod:`milia_kg.serve.answers`).
    :raises ParameterError: for a bound that is not a positive number, or a budget that leaves a
        slot less than 64 MiB.

    >>> ServeLimits().slot_memory // 2**20
    512
    """

    max_concurrent: int = 4
    memory_budget: int = 2 << 30
    max_waiting: int = 32
    wait: float = 5.0
    max_body: int = 1 << 20
    read_timeout: float = 10.0
    max_connections: int = 1000
    max_bytes: int = 64 << 20
    hosts: tuple[str, ...] = ()
    answer_cache: bool = True

    def __post_init__(self) -> None:
        for name in ("max_concurrent", "memory_budget", "max_waiting", "wait", "max_body", "read_timeout",
                     "max_connections", "max_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ParameterError(name, value, "must be a positive number")
        if self.slot_memory < MIN_SLOT_MEMORY:
            raise ParameterError("memory_budget", self.memory_budget,
                                 f"leaves each of {self.max_concurrent} concurrent queries less than "
                                 f"{MIN_SLOT_MEMORY >> 20} MiB; raise it or lower --max-concurrent")
        object.__setattr__(self, "hosts", tuple(h.strip().lower() for h in self.hosts if h.strip()))

    def share(self, processes: int) -> ServeLimits:
        """The bounds of one of ``processes`` server processes: the slots, the budget, the queue
        and the connections split between them (each slot keeps its memory)."""
        import dataclasses

        if processes <= 1:
            return self
        slots = max(1, self.max_concurrent // processes)
        return dataclasses.replace(self, max_concurrent=slots, memory_budget=self.slot_memory * slots,
                                   max_waiting=max(1, self.max_waiting // processes),
                                   max_connections=max(1, self.max_connections // processes))

    @property
    def slot_memory(self) -> int:
        """Bytes one forked query may add: the budget split over the slots."""
        return self.memory_budget // self.max_concurrent

    def allowed_hosts(self, bound: str | None = None) -> frozenset[str]:
        """The ``Host`` names answered: loopback, the address bound (unless a wildcard), :attr:`hosts`."""
        names = {*LOOPBACK_HOSTS, *self.hosts}
        if bound and bound not in ("0.0.0.0", "::", ""):
            names.add(bound.lower().strip("[]"))
        return frozenset(names)


def host_name(header: str) -> str:
    """The name of a ``Host`` header without its port, lower case, IPv6 brackets dropped.

    >>> host_name("LocalHost:8000"), host_name("[::1]:8000"), host_name("127.0.0.1")
    ('localhost', '::1', '127.0.0.1')
    """
    text = header.strip().lower()
    if text.startswith("["):
        return text[1:].partition("]")[0]
    return text.rpartition(":")[0] if text.count(":") == 1 else text


class QueryGate:
    """At most ``slots`` queries at once; up to ``waiting`` more wait, first come first served;
    the rest get ``503``. A waiter holds no thread: it awaits a future on its own event loop, and
    the slot given back is handed to it through that loop (so no primitive is bound to one loop,
    and no waiter polls)."""

    def __init__(self, slots: int, waiting: int, wait: float) -> None:
        self.slots, self.waiting, self.wait = slots, waiting, wait
        self._lock = threading.Lock()
        self._busy = 0
        self._waiters: collections.deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = (
            collections.deque())

    def _busy_error(self, why: str) -> HTTPError:
        return HTTPError(503, "busy", f"{why}: {self.slots} queries run at once; retry shortly")

    def try_take(self) -> bool:
        """Take a slot if one is free and nobody waits (then :meth:`give_back` it); never waits."""
        with self._lock:
            if self._busy < self.slots and not self._waiters:
                self._busy += 1
                return True
            return False

    def give_back(self) -> None:
        """Give a slot back: to the first waiter, or to the pool of free slots."""
        with self._lock:
            if not self._waiters:
                self._busy -= 1
                return
            loop, future = self._waiters.popleft()  # the slot passes on: _busy is unchanged
        loop.call_soon_threadsafe(_wake, future)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a query slot for the block.

        :raises HTTPError: ``503`` when the queue is full, or no slot freed within :attr:`wait`.
        """
        if not self.try_take():
            await self._queue()
        try:
            yield
        finally:
            self.give_back()

    async def _queue(self) -> None:
        """Wait for a slot handed over by :meth:`give_back`."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        entry = (loop, future)
        with self._lock:
            if self._busy < self.slots and not self._waiters:  # freed since try_take
                self._busy += 1
                return
            if len(self._waiters) >= self.waiting:
                raise self._busy_error("the service is busy and its queue is full")
            self._waiters.append(entry)
        try:
            async with asyncio.timeout(self.wait):
                await future
        except BaseException as exc:
            with self._lock:
                handed = entry not in self._waiters
                if not handed:
                    self._waiters.remove(entry)
            if handed and isinstance(exc, TimeoutError):
                return  # the slot came as the time ran out: use it
            if handed:
                self.give_back()
            if isinstance(exc, TimeoutError):
                raise self._busy_error(f"no query slot freed within {self.wait:g} s") from None
            raise


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class BodyGuard:
    """ASGI middleware: the ``Host`` allow-list and the request body's size and deadline."""

    def __init__(self, app: ASGIApp, limits: ServeLimits, hosts: Iterable[str]) -> None:
        self.app, self.limits, self.hosts = app, limits, frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self._check_headers(scope)
        except HTTPError as error:
            await _send_error(send, error)
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._bounded(receive), tracked_send)
        except HTTPError as error:  # raised by the body reader outside any route's handler
            if started:
                raise
            await _send_error(send, error)

    def _check_headers(self, scope: Scope) -> None:
        headers = dict(scope.get("headers") or ())
        host = headers.get(b"host")
        if host is not None:
            name = host_name(host.decode("latin-1"))
            if name not in self.hosts:
                raise HTTPError(421, "bad_host",
                                f"Host {name[:100]!r} is not served here; this service answers to "
                                f"{', '.join(sorted(self.hosts))} (add a name with --allow-host)")
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise HTTPError(400, "bad_request", "Content-Length is not a number")
            if int(declared) > self.limits.max_body:
                raise _too_large(f"the body has {int(declared)} bytes", self.limits.max_body)

    def _bounded(self, receive: Receive) -> Receive:
        """``receive``, refusing a body past the cap (413) or not complete by its deadline (408)."""
        limit, seconds = self.limits.max_body, self.limits.read_timeout
        deadline = time.monotonic() + seconds
        state = {"size": 0, "done": False}

        async def bounded() -> Message:
            if state["done"]:  # the body is read: what follows is a wait for a disconnect
                return await receive()
            left = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), max(left, 0.0))
            except TimeoutError:
                raise HTTPError(408, "request_timeout",
                                f"the request body did not arrive within {seconds:g} s") from None
            if message["type"] == "http.request":
                state["size"] += len(message.get("body", b""))
                if state["size"] > limit:
                    raise _too_large(f"the body has more than {limit} bytes", limit)
                state["done"] = not message.get("more_body", False)
            else:
                state["done"] = True
            return message

        return bounded


def _too_large(what: str, limit: int) -> HTTPError:
    return HTTPError(413, "payload_too_large", f"{what}; at most {limit} are taken")


async def _send_error(send: Send, error: HTTPError) -> None:
    body = error_body(error.status, error.kind, error.message, **error.extra)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if error.status in (408, 413, 421):  # the rest of the request is not read: the connection ends
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
