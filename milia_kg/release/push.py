"""``milia-kg push``: load the reasoned graph into a triple store, atomically and verified.

The triples go first into a temporary named graph, through the SPARQL 1.1 Graph Store Protocol
(``PUT``, then ``POST`` per chunk) or, where the store has none, SPARQL Update ``INSERT DATA`` in chunks that never
split a blank node's triples (a blank node label is scoped to one request). The temporary graph's
triple count is checked against what was sent; only then does one update request ``MOVE`` it onto
the target graph (one transaction on Oxigraph; see docs/stores.md for Virtuoso), and the target's
count is checked again. Any failure before the ``MOVE`` leaves the target as it was; the temporary
graph is dropped (best effort: the error then names what is left behind).

Credentials come from the environment only: ``MILIA_KG_ENDPOINT_USER`` and
``MILIA_KG_ENDPOINT_PASSWORD`` (HTTP basic or digest, whichever the store asks for) or
``MILIA_KG_ENDPOINT_TOKEN`` (bearer). They are never printed or logged. Updates are not retried
(they are not idempotent); the counting queries are read-only and are retried like any other read
(:mod:`milia_kg.base.http`).
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from milia_kg import vocab
from milia_kg.base.http import (
    MAX_RESPONSE_BYTES,
    Deadline,
    DeadlineRequest,
    check_url,
    describe_failure,
    opener,
    read_capped,
    retrying,
)
from milia_kg.errors import EndpointError, ParameterError, PushError

__all__ = ["Credentials", "PushSummary", "Routes", "chunks", "guess_routes", "push", "push_release"]

log = logging.getLogger(__name__)

#: The graph the reasoned triples go to when ``--graph`` is not given.
DEFAULT_GRAPH = vocab.REASONED_GRAPH
#: Triples per ``INSERT`` request where the store has no Graph Store Protocol (Virtuoso 7
#: compiles a template of ~1,000 triples into more SQL than it accepts).
CHUNK_TRIPLES = 250
#: Seconds one HTTP request of a push may take.
DEFAULT_TIMEOUT = 60.0

_BNODE = re.compile(r"_:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-]")
#: An absolute IRI as SPARQL's IRIREF allows it: a target is written between ``<`` and ``>`` into
#: the ``MOVE`` request, so a ``>`` in it would end the IRI and add commands (``DROP ALL``).
_IRIREF = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*')


@dataclass(frozen=True)
class Routes:
    """The three URLs of a store: SPARQL query, SPARQL update, Graph Store (``None``: none)."""

    query: str
    update: str
    store: str | None


def guess_routes(endpoint: str, update: str | None = None, store: str | None = None,
                 authenticated: bool = False) -> Routes:
    """The update and Graph Store URLs that go with a query URL, for the common layouts.

    ``…/query`` (Oxigraph, Fuseki): ``…/update`` and ``…/store`` (Fuseki: give ``--store-url
    …/data``); ``…/sparql`` (Virtuoso): ``…/sparql-auth`` and ``…/sparql-graph-crud-auth`` with
    credentials, else ``…/sparql`` and no Graph Store; anything else: updates to the same URL,
    no Graph Store. Explicit ``update``/``store`` win.

    >>> guess_routes("http://127.0.0.1:7878/query")
    Routes(query='http://127.0.0.1:7878/query', update='http://127.0.0.1:7878/update', store='http://127.0.0.1:7878/store')
    >>> guess_routes("http://127.0.0.1:8890/sparql", authenticated=True).store
    'http://127.0.0.1:8890/sparql-graph-crud-auth'
    """
    base, _, last = endpoint.rstrip("/").rpartition("/")
    guessed_update, guessed_store = endpoint, None
    if last == "query":
        guessed_update, guessed_store = f"{base}/update", f"{base}/store"
    elif last == "sparql" and authenticated:
        guessed_update, guessed_store = f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth"
    return Routes(endpoint, update or guessed_update, store if store is not None else guessed_store)


@dataclass(frozen=True)
class Credentials:
    """HTTP credentials read from the environment; :func:`repr` never shows a secret."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        return cls(env.get("MILIA_KG_ENDPOINT_USER") or None,
                   env.get("MILIA_KG_ENDPOINT_PASSWORD") or None,
                   env.get("MILIA_KG_ENDPOINT_TOKEN") or None)

    def __bool__(self) -> bool:
        return bool(self.user or self.token)

    def secrets(self) -> list[str]:
        """Every form in which a secret may come back in an answer: as given, and as the
        base64 of a Basic ``Authorization`` header (an error page may quote the request)."""
        import base64

        found = [s for s in (self.password, self.token) if s]
        if self.user and self.password:
            found.append(base64.b64encode(f"{self.user}:{self.password}".encode()).decode())
        return found


@dataclass
class PushSummary:
    """What a push did: triples per target graph, and how long it took."""

    graphs: dict[str, int]
    method: str
    seconds: float

    def text(self) -> str:
        lines = [f"pushed {n} triples into <{g}> ({self.method})" for g, n in self.graphs.items()]
        return "\n".join([*lines, f"in {self.seconds:.1f} s, verified by count"])


def chunks(lines: Sequence[str], size: int = CHUNK_TRIPLES) -> list[list[str]]:
    """Group N-Triples lines into chunks of about ``size`` that keep each blank node's triples
    together (a connected set of blank nodes is never split; it may make a chunk larger).

    >>> chunks(["<a> <p> _:b1 .", "<c> <p> <d> .", "_:b1 <q> _:b2 .", "_:b2 <q> <e> ."], size=1)
    [['<a> <p> _:b1 .', '_:b1 <q> _:b2 .', '_:b2 <q> <e> .'], ['<c> <p> <d> .']]
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    labels = [_BNODE.findall(line) for line in lines]
    for found in labels:
        for other in found[1:]:
            parent[find(other)] = find(found[0])
    groups: dict[str, list[str]] = {}
    for index, (line, found) in enumerate(zip(lines, labels, strict=True)):
        groups.setdefault(find(found[0]) if found else f"#{index}", []).append(line)
    out: list[list[str]] = [[]]
    for group in groups.values():
        if out[-1] and len(out[-1]) + len(group) > size:
            out.append([])
        out[-1].extend(group)
    return [c for c in out if c]


class _Client:
    """HTTP for one push: credentials attached, errors made one-line and free of secrets."""

    def __init__(self, routes: Routes, credentials: Credentials, timeout: float) -> None:
        self.routes = routes
        self.credentials = credentials
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = []
        if credentials.user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {u for u in (routes.query, routes.update, routes.store) if u is not None}:
                manager.add_password(None, url, credentials.user, credentials.password or "")
            handlers += [urllib.request.HTTPBasicAuthHandler(manager),
                         urllib.request.HTTPDigestAuthHandler(manager)]
        self.opener = opener(*handlers)  # a total deadline per request; redirects refused

    def _clean(self, text: str) -> str:
        for secret in self.credentials.secrets():
            text = text.replace(secret, "***")
        return " ".join(text.split())[:300]

    def send(self, method: str, url: str, body: bytes, content_type: str,
             accept: str = "*/*", retry: bool = False, timeout: float | None = None) -> bytes:
        """One request (``retry``: a read, retried on transient failures) within ``timeout``
        seconds in all (default :attr:`timeout`), its answer at most :data:`MAX_RESPONSE_BYTES`;
        raises :class:`EndpointError` naming ``url`` and the failure, without any secret."""
        headers = {"Content-Type": content_type, "Accept": accept}
        if self.credentials.token:
            headers["Authorization"] = f"Bearer {self.credentials.token}"
        seconds = self.timeout if timeout is None else timeout
        deadline = Deadline(seconds)

        def once() -> bytes:
            request = DeadlineRequest(url, deadline, data=body, method=method, headers=headers)
            with self.opener.open(request, timeout=seconds) as response:
                return read_capped(response, MAX_RESPONSE_BYTES)

        try:
            return retrying(once) if retry else once()
        except urllib.error.HTTPError as exc:
            if deadline.expired:
                raise EndpointError(url, f"no answer within {seconds:g} s") from None
            try:
                detail = exc.read(300).decode("utf-8", "replace").strip()
            except (OSError, ValueError, http.client.HTTPException):
                detail = ""
            status = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
            raise EndpointError(url, self._clean(status)) from None
        except (OSError, ValueError, http.client.HTTPException) as exc:
            reason = (f"no answer within {seconds:g} s" if deadline.expired
                      else describe_failure(exc, seconds))
            raise EndpointError(url, self._clean(reason)) from None
        finally:
            deadline.close()

    def update(self, text: str) -> None:
        self.send("POST", self.routes.update, text.encode("utf-8"), "application/sparql-update")

    def count(self, graph: str) -> int:
        """Triples in ``graph`` (a read: retried on transient failures)."""
        import json

        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        body = urllib.parse.urlencode({"query": query}).encode()

        data = self.send("POST", self.routes.query, body, "application/x-www-form-urlencoded",
                         "application/sparql-results+json", retry=True)
        try:
            return int(json.loads(data)["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise EndpointError(self.routes.query, "unreadable answer to a triple count") from None

    def upload(self, graph: str, lines: Sequence[str]) -> str:
        """Put ``lines`` into the (empty) ``graph``; return the method used."""
        if self.routes.store:
            # PUT, then POST (merge) per chunk: a store that challenges for digest auth answers 401
            # before reading the body and closes, which breaks the pipe under a body of megabytes.
            url = f"{self.routes.store}?{urllib.parse.urlencode({'graph': graph})}"
            for index, chunk in enumerate(chunks(lines)):
                self.send("POST" if index else "PUT", url,
                          "".join(f"{line}\n" for line in chunk).encode("utf-8"),
                          "text/turtle; charset=utf-8")
            return "Graph Store Protocol"
        for chunk in chunks(lines):  # INSERT ... WHERE {}: Virtuoso refuses blank nodes in INSERT DATA
            self.update(f"INSERT {{ GRAPH <{graph}> {{\n" + "\n".join(chunk) + "\n} } WHERE { }")
        return "SPARQL Update"


def _ntriples_lines(data: bytes | str) -> list[str]:
    """The distinct triples of an N-Triples document, one line each (comments dropped)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    seen = dict.fromkeys(s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#"))
    return list(seen)


def push(graphs: Mapping[str, bytes | str], endpoint: str, *, update_url: str | None = None,
         store_url: str | None = None, credentials: Credentials | None = None,
         timeout: float = DEFAULT_TIMEOUT,
         on_step: Callable[[str], None] | None = None) -> PushSummary:
    """Replace each target graph (IRI -> N-Triples) in the store at ``endpoint`` (a query URL).

    All temporary graphs are loaded and counted before one update request moves them onto their
    targets, so either every target is replaced or none is. ``on_step`` is called with
    ``"uploaded"``, ``"verified"`` and ``"moved"`` (the tests use it to break a push midway).

    :raises PushError: for any failure; the message says which targets are untouched and what
        temporary graph, if any, could not be removed.
    """
    started = time.monotonic()
    for target in graphs:
        if not isinstance(target, str) or not _IRIREF.fullmatch(target):
            raise ParameterError("graph", target, "must be an absolute IRI without spaces, control "
                                 'characters or any of <>"{}|^`\\')
    credentials = credentials if credentials is not None else Credentials.from_env()
    routes = guess_routes(check_url(endpoint), update_url, store_url, authenticated=bool(credentials))
    for url in (routes.update, routes.store):  # the one URL policy of every outbound request
        if url:  # "" is no Graph Store
            check_url(url)
    client = _Client(routes, credentials, timeout)
    step = on_step or (lambda name: None)
    token = uuid.uuid4().hex
    plan = {target: (f"urn:milia-kg:push:{token}:{i}", _ntriples_lines(data))
            for i, (target, data) in enumerate(graphs.items())}
    temps = [temp for temp, _ in plan.values()]
    method = ""
    written = move_sent = moved = False
    try:
        for temp, lines in plan.values():
            written = True
            method = client.upload(temp, lines)
            log.info("push: %d triples loaded into temporary graph %s", len(lines), temp)
        step("uploaded")
        for temp, lines in plan.values():
            found = client.count(temp)
            if found != len(lines):
                raise EndpointError(routes.query, f"the temporary graph holds {found} triples, "
                                    f"{len(lines)} were sent")
        step("verified")
        move_sent = True
        client.update(" ;\n".join(f"MOVE GRAPH <{temp}> TO GRAPH <{target}>"
                                  for target, (temp, _) in plan.items()))
        moved = True
        step("moved")
        for target, (_, lines) in plan.items():
            found = client.count(target)
            if found != len(lines):
                raise EndpointError(routes.query, f"<{target}> holds {found} triples after the move, "
                                    f"{len(lines)} were sent")
    except (EndpointError, OSError) as exc:
        raise PushError(_failure(exc, client, temps if written else [], list(plan),
                                 "moved" if moved else "sent" if move_sent else "")) from None
    return PushSummary({t: len(lines) for t, (_, lines) in plan.items()}, method,
                       time.monotonic() - started)


#: The state of the targets after a failure, by how far the ``MOVE`` got.
_STATES = {
    "": "target graphs unchanged",
    "sent": "the MOVE onto the target graphs was sent but never confirmed, so their state is unknown "
            "(check them: they may already hold the new triples)",
    "moved": "the target graphs were replaced but do not verify",
}


def _failure(exc: BaseException, client: _Client, temps: Iterable[str], targets: list[str],
             move: str) -> str:
    """One line: what failed, the state of the targets (``move``: ``""`` not sent, ``"sent"``
    without an answer, ``"moved"``), and what is left behind. Dropping the temporary graphs gets
    one timeout in all, so a store that stopped answering costs two timeouts, not one per graph."""
    reason = client._clean(str(exc))
    state = _STATES[move]
    left = []
    stop = time.monotonic() + client.timeout
    for temp in temps:
        try:
            left_time = stop - time.monotonic()
            if left_time <= 0:
                raise EndpointError(client.routes.update, "no time left")
            client.send("POST", client.routes.update, f"DROP SILENT GRAPH <{temp}>".encode(),
                        "application/sparql-update", timeout=left_time)
        except EndpointError:
            left.append(temp)
    names = ", ".join(f"<{t}>" for t in left)
    tail = (f"; could not drop the temporary graph(s) {names}: drop them with DROP SILENT GRAPH"
            if left else "; temporary graph removed" if temps else "; nothing was written")
    log.info("push failed: %s", reason)
    return f"push to {', '.join(f'<{t}>' for t in targets)} failed: {reason}; {state}{tail}"


def push_release(endpoint: str, graph: str | None = None, with_asserted: bool = False,
                 reasoner: str | None = None, **options: object) -> PushSummary:
    """Push the packaged reasoned graph into ``graph`` (default :data:`DEFAULT_GRAPH`); with
    ``with_asserted``, the asserted triples alone also go to ``…/graph/asserted`` in the same
    atomic replacement, so a store can tell what the sources say from what was inferred."""
    from milia_kg.reasoner import DEFAULT_REASONER
    from milia_kg.release import cache

    data = cache.reasoned_graph_file(reasoner or DEFAULT_REASONER).read_bytes()
    graphs: dict[str, bytes | str] = {graph or DEFAULT_GRAPH: data}
    if with_asserted:
        from milia_kg.release.sources import ASSERTED_GRAPH, load_asserted

        graphs[str(ASSERTED_GRAPH)] = load_asserted().serialize(format="nt", encoding="utf-8")
    return push(graphs, endpoint, **options)  # type: ignore[arg-type]  # options are push()'s keywords
