"""The project's reasoning step on pyoxigraph terms, for merges too large to go through rdflib.

:func:`milia_kg.reasoner.reason` works on rdflib graphs; a merge with a real release (the HPO:
170,000 asserted triples, 400,000 after reasoning) spends most of its time and memory building
them.  :func:`closure` does the same step on a list of pyoxigraph triples, with the fast engine's
pyoxigraph adapter: the same restriction edges (:mod:`milia_kg.reasoner._edges`), the same OWL 2
RL closure, the same noise stripped (:func:`milia_kg.reasoner.is_noise`) and the same consistency
check, so a kept store built from it holds the triples of the rdflib path.

>>> import pyoxigraph as ox
>>> EX, TYPE = "http://example.org/", ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
>>> sco = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
>>> a, b, c = (ox.NamedNode(EX + n) for n in "abc")
>>> (a, TYPE, c) in closure([(a, TYPE, b), (b, sco, c)])
True
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.errors import InconsistencyError
from milia_kg.reasoner import fast
from milia_kg.reasoner._edges import EDGE_IRIS, edge_triples
from milia_kg.reasoner._terms import BNODE, IRI, LITERAL

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget
    from milia_kg.reasoner.fast import Engine

__all__ = ["Known", "beyond", "closure", "unread"]

T = TypeVar("T")

#: Triples among IRIs a caller holds already, as IRI strings: predicate -> subject -> objects.
Known = Mapping[str, Mapping[str, Collection[str]]]

_BUILTIN = (vocab.RDF, vocab.RDFS, vocab.OWL, vocab.XSD)
_SAME_AS = ox.NamedNode(vocab.OWL + "sameAs")
_TYPE = ox.NamedNode(vocab.RDF + "type")
_STRING = ox.NamedNode(vocab.XSD + "string")
#: the built-in annotation properties whose string values the engine need not read (see :func:`unread`)
_BUILTIN_FREE = frozenset(ox.NamedNode(vocab.RDFS + n) for n in ("label", "comment"))
#: the classes a property's declaration may give it without a rule reading its triples
_DECLARATIONS = frozenset([*(ox.NamedNode(vocab.OWL + n) for n in ("AnnotationProperty", "DatatypeProperty",
                                                                    "ObjectProperty")),
                           ox.NamedNode(vocab.RDF + "Property")])


def _is_iri(term: Any) -> bool:
    return isinstance(term, ox.NamedNode)


def _is_bnode(term: Any) -> bool:
    return isinstance(term, ox.BlankNode)


def _is_noise(s: Any, p: Any, o: Any) -> bool:
    """:func:`milia_kg.reasoner.is_noise` on pyoxigraph terms."""
    if isinstance(s, ox.Literal):
        return True
    if p == _SAME_AS and s == o:
        return True
    return isinstance(s, ox.NamedNode) and s.value.startswith(_BUILTIN)


def closure(asserted: Sequence[tuple[Any, Any, Any]], budget: Budget | None = None) -> list[tuple[Any, Any, Any]]:
    """The asserted triples, the restriction edges and what the fast engine infers from both,
    noise stripped (duplicates possible: a store drops them).

    :param budget: the merge's limits, checked while reasoning (:mod:`milia_kg.reasoner.budget`).
    :raises InconsistencyError: if the closure is inconsistent (the messages of
        :func:`milia_kg.reasoner.check_consistent`).
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``.
    """
    edges = edge_triples(asserted, ox.NamedNode, _is_iri, _is_bnode, EDGE_IRIS)
    base = [*asserted, *edges]
    result = _run(base, fast.inference, budget)
    _check_consistent(result.errors)
    base.extend(t for t in result.inferred if not _is_noise(*t))
    return base


def beyond(asserted: Sequence[tuple[Any, Any, Any]], known: Known,
           budget: Budget | None = None) -> list[tuple[Any, Any, Any]]:
    """What :func:`closure` adds to ``asserted`` (the restriction edges and the inferred triples,
    noise stripped, the same consistency check), less the triples ``known`` names.

    Why: a merge loads the asserted triples and the class hierarchy's closure while the engine
    reasons (:mod:`milia_kg.merge.foreseen`: 211,000 of the HPO's 232,000 inferred triples). Read in
    the engine's integers, the other 800 are found without turning all 232,000 into pyoxigraph
    terms, filtering them for noise and matching them against the hierarchy (0.5 s of the HPO merge).

    :raises InconsistencyError, MergeSizeError, MergeTimeoutError: as :func:`closure`.
    """
    edges = edge_triples(asserted, ox.NamedNode, _is_iri, _is_bnode, EDGE_IRIS)
    added = _run([*asserted, *edges], lambda engine, _: _beyond(engine, known), budget)
    return [*edges, *added]


def _run(base: list[tuple[Any, Any, Any]], collect: Callable[[Engine, int], T], budget: Budget | None) -> T:
    """:func:`milia_kg.reasoner.fast.run` over ``base``, its unread annotations (:func:`unread`) set
    aside; if a ``owl:sameAs`` reaches the subject or object of one (eq-rep-s or eq-rep-o would read
    it), over all of ``base``."""
    read, aside = unread(base)
    if aside:
        def collect_unless_reached(engine: Engine, count: int) -> T | None:
            return None if _same_as_reaches(engine, aside) else collect(engine, count)

        found = fast.run(read, collect_unless_reached, terms="oxigraph", budget=budget, set_aside=len(aside))
        if found is not None:
            return found
    return fast.run(base, collect, terms="oxigraph", budget=budget)


def unread(triples: Sequence[tuple[Any, Any, Any]]) -> tuple[list[tuple[Any, Any, Any]], list[tuple[Any, Any, Any]]]:
    """``triples`` split into those the engine must read and the annotations no rule reads.

    Why: 106,000 of the HPO merge's 175,000 asserted triples are labels, synonyms, definitions and
    cross-references (strings); held in the engine, they were a third of its time (0.3 s of a first
    ``--merge hp.obo``) for nothing it derives but noise. An annotation is set aside when its object is a
    string literal (``xsd:string`` or language-tagged: owlrl finds no such literal ill-typed) and its
    predicate ``p`` is outside the RDF, RDFS, OWL and XSD vocabularies (but ``rdfs:label`` and
    ``rdfs:comment``), is the object of no triple (no ``rdfs:subPropertyOf``, ``owl:onProperty``, chain,
    key or ``owl:sameAs`` names it) and the subject of none but its declaration (``rdf:type``
    ``owl:AnnotationProperty``, ``owl:DatatypeProperty``, ``owl:ObjectProperty`` or ``rdf:Property``) and
    annotations with a literal value. Every OWL 2 RL rule that reads ``s p o`` for such a ``p`` needs a
    triple naming ``p`` otherwise (a domain, a range, a characteristic, a super-property...), but
    eq-rep-s and eq-rep-o: a ``owl:sameAs`` of ``s`` or of the literal, which only the fixpoint tells
    (:func:`_run` reasons again with them then).
    """
    predicates = {p for _, p, _ in triples}
    named: set[Any] = set()
    literal = ox.Literal
    for s, p, o in triples:
        if type(o) is literal:  # never a predicate (and hashing a long one costs)
            if p == _SAME_AS and s in predicates:
                named.add(s)
        else:
            if o in predicates:
                named.add(o)
            if s in predicates and not (p == _TYPE and o in _DECLARATIONS):
                named.add(s)
    free = {p for p in predicates if p not in named and (not p.value.startswith(_BUILTIN) or p in _BUILTIN_FREE)}
    if not free:
        return list(triples), []
    read: list[tuple[Any, Any, Any]] = []
    aside: list[tuple[Any, Any, Any]] = []
    string = _STRING
    for triple in triples:
        o = triple[2]
        if triple[1] in free and type(o) is literal and (o.language is not None or o.datatype == string):
            aside.append(triple)
        else:
            read.append(triple)
    return read, aside


def _same_as_reaches(engine: Engine, aside: Sequence[tuple[Any, Any, Any]]) -> bool:
    """Whether the engine's fixpoint holds a ``owl:sameAs`` of a subject or an object of ``aside``
    (a functional property's two values make two literals the same)."""
    same, ids = engine.same_terms, engine.ids  # those with a partner other than themselves
    return bool(same) and any(ids.get(s) in same or ids.get(o) in same for s, _, o in aside)


def _beyond(engine: Engine, known: Known) -> list[tuple[Any, Any, Any]]:
    """The engine's derived triples that are neither noise nor ``known``, as terms, once the
    closure is found consistent."""
    terms, kinds, v = engine.terms, engine.kinds, engine.v
    noisy: dict[int, bool] = {}  # by subject id: a literal, or an IRI of the RDF, RDFS, OWL or XSD vocabulary

    def is_noisy(s: int) -> bool:
        found = noisy.get(s)
        if found is None:
            kind = kinds[s]
            found = noisy[s] = kind == LITERAL or (kind == IRI and terms[s].value.startswith(_BUILTIN))
        return found

    _check_consistent(engine.errors)
    held = _known_ids(engine, known)
    blank_predicates = fast.has_blank_predicates(engine)
    same_as, none = v.SAME, ()
    kept: list[tuple[Any, Any, Any]] = []
    for s, p, o in engine.derived:
        objects = held.get(p)
        if objects is not None and o in objects.get(s, none):
            continue
        if is_noisy(s) or (p == same_as and s == o) or (blank_predicates and kinds[p] == BNODE):
            continue
        kept.append((terms[s], terms[p], terms[o]))
    return kept


def _known_ids(engine: Engine, known: Known) -> dict[int, dict[int, tuple[int, ...]]]:
    """``known`` in the engine's ids (the strings it names that the engine never met are left out:
    no derived triple holds them). Tuples, not sets: with the HPO's 19,000 sets of 11 superclasses
    on average, the first ``--merge hp.obo`` peaked at 285-291 MB, against 267-272 MB."""
    ids, ox_iri = engine.ids, ox.NamedNode
    id_of: dict[str, int | None] = {}

    def lookup(value: str) -> int | None:
        found = id_of.get(value, -1)
        if found == -1:
            found = id_of[value] = ids.get(ox_iri(value))
        return found

    held: dict[int, dict[int, tuple[int, ...]]] = {}
    for predicate, by_subject in known.items():
        p = lookup(predicate)
        if p is None:
            continue
        into = held[p] = {}
        for subject, objects in by_subject.items():
            s = lookup(subject)
            if s is not None:
                into[s] = tuple(o for o in map(lookup, objects) if o is not None)
    return held


def _check_consistent(errors: Sequence[str]) -> None:
    """Raise the engine's messages, if any: its cls-nothing2 names every member of owl:Nothing,
    asserted or inferred (:func:`milia_kg.reasoner.check_consistent` adds a message for the members
    its reasoner does not name; this one names them all).

    :raises InconsistencyError: if there is any.
    """
    if errors:
        raise InconsistencyError(sorted(set(errors)))
