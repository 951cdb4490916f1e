"""Content-derived blank-node labels, the same in every run and every process.

A blank node is labelled by what surrounds it, with colour refinement (1-dimensional
Weisfeiler-Leman) over the triples that touch blank nodes.  All blank nodes start
with one colour; in each round a node's new colour is the SHA-256 of its old colour
and the sorted descriptions of its edges: ``> predicate object`` for the triples it is
the subject of and ``< predicate subject`` for those it is the object of, a named term
written in N-Triples and a blank neighbour as its current colour.  Rounds stop when
the partition into colours no longer splits.  So an ``owl:Axiom`` node is keyed by its
annotated source, property and target and its annotations, an RDF list cell by its
member and the rest of the list, a restriction by its property and filler, and each of
them also by where it is used.

Blank nodes that refinement cannot tell apart (for instance two identical restrictions
on the same class) are split by individualisation: each member of the first tied class
(in colour order) is given a distinct colour in turn, refinement runs again, and the
choice whose sorted coloured triples come first is kept.  For nodes that are
interchangeable (an automorphism maps one to the other) every choice gives the same
output.  Only sorted strings are hashed: nothing depends on blank-node ids, on the order
the triples come in, or on ``PYTHONHASHSEED``.

This replaces :func:`rdflib.compare.to_canonical_graph`, which is exact but took
seconds on a graph of a few thousand triples.

>>> import rdflib
>>> turtle = '''@prefix ex: <http://example.org/> .
...     ex:a ex:p [ ex:q ex:b ], [ ex:q ex:c ] .  ex:d ex:list ( ex:b ex:c ) .'''
>>> first = bnode_labels([rdflib.Graph().parse(data=turtle, format="turtle")])
>>> second = bnode_labels([rdflib.Graph().parse(data=turtle, format="turtle")])
>>> sorted(first.values()) == sorted(second.values()) and len(set(first.values())) == 4
True
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from rdflib import BNode
from rdflib.term import Node

__all__ = ["bnode_labels"]

#: Hex digits of the colour kept in a label (64 bits); more are used if two labels clash.
LABEL_DIGITS = 16

# An edge of a blank node: (tagged predicate, blank neighbour or None, N-Triples of a named neighbour).
_Edge = tuple[str, BNode | None, str]


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class _Refiner:
    """The edges around every blank node, and colour refinement over them."""

    def __init__(self, graphs: Sequence[Iterable[tuple[Node, Node, Node]]]) -> None:
        self.out: dict[BNode, list[_Edge]] = defaultdict(list)
        self.into: dict[BNode, list[_Edge]] = defaultdict(list)
        n3: dict[Node, str] = {}

        def key(term: Node) -> str:
            text = n3.get(term)
            if text is None:
                text = n3[term] = term.n3()
            return text

        for index, graph in enumerate(graphs):
            for s, p, o in graph:
                s_blank = s if isinstance(s, BNode) else None
                o_blank = o if isinstance(o, BNode) else None
                if s_blank is None and o_blank is None:
                    continue
                predicate = f"{index}{key(p)}"
                if s_blank is not None:
                    self.out[s_blank].append((predicate, o_blank, "" if o_blank is not None else key(o)))
                if o_blank is not None:
                    self.into[o_blank].append((predicate, s_blank, "" if s_blank is not None else key(s)))
        self.nodes = sorted(set(self.out) | set(self.into))  # sorted only to fix the iteration order

    def _round(self, colour: dict[BNode, str]) -> dict[BNode, str]:
        new = {}
        for node in self.nodes:
            parts = [colour[node]]
            parts += sorted(f"> {p} {k if b is None else colour[b]}" for p, b, k in self.out.get(node, ()))
            parts += sorted(f"< {p} {k if b is None else colour[b]}" for p, b, k in self.into.get(node, ()))
            new[node] = _digest(parts)
        return new

    def refine(self, colour: dict[BNode, str]) -> dict[BNode, str]:
        """Refine ``colour`` until the partition into colours is stable."""
        classes = len(set(colour.values()))
        while True:
            colour = self._round(colour)
            now = len(set(colour.values()))
            if now == classes:
                return colour
            classes = now

    def certificate(self, colour: dict[BNode, str]) -> list[str]:
        """Every blank-node edge written with colours, sorted: compares two colourings."""
        lines = []
        for node in self.nodes:
            lines += [f"{colour[node]} {p} {k if b is None else colour[b]}" for p, b, k in self.out.get(node, ())]
            lines += [f"{k} {p} {colour[node]}" for p, b, k in self.into.get(node, ()) if b is None]
        return sorted(lines)


def _first_tie(colour: dict[BNode, str]) -> list[BNode]:
    members: dict[str, list[BNode]] = defaultdict(list)
    for node, c in colour.items():
        members[c].append(node)
    tied = sorted(c for c, nodes in members.items() if len(nodes) > 1)
    return members[tied[0]] if tied else []


def bnode_labels(graphs: Sequence[Iterable[tuple[Node, Node, Node]]]) -> dict[BNode, BNode]:
    """A new, content-derived label for every blank node of ``graphs``.

    :param graphs: triple collections (e.g. the asserted and the inferred graph); a triple's
        place in the sequence is part of its description, so the same shape asserted or
        inferred counts as different.
    :returns: blank node -> ``BNode("b" + 16 hex digits)``; distinct nodes get distinct labels.
    """
    refiner = _Refiner(graphs)
    colour = refiner.refine({node: "" for node in refiner.nodes})
    while tied := _first_tie(colour):
        trials = [refiner.refine({**colour, node: _digest([colour[node], "individualised"])}) for node in tied]
        colour = min(trials, key=refiner.certificate)
    digits = LABEL_DIGITS
    while len({c[:digits] for c in colour.values()}) < len(colour):
        digits += 4
    return {node: BNode(f"b{c[:digits]}") for node, c in colour.items()}
