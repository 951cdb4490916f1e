"""Copy rdflib graphs into a pyoxigraph store and map the terms back, blank nodes included.

Validation runs its SPARQL (QC checks, SHACL) on Oxigraph but reports against the
rdflib graphs the build holds, so a blank node must keep its identity both ways: it
keeps its rdflib id in the store when that id is a valid blank-node label, and is
given a fresh one (remembered) otherwise.  A literal goes over by lexical form,
language and datatype, so an ill-typed literal stays as it was.

>>> import rdflib
>>> g = rdflib.Graph().parse(format="turtle", data='''@prefix ex: <http://example.org/> .
...     ex:a ex:label "face"@en ; ex:n 2 ; ex:part [ ex:of ex:b ] .''')
>>> terms = TermMap()
>>> store = terms.store([g])
>>> len(store)
4
>>> {terms.from_ox(q.subject) for q in store} == set(g.subjects())
True
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from milia_kg import vocab
from milia_kg.errors import MiliaKGError

__all__ = ["TermMap", "to_rdflib"]

_XSD_STRING = f"{vocab.XSD}string"


def to_rdflib(term: object) -> rdflib.term.Node:
    """The rdflib term of a pyoxigraph IRI, blank node (its label kept) or literal; a plain or
    ``xsd:string`` literal has no datatype, as rdflib parses it.

    :raises TypeError: for anything else (a quoted triple).
    """
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return rdflib.Literal(term.value, datatype=None if datatype == _XSD_STRING else datatype)
    raise TypeError(f"cannot convert {term!r} to rdflib")


class TermMap:
    """Converts terms between rdflib and pyoxigraph and remembers each pair it made."""

    def __init__(self) -> None:
        self._to: dict[rdflib.term.Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self._back: dict[ox.NamedNode | ox.BlankNode | ox.Literal, rdflib.term.Node] = {}

    def to_ox(self, term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The pyoxigraph term for an rdflib IRI, blank node or literal.

        :raises MiliaKGError: for an IRI or language tag that is not valid RDF (rdflib lets
            some through, e.g. an IRI with a space), naming the term.
        :raises TypeError: for a term that is none of those (a variable, a graph).
        """
        found = self._to.get(term)
        if found is not None:
            return found
        converted: ox.NamedNode | ox.BlankNode | ox.Literal
        try:
            if isinstance(term, rdflib.URIRef):
                converted = ox.NamedNode(str(term))
            elif isinstance(term, rdflib.BNode):
                try:
                    converted = ox.BlankNode(str(term))
                except ValueError:  # not a valid blank-node label: take a fresh one
                    converted = ox.BlankNode()
            elif isinstance(term, rdflib.Literal):
                if term.language:
                    converted = ox.Literal(str(term), language=term.language)
                elif term.datatype is not None:
                    converted = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
                else:
                    converted = ox.Literal(str(term))
            else:
                raise TypeError(f"cannot copy {term!r} into Oxigraph: not an IRI, blank node or literal")
        except ValueError as error:
            shown = f"<{term}>" if isinstance(term, rdflib.URIRef) else repr(str(term))
            raise MiliaKGError(f"{shown} is not a valid RDF term: {error}") from None
        self._to[term] = converted
        self._back.setdefault(converted, term)
        return converted

    def from_ox(self, term: object) -> rdflib.term.Node | None:
        """The rdflib term a pyoxigraph term (or an rdflib term pyshacl made of one) stands for.

        Terms copied in by :meth:`to_ox` come back as they were; new terms (computed by a
        query) are converted; ``None`` (an unbound variable) stays ``None``.
        """
        if term is None:
            return None
        if isinstance(term, rdflib.BNode):  # pyshacl reports Oxigraph blank nodes with their id
            term = ox.BlankNode(str(term))
        elif isinstance(term, rdflib.term.Node):
            return term
        found = self._back.get(term)  # type: ignore[call-overload]  # any object may be looked up
        if found is not None:
            return found
        return to_rdflib(term)

    def add(self, store: ox.Store, triples: Iterable[tuple[rdflib.term.Node, ...]]) -> ox.Store:
        """Add rdflib triples to the default graph of ``store``; return the store."""
        convert = self.to_ox
        store.bulk_extend(
            ox.Quad(convert(s), convert(p), convert(o))  # type: ignore[arg-type]  # pyoxigraph types each Quad slot; to_ox's is wider
            for s, p, o in triples
        )
        return store

    def store(self, graphs: Iterable[Iterable[tuple[rdflib.term.Node, ...]]]) -> ox.Store:
        """A new in-memory store holding the triples of all ``graphs`` in its default graph."""
        store = ox.Store()
        for graph in graphs:
            self.add(store, graph)
        return store
