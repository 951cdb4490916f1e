"""A two-link chain ``hasSite o partOf -> hasSite`` over a transitive ``partOf``: the fast engine does
not extend the triples the chain made as first links (their sites' ancestors are reached through the
triple they came from), so these graphs check that the closure is still whole, whatever order the
triples arrive in and however late ``partOf``'s links or its transitivity are derived."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from milia_kg.reasoner import infer
from milia_kg.reasoner.fast import reason

EX = rdflib.Namespace("http://example.org/")
#: The sites, each part of the next: a partOf b partOf c partOf d partOf e.
SITES = ("a", "b", "c", "d", "e")
#: Where each case is, and so (with every ancestor of those sites) where it has a site.
CASES = {"x": ("a",), "y": ("c",), "z": ("b", "d")}
EXPECTED_SITES = {"x": {"a", "b", "c", "d", "e"}, "y": {"c", "d", "e"}, "z": {"b", "c", "d", "e"}}


def _chain_triples(part_link: URIRef, transitive_by: str, seed: int | None, late_cases: bool = False) -> list[tuple[Any, Any, Any]]:
    """The chain axiom, the sites and the cases: in that order (the engine then extends each case's
    triples as first links), or shuffled by ``seed``.

    :param part_link: the property that states each ``partOf`` link (``partOf`` itself, or a
        sub-property of it, so that the links are derived).
    :param transitive_by: ``"asserted"``; ``"equivalent"``: partOf is equivalent to a transitive
        property, so its transitivity is derived; ``"none"``: the chain alone climbs the links.
    :param late_cases: the cases' sites are stated with ``locatedAt``, which becomes a sub-property of
        ``hasSite`` by the last triple: their ``hasSite`` triples arrive after every ``partOf`` link.
    """
    triples: list[tuple[URIRef, URIRef, URIRef]] = []
    chain = [rdflib.BNode(), rdflib.BNode()]
    triples += [(EX.hasSite, OWL.propertyChainAxiom, chain[0]), (chain[0], RDF.first, EX.hasSite),
                (chain[0], RDF.rest, chain[1]), (chain[1], RDF.first, EX.partOf), (chain[1], RDF.rest, RDF.nil)]
    if transitive_by == "asserted":
        triples.append((EX.partOf, RDF.type, OWL.TransitiveProperty))
    elif transitive_by == "equivalent":
        triples += [(EX.partOf, OWL.equivalentProperty, EX.partOfT), (EX.partOfT, RDF.type, OWL.TransitiveProperty)]
    if part_link != EX.partOf:
        triples.append((part_link, RDFS.subPropertyOf, EX.partOf))
    triples += [(EX[low], part_link, EX[high]) for low, high in itertools.pairwise(SITES)]
    located = EX.locatedAt if late_cases else EX.hasSite
    triples += [(EX[case], located, EX[site]) for case, sites in CASES.items() for site in sites]
    if late_cases:
        triples.append((EX.locatedAt, RDFS.subPropertyOf, EX.hasSite))
    if seed is not None:
        random.Random(seed).shuffle(triples)
    return triples


@pytest.mark.parametrize("seed", [None, *range(4)])
@pytest.mark.parametrize("late_cases", [False, True], ids=["asserted-cases", "late-cases"])
@pytest.mark.parametrize("transitive_by", ["asserted", "equivalent", "none"])
@pytest.mark.parametrize("part_link", [EX.partOf, EX.directlyPartOf], ids=["asserted-links", "derived-links"])
def test_chain_reaches_every_ancestor_site(part_link: URIRef, transitive_by: str, late_cases: bool,
                                           seed: int | None) -> None:
    triples = _chain_triples(part_link, transitive_by, seed, late_cases)
    closure = {*triples, *reason(triples).inferred}  # the engine itself: it reads the triples in this order
    found = {case: {str(o).rsplit("/", 1)[1] for s, p, o in closure if s == EX[case] and p == EX.hasSite}
             for case in CASES}
    assert found == EXPECTED_SITES


@pytest.mark.parametrize("seed", [None, 0])
@pytest.mark.parametrize("transitive_by", ["asserted", "equivalent", "none"])
def test_chain_closure_equals_owlrl(transitive_by: str, seed: int | None) -> None:
    graph = rdflib.Graph()
    for triple in _chain_triples(EX.directlyPartOf, transitive_by, seed, late_cases=True):
        graph.add(triple)
    assert set(infer(graph, reasoner="fast")) == set(infer(graph, reasoner="owlrl"))
