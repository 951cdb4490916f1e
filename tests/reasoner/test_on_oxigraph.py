"""The reasoning step on pyoxigraph terms: :func:`~milia_kg.reasoner.on_oxigraph.beyond` gives what
:func:`~milia_kg.reasoner.on_oxigraph.closure` adds to the asserted triples, less the known ones,
with the same noise stripped and the same consistency messages."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from conftest import rdflib_graph

from milia_kg import vocab
from milia_kg.errors import InconsistencyError
from milia_kg.formats.terms import TermMap
from milia_kg.reasoner import reason
from milia_kg.reasoner.on_oxigraph import beyond, closure, unread

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


# Annotations the engine need not read (on_oxigraph.unread), and those it must.
LABEL, COMMENT = ox.NamedNode(vocab.RDFS + "label"), ox.NamedNode(vocab.RDFS + "comment")
ANNOTATION = ox.NamedNode(vocab.OWL + "AnnotationProperty")
SYNONYM, XREF, QUOTE, SIZE = n("synonym"), n("xref"), n("quote"), n("size")
ANNOTATED = [
    (SYNONYM, TYPE, ANNOTATION), (SYNONYM, LABEL, ox.Literal("synonym", language="en")),
    (n("x"), LABEL, ox.Literal("x")), (n("x"), COMMENT, ox.Literal("about x", language="en")),
    (n("x"), SYNONYM, ox.Literal("ex")), (n("x"), XREF, ox.Literal("EX:1")),
    # read: a super-property, a domain, a functional one, a typed value, a restriction's property
    (QUOTE, ox.NamedNode(vocab.RDFS + "subPropertyOf"), n("value")), (n("x"), QUOTE, ox.Literal("said")),
    (n("tagged"), ox.NamedNode(vocab.RDFS + "domain"), n("d")), (n("y"), n("tagged"), ox.Literal("t")),
    (n("key"), TYPE, ox.NamedNode(vocab.OWL + "FunctionalProperty")), (n("y"), n("key"), ox.Literal("k")),
    (n("x"), SIZE, ox.Literal("12", datatype=ox.NamedNode(vocab.XSD + "integer"))),
    (n("x"), XREF, n("y")),
    (RESTRICTION, ON, n("flag")), (RESTRICTION, ox.NamedNode(vocab.OWL + "hasValue"), ox.Literal("on")),
    (n("z"), n("flag"), ox.Literal("on")),
]
SET_ASIDE = {(SYNONYM, LABEL, ox.Literal("synonym", language="en")), (n("x"), LABEL, ox.Literal("x")),
             (n("x"), COMMENT, ox.Literal("about x", language="en")), (n("x"), SYNONYM, ox.Literal("ex")),
             (n("x"), XREF, ox.Literal("EX:1"))}


def test_unread_sets_aside_string_annotations_no_rule_reads() -> None:
    read, aside = unread(ANNOTATED)
    assert set(aside) == SET_ASIDE
    assert sorted(map(str, read + aside)) == sorted(map(str, ANNOTATED))


def _owlrl_closure(triples: list[tuple[Any, Any, Any]]) -> set[tuple[Any, Any, Any]]:
    """The reference: the triples and what owlrl infers from them (rdflib), noise stripped, as pyoxigraph terms."""
    inferred = reason(rdflib_graph(triples), reasoner="owlrl").closure
    convert = TermMap().to_ox
    return {(convert(s), convert(p), convert(o)) for s, p, o in inferred if not isinstance(s, rdflib.BNode)}


@pytest.mark.parametrize(("extra", "carried"), [
    ([], None),
    ([(n("x"), SAME, n("w"))], (n("w"), SYNONYM, ox.Literal("ex"))),  # eq-rep-s carries x's annotations to w
    # a functional property makes x and v the same (and the same as its value "k")
    ([(n("y"), n("key"), n("x")), (n("y"), n("key"), n("v"))], (n("v"), SYNONYM, ox.Literal("ex"))),
    ([(n("w"), SAME, n("x"))], (n("w"), SYNONYM, ox.Literal("ex"))),  # the other way round (eq-sym)
    # two values of the functional property: "k" the same as "ex", so eq-rep-o rewrites x's synonym
    ([(n("y"), n("key"), ox.Literal("ex"))], (n("x"), SYNONYM, ox.Literal("k"))),
], ids=["no-same-as", "same-as", "inferred-same-as", "same-as-reversed", "same-literals"])
def test_the_closure_with_annotations_set_aside_is_owlrl_s(extra: list[tuple[Any, Any, Any]],
                                                           carried: tuple[Any, Any, Any] | None) -> None:
    triples = ANNOTATED + extra
    named = {t for t in closure(triples) if not isinstance(t[0], ox.BlankNode)}
    assert named == _owlrl_closure(triples)
    assert carried is None or carried in named
    assert set(beyond(triples, {})) == set(closure(triples)) - set(triples)


def test_an_ill_typed_value_of_an_annotation_is_still_found() -> None:
    """A typed literal is never set aside: owlrl's dt-not-type reads it."""
    triples = [*ANNOTATED, (n("x"), SIZE, ox.Literal("twelve", datatype=ox.NamedNode(vocab.XSD + "integer")))]
    expected = ["Lexical value of the literal 'twelve' does not match its datatype "
                "(http://www.w3.org/2001/XMLSchema#integer)"]
    assert _messages(closure, triples) == expected
    assert _messages(lambda t: beyond(t, {}), triples) == expected
    with pytest.raises(InconsistencyError):
        _owlrl_closure(triples)
