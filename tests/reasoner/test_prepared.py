"""The fast engine's prepared base (milia_kg.reasoner.fast.Prepared): a few triples reasoned against
a closed base give exactly what a from-scratch run over base + triples gives, and the base is left
as it was, also after triples that add axioms, literals or owl:sameAs (the paths that reload the
base or run owlrl's one-time rules).  Every test runs on an engine built from the base and on one
restored from its kept state (:meth:`Prepared.from_state`, through marshal as the classifier's cache)."""

from __future__ import annotations

import functools
import marshal
from collections import defaultdict
from typing import Any

import pyoxigraph as ox
import pytest

from milia_kg import vocab
from milia_kg.reasoner.fast import Prepared, reason

EX = "http://example.org/"
TBOX = f"""
@prefix ex: <{EX}> . @prefix owl: <{vocab.OWL}> . @prefix rdfs: <{vocab.RDFS}> . @prefix xsd: <{vocab.XSD}> .
ex:Case a owl:Class . ex:Site a owl:Class . ex:Nose rdfs:subClassOf ex:Site . ex:hasSite a owl:ObjectProperty ;
  rdfs:domain ex:Case ; rdfs:subPropertyOf ex:has .
ex:NoseCase owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( ex:Case
  [ a owl:Restriction ; owl:onProperty ex:hasSite ; owl:someValuesFrom ex:Nose ] ) ] .
ex:Young owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:age ; owl:hasValue "young" ] .
ex:Case owl:disjointWith ex:Site .
"""
X, N = ox.BlankNode("x"), ox.BlankNode("n")


def _iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


TYPE = ox.NamedNode(vocab.RDF + "type")
EXTRAS: dict[str, list[tuple[Any, Any, Any]]] = {
    "instance triples": [(X, _iri("hasSite"), N), (N, TYPE, _iri("Nose"))],
    "a clash": [(X, _iri("hasSite"), N), (N, TYPE, _iri("Nose")), (X, TYPE, _iri("Site"))],
    "a literal": [(X, _iri("age"), ox.Literal("young"))],
    "a new axiom": [(_iri("Nose"), ox.NamedNode(vocab.RDFS + "subClassOf"), _iri("Face")), (N, TYPE, _iri("Nose"))],
    "owl:sameAs": [(X, ox.NamedNode(vocab.OWL + "sameAs"), N), (N, TYPE, _iri("Nose"))],
    "nothing new": [(_iri("Nose"), ox.NamedNode(vocab.RDFS + "subClassOf"), _iri("Site"))],
}


@functools.cache
def _base() -> list[tuple[Any, Any, Any]]:
    """The closed base (parsed once, so its blank nodes keep their labels)."""
    asserted = [(q.subject, q.predicate, q.object) for q in ox.parse(TBOX, format=ox.RdfFormat.TURTLE)]
    return [*asserted, *reason(asserted, terms="oxigraph").inferred]


def _state(prepared: Prepared) -> tuple[Any, ...]:
    e = prepared.engine
    flat = lambda index: {(k, v, x) for k, by in index.items() for v, xs in by.items() for x in xs}  # noqa: E731
    return flat(e.spo), flat(e.pos), list(e.terms), dict(e.ids), bytes(e.kinds), len(e.derived), list(e.errors)


def _restored() -> Prepared:
    """An engine started from the kept state of one built over the base (written and read by marshal)."""
    terms, state = Prepared(_base(), terms="oxigraph").state()
    kept = marshal.dumps(state)
    return Prepared.from_state(terms, lambda: marshal.loads(kept), terms="oxigraph")


@pytest.fixture(scope="module", params=["built", "restored"])
def prepared(request: pytest.FixtureRequest) -> Prepared:
    return Prepared(_base(), terms="oxigraph") if request.param == "built" else _restored()


def _everything(prepared: Prepared) -> dict[str, Any]:
    """Every attribute of the engine that is data (property plans as their properties; defaultdicts as dicts)."""
    def plain(value: Any) -> Any:
        return {k: plain(v) for k, v in value.items()} if isinstance(value, dict) else value

    skip = {"adapter", "v", "insert", "add", "pred_handlers", "class_handlers"}
    found = {name: plain(value) for name, value in vars(prepared.engine).items() if name not in skip}
    found["watched"] = sorted(found["watched"])
    return found


def test_a_restored_engine_holds_what_the_built_one_does() -> None:
    built, restored = Prepared(_base(), terms="oxigraph"), _restored()
    assert _everything(restored) == _everything(built)
    assert set(_everything(built)) > {"spo", "pos", "svf_index", "int_lists", "sco_base", "kinds", "terms", "ids"}
    assert isinstance(restored.engine.svf_index, defaultdict) and all(
        isinstance(by_filler, defaultdict) for by_filler in restored.engine.svf_index.values())
    assert restored.engine.add.__closure__ is not None and any(  # the inserter holds the restored store
        cell.cell_contents is restored.engine.spo for cell in restored.engine.add.__closure__)


def test_a_state_of_another_layout_is_refused() -> None:
    terms, state = Prepared(_base(), terms="oxigraph").state()
    with pytest.raises(ValueError, match="another layout"):
        Prepared.from_state(terms, lambda: {**state, "format": 0})
    with pytest.raises(ValueError, match="another layout"):
        Prepared.from_state(terms, lambda: {k: v for k, v in state.items() if k != "spo"})
    with pytest.raises(ValueError, match="vocabulary"):
        Prepared.from_state(terms[1:], lambda: state)


@pytest.mark.parametrize("name", list(EXTRAS))
def test_prepared_equals_a_run_from_scratch_and_leaves_the_base(prepared: Prepared, name: str) -> None:
    base = _base()
    before = _state(prepared)
    found, errors = prepared.reason(EXTRAS[name])
    scratch = reason([*base, *EXTRAS[name]], terms="oxigraph")
    closed = set(base)
    expected = {t for t in [*EXTRAS[name], *scratch.inferred] if t not in closed}
    assert set(found) == expected
    assert errors == scratch.errors
    assert (name == "a clash") == bool(errors)
    assert _state(prepared) == before


def test_every_extra_again_in_one_prepared_engine(prepared: Prepared) -> None:
    """Each call starts from the base: the same answers in any order, repeated."""
    first = {name: prepared.reason(extra) for name, extra in EXTRAS.items()}
    for name in reversed(EXTRAS):
        found, errors = prepared.reason(EXTRAS[name])
        assert (set(found), errors) == (set(first[name][0]), first[name][1])


def test_reading_the_base(prepared: Prepared) -> None:
    sco = ox.NamedNode(vocab.RDFS + "subClassOf")
    assert prepared.holds(_iri("Nose"), sco, _iri("Site"))
    assert not prepared.holds(_iri("Site"), sco, _iri("Nose"))
    assert not prepared.holds(_iri("Unknown"), sco, _iri("Site"))
    assert _iri("Nose") in prepared.subjects(sco, _iri("Site"))
    domain = ox.NamedNode(vocab.RDFS + "domain")
    assert prepared.objects(_iri("hasSite"), domain) == [_iri("Case"), ox.NamedNode(vocab.OWL + "Thing")]
    assert prepared.errors == ()
    spo = ox.NamedNode(vocab.RDFS + "subPropertyOf")
    assert prepared.pairs(spo) == sorted({(s, o) for s, p, o in _base() if p == spo}, key=str)
    assert (_iri("hasSite"), _iri("has")) in prepared.pairs(spo)
    assert prepared.pairs(_iri("unknownProperty")) == []


def test_threads_share_one_prepared_engine(prepared: Prepared) -> None:
    """Concurrent calls (a served endpoint's threads) each get the answer of a call alone."""
    from concurrent.futures import ThreadPoolExecutor

    alone = {name: set(prepared.reason(extra)[0]) for name, extra in EXTRAS.items()}
    names = list(EXTRAS) * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda name: set(prepared.reason(EXTRAS[name])[0]), names))
    assert answers == [alone[name] for name in names]
