"""The reference engine: an :class:`rdflib.Graph` in memory, with the recursion headroom rdflib's
parser and evaluator need for every query within :mod:`milia_kg.query.limits`. rdflib is imported
only when this engine is used.

Parameters are bound into the query text (:func:`milia_kg.query.sparql_text.bind`), never passed as
rdflib's ``initBindings``, whose meaning differs from the other engines' inside sub-queries. The
parsed and translated form of a bound text is kept (:func:`_translated`): rdflib's parser is pure
Python and took about a third of a catalogue query's time.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from milia_kg.errors import InvalidQueryError, MemoryLimitError, MiliaKGError, QueryTooComplexError
from milia_kg.query.backends.base import (
    BASE_IRI,
    IRI,
    PREDECLARED_PREFIXES,
    Bindings,
    Row,
    Value,
    capped,
    is_english,
    literal_value,
    pick_labels,
)
from milia_kg.query.sparql_text import bind

if TYPE_CHECKING:
    import rdflib
    from rdflib.plugins.sparql.sparql import Query

__all__ = ["RdflibBackend", "graph_from_ntriples"]


def graph_from_ntriples(data: bytes) -> rdflib.Graph:
    """An rdflib graph of N-Triples ``data`` (how a graph crosses from a forked child)."""
    import rdflib

    graph = rdflib.Graph()
    if data:
        graph.parse(data=data, format="nt")
    return graph


@functools.lru_cache(maxsize=64)
def _translated(text: str) -> Query:
    """rdflib's algebra of a bound query ``text``, kept for the next run of the same text.

    A translated query is what rdflib's own prepared queries reuse; evaluation reads it and does
    not change it. Texts that fail to parse raise, and are not kept. 64 entries bound the memory
    whatever a client sends (the texts themselves are capped by :mod:`milia_kg.query.limits`).
    """
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=PREDECLARED_PREFIXES, base=BASE_IRI)


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
    """Queries on an :class:`rdflib.Graph` in memory.

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
        result = self.graph.query(_translated(text), base=BASE_IRI, initNs=PREDECLARED_PREFIXES)
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
            rows = capped(result, max_rows, deadline, timeout)
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
            for triple in capped(result, max_rows, deadline, timeout):
                graph.add(triple)
            return graph

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """English labels, read from the graph's index."""
        import rdflib

        label = rdflib.RDFS.label
        rows: list[Row] = []
        for iri in {str(i) for i in iris}:
            for lit in self.graph.objects(rdflib.URIRef(iri), label):
                if isinstance(lit, rdflib.Literal) and is_english(lit.language):
                    rows.append((iri, str(lit), lit.language or ""))
        return pick_labels(rows)


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
