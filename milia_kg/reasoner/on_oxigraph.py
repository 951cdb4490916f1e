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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.errors import InconsistencyError
from milia_kg.reasoner import fast
from milia_kg.reasoner._edges import EDGE_IRIS, edge_triples

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget

__all__ = ["closure"]

_BUILTIN = (vocab.RDF, vocab.RDFS, vocab.OWL, vocab.XSD)
_SAME_AS = ox.NamedNode(vocab.OWL + "sameAs")
_TYPE = ox.NamedNode(vocab.RDF + "type")
_NOTHING = ox.NamedNode(vocab.OWL + "Nothing")


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
    inferred = [t for t in result.inferred if not _is_noise(*t)]
    problems = set(result.errors)
    for s, p, o in (*base, *inferred):
        if p == _TYPE and o == _NOTHING and f"{s.value} is defined of type 'Nothing'" not in problems:
            problems.add(f"{s.value} is a member of owl:Nothing")
    if problems:
        raise InconsistencyError(sorted(problems))
    base.extend(inferred)
    return base
