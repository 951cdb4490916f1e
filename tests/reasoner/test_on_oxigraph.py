"""The reasoning step on pyoxigraph terms: :func:`~milia_kg.reasoner.on_oxigraph.beyond` gives what
:func:`~milia_kg.reasoner.on_oxigraph.closure` adds to the asserted triples, less the known ones,
with the same noise stripped and the same consistency messages."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from milia_kg import vocab
from milia_kg.errors import InconsistencyError
from milia_kg.reasoner.on_oxigraph import beyond, closure

EX = "http://example.org/"
TYPE, SCO, SAME = (ox.NamedNode(vocab.RDF + "type"), ox.NamedNode(vocab.RDFS + "subClassOf"),
                   ox.NamedNode(vocab.OWL + "sameAs"))
CLASS, THING, NOTHING = (ox.NamedNode(vocab.OWL + n) for n in ("Class", "Thing", "Nothing"))
SOME, ON = ox.NamedNode(vocab.OWL + "someValuesFrom"), ox.NamedNode(vocab.OWL + "onProperty")
PART_OF = ox.NamedNode(vocab.OBO + "BFO_0000050")


def n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


# a < b < c, x a a, x p y, p's domain d, a part-of restriction, and a functional property making two sameAs
RESTRICTION = ox.BlankNode("r")
GRAPH = [
    (n("a"), SCO, n("b")), (n("b"), SCO, n("c")), (n("a"), TYPE, CLASS), (n("c"), TYPE, CLASS),
    (n("x"), TYPE, n("a")), (n("x"), n("p"), n("y")), (n("p"), ox.NamedNode(vocab.RDFS + "domain"), n("d")),
    (n("a"), SCO, RESTRICTION), (RESTRICTION, TYPE, ox.NamedNode(vocab.OWL + "Restriction")),
    (RESTRICTION, ON, PART_OF), (RESTRICTION, SOME, n("c")),
    (n("f"), TYPE, ox.NamedNode(vocab.OWL + "FunctionalProperty")), (n("x"), n("f"), n("u")), (n("x"), n("f"), n("w")),
    (n("x"), n("label"), ox.Literal("x")),
]


def test_beyond_is_the_closure_less_the_asserted_and_known() -> None:
    whole = closure(GRAPH)
    added = set(whole) - set(GRAPH)
    assert (n("a"), SCO, n("c")) in added and (n("x"), TYPE, n("d")) in added and (n("u"), SAME, n("w")) in added
    assert (n("a"), PART_OF, n("c")) in added  # the restriction edge
    assert set(beyond(GRAPH, {})) == added
    known = {vocab.RDFS + "subClassOf": {EX + "a": (EX + "b", EX + "c", EX + "z")}, EX + "nowhere": {EX + "a": (EX + "b",)}}
    assert set(beyond(GRAPH, known)) == added - {(n("a"), SCO, n("c"))}


def test_noise_is_stripped_as_by_the_closure() -> None:
    found = set(beyond(GRAPH, {}))
    assert not [t for t in found if isinstance(t[0], ox.Literal)]
    assert not [t for t in found if t[1] == SAME and t[0] == t[2]]
    assert not [t for t in found if isinstance(t[0], ox.NamedNode) and t[0].value.startswith(vocab.OWL)]


def _messages(run: Any, triples: list[tuple[Any, Any, Any]]) -> list[str]:
    with pytest.raises(InconsistencyError) as caught:
        run(triples)
    return list(caught.value.problems)


@pytest.mark.parametrize(("triples", "expected"), [
    ([(n("x"), TYPE, NOTHING)], [f"{EX}x is defined of type 'Nothing'"]),
    ([(n("x"), TYPE, n("a")), (n("a"), SCO, NOTHING)], [f"{EX}x is defined of type 'Nothing'"]),  # inferred
    ([(n("x"), TYPE, n("a")), (n("a"), SCO, n("b")), (n("b"), SCO, NOTHING), (n("y"), TYPE, NOTHING),
      (n("y"), n("disjoint-free"), ox.Literal("1"))],
     [f"{EX}x is defined of type 'Nothing'", f"{EX}y is defined of type 'Nothing'"]),
])
def test_the_same_consistency_messages(triples: list[tuple[Any, Any, Any]], expected: list[str]) -> None:
    assert _messages(closure, triples) == expected
    assert _messages(lambda t: beyond(t, {}), triples) == expected
