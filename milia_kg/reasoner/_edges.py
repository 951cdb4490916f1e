"""Class-level part-of edges from the OBO restrictions, for any term library (private).

OBO ontologies state part-of as existential restrictions, which OWL 2 RL cannot chain; as
direct edges ``X R Y`` (Ubergraph's relation-graph convention, the one milia-kg's own facts
follow) they take part in the transitive part-of closure and the ``hasSite`` chain.  An edge is
entailed by

- ``X rdfs:subClassOf [owl:onProperty R; owl:someValuesFrom Y]`` (OBO ``relationship: R Y``);
- ``X owl:equivalentClass [owl:intersectionOf (G ... [owl:onProperty R; owl:someValuesFrom Y])]``
  (OBO ``intersection_of: G`` + ``intersection_of: R Y``: X is a subclass of each member), or
  ``X owl:equivalentClass [owl:onProperty R; owl:someValuesFrom Y]`` (either way round).

:func:`edge_triples` reads plain triples, so the rdflib path
(:func:`milia_kg.reasoner.restriction_edges`) and the pyoxigraph path
(:mod:`milia_kg.reasoner.on_oxigraph`) find the same edges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from milia_kg import vocab

__all__ = ["EDGE_IRIS", "edge_triples"]

#: The relations whose restrictions become class-level edges: BFO part of.
EDGE_IRIS: tuple[str, ...] = (f"{vocab.OBO}BFO_0000050",)


def edge_triples(
    triples: Iterable[tuple[Any, Any, Any]],
    iri: Callable[[str], Any],
    is_iri: Callable[[Any], bool],
    is_bnode: Callable[[Any], bool],
    relations: Iterable[str],
) -> list[tuple[Any, Any, Any]]:
    """The edges ``(X, R, Y)`` (R in ``relations``, X and Y IRIs) entailed by the restrictions of
    ``triples`` (see the module docstring) and not among ``triples``, in first-found order.

    :param iri: builds an IRI term of the triples' library from a string.
    """
    sco, eqc, onp, svf = iri(vocab.RDFS + "subClassOf"), iri(vocab.OWL + "equivalentClass"), \
        iri(vocab.OWL + "onProperty"), iri(vocab.OWL + "someValuesFrom")
    inter, first, rest = iri(vocab.OWL + "intersectionOf"), iri(vocab.RDF + "first"), iri(vocab.RDF + "rest")
    wanted = {iri(r) for r in relations}
    supers: list[tuple[Any, Any]] = []  # (class, restriction or class expression), in order
    properties: dict[Any, list[Any]] = {}
    fillers: dict[Any, list[Any]] = {}
    lists: dict[Any, Any] = {}
    firsts: dict[Any, Any] = {}
    rests: dict[Any, Any] = {}
    stated: set[tuple[Any, Any, Any]] = set()
    for s, p, o in triples:
        if p == sco:
            if is_bnode(o) and is_iri(s):
                supers.append((s, o))
        elif p == eqc:
            if is_bnode(o) and is_iri(s):
                supers.append((s, o))
            elif is_bnode(s) and is_iri(o):
                supers.append((o, s))
        elif p == onp:
            properties.setdefault(s, []).append(o)
        elif p == svf:
            fillers.setdefault(s, []).append(o)
        elif p == inter:
            lists.setdefault(s, o)
        elif p == first:
            firsts.setdefault(s, o)
        elif p == rest:
            rests.setdefault(s, o)
        elif p in wanted:
            stated.add((s, p, o))

    def members(head: Any) -> list[Any]:
        found, seen = [], set()
        while head in firsts and head not in seen:
            seen.add(head)
            found.append(firsts[head])
            head = rests.get(head)
        return found

    edges: dict[tuple[Any, Any, Any], None] = {}
    for cls, node in supers:
        for restriction in (node, *members(lists[node])) if node in lists else (node,):
            for relation in properties.get(restriction, ()):
                if relation not in wanted:
                    continue
                for filler in fillers.get(restriction, ()):
                    edge = (cls, relation, filler)
                    if is_iri(filler) and edge not in stated:
                        edges[edge] = None
    return list(edges)
