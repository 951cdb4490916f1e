"""Connections that cannot be held open for nothing: uvicorn's HTTP protocol with a deadline for
a request's headers.

uvicorn closes an idle keep-alive connection, but a connection that never sends a complete request
(a half-open socket, or headers dripped a byte at a time) stays open for good: 1,300 of them made
``/health`` unanswerable. :func:`protocol` arms a timer when a connection opens and after each
answer; if no new request has started when it fires, the connection is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["protocol", "uvicorn_options"]


def protocol(header_timeout: float) -> type[asyncio.Protocol]:
    """An HTTP/1.1 protocol class closing a connection whose next request's headers do not
    arrive within ``header_timeout`` seconds."""

    class HeaderDeadlineProtocol(H11Protocol):
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

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
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
    idle time and the open connections (past ``max_connections`` a request is answered ``503``)."""
    return {"http": protocol(read_timeout), "timeout_keep_alive": max(1, min(5, int(read_timeout))),
            "limit_concurrency": max_connections}
