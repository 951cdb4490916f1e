"""The kept stores' merge path and OBO ``intersection_of`` part-of differentiae.

- :func:`milia_kg.merge.union.merged_triples` (pyoxigraph terms end to end, what ``--merge`` keeps) gives
  the closure of the reference path, :func:`milia_kg.merge.union.merged_graph` (rdflib graphs; owlrl for
  the smallest slice), on small slices of real releases.
- ``intersection_of: G`` + ``intersection_of: part_of X`` (UBERON's logical definitions) become
  ``EquivalentClasses(C, ObjectIntersectionOf(G, ObjectSomeValuesFrom(part_of, X)))`` and give the
  class-level part-of edge that ``relationship: part_of X`` gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from milia_kg.formats import read
from milia_kg.formats.terms import TermMap
from milia_kg.merge import store as kept_store
from milia_kg.merge.union import merged_graph, merged_triples
from milia_kg.vocab import OBO as OBO_NS

FIXTURES = Path(__file__).parents[1] / "fixtures"
TRACHEA_SLICE = FIXTURES / "uberon-intersection-slice.obo"
OBO = Namespace(OBO_NS)
PART_OF = OBO.BFO_0000050
TRACHEAL_MUCOSA, MUCOSA, TRACHEA = OBO.UBERON_0000379, OBO.UBERON_0000344, OBO.UBERON_0003126


def _named(triples: Any) -> set[tuple[Any, Any, Any]]:
    """The triples among named resources, as pyoxigraph terms."""
    convert = TermMap().to_ox
    found = set()
    for s, p, o in triples:
        if isinstance(s, Node):  # an rdflib triple
            s, p, o = convert(s), convert(p), convert(o)
        if isinstance(s, ox.NamedNode) and not isinstance(o, ox.BlankNode):
            found.add((s, p, o))
    return found


@pytest.mark.parametrize(
    ("names", "reasoner"),
    [
        (["obo-slice.obo"], "fast"),
        (["obo-slice.ttl"], "fast"),
        (["obo-slice.json"], "fast"),
        (["uberon-intersection-slice.obo", "obo-slice.obo", "phenotype-slice.hpoa"], "fast"),
        (["uberon-intersection-slice.obo"], "owlrl"),
    ],
)
def test_oxigraph_path_gives_the_reference_closure(names: list[str], reasoner: str) -> None:
    files = [FIXTURES / name for name in names]
    triples, prefixes = merged_triples(files)
    reference = merged_graph(files, reasoner=reasoner)
    assert _named(triples) == _named(reference)
    if reasoner == "fast":  # the same engine: blank-node triples too, one for one
        assert len(set(triples)) == len(reference)
    assert prefixes == {str(p): str(n) for p, n in reference.namespaces() if p}


def test_intersection_of_is_the_owl_mapping() -> None:
    """EquivalentClasses(tracheal mucosa, ObjectIntersectionOf(mucosa, part_of some trachea)), nothing else."""
    graph = Graph()
    read.read(TRACHEA_SLICE, graph)
    (expression,) = graph.objects(TRACHEAL_MUCOSA, OWL.equivalentClass)
    assert set(graph.predicates(expression)) == {RDF.type, OWL.intersectionOf}
    genus, differentia = Collection(graph, graph.value(expression, OWL.intersectionOf))
    assert genus == MUCOSA
    assert set(graph.predicate_objects(differentia)) == {
        (RDF.type, OWL.Restriction), (OWL.onProperty, PART_OF), (OWL.someValuesFrom, TRACHEA)}
    assert list(graph.objects(TRACHEAL_MUCOSA, RDFS.subClassOf)) == []


def _as_relationship(text: str) -> str:
    """The slice with the logical definition stated as OBO ``is_a`` + ``relationship`` instead."""
    return (text.replace("intersection_of: UBERON:0000344", "is_a: UBERON:0000344")
                .replace("intersection_of: part_of", "relationship: part_of"))


def _edges(triples: Any) -> dict[str, set[str]]:
    """What the closure says of tracheal mucosa: part-of wholes and named superclasses."""
    mucosa = ox.NamedNode(str(TRACHEAL_MUCOSA))
    found: dict[str, set[str]] = {"part of": set(), "subClassOf": set()}
    for s, p, o in _named(triples):
        if s == mucosa and p.value in (str(PART_OF), str(RDFS.subClassOf)):
            found["part of" if p.value == str(PART_OF) else "subClassOf"].add(o.value.rsplit("/", 1)[-1])
    return found


EXPECTED = {"part of": {"UBERON_0003126"}, "subClassOf": {"UBERON_0000379", "UBERON_0000344", "owl#Thing"}}


@pytest.mark.parametrize("form", ["intersection_of", "relationship"])
@pytest.mark.parametrize("path", ["rdflib-fast", "rdflib-owlrl", "oxigraph"])
def test_part_of_differentia_gives_the_edge_of_a_relationship(form: str, path: str, tmp_path: Path) -> None:
    source = tmp_path / "slice.obo"
    text = TRACHEA_SLICE.read_text(encoding="utf-8")
    source.write_text(text if form == "intersection_of" else _as_relationship(text), encoding="utf-8")
    if path == "oxigraph":
        triples: Any = merged_triples([source])[0]
    else:
        triples = merged_graph([source], reasoner=path.removeprefix("rdflib-"))
    found = _edges(triples)
    found["subClassOf"] = {o.replace("2002/07/", "") for o in found["subClassOf"]}
    assert found == EXPECTED


def test_kept_store_answers_part_of_over_a_differentia(tmp_path: Path) -> None:
    kg = kept_store.open_store(kept_store.kept_store([TRACHEA_SLICE], directory=tmp_path))
    rows = kg.sparql(f"SELECT ?whole WHERE {{ <{TRACHEAL_MUCOSA}> <{PART_OF}> ?whole }}")
    assert [(r["whole"], r["whole_label"]) for r in rows] == [(str(TRACHEA), "trachea")]
