"""The default engine: a pyoxigraph :class:`~pyoxigraph.Store`, queried lazily so that the row cap
and the deadline stop a query while it iterates.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b'<https://example.org/a> <https://example.org/n> 2 .', format=ox.RdfFormat.TURTLE)
>>> OxigraphBackend(store).select("SELECT ?s ?n WHERE { ?s ?p ?n }")
(['s', 'n'], [('https://example.org/a', 2)])
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from milia_kg.errors import InvalidQueryError, MiliaKGError
from milia_kg.query.backends.base import (
    BASE_IRI,
    IRI,
    PREDECLARED_PREFIXES,
    RDFS_LABEL,
    Bindings,
    Row,
    Value,
    capped,
    is_english,
    literal_value,
    pick_labels,
)
from milia_kg.query.backends.rdflib_graph import graph_from_ntriples
from milia_kg.query.isolate import FORK_GATE
from milia_kg.query.sparql_text import bind

if TYPE_CHECKING:
    import rdflib

__all__ = ["OxigraphBackend", "declared_prefixes", "term_cell"]


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
    def from_file(cls, path: str, format: ox.RdfFormat | None = None, *, trusted: bool = False) -> OxigraphBackend:
        """Load an N-Triples or Turtle file (format guessed from the extension) into a new store.

        :param trusted: the file is milia-kg's own, written from checked terms and found matching its
            checksum record (the cached reasoned graph): Oxigraph skips checking every IRI and language
            tag again (a fifth of a cold command's load, issue 22).
        :raises MiliaKGError: if the file cannot be read or parsed.
        """
        store = ox.Store()
        try:
            if trusted:
                store.load(path=path, format=format, lenient=True)
            else:
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
            return self.store.query(bind(query, bindings), base_iri=BASE_IRI, prefixes=PREDECLARED_PREFIXES)

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
                return names, [tuple(s) for s in capped(result, max_rows, deadline, timeout)]

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
                triples = list(capped(result, max_rows, deadline, timeout))
                data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return graph_from_ntriples(data)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """English labels, read straight from the store's index."""
        label = ox.NamedNode(RDFS_LABEL)
        rows: list[Row] = []
        with FORK_GATE.shared():
            for iri in {str(i) for i in iris}:
                for quad in self.store.quads_for_pattern(ox.NamedNode(iri), label, None, ox.DefaultGraph()):
                    lit = quad.object
                    if isinstance(lit, ox.Literal) and is_english(lit.language):
                        rows.append((iri, lit.value, lit.language or ""))
        return pick_labels(rows)


def term_cell(value: Any) -> tuple[str, ...] | None:
    """A pyoxigraph term as a picklable ``(kind, value[, datatype, language])`` (``None`` if unbound),
    so that raw terms cross from a forked child with their datatype and language kept."""
    if value is None:
        return None
    if isinstance(value, ox.NamedNode):
        return ("uri", value.value)
    if isinstance(value, ox.BlankNode):
        return ("bnode", value.value)
    return ("literal", value.value, value.datatype.value, value.language or "")
