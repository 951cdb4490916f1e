"""The execution seam: one small interface, three engines, identical plain-Python rows.

* :class:`OxigraphBackend` — pyoxigraph's in-memory store (the default engine);
* :class:`RdflibBackend` — an :class:`rdflib.Graph` in memory, unprepared queries;
* :class:`SparqlEndpointBackend` — a remote SPARQL 1.1 endpoint through SPARQLWrapper (JSON).

Parameters are joined in with a ``VALUES`` block (:func:`milia_kg.query.sparql_text.bind`), which all three
understand. Result cells are plain Python values: an IRI is an :class:`IRI` (a ``str``), a literal
becomes ``str``, ``int``, ``float`` (also for ``xsd:decimal``), ``bool``, ``datetime.date`` or
``datetime.datetime``, an unbound variable is ``None``.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b'<https://example.org/a> <https://example.org/n> 2 .', format=ox.RdfFormat.TURTLE)
>>> OxigraphBackend(store).select("SELECT ?s ?n WHERE { ?s ?p ?n }")
(['s', 'n'], [('https://example.org/a', 2)])
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.errors import EndpointError, MiliaKGError
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

    def _run(self, query: str, bindings: Bindings) -> Any:
        try:
            return self.store.query(bind(query, bindings))
        except SyntaxError as exc:
            raise MiliaKGError(f"invalid SPARQL: {' '.join(str(exc).split())}") from None
        except OSError as exc:
            raise MiliaKGError(f"SPARQL evaluation failed in Oxigraph: {exc}") from None

    def solutions(self, query: str, bindings: Bindings = None) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a ``SELECT`` query; return its variables and rows of pyoxigraph terms (``None`` if unbound).

        :raises MiliaKGError: if the query is not valid SPARQL or not a ``SELECT``.
        """
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise MiliaKGError("not a SELECT query")
        names = [v.value for v in result.variables]
        try:
            return names, [tuple(solution) for solution in result]
        except OSError as exc:  # evaluation is lazy: errors surface while iterating
            raise MiliaKGError(f"SPARQL evaluation failed in Oxigraph: {exc}") from None

    def select(self, query: str, bindings: Bindings = None) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query.

        :raises MiliaKGError: if the query is not valid SPARQL or not a ``SELECT``.
        """
        names, rows = self.solutions(query, bindings)
        return names, [tuple(_ox_value(t) for t in row) for row in rows]

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query.

        :raises MiliaKGError: if the query is not valid SPARQL or not an ``ASK``.
        """
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise MiliaKGError("not an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings = None) -> rdflib.Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query.

        :raises MiliaKGError: if the query is not valid SPARQL or returns no triples.
        """
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise MiliaKGError("not a CONSTRUCT or DESCRIBE query")
        data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""
        return _graph_from_ntriples(data)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """English labels, read straight from the store's index."""
        label = ox.NamedNode(_RDFS_LABEL)
        rows: list[Row] = []
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

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn rdflib's parse and evaluation errors into one-line :class:`MiliaKGError`."""
        from pyparsing import ParseException
        from rdflib.plugins.sparql.sparql import SPARQLError

        try:
            yield
        except ParseException as exc:
            raise MiliaKGError(f"invalid SPARQL: {' '.join(str(exc).split())}") from None
        except SPARQLError as exc:
            reason = " ".join(str(exc).split())
            raise MiliaKGError(f"SPARQL evaluation failed in rdflib: {reason}") from None

    def select(self, query: str, bindings: Bindings = None) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query.

        :raises MiliaKGError: if the query is not valid SPARQL, fails or is not a ``SELECT``.
        """
        with self._errors():
            result = self.graph.query(bind(query, bindings))
            if result.type != "SELECT":
                raise MiliaKGError("not a SELECT query")
            names = [str(v) for v in result.vars]
            return names, [tuple(_rdflib_value(t) for t in row) for row in result]

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query.

        :raises MiliaKGError: if the query is not valid SPARQL, fails or is not an ``ASK``.
        """
        with self._errors():
            result = self.graph.query(bind(query, bindings))
            if result.type != "ASK":
                raise MiliaKGError("not an ASK query")
            return bool(result.askAnswer)

    def construct(self, query: str, bindings: Bindings = None) -> rdflib.Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query.

        :raises MiliaKGError: if the query is not valid SPARQL, fails or returns no graph.
        """
        import rdflib

        with self._errors():
            result = self.graph.query(bind(query, bindings))
            if result.type not in ("CONSTRUCT", "DESCRIBE"):
                raise MiliaKGError("not a CONSTRUCT or DESCRIBE query")
            graph = rdflib.Graph()
            for triple in result:
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


# ----------------------------------------------------------------------------- endpoint


class SparqlEndpointBackend:
    """Queries on a remote SPARQL 1.1 endpoint, through SPARQLWrapper with JSON results.

    :param url: the query endpoint.
    :param timeout: seconds to wait for an answer.
    """

    name = "endpoint"

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout

    def _request(self, query: str, bindings: Mapping[str, Any] | None, fmt: str) -> Any:
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setTimeout(int(max(1, self.timeout)))
        client.setReturnFormat(fmt)
        client.setQuery(bind(query, bindings))
        # SPARQLWrapper guesses the query type with a regex that header comments can fool
        # (it took "... avoid, the risks ..." for an update); our lexer skips comments.
        client.queryType = query_form(query)
        try:
            return client.query()
        except SPARQLWrapperException as exc:
            reason = " ".join(str(exc).split())
            raise EndpointError(self.url, reason[:300]) from None
        except urllib.error.URLError as exc:
            raise EndpointError(self.url, f"unreachable ({exc.reason})") from None
        except TimeoutError:
            raise EndpointError(self.url, f"no answer within {self.timeout:g} s") from None
        except (OSError, ValueError) as exc:
            raise EndpointError(self.url, " ".join(str(exc).split()) or type(exc).__name__) from None

    def _json(self, query: str, bindings: Bindings) -> dict[str, Any]:
        import json

        response = self._request(query, bindings, "json")
        try:
            return json.loads(response.response.read())
        except (OSError, ValueError) as exc:
            raise EndpointError(self.url, f"unreadable JSON results ({exc})") from None

    def select(self, query: str, bindings: Bindings = None) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query remotely.

        :raises EndpointError: if the endpoint is unreachable, times out or answers with an error.
        """
        data = self._json(query, bindings)
        if "results" not in data:
            raise MiliaKGError("not a SELECT query")
        names = list(data.get("head", {}).get("vars", []))
        rows = [
            tuple(_json_value(b.get(n)) for n in names) for b in data["results"].get("bindings", [])
        ]
        return names, rows

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query remotely.

        :raises EndpointError: if the endpoint is unreachable, times out or answers with an error.
        """
        data = self._json(query, bindings)
        if "boolean" not in data:
            raise MiliaKGError("not an ASK query")
        return bool(data["boolean"])

    def construct(self, query: str, bindings: Bindings = None) -> rdflib.Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query remotely; the triples come back as N-Triples.

        :raises EndpointError: if the endpoint is unreachable, times out or answers with an error.
        """
        import rdflib

        response = self._request(query, bindings, "turtle")
        try:
            data = response.response.read()
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


def _json_value(cell: Mapping[str, str] | None) -> Value:
    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        return f"_:{value}"
    return literal_value(value, cell.get("datatype"), cell.get("xml:lang"))
