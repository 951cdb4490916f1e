"""The query routes answered without FastAPI's router (milia_kg/serve/direct.py)."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from starlette.requests import Request
from starlette.responses import Response

from milia_kg.errors import UnknownQueryError
from milia_kg.serve.direct import DirectRoutes
from milia_kg.serve.http import HTTPError


def _call(method: str, path: str) -> tuple[list[str], list[MutableMapping[str, Any]]]:
    """Send one request through DirectRoutes; the layers that saw it and the messages sent."""
    seen: list[str] = []

    async def fastapi(scope: Any, receive: Any, send: Any) -> None:
        seen.append("fastapi")
        await Response(b"router", 200)(scope, receive, send)

    async def sparql(request: Request) -> Response:
        seen.append("sparql")
        if request.query_params.get("query") == "refuse":
            raise HTTPError(403, "update_refused", "no")
        return Response(b"sparql", 200)

    async def run_query(name: str, request: Request) -> Response:
        seen.append(f"query {name}")
        if name == "nowhere":
            raise UnknownQueryError("nowhere")
        return Response(name.encode(), 200)

    async def on_error(request: Request, error: Exception) -> Response:
        seen.append(f"error {type(error).__name__}")
        return Response(b"error", 418)

    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    path, _, query = path.partition("?")
    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(), "headers": []}
    asyncio.run(DirectRoutes(fastapi, sparql, run_query, on_error)(scope, receive, send))
    return seen, sent


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("GET", "/sparql?query=ASK%7B%7D", ["sparql"]),
    ("POST", "/sparql", ["sparql"]),
    ("GET", "/api/queries/synonyms?term=milia", ["query synonyms"]),
    ("GET", "/api/queries", ["fastapi"]),  # the catalogue
    ("GET", "/api/queries/", ["fastapi"]),  # no name
    ("GET", "/api/queries/a/b", ["fastapi"]),  # two segments: not a query's route
    ("POST", "/api/queries/synonyms", ["fastapi"]),  # FastAPI answers 405 with its Allow
    ("PUT", "/sparql", ["fastapi"]),
    ("GET", "/health", ["fastapi"]),
])
def test_only_the_query_routes_skip_the_router(method: str, path: str, expected: list[str]) -> None:
    seen, sent = _call(method, path)
    assert seen == expected
    assert sent[0]["status"] == 200


def test_refusals_are_answered_by_the_apps_error_handler() -> None:
    assert _call("GET", "/sparql?query=refuse")[0] == ["sparql", "error HTTPError"]
    seen, sent = _call("GET", "/api/queries/nowhere")
    assert (seen, sent[0]["status"], sent[1]["body"]) == (["query nowhere", "error UnknownQueryError"], 418, b"error")
