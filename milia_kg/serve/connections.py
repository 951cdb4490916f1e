"""Connections that cannot be held open for nothing: uvicorn's HTTP protocol with a deadline for
a request's headers and a cap on open connections.

The protocol is uvicorn's ``httptools`` one (llhttp, in C) when ``httptools`` is installed (the
``serve`` extra installs it), else its pure-Python ``h11`` one: httptools parses a request and
writes an answer in a fraction of h11's time, about a tenth of a millisecond of CPU per request
(docs/benchmarks.md, issue 22 target 1). Both keep ``cycle`` (the request whose headers came last),
``connections`` and ``on_response_complete``, which is all the deadline and the cap use.

uvicorn closes an idle keep-alive connection, but a connection that never sends a complete request
(a half-open socket, or headers dripped a byte at a time) stays open for good: 1,300 of them made
``/health`` unanswerable. :func:`protocol` arms a timer when a connection opens and after each
answer; if no new request has started when it fires, the connection is closed.

A connection opened while ``max_connections`` others are open is answered ``503`` in the
service's JSON error form with ``Retry-After`` (then closed), like every other refusal; uvicorn's
own cap (``limit_concurrency``) answers a plain-text 503, so it is not used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from milia_kg.serve.http import error_body

__all__ = ["HeldHead", "base_protocol", "protocol", "refusal", "uvicorn_options"]

Message = MutableMapping[str, Any]


def refusal(max_connections: int) -> Callable[..., Awaitable[None]]:
    """The ASGI app answering every request of a connection past the cap: ``503`` JSON,
    ``Retry-After: 1``, ``Connection: close``."""
    body = error_body(503, "busy", f"the service has {max_connections} connections open, its limit; retry shortly")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"retry-after", b"1"), (b"connection", b"close")]

    async def refuse(scope: Message, receive: Callable[[], Awaitable[Message]],
                     send: Callable[[Message], Awaitable[None]]) -> None:
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return refuse


class HeldHead:
    """A connection's transport that writes a response's status line and headers together with the
    first part of its body: one ``send`` and one wake-up of the client per answer instead of two.

    uvicorn writes the head when the app starts its answer and the body when the app sends it,
    nearly always in the same step of the event loop; each write was a ``send`` of its own, and a
    client reading the head first woke twice (issue 22, target 1). A write that starts a response
    head (``HTTP/1.1 NNN``, not the interim ``100 Continue``) is held until the next write, the end
    of the answer (:meth:`flush`, from the protocol) or the connection's close; everything else
    goes through as it comes."""

    __slots__ = ("_held", "transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self.transport.write(held + data)
        elif data[:9] == b"HTTP/1.1 " and data[9:12] != b"100":
            self._held = bytes(data)
        else:
            self.transport.write(data)

    def writelines(self, lines: Any) -> None:
        self.write(b"".join(lines))

    def flush(self) -> None:
        """Write a held head now."""
        if self._held is not None:
            held, self._held = self._held, None
            self.transport.write(held)

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def abort(self) -> None:
        self._held = None
        self.transport.abort()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self.transport, name)


def base_protocol(parser: str | None = None) -> type[Any]:
    """uvicorn's HTTP/1.1 protocol class: ``parser`` ``"httptools"`` or ``"h11"``; by default
    httptools when it is installed, else h11."""
    if parser in (None, "httptools"):
        try:
            from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
        except ImportError:
            if parser is not None:
                raise
        else:
            return HttpToolsProtocol
    from uvicorn.protocols.http.h11_impl import H11Protocol

    return H11Protocol


def protocol(header_timeout: float, max_connections: int | None = None,
             parser: str | None = None) -> type[asyncio.Protocol]:
    """An HTTP/1.1 protocol class (:func:`base_protocol` of ``parser``) closing a connection whose
    next request's headers do not arrive within ``header_timeout`` seconds, and refusing
    (:func:`refusal`) the requests of a connection opened while ``max_connections`` others were
    open."""
    refuse = refusal(max_connections) if max_connections is not None else None

    class HeaderDeadlineProtocol(base_protocol(parser)):  # type: ignore[misc]  # chosen at run time
        _header_timer: asyncio.TimerHandle | None = None
        _armed_for: Any = None

        def _arm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            self._armed_for = self.cycle  # the request cycle current now: a new one means headers came
            self._header_timer = self.loop.call_later(header_timeout, self._expire)

        def _expire(self) -> None:
            self._header_timer = None
            if self.cycle is self._armed_for and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:
            # counted in self.connections, the server's open ones; heads written with their bodies
            super().connection_made(HeldHead(transport))
            if refuse is not None and max_connections is not None and len(self.connections) > max_connections:
                self.app = refuse  # this connection's requests only; the request is read, then answered
            self._arm()

        def on_response_complete(self) -> None:
            self.transport.flush()  # a head whose answer had no body write (HEAD, a bodiless status)
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            super().connection_lost(exc)

    return HeaderDeadlineProtocol


def uvicorn_options(read_timeout: float, max_connections: int) -> dict[str, Any]:
    """The ``uvicorn.Config`` keywords that bound connections: the header deadline, the keep-alive
    idle time and the open connections (past ``max_connections`` a request is answered ``503`` JSON;
    uvicorn's own ``limit_concurrency`` is off: its 503 is plain text)."""
    return {"http": protocol(read_timeout, max_connections), "timeout_keep_alive": max(1, min(5, int(read_timeout))),
            "limit_concurrency": None}
