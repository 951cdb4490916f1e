"""Bounded retries and one-line failure reasons for HTTP calls to a SPARQL endpoint.

Only idempotent reads (SPARQL queries, triple counts) go through :func:`retrying`; updates never
do. A failure is retried only when another try may well succeed: the connection was refused or
reset (a store restarting) or the answer was ``502``/``503``/``504`` (a proxy or an overloaded
store). A timeout is not retried, so a hanging endpoint costs one ``timeout``, not three; a ``4xx``
or ``500`` (a bad query) is not retried either.

>>> import urllib.error
>>> is_transient(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")))
True
>>> is_transient(TimeoutError("timed out"))
False
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from milia_kg.errors import EndpointError

__all__ = ["ATTEMPTS", "BACKOFF", "MAX_RESPONSE_BYTES", "Deadline", "DeadlineRequest", "ResponseTooLargeError",
           "check_url", "describe_failure", "is_transient", "opener", "read_capped", "retrying"]

T = TypeVar("T")

#: Tries in all for one read: the first and two retries.
ATTEMPTS = 3
#: Seconds to wait before the second and the third try.
BACKOFF: tuple[float, ...] = (0.25, 0.75)
#: HTTP statuses worth another try.
TRANSIENT_STATUS = frozenset({502, 503, 504})


def _cause(exc: BaseException) -> BaseException:
    """The socket error under a :class:`urllib.error.URLError`, else ``exc``."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        reason = exc.reason
        return reason if isinstance(reason, BaseException) else exc
    return exc


def is_transient(exc: BaseException) -> bool:
    """True for a refused or reset connection and for HTTP 502, 503 and 504."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in TRANSIENT_STATUS
    cause = _cause(exc)
    return isinstance(cause, (ConnectionRefusedError, ConnectionResetError,
                              http.client.RemoteDisconnected))


def retrying(call: Callable[[], T], attempts: int = ATTEMPTS, backoff: Sequence[float] = BACKOFF,
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``call``; on a transient failure (:func:`is_transient`) try again, ``attempts`` in all.

    >>> tries = []
    >>> def flaky():
    ...     tries.append(1)
    ...     if len(tries) < 3:
    ...         raise ConnectionRefusedError(111, "Connection refused")
    ...     return "ok"
    >>> retrying(flaky, sleep=lambda s: None), len(tries)
    ('ok', 3)
    """
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:
            if attempt >= attempts or not is_transient(exc):
                raise
            sleep(backoff[min(attempt - 1, len(backoff) - 1)] if backoff else 0.0)
    raise AssertionError("unreachable")  # pragma: no cover


def describe_failure(exc: BaseException, timeout: float) -> str:
    """One line saying what went wrong with an HTTP call, for :class:`~milia_kg.errors.EndpointError`.

    >>> describe_failure(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), 30)
    'unreachable (connection refused)'
    >>> describe_failure(TimeoutError("timed out"), 2.5)
    'no answer within 2.5 s'
    """
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    cause = _cause(exc)
    if isinstance(cause, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s"
    if isinstance(cause, ConnectionRefusedError):
        return "unreachable (connection refused)"
    if isinstance(cause, (ConnectionResetError, http.client.RemoteDisconnected)):
        return "the connection closed without an answer"
    if isinstance(exc, urllib.error.URLError):
        return f"unreachable ({' '.join(str(exc.reason).split())})"
    return " ".join(str(exc).split())[:300] or type(exc).__name__


#: Largest endpoint response read (64 MiB): an endless answer ends in :class:`EndpointError`.
MAX_RESPONSE_BYTES = 64 * 2**20


def check_url(url: object) -> str:
    """``url`` if it is an absolute http(s) URL with a host and no whitespace or control character.

    Checked before any request: a space or CR/LF would be sent into the request line (header
    injection), and urllib would read a ``file:`` or ``ftp:`` URL as happily as an endpoint.
    """
    from urllib.parse import urlsplit

    text = url if isinstance(url, str) else repr(url)
    shown = text[:200]
    if not isinstance(url, str) or not url:
        raise EndpointError(shown, "not a URL")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise EndpointError(repr(shown), "the URL holds whitespace or a control character")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise EndpointError(shown, f"not a URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise EndpointError(shown, "only http:// and https:// endpoints are accepted")
    if not parts.hostname:
        raise EndpointError(shown, "the URL names no host")
    return url


class Deadline:
    """A total time limit for one HTTP exchange (connect, send, headers, body, retries), not per
    read: a store that drips one byte a second never lets a per-read timeout fire.

    Each connection opened under it is watched (:meth:`watch`); when the time is up a timer shuts
    the connections down, so whatever read or write is blocked on them fails at once, and the
    caller tells the failure from others by :attr:`expired`. :meth:`close` ends the watch.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._fds: list[int] = []
        self._timer: threading.Timer | None = None

    def remaining(self) -> float:
        """Seconds left (0 when none)."""
        return max(0.0, self.at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the time is up (a duplicate of its descriptor is kept, as
        urllib closes its own once the headers are read)."""
        with self._lock:
            self._fds.append(os.dup(sock.fileno()))
            if self._timer is None:
                self._timer = threading.Timer(self.remaining(), self._expire)
                self._timer.daemon = True
                self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for fd in self._fds:
                with contextlib.suppress(OSError):
                    _shutdown(fd)

    def close(self) -> None:
        """Stop watching; close the duplicated descriptors."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            for fd in self._fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._fds.clear()


def _shutdown(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    try:
        sock.shutdown(socket.SHUT_RDWR)
    finally:
        sock.detach()  # the descriptor stays open until Deadline.close


class DeadlineRequest(urllib.request.Request):
    """A request whose connection is watched by ``deadline`` (see :func:`opener`)."""

    def __init__(self, url: str, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.deadline = deadline


def _limit_connect(deadline: Deadline | None, timeout: float | None) -> float | None:
    """The socket timeout of a connection about to be made under ``deadline``."""
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        deadline.expired = True
        raise TimeoutError("the time limit passed before connecting")
    return min(timeout, left) if isinstance(timeout, (int, float)) else left  # else: no or the default


class _WatchedHTTP(http.client.HTTPConnection):
    """A connection whose connect time is bounded by the request's deadline, and whose socket the
    deadline's watchdog shuts down when time is up (a read that drips stops there)."""

    def __init__(self, *args: Any, deadline: Deadline | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.timeout = _limit_connect(self.deadline, self.timeout)
        super().connect()
        if self.deadline is not None:
            self.deadline.watch(self.sock)


class _WatchedHTTPS(_WatchedHTTP, http.client.HTTPSConnection):
    """The same for https: the TLS connection's own ``connect`` runs inside the watched one."""


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTP, deadline=getattr(req, "deadline", None)), req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self) -> None:
        import ssl

        self.context = ssl.create_default_context()
        super().__init__(context=self.context)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTPS, deadline=getattr(req, "deadline", None)), req,
                            context=self.context)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """No redirect is followed: a write must not be replayed elsewhere, and credentials (a bearer
    token in the headers) must never reach another origin."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> None:
        shown = " ".join(str(newurl).split())[:200]
        raise urllib.error.HTTPError(req.full_url, code, f"redirected to {shown}, which is not followed "
                                     "(give the final URL)", headers, fp)


def opener(*handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    """A urllib opener that honours each :class:`DeadlineRequest`'s deadline and follows no redirect."""
    return urllib.request.build_opener(_DeadlineHTTPHandler(), _DeadlineHTTPSHandler(), _RefuseRedirects(),
                                       *handlers)


class ResponseTooLargeError(ValueError):
    """An answer larger than the cap its reader set (a ``ValueError``, as callers long caught)."""


def read_capped(response: Any, max_bytes: int = MAX_RESPONSE_BYTES) -> bytes:
    """The body of ``response``, refused past ``max_bytes``.

    :raises ResponseTooLargeError: if the body is larger.
    """
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(min(1 << 16, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLargeError(f"response larger than {max_bytes} bytes")
    return b"".join(chunks)
