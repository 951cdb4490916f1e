"""The Python API: one :class:`KnowledgeGraph` that runs canned queries and arbitrary SPARQL.

>>> kg = KnowledgeGraph.open()                      # the reasoned graph, on Oxigraph
>>> "conditions_at_site" in [q.name for q in kg.queries()]
True
>>> rows = kg.query("conditions_at_site", site="face")   # a label; nose, eyelids... count too
>>> sorted({r["condition_label"] for r in rows})
['milia', 'milia en plaque', 'multiple eruptive milia', 'neonatal milia', 'primary milia']
>>> rows[0]["condition"].startswith("https://w3id.org/milia-kg/")
True
>>> kg.sparql("ASK { ?s ?p ?o }")
True

Untrusted input: query text is checked before any engine sees it (size, nesting, ``SERVICE``;
see :mod:`milia_kg.query.limits`), and every query has a time limit and a row cap
(:class:`~milia_kg.query.limits.Limits`: 30 s and 100,000 rows by default; ``timeout=`` and
``max_rows=`` on the constructors, :meth:`KnowledgeGraph.with_limits` and :meth:`~KnowledgeGraph.sparql`).
Arbitrary SPARQL (:meth:`~KnowledgeGraph.sparql`) on an embedded engine is evaluated in a forked,
memory-bounded child process that is killed at the deadline (:mod:`milia_kg.query.isolate`); canned
catalogue queries run in-process, the cap and deadline checked while rows are read.

>>> kg.sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", max_rows=10)
Traceback (most recent call last):
...
milia_kg.errors.RowLimitError: query stopped: more than 10 result rows (--max-rows)
"""

from __future__ import annotations

import copy
import functools
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milia_kg.base.records import Record
from milia_kg.errors import MiliaKGError, ParameterError, RowLimitError
from milia_kg.query import catalogue, packaged
from milia_kg.query.backends.base import IRI, Backend, Row, Value
from milia_kg.query.backends.oxigraph_store import OxigraphBackend, declared_prefixes, term_cell
from milia_kg.query.catalogue import Query
from milia_kg.query.isolate import can_fork, run_isolated
from milia_kg.query.limits import Limits, check_query, check_text
from milia_kg.query.packaged import packaged_graph_file
from milia_kg.query.params import LabelRows, Resolver
from milia_kg.reasoner import DEFAULT_REASONER

if TYPE_CHECKING:
    import rdflib

__all__ = ["ENGINES", "KnowledgeGraph", "Result", "check_engine", "packaged_graph_file"]

#: The embedded engines; the first is the default.
ENGINES = ("oxigraph", "rdflib")

_LABEL = "_label"


class Result(Record):
    """What a query returned, ready to be formatted.

    ``form`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``. A ``SELECT`` fills ``columns``
    (the variables, each entity column followed by its ``_label`` companion) and ``rows``; an
    ``ASK`` fills ``boolean``; a ``CONSTRUCT``/``DESCRIBE`` fills ``graph``.
    """

    _fields = ("form", "columns", "rows", "boolean", "graph")

    def __init__(self, form: str, columns: list[str] | None = None, rows: list[dict[str, Value]] | None = None,
                 boolean: bool | None = None, graph: rdflib.Graph | None = None) -> None:
        self.form = form
        self.columns: list[str] = [] if columns is None else columns
        self.rows: list[dict[str, Value]] = [] if rows is None else rows
        self.boolean = boolean
        self.graph = graph


class KnowledgeGraph:
    """The milia knowledge graph behind a query engine.

    Use :meth:`open` for the packaged reasoned graph, :meth:`from_graph` for an rdflib graph of
    your own, :meth:`from_endpoint` for a remote SPARQL endpoint.

    :param backend: where queries run.
    :param graph: the rdflib graph, or a function that builds it when :attr:`graph` is first read.
    :param queries_dir: a folder of ``*.rq`` files to use instead of the packaged catalogue.
    :param prefixes: CURIE prefixes for parameter values, besides the built-in ones.
    :param limits: time limit, row cap, memory budget and allowed ``SERVICE`` endpoints
        (default: :class:`~milia_kg.query.limits.Limits`, 30 s, 100,000 rows, no ``SERVICE``).
    :param content_key: names the graph's content, which must not change while it is in use (the
        packaged graph's sources' cache key, a kept store's key); resolved parameter values are then
        kept across calls and instances (see :class:`~milia_kg.query.params.Resolver`).
    :param labels: the graph's labels and synonyms (:data:`~milia_kg.query.params.LABELS_QUERY`'s rows),
        when they are kept beside it: label parameters are then looked up in them, not asked of the graph.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        graph: rdflib.Graph | Callable[[], rdflib.Graph] | None = None,
        queries_dir: str | Path | None = None,
        prefixes: Mapping[str, str] | None = None,
        limits: Limits | None = None,
        content_key: str | None = None,
        labels: Callable[[], LabelRows] | None = None,
    ) -> None:
        self.backend = backend
        self._graph = graph
        self._queries_dir = queries_dir
        self._resolver = Resolver(backend, prefixes, content_key, labels)
        self.limits = limits or Limits()

    def with_limits(
        self, *, timeout: float | None = None, max_rows: int | None = None,
        max_memory: int | None = None, allow_service: Iterable[str] | None = None,
        max_bytes: int | None = None,
    ) -> KnowledgeGraph:
        """A view of the same graph and engine with other limits (``None`` keeps a limit).

        :param timeout: seconds a query may run.
        :param max_rows: result rows (or triples) a query may return.
        :param max_memory: bytes a query evaluated in a child process may add.
        :param allow_service: endpoint IRIs ``SERVICE`` may call.
        :param max_bytes: bytes an answer evaluated in a child process may hold.
        :raises ParameterError: for a limit that is not a positive number.

        >>> KnowledgeGraph.open().with_limits(timeout=5).limits.timeout
        5
        """
        limits = self.limits.replace(
            timeout=timeout, max_rows=max_rows, max_memory=max_memory, max_bytes=max_bytes,
            allow_service=None if allow_service is None else tuple(allow_service),
        )
        if limits == self.limits:
            return self
        view = copy.copy(self)
        view.limits = limits
        return view

    def __repr__(self) -> str:
        return f"<KnowledgeGraph engine={self.engine}>"

    # -- constructors ---------------------------------------------------------------------

    @classmethod
    def open(
        cls, engine: str = "oxigraph", reasoner: str = DEFAULT_REASONER, *, timeout: float | None = None,
        max_rows: int | None = None, allow_service: Iterable[str] | None = None,
    ) -> KnowledgeGraph:
        """Open the packaged reasoned graph (asserted + inferred triples).

        Reasoning runs once per change of the sources; the result is cached on disk (see
        :mod:`milia_kg.release.cache`), and each process keeps one instance per engine and reasoner,
        so repeated opens are cheap.

        :param engine: ``"oxigraph"`` (default) or ``"rdflib"``.
        :param reasoner: the reasoner that produced the inferred triples.
        :param timeout: seconds a query may run (default 30).
        :param max_rows: result rows a query may return (default 100,000).
        :param allow_service: endpoint IRIs a ``SERVICE`` clause may call (default: none).
        :raises MiliaKGError: for an unknown engine or reasoner, or if the sources do not load.

        >>> KnowledgeGraph.open() is KnowledgeGraph.open()
        True
        >>> KnowledgeGraph.open(engine="jena")
        Traceback (most recent call last):
        ...
        milia_kg.errors.MiliaKGError: unknown engine 'jena'; choose one of oxigraph, rdflib
        """
        check_engine(engine)
        return _open(engine, reasoner).with_limits(
            timeout=timeout, max_rows=max_rows, allow_service=allow_service
        )

    @classmethod
    def from_file(
        cls, path: str | Path, engine: str = "oxigraph", queries_dir: str | Path | None = None,
        *, limits: Limits | None = None, content_key: str | None = None, trusted: bool = False,
    ) -> KnowledgeGraph:
        """Load an N-Triples or Turtle file (no reasoning is done); ``limits`` and ``content_key``
        as in the constructor.

        The prefixes the file declares are understood in parameter values, on either engine.

        :param trusted: the file is the cache's own checksummed closure (see
            :meth:`OxigraphBackend.from_file <milia_kg.query.backends.oxigraph_store.OxigraphBackend.from_file>`).
        :raises MiliaKGError: for an unknown engine, or if the file cannot be loaded.
        """
        check_engine(engine)
        path = Path(path)
        fmt = "nt" if path.suffix == ".nt" else "turtle"
        loader = functools.partial(_parse_rdflib, path, fmt)
        if engine == "rdflib":
            from milia_kg.query.backends.rdflib_graph import RdflibBackend

            graph = loader()
            return cls(RdflibBackend(graph), graph=graph, queries_dir=queries_dir,
                       prefixes=_prefixes(graph), limits=limits, content_key=content_key)
        return cls(OxigraphBackend.from_file(str(path), trusted=trusted), graph=loader, queries_dir=queries_dir,
                   prefixes=declared_prefixes(str(path)), limits=limits, content_key=content_key)

    @classmethod
    def from_graph(
        cls, graph: rdflib.Graph, engine: str = "oxigraph", queries_dir: str | Path | None = None,
        *, limits: Limits | None = None,
    ) -> KnowledgeGraph:
        """Query an rdflib graph of your own (it is copied into Oxigraph for that engine);
        ``limits`` as in the constructor.

        The prefixes bound in ``graph`` are understood in parameter values.

        :raises MiliaKGError: for an unknown engine.

        >>> import rdflib
        >>> g = rdflib.Graph().parse(format="turtle", data='''
        ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ...     <https://example.org/Nose> rdfs:label "nose"@en .''')
        >>> KnowledgeGraph.from_graph(g).sparql("SELECT ?s WHERE { ?s ?p ?o }")
        [{'s': 'https://example.org/Nose', 's_label': 'nose'}]
        """
        check_engine(engine)
        if engine == "rdflib":
            from milia_kg.query.backends.rdflib_graph import RdflibBackend

            backend: Backend = RdflibBackend(graph)
        else:
            backend = OxigraphBackend.from_graph(graph)
        return cls(backend, graph=graph, queries_dir=queries_dir, prefixes=_prefixes(graph),
                   limits=limits)

    @classmethod
    def from_endpoint(
        cls, url: str, timeout: float = 30.0, queries_dir: str | Path | None = None,
        *, max_rows: int | None = None, allow_service: Iterable[str] | None = None,
        graph: str | None = None,
    ) -> KnowledgeGraph:
        """Run the catalogue against a remote SPARQL endpoint that serves the reasoned graph.

        ``graph`` names the graph that holds it (sent as ``default-graph-uri``, so the catalogue
        reads that graph alone); without it the store's default graph is queried.
        Nothing is contacted until the first query. ``SERVICE`` is refused here too unless
        allowed (the endpoint would make the call); ``max_rows`` is checked on each answer.

        >>> kg = KnowledgeGraph.from_endpoint("http://127.0.0.1:9/sparql", timeout=2)
        >>> kg.sparql("ASK { ?s ?p ?o }")
        Traceback (most recent call last):
        ...
        milia_kg.errors.EndpointError: SPARQL endpoint http://127.0.0.1:9/sparql: unreachable (...)
        """
        from milia_kg.query.backends.sparql_endpoint import SparqlEndpointBackend

        limits = Limits(timeout=timeout).replace(
            max_rows=max_rows, allow_service=None if allow_service is None else tuple(allow_service)
        )
        return cls(SparqlEndpointBackend(url, timeout, graph), queries_dir=queries_dir, limits=limits)

    # -- metadata -------------------------------------------------------------------------

    @property
    def engine(self) -> str:
        """The engine's name: ``oxigraph``, ``rdflib`` or ``endpoint``."""
        return self.backend.name

    @property
    def graph(self) -> rdflib.Graph:
        """The graph as an :class:`rdflib.Graph` (built on first use for the Oxigraph engine).

        :raises MiliaKGError: for a remote endpoint, which has no local graph.
        """
        if self._graph is None:
            raise MiliaKGError("a remote SPARQL endpoint has no local rdflib graph")
        if callable(self._graph):  # a loader; rdflib graphs are not callable
            self._graph = self._graph()
        return self._graph

    def queries(self) -> list[Query]:
        """The canned queries with their metadata, sorted by name.

        :raises MiliaKGError: if a query file's header is malformed.
        """
        return list(catalogue.load_catalogue(self._queries_dir).values())

    def get_query(self, name: str) -> Query:
        """The canned query ``name``.

        :raises UnknownQueryError: if there is none; the message lists close matches.
        :raises QueryTypeError: if ``name`` is not a ``str``.
        """
        return catalogue.get_query(check_text(name, "query name"), self._queries_dir)

    # -- running --------------------------------------------------------------------------

    def query(self, name: str | Query, /, **params: Any) -> list[dict[str, Value]]:
        """Run the canned query ``name`` with keyword parameters; return its rows.

        ``name`` may also be a :class:`~milia_kg.query.catalogue.Query` of your own, e.g. from
        :func:`~milia_kg.query.catalogue.parse_query_file`.

        Values are plain Python: IRIs as ``str``, literals as ``str``, ``int``, ``float``,
        ``bool`` or ``datetime.date``, unbound as ``None``. Every column ``X`` that holds IRIs is
        followed by ``X_label``, the English label of each.

        :param name: the query name (its file stem), or a query.
        :param params: parameter values: a label or synonym, a CURIE, an IRI, a boolean.
        :raises UnknownQueryError: for an unknown query name (close matches are listed).
        :raises ParameterError: for an unknown or missing parameter or a value that matches
            nothing (candidates are listed) or more than one entity.
        :raises EndpointError: if a remote endpoint fails.

        >>> kg = KnowledgeGraph.open()
        >>> kg.query("synonyms", term="traumatic milia")[0]["term_label"]   # a synonym
        'secondary milia'
        >>> kg.query("synonyms", term="milia en plaq")
        Traceback (most recent call last):
        ...
        milia_kg.errors.ParameterError: parameter 'term' = 'milia en plaq': no label, ...; expected one of: ...
        """
        return self.run(name, **params).rows

    def run(self, name: str | Query, /, **params: Any) -> Result:
        """Like :meth:`query`, but return a :class:`Result` (columns in order, any query form).

        :raises UnknownQueryError: for an unknown query name.
        :raises QueryTypeError: if ``name`` is neither a ``str`` nor a :class:`Query`.
        :raises ParameterError: for a bad parameter or value (one that is not valid Unicode too).
        :raises QueryLimitError: if the query goes over the row cap or the time limit.
        """
        query = name if isinstance(name, Query) else self.get_query(name)
        for key, value in params.items():
            if isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise ParameterError(key, value, "not valid Unicode (a lone surrogate)") from None
        check_query(query.text, self.limits.allow_service)
        bindings = self._resolver.resolve_all(query, params)
        return self._execute(query.text, query.form, bindings, limits=self.limits)

    def bound_text(self, name: str | Query, /, **params: Any) -> str:
        """The SPARQL that :meth:`run` sends for ``name`` with ``params``: the query's text with each
        resolved value joined in as a term (``BIND``/``VALUES``, never the typed text), for a user
        to read or edit (the served page's editor, grlc-style).

        :raises UnknownQueryError: for an unknown query name.
        :raises ParameterError: for a bad parameter or value, as :meth:`run`.

        >>> text = KnowledgeGraph.open().bound_text("body_sites", condition="primary milia")
        >>> "BIND(<https://w3id.org/milia-kg/PrimaryMilia> AS ?condition)" in text
        True
        """
        from milia_kg.query.sparql_text import bind

        query = name if isinstance(name, Query) else self.get_query(name)
        return bind(query.text, self._resolver.resolve_all(query, params))

    def resolve(self, name: str | Query, parameter: str, value: object) -> str:
        """The IRI that ``value`` denotes for ``parameter`` of query ``name``, resolved as the
        query itself would resolve it (label, synonym, CURIE or IRI); for callers that check a
        value before using it elsewhere (decision-support case profiles).

        :raises ParameterError: if the query has no such entity parameter or nothing (or more
            than one entity) matches.
        """
        query = name if isinstance(name, Query) else self.get_query(name)
        for param in query.params:
            if param.name == parameter and param.type == "label-or-IRI":
                return str(self._resolver.resolve(param, value, query.name).value)
        raise ParameterError(parameter, value, f"query {query.name!r} has no such entity parameter")

    def sparql(
        self, text: str, labels: bool = True, *, timeout: float | None = None,
        max_rows: int | None = None, allow_service: Iterable[str] | None = None,
    ) -> list[dict[str, Value]] | bool | rdflib.Graph:
        """Run any SPARQL query: rows for ``SELECT``, a bool for ``ASK``, an :class:`rdflib.Graph`
        for ``CONSTRUCT`` and ``DESCRIBE``.

        The text is untrusted: it is checked first (:func:`~milia_kg.query.limits.check_query`),
        then, on an embedded engine, evaluated in a forked child process with a deadline and a
        memory budget; the library's process survives whatever the query does.

        :param labels: add the ``X_label`` companion of entity columns to ``SELECT`` rows.
        :param timeout: seconds the query may run (default: this graph's :attr:`limits`).
        :param max_rows: result rows (or triples) it may return.
        :param allow_service: endpoint IRIs a ``SERVICE`` clause may call (default: none).
        :raises QueryTypeError: if ``text`` is not a ``str``.
        :raises InvalidQueryError: if ``text`` is not valid SPARQL (or not valid Unicode).
        :raises QueryTooComplexError: if it is over the size, nesting or token limit.
        :raises ServiceNotAllowedError: for a ``SERVICE`` to an endpoint not allowed.
        :raises QueryLimitError: if it runs out of time, rows or memory.
        :raises EndpointError: if a remote endpoint fails.
        """
        result = self.sparql_result(text, labels=labels, timeout=timeout, max_rows=max_rows,
                                    allow_service=allow_service)
        if result.form == "SELECT":
            return result.rows
        if result.form == "ASK":
            return bool(result.boolean)
        assert result.graph is not None
        return result.graph

    def sparql_result(
        self, text: str, labels: bool = True, *, timeout: float | None = None,
        max_rows: int | None = None, allow_service: Iterable[str] | None = None, isolated: bool = True,
    ) -> Result:
        """Like :meth:`sparql`, but return a :class:`Result`.

        :param isolated: ``False`` evaluates in this process, for a caller that is itself an
            isolated, memory-capped worker killed at the deadline (:mod:`milia_kg.query.pool`).
        :raises MiliaKGError: as :meth:`sparql`.
        """
        limits = self.limits.replace(
            timeout=timeout, max_rows=max_rows,
            allow_service=None if allow_service is None else tuple(allow_service),
        )
        form = check_query(text, limits.allow_service)
        if isolated and self.engine in ENGINES and can_fork():
            if self.engine == "rdflib":
                _warm_rdflib()
            result = run_isolated(
                functools.partial(self._portable, text, form, labels, limits),
                limits.timeout, limits.max_memory, limits.max_bytes,
            )
            if isinstance(result.graph, bytes):
                from milia_kg.query.backends.rdflib_graph import graph_from_ntriples

                result.graph = graph_from_ntriples(result.graph)
            return result
        return self._execute(text, form, {}, labels=labels, limits=limits)

    def triple_count(self) -> int | None:
        """Triples in the local store (``None`` for a remote endpoint, which is not asked)."""
        store = getattr(self.backend, "store", None)
        return len(store) if store is not None else None

    def sparql_terms(self, text: str, *, isolated: bool = True) -> tuple[str, Any]:
        """Run untrusted SPARQL under :attr:`limits`, keeping each term as stored (what the SPARQL
        protocol needs: datatypes, language tags, blank nodes): ``(form, answer)``, for ``SELECT``
        ``(variables, rows of cells)`` (:func:`~milia_kg.query.backends.oxigraph_store.term_cell`),
        for ``ASK`` a ``bool``, else an :class:`rdflib.Graph`. Isolated as :meth:`sparql_result` is.

        :param isolated: as in :meth:`sparql_result`.
        :raises MiliaKGError: as :meth:`sparql`; also if this graph is not on the Oxigraph engine.
        """
        limits = self.limits
        form = check_query(text, limits.allow_service)
        if form != "SELECT":
            result = self.sparql_result(text, labels=False, isolated=isolated)
            return result.form, result.boolean if result.form == "ASK" else result.graph
        if not isinstance(self.backend, OxigraphBackend):
            raise MiliaKGError(f"raw terms need the oxigraph engine, not {self.engine}")
        evaluate_here = functools.partial(self._term_cells, text, limits)
        if not isolated or not can_fork():
            return "SELECT", evaluate_here()
        return "SELECT", run_isolated(evaluate_here, limits.timeout, limits.max_memory, limits.max_bytes)

    def _term_cells(self, text: str, limits: Limits) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Evaluate a SELECT with the row cap and deadline checked while iterating (in the child)."""
        assert isinstance(self.backend, OxigraphBackend)
        names, rows = self.backend.solutions(text, max_rows=limits.max_rows, timeout=limits.timeout,
                                             deadline=time.monotonic() + limits.timeout)
        return names, [tuple(term_cell(t) for t in row) for row in rows]

    def _portable(self, text: str, form: str, labels: bool, limits: Limits) -> Result:
        """Evaluate in the child process; a graph travels back as N-Triples bytes."""
        result = self._execute(text, form, {}, labels=labels, limits=limits)
        if result.graph is not None:
            result.graph = result.graph.serialize(format="nt", encoding="utf-8")  # type: ignore[assignment]  # bytes cross the pipe
        return result

    def _execute(self, text: str, form: str, bindings: Mapping[str, Any], labels: bool = True,
                 limits: Limits | None = None) -> Result:
        limits = limits or self.limits
        caps: dict[str, Any] = {}
        if self.engine in ENGINES:  # the embedded engines stop while iterating
            caps = {"max_rows": limits.max_rows, "timeout": limits.timeout,
                    "deadline": time.monotonic() + limits.timeout}
        if form == "ASK":
            return Result(form, boolean=self.backend.ask(text, bindings))
        if form in ("CONSTRUCT", "DESCRIBE"):
            graph = self.backend.construct(text, bindings, **caps)
            if len(graph) > limits.max_rows:
                raise RowLimitError(limits.max_rows)
            return Result(form, graph=graph)
        names, rows = self.backend.select(text, bindings, **caps)
        if len(rows) > limits.max_rows:
            raise RowLimitError(limits.max_rows)
        return self._with_labels(names, rows) if labels else Result(
            form, list(names), [dict(zip(names, row, strict=True)) for row in rows]
        )

    def _with_labels(self, names: list[str], rows: list[Row]) -> Result:
        """Add ``X_label`` after every column ``X`` holding IRIs, from one label lookup."""
        entity = [
            i for i, n in enumerate(names)
            if n + _LABEL not in names and any(isinstance(r[i], IRI) for r in rows)
        ]
        iris = {v for r in rows for i in entity if isinstance(v := r[i], IRI)}
        found = self.backend.labels(iris) if iris else {}
        columns: list[str] = []
        for i, n in enumerate(names):
            columns.append(n)
            if i in entity:
                columns.append(n + _LABEL)
        out = []
        for row in rows:
            record: dict[str, Value] = {}
            for i, n in enumerate(names):
                value = record[n] = row[i]
                if i in entity:
                    record[n + _LABEL] = found.get(value) if isinstance(value, IRI) else None
            out.append(record)
        return Result("SELECT", columns, out)


# ----------------------------------------------------------------------------- helpers


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise MiliaKGError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def _prefixes(graph: rdflib.Graph) -> dict[str, str]:
    return {str(p): str(ns) for p, ns in graph.namespaces() if p}


def _parse_rdflib(path: Path, fmt: str) -> rdflib.Graph:
    import rdflib

    from milia_kg.vocab import MKG

    graph = rdflib.Graph(bind_namespaces="core")
    graph.bind("mkg", MKG)
    for prefix, ns in _default_prefixes().items():
        graph.bind(prefix, ns, override=False)
    try:
        graph.parse(path, format=fmt)
    except (OSError, SyntaxError, ValueError) as exc:
        raise MiliaKGError(f"{path}: cannot load: {' '.join(str(exc).split())}") from None
    return graph


def _default_prefixes() -> dict[str, str]:
    from milia_kg.vocab import QUERY_PREFIXES

    return dict(QUERY_PREFIXES)


@functools.cache
def _warm_rdflib() -> None:
    """Import rdflib's SPARQL engine and let pyparsing streamline its grammar once, in the parent,
    instead of in every forked child (that took 35-130 ms a query)."""
    from rdflib.plugins.sparql.parser import parseQuery

    parseQuery("ASK {}")


@functools.cache
def _open(engine: str, reasoner: str) -> KnowledgeGraph:
    path = packaged_graph_file(reasoner)
    return KnowledgeGraph.from_file(path, engine=engine, content_key=packaged.content_key(engine, path), trusted=True)

