"""What every route of the service shares: the refusal it raises (:class:`HTTPError`), the table
that maps the package's typed errors to a status and a JSON error kind (:data:`ERROR_STATUS`), JSON
responses, the request log line, and :func:`detached` for calls made on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Response

from milia_kg.errors import (
    AnswerSizeError,
    CaseProfileError,
    ClassifyTimeoutError,
    InvalidQueryError,
    MemoryLimitError,
    MiliaKGError,
    ParameterError,
    QueryLimitError,
    QueryTimeoutError,
    QueryTypeError,
    RowLimitError,
    ServiceNotAllowedError,
    UnknownQueryError,
)

__all__ = ["ERROR_STATUS", "HTTPError", "classify_error", "detached", "error_body", "json_response", "log_line"]

#: Error kind -> (HTTP status, exception types), first match wins. A timeout or memory overrun is
#: 503 (the service could not answer in its budget; retrying later may work); a row cap overrun is
#: 400 (the client must ask for less: add LIMIT, or a narrower pattern).
ERROR_STATUS: tuple[tuple[str, int, tuple[type[BaseException], ...]], ...] = (
    ("unknown_query", 404, (UnknownQueryError,)),
    ("bad_parameter", 400, (ParameterError,)),
    ("bad_profile", 400, (CaseProfileError,)),
    ("service_refused", 403, (ServiceNotAllowedError,)),
    ("bad_query", 400, (InvalidQueryError, QueryTypeError)),
    ("timeout", 503, (QueryTimeoutError, ClassifyTimeoutError)),
    ("memory_limit", 503, (MemoryLimitError,)),
    ("row_limit", 400, (RowLimitError,)),
    ("size_limit", 400, (AnswerSizeError,)),
    ("engine_failure", 500, (QueryLimitError,)),
    ("error", 400, (MiliaKGError,)),
)


class HTTPError(Exception):
    """A request the service refuses, with its status, error kind and extra fields for the JSON
    error (``field``: the offending field of a case profile or CDS Hooks request)."""

    def __init__(self, status: int, kind: str, message: str, **extra: Any) -> None:
        self.status, self.kind, self.message, self.extra = status, kind, message, extra
        super().__init__(message)


def log_line(method: str, path: str, status: int, seconds: float) -> str:
    """The request log line; a control character in the path (a terminal escape sequence sent to
    the log's reader) is written as its escape.

    >>> log_line("GET", "/health", 200, 0.0012)
    'milia-kg serve: GET /health 200 1.2 ms'
    >>> print(log_line("GET", "/\\x1b[2J\\u202e", 404, 0.001))
    milia-kg serve: GET /\\x1b[2J\\u202e 404 1.0 ms
    """
    return f"milia-kg serve: {_printable(method[:20])} {_printable(path[:200])} {status} {seconds * 1000:.1f} ms"


def _printable(text: str) -> str:
    """``text`` with every non-printable character (C0, DEL, C1, bidi controls) as ``\\xNN``/``\\uNNNN``."""
    return "".join(c if c.isprintable() else _escape(ord(c)) for c in text)


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}" if code < 65536 else f"\\U{code:08x}"


def error_body(status: int, kind: str, message: str, **extra: Any) -> bytes:
    from milia_kg.query.formatting import render_json

    return render_json({"error": kind, "message": " ".join(message.split()), "status": status, **extra}).encode()


def classify_error(error: MiliaKGError) -> HTTPError:
    kind, status = next((k, s) for k, s, types in ERROR_STATUS if isinstance(error, types))
    extra = {"field": error.field} if isinstance(error, CaseProfileError) else {}
    return HTTPError(status, kind, str(error), **extra)


def detached(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func``; re-raise its typed error with the traceback dropped here. Its frames hold
    pyoxigraph query results, which may only be freed on the thread that made them (dropping
    them on the event loop's thread raised "PyQuerySolutions is unsendable")."""
    try:
        return func(*args, **kwargs)
    except MiliaKGError as error:
        error.__traceback__ = None
        raise error from None


def json_response(data: Any, status: int = 200) -> Response:
    from milia_kg.query.formatting import render_json

    return Response(render_json(data).encode(), status_code=status, media_type="application/json")
