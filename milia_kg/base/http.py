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

import http.client
import socket
import time
import urllib.error
from collections.abc import Callable, Sequence
from typing import TypeVar

from milia_kg.errors import EndpointError

__all__ = ["ATTEMPTS", "BACKOFF", "MAX_RESPONSE_BYTES", "check_url", "describe_failure", "is_transient", "retrying"]

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
