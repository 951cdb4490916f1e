"""An Oxigraph store read through the few :class:`rdflib.Graph` lookups the entity pages make.

Why: :func:`~milia_kg.query.describe.describe` and
:func:`~milia_kg.query.describe.bounded_description` read a handful of triples around one term, but
on the Oxigraph engine :attr:`KnowledgeGraph.graph <milia_kg.query.kg.KnowledgeGraph.graph>` is an
rdflib copy of the whole store, built on first use: for a served HPO merge (406,370 triples) about
15 s of CPU and 700 MB, which any visitor's first entity page set off. :class:`StoreView` answers
each lookup from the store's own indexes and converts only the terms it returns, as the rdflib copy
holds them (``xsd:string`` literals without a datatype, as N-Triples gives them to rdflib).

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
>>> view = StoreView(store)
>>> list(view.objects(rdflib.URIRef("http://e/a"), rdflib.URIRef("http://e/p")))
[rdflib.term.Literal('x')]
>>> (rdflib.URIRef("http://e/a"), rdflib.URIRef("http://e/p"), rdflib.Literal("x")) in view
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pyoxigraph as ox
import rdflib

from milia_kg import vocab
from milia_kg.query.backends.oxigraph_store import term_cell

__all__ = ["StoreView", "rdflib_term"]

_XSD_STRING = f"{vocab.XSD}string"


def rdflib_term(cell: Sequence[str] | None) -> rdflib.term.Node | None:
    """An rdflib term from ``(kind, value[, datatype, language])``
    (:func:`~milia_kg.query.backends.oxigraph_store.term_cell`); ``None`` stays unbound.

    >>> rdflib_term(("literal", "milk spots", None, "en")).n3()
    '"milk spots"@en'
    """
    if cell is None:
        return None
    kind, value = cell[0], cell[1]
    if kind == "uri":
        return rdflib.URIRef(value)
    if kind == "bnode":
        return rdflib.BNode(value)
    datatype, language = cell[2], cell[3]
    if language:
        return rdflib.Literal(value, lang=language)
    if datatype in (None, _XSD_STRING):
        return rdflib.Literal(value)
    return rdflib.Literal(value, datatype=rdflib.URIRef(datatype))


def _ox_term(node: Any) -> Any:
    """The pyoxigraph term of an rdflib one (``None``: any)."""
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node))
    if node.language:
        return ox.Literal(str(node), language=node.language)
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or _XSD_STRING)))


class StoreView:
    """Read-only ``objects``, ``subjects``, ``predicate_objects``, ``value`` and ``in`` over the default
    graph of an Oxigraph store, in rdflib terms."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._terms: dict[Any, Any] = {}  # one rdflib term per store term met (a page meets few, often)

    def _term(self, node: Any) -> Any:
        found = self._terms.get(node)
        if found is None:
            found = self._terms[node] = rdflib_term(term_cell(node))
        return found

    def _triples(self, subject: Any, predicate: Any, obj: Any) -> Iterator[tuple[Any, Any, Any]]:
        if isinstance(subject, rdflib.Literal) or isinstance(predicate, rdflib.Literal | rdflib.BNode):
            return  # no triple has a literal subject, nor a predicate that is not an IRI (rdflib: none)
        try:
            pattern = (_ox_term(subject), _ox_term(predicate), _ox_term(obj))
        except ValueError:  # a term Oxigraph refuses (no valid IRI) is in no triple
            return
        for quad in self.store.quads_for_pattern(*pattern, ox.DefaultGraph()):
            yield quad.subject, quad.predicate, quad.object

    def objects(self, subject: Any = None, predicate: Any = None) -> Iterator[Any]:
        return (self._term(o) for _, _, o in self._triples(subject, predicate, None))

    def subjects(self, predicate: Any = None, obj: Any = None) -> Iterator[Any]:
        return (self._term(s) for s, _, _ in self._triples(None, predicate, obj))

    def predicate_objects(self, subject: Any = None) -> Iterator[tuple[Any, Any]]:
        pairs = self._triples(subject, None, None)
        return ((self._term(p), self._term(o)) for _, p, o in pairs)

    def value(self, subject: Any = None, predicate: Any = None) -> Any:
        """One object of ``subject`` and ``predicate`` (``None`` if there is none), as rdflib's."""
        return next(self.objects(subject, predicate), None)

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return next(self._triples(*triple), None) is not None
