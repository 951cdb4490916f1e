"""Content-derived blank-node labels (milia_kg/_canonical.py): the same labelled triples
whatever the blank-node ids and the order the triples come in, distinct labels for
distinct nodes, also where colour refinement alone cannot tell nodes apart."""

from __future__ import annotations

import random

import pytest
import rdflib

from milia_kg.release.canonical import bnode_labels

PREFIX = "@prefix ex: <http://example.org/> .\n"

#: id -> Turtle whose blank nodes must be labelled canonically
CASES = {
    "axioms": """
        ex:A ex:site ex:Face . ex:A ex:site ex:Nose .
        [] a ex:Axiom ; ex:source ex:A ; ex:property ex:site ; ex:target ex:Face ; ex:quote "on the face" .
        [] a ex:Axiom ; ex:source ex:A ; ex:property ex:site ; ex:target ex:Nose ; ex:quote "on the nose" .""",
    "nested-lists": """
        ex:D ex:equivalent [ ex:intersection ( ex:Milia [ ex:on ex:site ; ex:some ex:Face ] ) ] .
        ex:E ex:equivalent [ ex:intersection ( ex:Milia [ ex:on ex:site ; ex:some ex:Face ] ) ] .""",
    "interchangeable-twins": "ex:A ex:sub [ ex:on ex:p ; ex:some ex:B ], [ ex:on ex:p ; ex:some ex:B ] .",
    # colour refinement gives all nine nodes one colour: only individualisation separates them
    "regular-cycles": """
        _:a ex:p _:b . _:b ex:p _:c . _:c ex:p _:a .
        _:d ex:p _:e . _:e ex:p _:f . _:f ex:p _:g . _:g ex:p _:h . _:h ex:p _:i . _:i ex:p _:d .""",
    "cycles-and-lists": """
        _:a ex:p _:b . _:b ex:p _:c . _:c ex:p _:a . _:a ex:q _:x . _:x ex:r ( _:y _:z ) .
        _:y ex:p _:z . _:z ex:p _:y . ex:K ex:has _:u, _:v . _:u ex:p _:v . _:v ex:p _:u .""",
}


def _shuffled(turtle: str, seed: int) -> list[tuple]:
    """The triples of ``turtle`` with fresh blank-node ids, in a shuffled order."""
    triples = list(rdflib.Graph().parse(data=PREFIX + turtle, format="turtle"))
    rename = {t: rdflib.BNode() for triple in triples for t in triple if isinstance(t, rdflib.BNode)}
    triples = [tuple(rename.get(t, t) for t in triple) for triple in triples]
    random.Random(seed).shuffle(triples)
    return triples


def _labelled(triples: list[tuple]) -> list[str]:
    labels = bnode_labels([triples])
    return sorted(" ".join(labels.get(t, t).n3() for t in triple) for triple in triples)


@pytest.mark.parametrize("case", sorted(CASES))
def test_labels_do_not_depend_on_ids_or_order(case: str) -> None:
    outputs = {tuple(_labelled(_shuffled(CASES[case], seed))) for seed in range(12)}
    assert len(outputs) == 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_distinct_nodes_get_distinct_labels(case: str) -> None:
    triples = _shuffled(CASES[case], 0)
    labels = bnode_labels([triples])
    nodes = {t for triple in triples for t in triple if isinstance(t, rdflib.BNode)}
    assert set(labels) == nodes
    assert len(set(labels.values())) == len(nodes)
    assert all(str(label).startswith("b") for label in labels.values())


def test_asserted_and_inferred_are_told_apart() -> None:
    triples = _shuffled("ex:A ex:sub [ ex:on ex:p ] .", 0)
    node = next(t for triple in triples for t in triple if isinstance(t, rdflib.BNode))
    extra = [(node, rdflib.URIRef("http://example.org/type"), rdflib.URIRef("http://example.org/R"))]
    as_asserted = bnode_labels([triples + extra, []])[node]
    as_inferred = bnode_labels([triples, extra])[node]
    assert as_asserted != as_inferred
