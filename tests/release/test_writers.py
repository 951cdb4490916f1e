"""The release's own Turtle, N-Triples and JSON-LD writers give the bytes rdflib's serializers give.

The writers (milia_kg/release/turtle_writer.py, jsonld_writer.py, serialize.ntriples) replace
rdflib's serializers for speed (issue 22, target 6); the files must stay what users already read.
The oracle is rdflib itself, run here on the same triples: on the release's graphs and on a graph
of the cases its serializers treat specially.
"""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from milia_kg.release import jsonld_writer, serialize, turtle_writer
from milia_kg.release.build import prefix_map

EDGE_CASES = r"""
@prefix ex: <http://example.org/> .
@prefix _x: <http://example.org/underscore/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Animal a rdfs:Class ; rdfs:label "animal"@en .
ex:Cat a rdfs:Class, owl:Class ; rdfs:subClassOf ex:Animal .
ex:a ex:list ( ex:b "two" 3 ( ex:c ) [ ex:p ex:q ] ) ;
    ex:empty () ;
    ex:notAList _:cell ;
    ex:shared _:twice ;
    ex:nested [ ex:inner [ ex:deep "x" ] ] ;
    ex:numbers 1, 2.5, 1.0e3, true, "007"^^xsd:integer, "1"^^xsd:decimal ;
    ex:text "line\none", "say \"hi\"", "back\\slash", "tab\tand\rreturn", "é ü ✓"@fr, ""@en, "" ;
    ex:date "2026-12-06"^^xsd:date ;
    ex:odd "x"^^<http://unbound.example/types#mine> ;
    <http://unbound.example/vocab/prop> ex:b ;
    <http://unbound.example/vocab/prop2> <http://unbound.example/vocab/thing> ;
    ex:paren <http://example.org/f(x)> ;
    ex:dot <http://example.org/ends.> ;
    ex:percent <http://example.org/50%off>, <http://example.org/a%20b> ;
    _x:under _x:y .
_:cell <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ex:b ;
    <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> ;
    ex:extra "makes it not a list" .
ex:b ex:shared _:twice .
_:twice ex:p "used twice" .
[] a owl:Axiom ; owl:annotatedSource ex:a ; owl:annotatedProperty ex:list ; owl:annotatedTarget ex:b ;
    ex:quote "an axiom, referenced by nothing" .
"""

PREFIXES = {"ex": "http://example.org/", "_x": "http://example.org/underscore/",
            "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def _rdflib_graph(triples: list[tuple], prefixes: dict[str, str]) -> Graph:
    """A graph as the release's were before these writers: prefixes bound, triples added in order."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in sorted(prefixes.items()):
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in triples:
        graph.add(triple)
    return graph


def _rdflib_jsonld(graph: Graph, context: dict[str, str]) -> str:
    """rdflib's JSON-LD, sorted as the release sorts it (nodes by @id, keys, arrays but @list)."""
    document = json.loads(graph.serialize(format="json-ld", context=dict(context), auto_compact=True))
    if isinstance(document, dict) and "@graph" not in document:
        document.pop("@context", None)
        nodes = [document]
    else:
        nodes = document if isinstance(document, list) else document["@graph"]
    ordered = sorted((jsonld_writer.normalise(n) for n in nodes),
                     key=lambda n: (n.get("@id", ""), json.dumps(n, sort_keys=True, ensure_ascii=False)))
    return json.dumps({"@context": dict(sorted(context.items())), "@graph": ordered}, indent=2, ensure_ascii=False) + "\n"


def _rdflib_ntriples(graph: Graph) -> str:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "".join(f"{line}\n" for line in sorted(set(lines)) if line.strip())


def _edge_triples() -> list[tuple]:
    graph = rdflib.Graph().parse(data=EDGE_CASES, format="turtle")
    triples, _ = serialize.canonical_split(graph, Graph())
    return triples


@pytest.fixture(scope="module")
def release_triples(asserted_graph: Graph, inferred_graph: Graph) -> dict[str, tuple[list[tuple], dict[str, str]]]:
    asserted, inferred = serialize.canonical_split(asserted_graph, inferred_graph)
    prefixes = prefix_map(asserted_graph)
    return {
        "asserted": (asserted, prefixes),
        "inferred": (inferred, prefixes),
        "reasoned": (serialize.sort_triples(asserted + inferred), prefixes),
        "edge cases": (_edge_triples(), PREFIXES),
        "edge cases, no prefixes": (_edge_triples(), {}),
        "empty": ([], PREFIXES),
    }


CASES = ["asserted", "inferred", "reasoned", "edge cases", "edge cases, no prefixes", "empty"]


@pytest.mark.parametrize("case", [c for c in CASES if c != "edge cases, no prefixes"])
def test_turtle_is_rdflibs(case: str, release_triples: dict) -> None:
    triples, prefixes = release_triples[case]
    expected = _rdflib_graph(triples, prefixes).serialize(format="turtle", encoding="utf-8")
    assert turtle_writer.turtle(triples, prefixes).decode("utf-8") == expected.decode("utf-8")


@pytest.mark.parametrize("case", CASES)
def test_jsonld_is_rdflibs(case: str, release_triples: dict) -> None:
    triples, prefixes = release_triples[case]
    assert jsonld_writer.document(triples, prefixes) == _rdflib_jsonld(_rdflib_graph(triples, prefixes), prefixes)


@pytest.mark.parametrize("case", CASES)
def test_ntriples_are_rdflibs(case: str, release_triples: dict) -> None:
    triples, prefixes = release_triples[case]
    assert serialize.ntriples(triples) == _rdflib_ntriples(_rdflib_graph(triples, prefixes))


def test_edge_cases_reach_the_special_paths() -> None:
    """The edge-case graph is only a test if it has what rdflib's serializers treat apart."""
    text = turtle_writer.turtle(_edge_triples(), PREFIXES).decode("utf-8")
    assert "( ex:b" in text  # a list written as a collection
    assert "\n[] a owl:Axiom" in text  # a blank node referenced by nothing
    assert "ns1:" in text  # a predicate in an unbound namespace gets a generated prefix
    assert "p_x:under" in text  # a prefix starting with "_" is renamed, as rdflib does
    assert "<http://example.org/ends.>" in text  # a local name ending in "." is not shortened
    document = json.loads(jsonld_writer.document(_edge_triples(), PREFIXES))
    (a,) = [n for n in document["@graph"] if n["@id"] == "ex:a"]
    assert a["ex:empty"] == {"@list": []} and a["ex:list"]["@list"][0] == {"@id": "ex:b"}


def test_a_predicate_that_is_a_context_iri_is_written_by_rdflib() -> None:
    """A predicate equal to a prefix's namespace would be a JSON-LD term: the writer leaves it to rdflib."""
    ex = "http://example.org/"
    triples = [(URIRef(ex + "a"), URIRef(ex), Literal("x")), (URIRef(ex + "a"), URIRef(ex + "b"), BNode("n1"))]
    graph = _rdflib_graph(triples, {"ex": ex})
    assert jsonld_writer.document(triples, {"ex": ex}) == _rdflib_jsonld(graph, {"ex": ex})


def test_turtle_with_generated_prefixes_reads_back_the_same() -> None:
    """With several namespaces unbound, rdflib numbers its generated prefixes (ns1, ns2...) in the
    order of its store's set of triples (the hash seed's); the writer numbers them in the triples'
    order. The documents read back the same (rdflib's own writes ``"1"^^xsd:decimal`` as ``1.0``,
    and so does the writer, with rdflib's literal method)."""
    triples = _edge_triples()
    text = turtle_writer.turtle(triples, {})
    assert b"@prefix ns2:" in text
    theirs = _rdflib_graph(triples, {}).serialize(format="turtle")
    assert isomorphic(Graph().parse(data=text, format="turtle"), Graph().parse(data=theirs, format="turtle"))
