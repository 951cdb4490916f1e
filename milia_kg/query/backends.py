"""The execution seam: one small interface, three engines, identical plain-Python rows.

* :class:`OxigraphBackend` — pyoxigraph's in-memory store (the default engine);
* :class:`RdflibBackend` — an :class:`rdflib.Graph` in memory, unprepared queries;
* :class:`SparqlEndpointBackend` — a remote SPARQL 1.1 endpoint through SPARQLWrapper (JSON).

Parameters are joined in with ``BIND`` or ``VALUES`` (:func:`milia_kg.query.sparql_text.bind`), which all three
understand. Result cells are plain Python values: an IRI is an :class:`IRI` (a ``str``), a literal
becomes ``str``, ``int``, ``float`` (also for ``xsd:decimal``), ``bool``, ``datetime.date`` or
``datetime.datetime``, an unbound variable is ``None``.

The embedded engines take ``max_rows`` (a cap on rows or triples, checked while iterating, so a
huge result is never built) and ``deadline`` (a :func:`time.monotonic` instant, checked between
rows); errors are the package's typed ones (:class:`~milia_kg.errors.InvalidQueryError`,
:class:`~milia_kg.errors.RowLimitError`, :class:`~milia_kg.errors.QueryTimeoutError`...), never an
engine's own exception. Untrusted text is checked (size, nesting, ``SERVICE``) by
:mod:`milia_kg.query.limits` before it reaches a backend.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b'<https://example.org/a> <https://example.org/n> 2 .', format=ox.RdfFormat.TURTLE)
>>> OxigraphBackend(store).select("SELECT ?s ?n WHERE { ?s ?p ?n }")
(['s', 'n'], [('https://example.org/a', 2)])
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg._http_retry import describe_failure, retrying
from milia_kg._isolate import FORK_GATE
from milia_kg.errors import (
    EndpointError,
    InvalidQueryError,
    MemoryLimitError,
    MiliaKGError,
    QueryTimeoutError,
    QueryTooComplexError,
    RowLimitError,
)
from milia_kg.query.sparql_text import bind, query_form

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "IRI",
    "Backend",
    "Bindings",
    "OxigraphBackend",
    "RdflibBackend",
    "Row",
    "SparqlEndpointBackend",
    "Value",
    "declared_prefixes",
    "literal_value",
]

_XSD = vocab.XSD
_RDFS_LABEL = f"{vocab.RDFS}label"
_INTEGERS = frozenset(
    _XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
        "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
)
_FLOATS = frozenset(_XSD + t for t in ("decimal", "double", "float"))


class IRI(str):
    """An IRI in a result row: a plain ``str`` that remembers it names a resource.

    >>> IRI("https://w3id.org/milia-kg/Face") == "https://w3id.org/milia-kg/Face"
    True
    """

    __slots__ = ()


#: One result cell.
Value = IRI | str | int | float | bool | _dt.date | _dt.datetime | None
#: One result row, aligned with the variables.
Row = tuple[Value, ...]
#: Variable name -> an IRI or literal (pyoxigraph or rdflib term), or a list of them.
Bindings = Mapping[str, Any] | None


def declared_prefixes(path: str, format: ox.RdfFormat | None = None) -> dict[str, str]:
    """The prefixes an RDF file declares (``@prefix``/``PREFIX``, anywhere in it), read with Oxigraph.

    rdflib keeps a parsed file's prefixes on its graph; an Oxigraph store does not, so this gives
    the Oxigraph engine the same CURIEs in parameter values. N-Triples declares none (not read).

    :raises MiliaKGError: if the file cannot be read or parsed.
    """
    if (format or ox.RdfFormat.from_extension(path.rpartition(".")[2])) == ox.RdfFormat.N_TRIPLES:
        return {}
    try:
        parser = ox.parse(path=path, format=format)
        for _ in parser:
            pass
    except (OSError, SyntaxError, ValueError) as exc:
        raise MiliaKGError(f"{path}: cannot load: {exc}") from None
    return dict(parser.prefixes)


def literal_value(lexical: str, datatype: str | None = None, language: str | None = None) -> Value:
    """Convert a literal to a plain Python value; an ill-typed lexical form stays a ``str``.

    >>> literal_value("0.50", _XSD + "decimal"), literal_value("2018-10-22", _XSD + "date")
    (0.5, datetime.date(2018, 10, 22))
    >>> literal_value("milk spots", None, "en"), literal_value("x", _XSD + "integer")
    ('milk spots', 'x')
    """
    if language or not datatype:
        return lexical
    try:
        if datatype in _INTEGERS:
            return int(lexical)
        if datatype in _FLOATS:
            return float(lexical)
        if datatype == _XSD + "boolean":
            if lexical.strip() in ("true", "1", "false", "0"):
                return lexical.strip() in ("true", "1")
            return lexical
        if datatype == _XSD + "date":
            return _dt.date.fromisoformat(lexical.strip()[:10])
        if datatype == _XSD + "dateTime":
            return _dt.datetime.fromisoformat(lexical.strip())
    except ValueError:
        return lexical
    return lexical


@runtime_checkable
class Backend(Protocol):
    """Where queries run. Every implementation returns the same plain rows for the same data."""

    #: A short name: ``oxigraph``, ``rdflib`` or ``endpoint``.
    name: str

    def select(self, query: str, bindings: Bindings = None) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query; return its variables and rows."""
        ...

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query."""
        ...

    def construct(self, query: str, bindings: Bindings = None) -> rdflib.Graph:
        """Run a ``CONSTRUCT`` or ``DESCRIBE`` query; return the triples as an rdflib graph."""
        ...

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """Return the English ``rdfs:label`` of each IRI that has one, in one lookup."""
        ...


_LABELS_QUERY = f"""SELECT ?s ?label (LANG(?label) AS ?lang) WHERE {{
  ?s <{_RDFS_LABEL}> ?label .
  FILTER(isLiteral(?label) && (LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")))
}}"""


def _pick_labels(rows: Iterable[Row]) -> dict[str, str]:
    """Keep one label per IRI: ``en`` before ``en-*`` before untagged, then alphabetically."""
    best: dict[str, tuple[int, str]] = {}
    for s, label, lang in rows:
        rank = 0 if str(lang).lower() == "en" else 1 if lang else 2
        key = (rank, str(label))
        if str(s) not in best or key < best[str(s)]:
            best[str(s)] = key
    return {s: label for s, (_, label) in best.items()}


def _english(language: str | None) -> bool:
    """True for no language tag, ``en`` and ``en-*``."""
    lang = (language or "").lower()
    return lang in ("", "en") or lang.startswith("en-")


def _capped(rows: Iterable[Any], max_rows: int | None, deadline: float | None,
            timeout: float | None = None) -> Iterator[Any]:
    """Yield ``rows``, raising :class:`RowLimitError` past ``max_rows`` and
    :class:`QueryTimeoutError` once ``deadline`` (a :func:`time.monotonic` instant) has passed."""
    for n, row in enumerate(rows, start=1):
        if max_rows is not None and n > max_rows:
            raise RowLimitError(max_rows)
        if deadline is not None and n % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeoutError(timeout if timeout is not None else 0)
        yield row


def _labels_via_select(backend: Backend, iris: Iterable[str]) -> dict[str, str]:
    """Fetch labels with one ``SELECT`` whose ``VALUES`` block lists the IRIs."""
    nodes = [ox.NamedNode(i) for i in sorted({str(i) for i in iris})]
    if not nodes:
        return {}
    return _pick_labels(backend.select(_LABELS_QUERY, {"s": nodes})[1])


# ----------------------------------------------------------------------------- Oxigraph


def _ox_value(term: Any) -> Value:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value, term.language)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


class OxigraphBackend:
    """Queries on a pyoxigraph in-memory :class:`pyoxigraph.Store` (the default engine).

    :param store: the store; its default graph is queried.
    """

    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    @classmethod
    def from_file(cls, path: str, format: ox.RdfFormat | None = None) -> OxigraphBackend:
        """Load an N-Triples or Turtle file (format guessed from the extension) into a new store.

        :raises MiliaKGError: if the file cannot be read or parsed.
        """
        store = ox.Store()
        try:
            store.bulk_load(path=path, format=format)
        except (OSError, SyntaxError, ValueError) as exc:
            raise MiliaKGError(f"{path}: cannot load: {exc}") from None
        return cls(store)

    @classmethod
    def from_graph(cls, graph: rdflib.Graph) -> OxigraphBackend:
        """Copy the triples of an rdflib graph into a new store."""
        store = ox.Store()
        store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return cls(store)

    @staticmethod
    @contextlib.contextmanager
    def _errors() -> Iterator[None]:
        """Turn Oxigraph's parse and evaluation errors (also raised lazily, while iterating)
        into one-line :class:`InvalidQueryError`."""
        try:
            yield
        except MiliaKGError:
            raise
        except SyntaxError as exc:
            raise InvalidQueryError(f"invalid SPARQL: {' '.join(str(exc).split())}") from None
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            reason = " ".join(str(exc).split())[:300]
            raise InvalidQueryError(f"SPARQL evaluation failed in Oxigraph: {reason}") from None

    def _run(self, query: str, bindings: Bindings) -> Any:
        with self._errors():
            return self.store.query(bind(query, bindings))

    def solutions(
        self, query: str, bindings: Bindings = None, *, max_rows: int | None = None,
        deadline: float | None = None, timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a ``SELECT`` query; return its variables and rows of pyoxigraph terms (``None`` if unbound).

        Oxigraph evaluates lazily, so ``max_rows`` and ``deadline`` stop it while iterating.

        :raises InvalidQueryError: if the query is not valid SPARQL or not a ``SELECT``.
        :raises RowLimitError: past ``max_rows`` rows.
        :raises QueryTimeoutError: past ``deadline`` (``timeout`` is the figure to report).
        """
        with FORK_GATE.shared():
            result = self._run(query, bindings)
            if not isinstance(result, ox.QuerySolutions):
                raise InvalidQueryError("not a SELECT query")
            names = [v.value for v in result.variables]
            with self._errors():
                return names, [tuple(s) for s in _capped(result, max_rows, deadline, timeout)]

    def select(
        self, query: str, bindings: Bindings = None, *, max_rows: int | None = None,
        deadline: float | None = None, timeout: float | None = None,
    ) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query (limits as in :meth:`solutions`).

        :raises InvalidQueryError: if the query is not valid SPARQL or not a ``SELECT``.
        """
        names, rows = self.solutions(query, bindings, max_rows=max_rows, deadline=deadline,
                                     timeout=timeout)
        return names, [tuple(_ox_value(t) for t in row) for row in rows]

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query.

        :raises MiliaKGError: if the query is not valid SPARQL or not an ``ASK``.
        """
        with FORK_GATE.shared():
            result = self._run(query, bindings)
            if not isinstance(result, ox.QueryBoolean):
                raise InvalidQueryError("not an ASK query")
            return bool(result)

    def construct(
        self, query: str, bindings: Bindings = None, *, max_rows: int | None = None,
        deadline: float | None = None, timeout: float | None = None,
    ) -> rdflib.Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query; ``max_rows`` caps the triples.

        :raises InvalidQueryError: if the query is not valid SPARQL or returns no triples.
        """
        with FORK_GATE.shared():
            result = self._run(query, bindings)
            if not isinstance(result, ox.QueryTriples):
                raise InvalidQueryError("not a CONSTRUCT or DESCRIBE query")
            with self._errors():
                triples = list(_capped(result, max_rows, deadline, timeout))
                data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return _graph_from_ntriples(data)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """English labels, read straight from the store's index."""
        label = ox.NamedNode(_RDFS_LABEL)
        rows: list[Row] = []
        with FORK_GATE.shared():
            for iri in {str(i) for i in iris}:
                for quad in self.store.quads_for_pattern(ox.NamedNode(iri), label, None, ox.DefaultGraph()):
                    lit = quad.object
                    if isinstance(lit, ox.Literal) and _english(lit.language):
                        rows.append((iri, lit.value, lit.language or ""))
        return _pick_labels(rows)


def _graph_from_ntriples(data: bytes) -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    if data:
        graph.parse(data=data, format="nt")
    return graph


# ----------------------------------------------------------------------------- rdflib


def _rdflib_value(term: Any) -> Value:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return IRI(str(term))
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return literal_value(str(term), datatype, term.language)
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


class RdflibBackend:
    """Queries on an :class:`rdflib.Graph` in memory, unprepared.

    :param graph: the graph (or a conjunctive graph / dataset with a union default graph).
    """

    name = "rdflib"

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph

    @staticmethod
    @contextlib.contextmanager
    def _errors() -> Iterator[None]:
        """Turn rdflib's parse and evaluation errors into one-line :class:`InvalidQueryError`.

        rdflib raises bare ``Exception`` for some errors (an undeclared prefix, ``GRAPH`` on a
        plain graph), so everything but the package's own errors is caught here. Parsing and
        evaluation recurse in Python; :func:`_recursion_headroom` lets every query within
        :mod:`milia_kg.query.limits` finish, and a ``RecursionError`` beyond them is typed too.
        """
        from pyparsing import ParseBaseException

        try:
            with _recursion_headroom():
                yield
        except MiliaKGError:
            raise
        except ParseBaseException as exc:
            raise InvalidQueryError(f"invalid SPARQL: {' '.join(str(exc).split())[:300]}") from None
        except RecursionError:
            raise QueryTooComplexError("query nests too deeply for the rdflib engine") from None
        except MemoryError:
            raise MemoryLimitError("query stopped: out of memory in the rdflib engine") from None
        except Exception as exc:
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            raise InvalidQueryError(f"SPARQL evaluation failed in rdflib: {reason}") from None

    def _run(self, query: str, bindings: Bindings, form: tuple[str, ...]) -> Any:
        from milia_kg.query.sparql_text import is_keyword, tokens

        text = bind(query, bindings)
        if any(is_keyword(tok, "FROM") for tok in tokens(text)):
            # rdflib would load the named IRIs (from the web) into a dataset; this engine has one graph.
            raise InvalidQueryError("FROM / FROM NAMED is not supported by the rdflib engine "
                                    "(it queries one default graph)")
        result = self.graph.query(text)
        if result.type not in form:
            raise InvalidQueryError(f"not a {' or '.join(form)} query")
        return result

    def select(
        self, query: str, bindings: Bindings = None, *, max_rows: int | None = None,
        deadline: float | None = None, timeout: float | None = None,
    ) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query; ``max_rows`` and ``deadline`` are checked between rows.

        :raises InvalidQueryError: if the query is not valid SPARQL, fails or is not a ``SELECT``.
        :raises RowLimitError: past ``max_rows`` rows.
        """
        with self._errors():
            result = self._run(query, bindings, ("SELECT",))
            names = [str(v) for v in result.vars]
            rows = _capped(result, max_rows, deadline, timeout)
            return names, [tuple(_rdflib_value(t) for t in row) for row in rows]

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query.

        :raises InvalidQueryError: if the query is not valid SPARQL, fails or is not an ``ASK``.
        """
        with self._errors():
            return bool(self._run(query, bindings, ("ASK",)).askAnswer)

    def construct(
        self, query: str, bindings: Bindings = None, *, max_rows: int | None = None,
        deadline: float | None = None, timeout: float | None = None,
    ) -> rdflib.Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query; ``max_rows`` caps the triples.

        :raises InvalidQueryError: if the query is not valid SPARQL, fails or returns no graph.
        """
        import rdflib

        with self._errors():
            result = self._run(query, bindings, ("CONSTRUCT", "DESCRIBE"))
            graph = rdflib.Graph()
            for triple in _capped(result, max_rows, deadline, timeout):
                graph.add(triple)
            return graph

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """English labels, read from the graph's index."""
        import rdflib

        label = rdflib.RDFS.label
        rows: list[Row] = []
        for iri in {str(i) for i in iris}:
            for lit in self.graph.objects(rdflib.URIRef(iri), label):
                if isinstance(lit, rdflib.Literal) and _english(lit.language):
                    rows.append((iri, str(lit), lit.language or ""))
        return _pick_labels(rows)


_RECURSION_LIMIT = 20_000
_recursion_lock = threading.Lock()
_recursion_users = 0
_recursion_saved = 0


@contextlib.contextmanager
def _recursion_headroom() -> Iterator[None]:
    """Raise the recursion limit to 20,000 while rdflib parses and evaluates (restored after).

    rdflib's parser needs ~35 Python frames per nested parenthesis and its evaluator 2-4 per
    ``UNION`` branch or triple pattern; measured, 20,000 lets every query within the limits of
    :mod:`milia_kg.query.limits` finish on the main thread's stack.
    """
    global _recursion_users, _recursion_saved
    with _recursion_lock:
        if _recursion_users == 0:
            _recursion_saved = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_recursion_saved, _RECURSION_LIMIT))
        _recursion_users += 1
    try:
        yield
    finally:
        with _recursion_lock:
            _recursion_users -= 1
            if _recursion_users == 0:
                sys.setrecursionlimit(_recursion_saved)


# ----------------------------------------------------------------------------- endpoint


#: Largest endpoint response read (64 MiB): an endless answer ends in :class:`EndpointError`.
MAX_RESPONSE_BYTES = 64 * 2**20
#: The one results format asked for: an endpoint may answer ``application/json`` in a format of its own.
SPARQL_JSON = "application/sparql-results+json"


def _check_url(url: object) -> str:
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
        self.url = _check_url(url)
        self.timeout = timeout
        self.graph = graph
        self.max_bytes = max_bytes

    def _request(self, query: str, bindings: Mapping[str, Any] | None, fmt: str) -> Any:
        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.url)
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
        try:  # a query is an idempotent read: retried on a refused connection or a 502/503/504
            return retrying(client.query)
        except SPARQLWrapperException as exc:
            reason = " ".join(str(exc).split())
            raise EndpointError(self.url, reason[:300]) from None
        except (OSError, ValueError) as exc:
            raise EndpointError(self.url, describe_failure(exc, self.timeout)) from None

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

    def _json(self, query: str, bindings: Bindings) -> dict[str, Any]:
        import json

        body = self._read(self._request(query, bindings, "json"))
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

        response = self._request(query, bindings, "turtle")
        data = self._read(response)
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
        return _labels_via_select(self, iris)


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
