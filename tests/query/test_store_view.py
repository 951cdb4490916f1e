"""Entity pages read from the Oxigraph store (:class:`milia_kg.query.store_view.StoreView`) say what
they say from the rdflib graph, and never build an rdflib copy of the whole store."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from milia_kg import vocab
from milia_kg.query.backends.oxigraph_store import OxigraphBackend
from milia_kg.query.describe import bounded_description, describe
from milia_kg.query.kg import KnowledgeGraph


def _by_value(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` with each decimal written one way: Oxigraph keeps ``"50.0"^^xsd:decimal`` as
    ``"50"``, the same value, as every query on that engine gives it."""
    out = rdflib.Graph()
    for triple in graph:
        out.add(tuple(rdflib.Literal(str(term.toPython().normalize()), datatype=term.datatype)
                      if isinstance(term, rdflib.Literal) and isinstance(term.toPython(), Decimal) else term
                      for term in triple))
    return out


def test_every_project_term_is_described_alike_from_the_store_and_from_rdflib() -> None:
    on_store, on_rdflib = KnowledgeGraph.open(), KnowledgeGraph.open(engine="rdflib")
    iris = sorted({str(s) for s in on_rdflib.graph.subjects() if isinstance(s, rdflib.URIRef)})
    assert vocab.MKG + "Milia" in iris and len(iris) > 200  # every subject of the reasoned graph
    for iri in iris:
        assert describe(on_store, iri) == describe(on_rdflib, iri), iri
        assert isomorphic(_by_value(bounded_description(on_store, iri)),
                          _by_value(bounded_description(on_rdflib, iri))), iri


def test_a_page_on_the_store_builds_no_rdflib_graph() -> None:
    built: list[int] = []

    def whole_graph() -> rdflib.Graph:
        built.append(1)
        return rdflib.Graph()

    store = ox.Store()
    milia = ox.NamedNode(vocab.MKG + "Milia")
    store.add(ox.Quad(milia, ox.NamedNode(vocab.RDFS + "label"), ox.Literal("milia", language="en")))
    kg = KnowledgeGraph(OxigraphBackend(store), graph=whole_graph)
    entity = describe(kg, vocab.MKG + "Milia")
    assert entity is not None and entity.label == "milia"
    assert len(bounded_description(kg, vocab.MKG + "Milia")) == 1
    assert describe(kg, "not an IRI") is None
    assert built == []


def test_direct_subclasses_of_a_wide_closed_hierarchy() -> None:
    """A root with 40 children of 75 children each, closed as a reasoner leaves it (every descendant
    a subclass of the root, each class of itself): the root's direct subclasses are the 40 children,
    a child's are its 75, a grandchild's superclasses are its parent only."""
    sub = ox.NamedNode(vocab.RDFS + "subClassOf")
    iri = lambda name: ox.NamedNode(f"http://example.org/{name}")  # noqa: E731
    store = ox.Store()
    quads = [ox.Quad(iri("root"), sub, iri("root"))]
    for c in range(40):
        child = iri(f"c{c}")
        quads += [ox.Quad(child, sub, child), ox.Quad(child, sub, iri("root"))]
        for g in range(75):
            grandchild = iri(f"c{c}g{g}")
            quads += [ox.Quad(grandchild, sub, grandchild), ox.Quad(grandchild, sub, child),
                      ox.Quad(grandchild, sub, iri("root"))]
    store.extend(quads)
    kg = KnowledgeGraph(OxigraphBackend(store), graph=None)
    root = describe(kg, "http://example.org/root")
    assert root is not None
    assert sorted(link.iri for link in root.subclasses) == sorted(f"http://example.org/c{c}" for c in range(40))
    assert root.superclasses == []
    child = describe(kg, "http://example.org/c7")
    assert child is not None
    assert sorted(link.iri for link in child.subclasses) == sorted(f"http://example.org/c7g{g}" for g in range(75))
    assert [link.iri for link in child.superclasses] == ["http://example.org/root"]
    grandchild = describe(kg, "http://example.org/c7g3")
    assert grandchild is not None
    assert [link.iri for link in grandchild.superclasses] == ["http://example.org/c7"] and grandchild.subclasses == []
