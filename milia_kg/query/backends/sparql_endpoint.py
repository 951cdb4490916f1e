"""A remote SPARQL 1.1 endpoint through SPARQLWrapper, JSON results checked against the format
before use; the URL, the response size, the total time of a try and redirects follow the one HTTP
policy of :mod:`milia_kg.base.http`.

SPARQLWrapper builds the request and reads the results, but sends through
:func:`milia_kg.base.http.opener` (:class:`WatchedWrapper`): its own ``urlopen`` hides the socket,
and its timeout is per read, so a store dripping a byte a second held the caller for good and a
thread left to wait for it kept reading. The opener's :class:`~milia_kg.base.http.Deadline` shuts the
connection down when a try's time is up: the read fails at once, in the caller's thread, and
nothing keeps running. As for ``push``, no redirect is followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from milia_kg.base.http import (
    MAX_RESPONSE_BYTES,
    Deadline,
    DeadlineRequest,
    check_url,
    describe_failure,
    opener,
    retrying,
)
from milia_kg.errors import EndpointError, MiliaKGError
from milia_kg.query.backends.base import IRI, Bindings, Row, Value, labels_via_select, literal_value
from milia_kg.query.sparql_text import bind, query_form

if TYPE_CHECKING:
    import rdflib

__all__ = ["SPARQL_JSON", "SparqlEndpointBackend", "watched_wrapper"]

#: The one results format asked for: an endpoint may answer ``application/json`` in a format of its own.
SPARQL_JSON = "application/sparql-results+json"


def watched_wrapper(url: str, deadline: Deadline) -> Any:
    """A SPARQLWrapper client for ``url`` whose requests go through :func:`milia_kg.base.http.opener`
    under ``deadline`` (the connection is shut down when it passes); HTTP errors are turned into
    SPARQLWrapper's exceptions as its own ``_query`` does."""
    import urllib.error

    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import (
        EndPointInternalError,
        EndPointNotFound,
        QueryBadFormed,
        Unauthorized,
        URITooLong,
    )

    errors = {400: QueryBadFormed, 401: Unauthorized, 404: EndPointNotFound, 414: URITooLong,
              500: EndPointInternalError}

    class WatchedWrapper(SPARQLWrapper):
        def _query(self) -> tuple[Any, str]:
            made = self._createRequest()
            request = DeadlineRequest(made.full_url, deadline, data=made.data, method=made.get_method(),
                                      headers=dict(made.header_items()))
            try:
                return _OPENER.open(request, timeout=self.timeout), self.returnFormat
            except urllib.error.HTTPError as exc:
                if exc.code in errors:
                    raise errors[exc.code](exc.read()) from None
                raise

    return WatchedWrapper(url)


#: The opener of every endpoint request: deadlines honoured, no redirect followed.
_OPENER = opener()


class SparqlEndpointBackend:
    """Queries on a remote SPARQL 1.1 endpoint, through SPARQLWrapper with JSON results.

    Every answer is checked against the SPARQL 1.1 JSON results format before use; a body that
    does not follow it, or one larger than ``max_bytes``, raises :class:`EndpointError`.

    :param url: the query endpoint (http or https).
    :param timeout: seconds to wait for an answer.
    :param max_bytes: the largest response read (default :data:`MAX_RESPONSE_BYTES`, 64 MiB).
    :raises EndpointError: if ``url`` is not an http(s) URL, before anything is sent.
    :param graph: a named graph to query as the default graph (``default-graph-uri``); the
        store's own default graph when ``None``.
    """

    name = "endpoint"

    def __init__(self, url: str, timeout: float = 30.0, graph: str | None = None,
                 max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self.url = check_url(url)
        self.timeout = timeout
        self.graph = graph
        self.max_bytes = max_bytes

    def _client(self, query: str, bindings: Mapping[str, Any] | None, fmt: str, deadline: Deadline) -> Any:
        from SPARQLWrapper import POST

        client = watched_wrapper(self.url, deadline)
        client.setMethod(POST)
        client.setTimeout(int(max(1, self.timeout)))
        client.setReturnFormat(fmt)
        if fmt == "json":  # SPARQLWrapper also offers application/json, which Comunica answers
            client.addCustomHttpHeader("Accept", SPARQL_JSON)  # with its own format (a list)
        client.setQuery(bind(query, bindings))
        if self.graph:
            client.addDefaultGraph(self.graph)
        # SPARQLWrapper guesses the query type with a regex that header comments can fool
        # (it took "... avoid, the risks ..." for an update); our lexer skips comments.
        client.queryType = query_form(query)
        return client

    def _read(self, response: Any) -> bytes:
        """The body, read in chunks and refused past :attr:`max_bytes` (no MemoryError)."""
        import http.client

        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                chunk = response.response.read(min(2**20, self.max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_bytes:
                    break
        except TimeoutError:
            raise EndpointError(self.url, f"no answer within {self.timeout:g} s") from None
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise EndpointError(self.url, f"unreadable response ({' '.join(str(exc).split())[:200]})") from None
        if size > self.max_bytes:
            response.response.close()
            raise EndpointError(self.url, f"response larger than {self.max_bytes} bytes")
        return b"".join(chunks)

    def _fetch(self, query: str, bindings: Bindings, fmt: str) -> tuple[Any, bytes]:
        """The response and its body (:meth:`_read`). Each try has :attr:`timeout` seconds in all
        (connect, send, headers, body), on the caller's thread: at the deadline the connection is
        shut down (:func:`watched_wrapper`), so the read ends and no thread is left. A query is an
        idempotent read: retried on a refused connection or a 502/503/504.

        :raises EndpointError: if the endpoint is unreachable, slow, or answers with an error.
        """
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        def attempt() -> tuple[Any, bytes]:
            deadline = Deadline(self.timeout)
            try:
                response = self._client(query, bindings, fmt, deadline).query()
                answer = (response, self._read(response))
            except Exception:
                if deadline.expired:  # the watchdog cut the connection: whatever failed, it was the time
                    raise TimeoutError(f"no answer within {self.timeout:g} s") from None
                raise
            finally:
                deadline.close()
            if deadline.expired:  # cut between the last read and here: the body may be short
                raise TimeoutError(f"no answer within {self.timeout:g} s")
            return answer

        try:
            return retrying(attempt)
        except EndpointError:
            raise
        except SPARQLWrapperException as exc:
            reason = " ".join(str(exc).split())
            raise EndpointError(self.url, reason[:300]) from None
        except (OSError, ValueError) as exc:
            raise EndpointError(self.url, describe_failure(exc, self.timeout)) from None

    def _json(self, query: str, bindings: Bindings) -> dict[str, Any]:
        import json

        _, body = self._fetch(query, bindings, "json")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise EndpointError(self.url, f"results are not JSON ({' '.join(str(exc).split())[:200]})") from None
        if not isinstance(data, dict):
            raise EndpointError(self.url, f"results are not a JSON object (got {type(data).__name__})")
        return data

    def select(self, query: str, bindings: Bindings = None) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query remotely.

        :raises EndpointError: if the endpoint is unreachable, times out or answers with an error.
        """
        data = self._json(query, bindings)
        if "boolean" in data and "results" not in data:
            raise MiliaKGError("not a SELECT query")
        try:
            return _json_select(data)
        except _Malformed as exc:
            raise EndpointError(self.url, f"malformed SPARQL JSON results: {exc}") from None

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query remotely.

        :raises EndpointError: if the endpoint is unreachable, times out or answers with an error.
        """
        data = self._json(query, bindings)
        if "results" in data and "boolean" not in data:
            raise MiliaKGError("not an ASK query")
        answer = data.get("boolean")
        if not isinstance(answer, bool):  # "false" is a true string: only JSON true/false count
            raise EndpointError(
                self.url, f"malformed SPARQL JSON results: boolean is {_shown(answer)}, not true or false"
            )
        return answer

    def construct(self, query: str, bindings: Bindings = None) -> rdflib.Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query remotely; the triples come back as N-Triples.

        :raises EndpointError: if the endpoint is unreachable, times out or answers with an error.
        """
        import rdflib

        response, data = self._fetch(query, bindings, "turtle")
        try:
            graph = rdflib.Graph()
            content_type = response.response.headers.get("Content-Type", "")
            fmt = "xml" if "xml" in content_type else "turtle"
            graph.parse(data=data, format=fmt)
        except (OSError, ValueError, SyntaxError) as exc:
            raise EndpointError(self.url, f"unreadable RDF ({exc})") from None
        return graph

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """English labels, in one query with a ``VALUES`` block."""
        return labels_via_select(self, iris)


class _Malformed(ValueError):
    """A results body that does not follow the SPARQL 1.1 JSON results format."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_select(data: Mapping[str, Any]) -> tuple[list[str], list[Row]]:
    """Variables and rows of a SPARQL JSON SELECT answer, checked against the format."""
    head = data.get("head")
    if not isinstance(head, dict):
        raise _Malformed(f"head is {_shown(head)}, not an object")
    names = head.get("vars")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _Malformed(f"head.vars is {_shown(names)}, not a list of names")
    results = data.get("results")
    if not isinstance(results, dict):
        raise _Malformed(f"results is {_shown(results)}, not an object")
    bindings = results.get("bindings")
    if not isinstance(bindings, list):
        raise _Malformed(f"results.bindings is {_shown(bindings)}, not a list")
    rows: list[Row] = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise _Malformed(f"a binding is {_shown(binding)}, not an object")
        rows.append(tuple(_json_value(binding.get(n)) for n in names))
    return names, rows


def _json_value(cell: object) -> Value:
    """One cell of a binding (``None`` when the variable is unbound)."""
    if cell is None:
        return None
    if not isinstance(cell, dict):
        raise _Malformed(f"a binding cell is {_shown(cell)}, not an object")
    kind, value = cell.get("type"), cell.get("value")
    if not isinstance(kind, str):
        raise _Malformed(f"a binding cell has no type: {_shown(cell)}")
    if not isinstance(value, str):
        raise _Malformed(f"a binding cell has no string value: {_shown(cell)}")
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        return f"_:{value}"
    if kind not in ("literal", "typed-literal"):
        raise _Malformed(f"unknown term type {_shown(kind)}")
    datatype, language = cell.get("datatype"), cell.get("xml:lang")
    if not isinstance(datatype, (str, type(None))) or not isinstance(language, (str, type(None))):
        raise _Malformed(f"a literal's datatype or language is not a string: {_shown(cell)}")
    return literal_value(value, datatype, language)
