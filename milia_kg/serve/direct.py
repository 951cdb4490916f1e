"""The two routes that carry the query load, answered without FastAPI's router.

``GET|POST /sparql`` and ``GET /api/queries/{name}`` are most of what a client of the service
asks. Through FastAPI each passed its exception middleware, its async exit stack, a linear match
over every route, the endpoint wrapper and the dependency solver before the handler ran: about a
tenth of a millisecond of CPU on each request, a fifth of the server process's share (issue 22,
target 1). :class:`DirectRoutes` sits inside the service's own middleware (the log, the body guard,
the header policy: they still see every request) and calls the same handlers FastAPI has
registered for the OpenAPI document; their refusals become the same JSON errors as through the
app's exception handlers (``on_error``). Every other request goes on to FastAPI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from functools import cached_property
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from milia_kg.errors import MiliaKGError
from milia_kg.serve.http import HTTPError
from milia_kg.serve.query_string import parse_pairs

__all__ = ["QUERY_PREFIX", "DirectRoutes", "QueryRequest"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The canned queries' path; the rest of the path is the query's name (one segment).
QUERY_PREFIX = "/api/queries/"


class QueryRequest(Request):
    """A Starlette request whose query string is read by :func:`parse_pairs` (the same pairs as
    Starlette's ``parse_qsl``, in an eighth of the time: a ``/sparql`` URL holds the whole query)."""

    @cached_property
    def query_params(self) -> QueryParams:  # the same value, read faster
        return QueryParams(parse_pairs(self.scope["query_string"]))


class DirectRoutes:
    """ASGI middleware answering ``/sparql`` (GET, POST) with ``sparql(request)`` and
    ``/api/queries/{name}`` (GET) with ``run_query(name, request)``; a refusal (:class:`HTTPError`
    or a typed :class:`MiliaKGError`) is answered by ``on_error(request, error)``."""

    def __init__(self, app: ASGIApp, sparql: Callable[[Request], Awaitable[Response]],
                 run_query: Callable[[str, Request], Awaitable[Response]],
                 on_error: Callable[[Request, Exception], Awaitable[Response]]) -> None:
        self.app, self.sparql, self.run_query, self.on_error = app, sparql, run_query, on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            method: str = scope["method"]
            if path == "/sparql" and method in ("GET", "POST"):
                await self._answer(scope, receive, send, None)
                return
            if method == "GET" and path.startswith(QUERY_PREFIX):
                name = path[len(QUERY_PREFIX):]
                if name and "/" not in name:
                    await self._answer(scope, receive, send, name)
                    return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, name: str | None) -> None:
        request = QueryRequest(scope, receive)
        try:
            response = await (self.sparql(request) if name is None else self.run_query(name, request))
        except (HTTPError, MiliaKGError) as error:
            response = await self.on_error(request, error)
        await response(scope, receive, send)
