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

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.errors import InconsistencyError
from milia_kg.reasoner import fast
from milia_kg.reasoner._edges import EDGE_IRIS, edge_triples
from milia_kg.reasoner._terms import BNODE, IRI, LITERAL

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget
    from milia_kg.reasoner.fast import Engine

__all__ = ["Known", "beyond", "closure"]

#: Triples among IRIs a caller holds already, as IRI strings: predicate -> subject -> objects.
Known = Mapping[str, Mapping[str, Collection[str]]]

_BUILTIN = (vocab.RDF, vocab.RDFS, vocab.OWL, vocab.XSD)
_SAME_AS = ox.NamedNode(vocab.OWL + "sameAs")


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
    result = fast.reason(base, terms="oxigraph", budget=budget)
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
    base = [*asserted, *edges]
    added = fast.run(base, lambda engine, _: _beyond(engine, known), terms="oxigraph", budget=budget)
    return [*edges, *added]


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
