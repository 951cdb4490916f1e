"""A read-only HTTP service over the embedded graph: the SPARQL 1.1 Protocol, REST routes for the
catalogue, an OpenAPI document, a health route and a web page (``milia-kg serve``).

Routes (see docs/serving.md):

* ``GET|POST /sparql``: the SPARQL 1.1 Protocol (``query=`` in the URL or a form, or an
  ``application/sparql-query`` body). SELECT results as SPARQL JSON (default), XML, CSV or TSV and
  ASK as JSON or XML, by ``Accept`` or ``?format=``; CONSTRUCT/DESCRIBE graphs as Turtle (default),
  N-Triples, JSON-LD or RDF/XML. Updates (``update=``, ``application/sparql-update``) are refused.
* ``GET /api/queries``: the catalogue; ``GET /api/queries/{name}?param=value``: one canned query, as
  JSON (default) or CSV (``Accept: text/csv`` or ``?format=csv``).
* ``POST /api/classify``: decision support for a case profile (or JSON Lines of them), as JSON,
  CDS Hooks cards or text; ``GET /cds-services`` and ``POST /cds-services/{id}``: the CDS Hooks
  service (CORS open, as the CDS Hooks spec asks for browser-based clients). See
  :mod:`milia_kg.serve.cds`.
* ``GET /health``, ``GET /openapi.json`` (FastAPI's own), ``GET /docs`` (Swagger UI, vendored) and
  ``GET /schemas/case-profile.schema.json`` (:mod:`milia_kg.serve.apidocs`), ``GET /`` (the page, with
  the YASGUI editor) and ``GET /static/{path}`` (the page's script, style and the editor, packaged
  in ``milia_kg/web``).

Every query has the service's time limit and row cap (:class:`~milia_kg.query_limits.Limits`;
defaults :data:`DEFAULT_TIMEOUT` and :data:`DEFAULT_MAX_ROWS`). Arbitrary SPARQL is checked by
:func:`~milia_kg.query_limits.check_query` (size, nesting, ``SERVICE`` refused) and evaluated in
a forked, memory-bounded child killed at the deadline (:func:`~milia_kg.query.isolate.run_isolated`),
exactly as :meth:`~milia_kg.query.kg.KnowledgeGraph.sparql_result` does; SELECT goes through
:meth:`~milia_kg.query.backends.OxigraphBackend.solutions` rather than ``sparql_result`` so that the
answer keeps each term as stored (language tags, datatypes, blank nodes), which the protocol
requires and the plain-Python rows of ``sparql_result`` drop.

The service as a whole has bounds of its own (:mod:`milia_kg.serve.limits`): forked queries at
once from a memory budget, a queue answered ``503`` when full, the request body's size and deadline,
the ``Host`` allow-list and the answer's bytes; :mod:`milia_kg.serve.connections` closes connections
whose request headers never arrive.

Errors are JSON ``{"error": kind, "message": one line, "status": code}`` (:data:`ERROR_STATUS`).
One line per request goes to stderr: method, path, status, duration.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import socket
import sys
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from milia_kg.errors import AnswerSizeError, MiliaKGError, ParameterError
from milia_kg.query.isolate import can_fork
from milia_kg.query.pool import WorkerPool
from milia_kg.query.store_view import rdflib_term
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.serve.answers import Answer, AnswerCache, etag_of, not_modified
from milia_kg.serve.direct import DirectRoutes
from milia_kg.serve.headers import CorsPolicy, HeaderPolicy, allowed_methods
from milia_kg.serve.http import HTTPError, classify_error, detached, error_body, json_response, log_line
from milia_kg.serve.inline import QuickCalls
from milia_kg.serve.limits import BodyGuard, QueryGate, ServeLimits
from milia_kg.serve.protocol import (
    ASK_TYPES,
    FORMAT_ALIASES,
    GRAPH_ALIASES,
    GRAPH_TYPES,
    SELECT_TYPES,
    pick,
    requested_format,
    select_json,
    serialize_ask,
    serialize_graph,
    serialize_select,
    warm_up,
)

if TYPE_CHECKING:
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT", "Wanted", "answer_in_worker", "create_app", "evaluate", "listen",
           "run"]

#: Seconds one query may run on the service (the CLI's ``--timeout``).
DEFAULT_TIMEOUT = 10.0
#: Result rows (or triples) one answer may hold (``--max-rows``); the graph has ~4,000 triples.
DEFAULT_MAX_ROWS = 10_000

_SPARQL_QUERY = "application/sparql-query"
_SPARQL_UPDATE = "application/sparql-update"
_FORM = "application/x-www-form-urlencoded"
_REST_TYPES = {"application/json": "json", "text/csv": "csv"}
_REST_ALIASES = {"json": "application/json", "csv": "text/csv"}
#: Fields a SPARQL Protocol form may hold (query, format and a few of the protocol's own).
_MAX_FORM_FIELDS = 32


# ----------------------------------------------------------------------------- evaluation


def evaluate(kg: KnowledgeGraph, text: str, isolated: bool = True) -> tuple[str, Any]:
    """Run untrusted SPARQL under ``kg.limits``; return ``(form, answer)``: for ``SELECT``
    ``(variables, rows of cells)`` (:func:`~milia_kg.query.backends.oxigraph_store.term_cell`),
    for ``ASK`` a ``bool``, else an :class:`rdflib.Graph`. ``isolated=False`` evaluates here: the
    caller is a query worker (:func:`answer_in_worker`).

    :raises MiliaKGError: the typed errors of :meth:`~milia_kg.query.kg.KnowledgeGraph.sparql_terms`.
    """
    return kg.sparql_terms(text, isolated=isolated)


# ----------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Wanted:
    """What a request asks to be answered in (picklable, for a query worker): its ``Accept``
    header and its ``format=``/``output=`` values (URL or form body)."""

    accept: str | None
    formats: tuple[str, ...]

    @classmethod
    def of(cls, request: Request) -> Wanted:
        values = getattr(request.state, "format_values", None)
        values = request.query_params.getlist("format") if values is None else values
        return cls(request.headers.get("accept"), tuple(v for v in values if v.strip()))


def _negotiate(wanted: Wanted, offered: Mapping[str, str], aliases: Mapping[str, str] = FORMAT_ALIASES) -> str:
    """The media type to answer in: ``format=``/``output=`` (a short name or a media type), else
    ``Accept``."""
    if wanted.formats:
        media = requested_format(list(wanted.formats), offered, aliases)
        if media is None:
            raise HTTPError(406, "not_acceptable", f"format {wanted.formats[0]!r} is not offered here; "
                            f"choose one of {', '.join(offered)}")
        return media
    picked = pick(wanted.accept, offered)
    if picked is None:
        raise HTTPError(406, "not_acceptable",
                        f"none of Accept: {wanted.accept!r} is offered here; choose one of {', '.join(offered)}")
    return picked


async def _query_text(request: Request) -> str:
    """The query of a SPARQL Protocol request; an update is refused (403), anything else 400/415."""
    params = dict(request.query_params)
    pairs = list(request.query_params.multi_items())
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = (await request.body()).decode("utf-8", errors="replace")
        if kind == _SPARQL_UPDATE:
            raise HTTPError(403, "update_refused", "this endpoint is read-only: SPARQL Update is refused")
        if kind == _SPARQL_QUERY:
            params["query"] = body
        elif kind == _FORM:
            try:  # the body is capped (limits.BodyGuard); so are its fields
                form = urllib.parse.parse_qs(body, keep_blank_values=True, max_num_fields=_MAX_FORM_FIELDS)
            except ValueError:
                raise HTTPError(413, "payload_too_large",
                                f"the form has more than {_MAX_FORM_FIELDS} fields") from None
            params.update({k: v[0] for k, v in form.items()})
            pairs += [(k, v) for k, values in form.items() for v in values]
            if len(form.get("query", ())) > 1:
                raise HTTPError(400, "bad_request", "more than one query= in the request")
        else:
            raise HTTPError(415, "unsupported_media_type",
                            f"POST a query as {_SPARQL_QUERY} or {_FORM}, not {kind or 'no content type'}")
    request.state.format_values = [v for k, v in pairs if k in ("format", "output")]
    if "update" in params:
        raise HTTPError(403, "update_refused", "this endpoint is read-only: SPARQL Update is refused")
    for dataset in ("default-graph-uri", "named-graph-uri"):
        if dataset in params:
            # SPARQL 1.1 Protocol 2.1.4: a service may refuse a request that specifies the dataset
            raise HTTPError(400, "bad_request", f"{dataset} is not supported: the graph has one default graph")
    if len(request.query_params.getlist("query")) > 1:
        raise HTTPError(400, "bad_request", "more than one query= in the request")
    text = params.get("query")
    if not text or not text.strip():
        raise HTTPError(400, "bad_request", "no query: give query= (URL or form) or an application/sparql-query body")
    return text


def _sparql_body(wanted: Wanted, form: str, answer: Any, max_bytes: int) -> tuple[str, bytes]:
    """The answer serialized as negotiated: ``(media type, body)`` (on a worker thread or in a
    query worker: it may take a while).

    :raises AnswerSizeError: if the serialized answer is larger than ``max_bytes``.
    """
    if form == "SELECT":
        media = _negotiate(wanted, SELECT_TYPES)
        variables, cells = answer
        fmt = SELECT_TYPES[media]
        body = select_json(variables, cells) if fmt == "json" else serialize_select(
            variables, [tuple(rdflib_term(c) for c in row) for row in cells], fmt)
    elif form == "ASK":
        media = _negotiate(wanted, ASK_TYPES)
        body = serialize_ask(answer, ASK_TYPES[media])
    else:
        media = _negotiate(wanted, GRAPH_TYPES, {**FORMAT_ALIASES, **GRAPH_ALIASES})
        body = serialize_graph(answer, GRAPH_TYPES[media])
    if len(body) > max_bytes:
        raise AnswerSizeError(max_bytes)
    return media, body


def _sparql_answer(wanted: Wanted, kg: KnowledgeGraph, text: str) -> tuple[str, bytes]:
    """Evaluate (in a forked child) and serialize, where no query worker pool runs."""
    form, answer = evaluate(kg, text)
    return _sparql_body(wanted, form, answer, kg.limits.max_bytes)


def _send(request: Request, answer: Answer) -> Response:
    """``answer`` with its ``ETag``, or ``304`` when the client holds it already (``If-None-Match``)."""
    if not_modified(request.headers.get("if-none-match"), answer.etag):
        return Response(status_code=304, headers={"ETag": answer.etag})
    return Response(answer.body, media_type=answer.media, headers={"ETag": answer.etag})


def _rest_body(kg: KnowledgeGraph, name: str, params: dict[str, str], media: str) -> tuple[str, bytes]:
    """A canned query's answer as ``(media type, body)``: JSON, or CSV."""
    from milia_kg.query.formatting import render, render_json

    result = detached(kg.run, name, **params)
    if media == "text/csv":
        return media, (render(result, "csv") + "\n").encode()
    return media, render_json({"query": name, "params": params, "columns": result.columns,
                               "rows": result.rows}).encode()


def answer_in_worker(kg: KnowledgeGraph, request: tuple[str, Wanted]) -> tuple[int, str, bytes]:
    """Answer one ``/sparql`` request ``(query text, Wanted)`` in a query worker
    (:class:`~milia_kg.query.pool.WorkerPool`), evaluating in the worker itself: ``(status, media
    type, body)``; a refusal or typed error becomes its JSON error here, so that only bytes cross
    back. A ``MemoryError`` is left to the pool (the worker retires)."""
    try:
        text, wanted = request
        form, answer = evaluate(kg, text, isolated=False)
        media, body = _sparql_body(wanted, form, answer, kg.limits.max_bytes)
        return 200, media, body
    except (HTTPError, MiliaKGError) as exc:
        if isinstance(exc, MemoryError):
            raise
        error = exc if isinstance(exc, HTTPError) else classify_error(exc)
        return error.status, "application/json", error_body(error.status, error.kind, error.message, **error.extra)


def _catalogue_entry(query: Any) -> dict[str, Any]:
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "form": query.form,
        "params": [vars(p) for p in query.params],
        "columns": list(query.columns),
        "example": dict(query.example),
        "url": "/api/queries/" + query.name,
    }


# ----------------------------------------------------------------------------- the app


class RequestLog:
    """ASGI middleware, outermost: one log line per request (method, path, status, duration),
    ``Retry-After`` on every ``503``, the CDS Hooks CORS headers on ``/cds-services`` and its
    preflight answered. Plain ASGI rather than ``@app.middleware("http")``, whose extra task and
    streams cost about a tenth of a millisecond on every request."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        from milia_kg.serve.cds import CDS_CORS_HEADERS

        self.app = app
        self.cds_headers = {k.lower(): v for k, v in CDS_CORS_HEADERS.items()}

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Awaitable[Any]],
                       send: Callable[..., Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path: str = scope["path"]
        cds = path == "/cds-services" or path.startswith("/cds-services/")
        status = 500

        async def logged_send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = {"retry-after": "1"} if status == 503 else {}
                if cds:
                    extra.update(self.cds_headers)
                if extra:
                    headers = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1") not in extra]
                    message = dict(message, headers=headers + [(k.encode(), v.encode()) for k, v in extra.items()])
            await send(message)

        try:
            if cds and scope["method"] == "OPTIONS":  # a CORS preflight from a browser-based CDS client
                await Response(status_code=204)(scope, receive, logged_send)
            else:
                await self.app(scope, receive, logged_send)
        finally:  # a bug is logged as a 500, then Starlette's own handler answers
            # one write: print() writes the line and its end apart, two system calls per request
            sys.stderr.write(log_line(scope["method"], path, status, time.perf_counter() - start) + "\n")
            sys.stderr.flush()



def create_app(kg: KnowledgeGraph, reasoner: str = DEFAULT_REASONER, limits: ServeLimits | None = None,
               host: str | None = None, cors: CorsPolicy | None = None) -> FastAPI:
    """The FastAPI application serving ``kg`` under its limits (``kg.with_limits(...)`` first) and
    the service's own (``limits``; ``host``: the address bound, also answered as a ``Host``);
    decision support classifies with ``reasoner`` (that of ``kg``); ``cors`` is the CORS policy of
    every route but ``/cds-services`` (default: any origin)."""
    from milia_kg import __version__
    from milia_kg.serve.apidocs import SPARQL_GET_PARAMETERS, SPARQL_POST_BODY, add_docs_routes
    from milia_kg.serve.cds import add_decision_routes
    from milia_kg.serve.entity import add_entity_routes
    from milia_kg.serve.page import example_texts, render_page, static_file
    from milia_kg.serve.vocabulary import add_vocabulary_routes

    warm_up()
    bounds = limits or ServeLimits()
    kg = kg.with_limits(max_memory=min(kg.limits.max_memory, bounds.slot_memory), max_bytes=bounds.max_bytes)
    gate = QueryGate(bounds.max_concurrent, bounds.max_waiting, bounds.wait)
    cache = AnswerCache() if bounds.answer_cache else None
    quick = QuickCalls()
    pool = None
    if can_fork():  # one worker per query slot, forked now, before the server's threads start
        pool = WorkerPool(functools.partial(answer_in_worker, kg), bounds.max_concurrent,
                          kg.limits.max_memory, kg.limits.max_bytes).start()
    app = FastAPI(
        title="milia-kg",
        version=__version__,
        description="A read-only SPARQL endpoint and the canned query catalogue of the milia "
        f"knowledge graph. Each query: at most {kg.limits.timeout:g} s and {kg.limits.max_rows} rows.",
        docs_url=None, redoc_url=None,  # /docs is served from the package (apidocs), never from a CDN
    )

    # innermost: the query routes answered without FastAPI's router (the handlers are below)
    app.add_middleware(DirectRoutes, sparql=lambda request: sparql(request),
                       run_query=lambda name, request: run_query(name, request),
                       on_error=lambda request, error: on_error(request, error))
    app.add_middleware(HeaderPolicy, cors=CorsPolicy() if cors is None else cors)  # inside the log
    app.add_middleware(BodyGuard, limits=bounds, hosts=bounds.allowed_hosts(host))  # inside the log

    app.add_middleware(RequestLog)  # outermost: every answer is logged, the CDS preflight answered

    @app.exception_handler(HTTPError)
    async def http_error(request: Request, error: HTTPError) -> Response:
        return Response(error_body(error.status, error.kind, error.message, **error.extra),
                        status_code=error.status, media_type="application/json")

    @app.exception_handler(MiliaKGError)
    async def typed_error(request: Request, error: MiliaKGError) -> Response:
        return await http_error(request, classify_error(error))

    async def on_error(request: Request, error: Exception) -> Response:
        """The answer to a refusal raised by a route that :class:`DirectRoutes` called."""
        if isinstance(error, HTTPError):
            return await http_error(request, error)
        assert isinstance(error, MiliaKGError)
        return await typed_error(request, error)

    @app.exception_handler(404)
    async def not_found(request: Request, error: Exception) -> Response:
        return await http_error(request, HTTPError(404, "not_found", f"no route {request.url.path}"))

    @app.exception_handler(405)
    async def not_allowed(request: Request, error: Exception) -> Response:
        response = await http_error(request, HTTPError(
            405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}"))
        response.headers["Allow"] = allowed_methods(app, request.scope)
        return response

    sparql_doc: dict[str, Any] = {
        "summary": "SPARQL 1.1 Protocol query (read-only)",
        "description": "query= (URL or form) or an application/sparql-query body. SELECT: SPARQL "
        "JSON, XML, CSV, TSV; ASK: JSON, XML; CONSTRUCT/DESCRIBE: Turtle, N-Triples, JSON-LD, "
        "RDF/XML; by Accept or ?format=. Updates are refused (403), as is SERVICE (403).",
        "responses": {400: {"description": "bad query, or over the row cap"},
                      403: {"description": "update or SERVICE refused"},
                      406: {"description": "no acceptable result format"},
                      503: {"description": "over the time limit or memory budget"}},
    }

    def answer(request: Request, key: Any, status: int, media: str, body: bytes) -> Response:
        """The response of a query: kept when it succeeded, with its ``ETag``."""
        if status != 200:
            return Response(body, status_code=status, media_type=media)
        return _send(request, cache.put(key, media, body) if cache is not None
                     else Answer(media, body, etag_of(body)))

    async def sparql(request: Request) -> Response:
        text = await _query_text(request)
        wanted = Wanted.of(request)
        key = ("sparql", text, wanted)
        if cache is not None and (kept := cache.get(key)) is not None:
            return _send(request, kept)
        async with gate.slot():  # queries at once bounded by the workers and the memory budget
            if pool is None:
                media, body = await run_in_threadpool(_sparql_answer, wanted, kg, text)
                status = 200
            else:
                status, media, body = await pool.call((text, wanted), kg.limits.timeout)
        return answer(request, key, status, media, body)

    app.add_api_route("/sparql", sparql, methods=["GET"], operation_id="sparql_get",
                      openapi_extra={"parameters": SPARQL_GET_PARAMETERS}, **sparql_doc)
    app.add_api_route("/sparql", sparql, methods=["POST"], operation_id="sparql_post",
                      openapi_extra={"requestBody": SPARQL_POST_BODY}, **sparql_doc)

    @app.get("/api/queries", summary="The canned query catalogue")
    def list_queries() -> Response:
        return json_response([_catalogue_entry(q) for q in kg.queries()])

    @app.get(
        "/api/queries/{name}", summary="Run a canned query",
        description="Parameters as query-string values (a label or synonym, a CURIE, an IRI); "
        "JSON {query, params, columns, rows} by default, CSV with Accept: text/csv or ?format=csv.",
        responses={400: {"description": "bad parameter"}, 404: {"description": "unknown query"}},
    )
    async def run_query(name: str, request: Request) -> Response:
        params = {k: v for k, v in request.query_params.items() if k != "format"}
        for key in params:
            if len(request.query_params.getlist(key)) > 1:
                raise ParameterError(key, request.query_params.getlist(key), "given more than once")
        media = _negotiate(Wanted.of(request), _REST_TYPES, _REST_ALIASES)
        cache_key = ("rest", name, tuple(sorted(params.items())), media)
        if cache is not None and (kept := cache.get(cache_key)) is not None:
            return _send(request, kept)
        # trusted catalogue text, deadline checked while iterating: in this process, never queued
        # behind free SPARQL (measured faster than a query worker's round trip, docs/benchmarks.md);
        # on the event loop once this very request is known to be quick (serve/inline.py)
        media, body = await quick.run(cache_key, _rest_body, kg, name, params, media)
        return answer(request, cache_key, 200, media, body)

    @app.get("/health", summary="Liveness and the graph's size")
    def health() -> Response:
        return json_response({"status": "ok", "triples": kg.triple_count(),
                              "timeout": kg.limits.timeout, "max_rows": kg.limits.max_rows})

    add_decision_routes(app, reasoner, kg.limits.timeout)  # the same time limit a request
    add_docs_routes(app)
    page_cache: list[bytes] = []

    @app.get("/", summary="The web page: a SPARQL editor (YASGUI), a form per canned query, decision support")
    def page() -> Response:
        if not page_cache:  # the examples are resolved once, on the first request
            page_cache.append(render_page(kg.queries(), example_texts(kg)).encode())
        return Response(page_cache[0], media_type="text/html")

    @app.get("/static/{path:path}", summary="The page's script and style, and the YASGUI editor (packaged files)",
             responses={404: {"description": "no such file"}})
    def static(path: str) -> Response:
        found = static_file(path)
        if found is None:
            raise HTTPError(404, "not_found", f"no static file {path}")
        body, media = found
        return Response(body, media_type=media, headers={"Cache-Control": "public, max-age=3600"})

    add_vocabulary_routes(app, kg)
    add_entity_routes(app, kg)  # last: its /{name} takes any one-segment path the others did not
    app.state.query_pool = pool
    return app


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``.

    :raises MiliaKGError: if the address cannot be bound (busy port, unknown host).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(128)
        except OSError:
            sock.close()
            raise
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise MiliaKGError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


def _server(config: Any, channel: socket.socket | None = None) -> Any:
    """A uvicorn server that stops gracefully on SIGINT/SIGTERM and then exits 0: uvicorn's own
    re-raises the signal after shutting down, so a plain ``kill`` would look like a crash. With a
    ``channel`` it listens on no socket and serves the connections the supervisor hands it there
    (:func:`milia_kg.serve.processes.take_connections`)."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            handled = (signal.SIGINT, signal.SIGTERM)
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=[] if channel is not None else sockets)
            if channel is not None:
                self._take_from(channel)

        def _take_from(self, hand_over: socket.socket) -> None:
            import asyncio

            from milia_kg.serve.processes import take_connections

            loop = asyncio.get_running_loop()

            def protocol() -> asyncio.Protocol:
                return config.http_protocol_class(config=config, server_state=self.server_state,
                                                  app_state=self.lifespan.state, _loop=loop)

            starting: set[asyncio.Task[Any]] = set()

            def take(connection: socket.socket) -> None:
                task = loop.create_task(loop.connect_accepted_socket(protocol, connection))
                starting.add(task)  # held until it has run
                task.add_done_callback(starting.discard)

            def closed() -> None:  # the supervisor is gone: finish the requests and stop
                loop.remove_reader(hand_over.fileno())
                self.should_exit = True

            hand_over.setblocking(False)
            loop.add_reader(hand_over.fileno(), take_connections(hand_over, take, closed))

    return Server(config)


def run(kg: KnowledgeGraph, sock: socket.socket, reasoner: str = DEFAULT_REASONER,
        limits: ServeLimits | None = None, host: str | None = None, cors: CorsPolicy | None = None,
        processes: int = 1) -> None:
    """Serve ``kg`` (reasoned by ``reasoner``) on the listening socket ``sock`` (bound to ``host``)
    until SIGINT or SIGTERM, within ``limits``, with the CORS policy ``cors``, in ``processes``
    server processes (at most one per query slot; :mod:`milia_kg.serve.processes`: the supervisor
    accepts and hands connections to each in turn), each with its share of the bounds
    (:meth:`ServeLimits.share`)."""
    from milia_kg.decision import api

    bounds = limits or ServeLimits()
    api.classify({"age_years": 30}, reasoner)  # load decision support now, not on the first request
    processes = max(1, min(processes, bounds.max_concurrent)) if can_fork() else 1
    try:
        if processes == 1:
            _serve(kg, sock, reasoner, bounds, host, cors)
        else:
            from milia_kg.serve.processes import supervise

            share = bounds.share(processes)
            supervise(lambda _, channel: _serve(kg, sock, reasoner, share, host, cors, channel), processes, sock)
    finally:
        sock.close()


def _serve(kg: KnowledgeGraph, sock: socket.socket, reasoner: str, bounds: ServeLimits, host: str | None,
           cors: CorsPolicy | None, channel: socket.socket | None = None) -> None:
    """One server process: the app, its query workers and uvicorn, until SIGINT or SIGTERM; it
    accepts on ``sock``, or takes connections from the supervisor's ``channel``."""
    import uvicorn

    from milia_kg.serve.connections import uvicorn_options

    app = create_app(kg, reasoner, bounds, host, cors)
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            lifespan="off", **uvicorn_options(bounds.read_timeout, bounds.max_connections))
    try:
        _server(config, channel).run(sockets=None if channel is not None else [sock])
    finally:
        if app.state.query_pool is not None:
            app.state.query_pool.close()
