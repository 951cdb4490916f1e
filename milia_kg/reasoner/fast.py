"""A fast OWL 2 RL forward-chaining reasoner that reproduces owlrl's closure.

owlrl (the reference) re-applies every rule to every triple of the graph in each
cycle until nothing changes, so its run time grows with the size of the graph
times the number of cycles, and worse.  This engine computes the *same* closure
(the least fixpoint of the same rules, with owlrl's guards) semi-naively over
integer-encoded triples with hash indexes: each derived triple is processed once,
joined only against the triples it can combine with.  Work is roughly linear in
the size of the closure.

Rules: the OWL 2 RL/RDF rules that owlrl's ``OWLRL_Semantics`` implements,
tables 4-9 of the profile (eq-*, prp-*, cls-*, cax-*, scm-*), plus owlrl's
one-time rules (cls-thing, cls-nothing1, prp-ap, dt-type1/2, dt-not-type,
datatype subsumption and disjointness of the datatypes in use).  Like owlrl, the
engine works on generalised triples (literals as subjects) and finally drops
triples whose predicate is a blank node.

Deliberate differences from owlrl, none of which touch triples among named
resources on graphs without the constructs named:

- reflexive ``x owl:sameAs x`` (rule eq-ref, one per term) is never materialised;
  owlrl adds it for every term and :func:`milia_kg.reasoner.infer` strips it.
- inconsistency messages are returned in :attr:`Inference.errors`, not as
  triples; clash rules are evaluated once on the fixpoint.
- ``owl:hasKey``, ``owl:AllDifferent`` and ``owl:AllDisjointProperties`` follow
  the OWL 2 RL specification; owlrl 7.6 skips the last list member in these rules
  (and, with a one-property key, equates all instances of the class).
- the ``owl:complementOf`` clash message names the individual (owlrl's names the class).
- a literal typed by reasoning with a datatype that does not hold it is a clash
  (dt-not-type); owlrl only checks asserted literals against their own datatype,
  and :func:`milia_kg.reasoner.infer` adds the same check to its output.
- RDF collections (``owl:intersectionOf`` lists, property chains ...) are read
  when the triple that uses them is processed; lists are expected to be asserted.
- with ``terms="oxigraph"``, ``"x"^^xsd:string`` cannot be told from the plain
  ``"x"`` (RDF 1.1), so both are treated as plain, as rdflib parses the latter.

>>> from rdflib import Namespace, RDF, RDFS
>>> EX = Namespace("http://example.org/")
>>> result = reason([(EX.a, RDF.type, EX.B), (EX.B, RDFS.subClassOf, EX.C)])
>>> (EX.a, RDF.type, EX.C) in result.inferred, result.errors
(True, ())
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from milia_kg.base.records import FrozenRecord
from milia_kg.reasoner._engine import Engine
from milia_kg.reasoner._prepared import Prepared
from milia_kg.reasoner._terms import ADAPTERS, BNODE

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget

__all__ = ["Engine", "Inference", "Prepared", "has_blank_predicates", "inference", "reason", "run"]

T = TypeVar("T")


class Inference(FrozenRecord):
    """What :func:`reason` found.

    :param inferred: the triples of the closure that were not in the input, in the
        input's term library (owlrl's closure minus the input, without reflexive
        ``owl:sameAs`` and without owlrl's error-message nodes).
    :param errors: owlrl-style inconsistency messages; empty when consistent.
    :param asserted_count: distinct input triples.
    """

    _fields = ("inferred", "errors", "asserted_count")
    inferred: list[tuple[Any, Any, Any]]
    errors: tuple[str, ...]
    asserted_count: int

    def __init__(self, inferred: list[tuple[Any, Any, Any]], errors: tuple[str, ...] = (),
                 asserted_count: int = 0) -> None:
        self._set(inferred=inferred, errors=errors, asserted_count=asserted_count)


def reason(
    triples: Iterable[tuple[Any, Any, Any]],
    *,
    terms: Literal["rdflib", "oxigraph"] = "rdflib",
    budget: Budget | None = None,
) -> Inference:
    """Compute the OWL 2 RL closure of ``triples``.

    :param triples: the asserted triples, e.g. an :class:`rdflib.Graph`, or
        ``(subject, predicate, object)`` tuples of pyoxigraph terms.
    :param terms: the library of the terms: ``"rdflib"`` or ``"oxigraph"``.
    :param budget: a deadline and a cap on the closure's triples (a merge's limits).
    :returns: the inferred triples and any inconsistency messages.
    :raises ValueError: for an unknown ``terms`` name.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``.

    >>> from rdflib import Namespace, OWL, RDF
    >>> EX = Namespace("http://example.org/")
    >>> reason([(EX.a, RDF.type, OWL.Nothing)]).errors
    ("http://example.org/a is defined of type 'Nothing'",)
    """
    return run(triples, inference, terms=terms, budget=budget)


def run(
    triples: Iterable[tuple[Any, Any, Any]],
    collect: Callable[[Engine, int], T],
    *,
    terms: Literal["rdflib", "oxigraph"] = "rdflib",
    budget: Budget | None = None,
    set_aside: int = 0,
) -> T:
    """Reason over ``triples`` and return what ``collect`` reads from the engine at the fixpoint
    (its integer indexes, :attr:`Engine.derived`, :attr:`Engine.errors`; called with the count of
    distinct asserted triples), before the engine is freed.

    Why: a caller that needs only part of the closure (a merge that loaded most of it already)
    filters the integer triples instead of building and then dropping hundreds of thousands of
    term tuples. Collection stays off while ``collect`` runs.

    :param set_aside: how many asserted triples the caller kept from the engine (no rule reads them,
        :func:`milia_kg.reasoner.on_oxigraph.unread`): counted in the ``budget``'s cap.
    :raises ValueError: for an unknown ``terms`` name.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``.
    """
    if terms not in ADAPTERS:
        raise ValueError(f"unknown term library {terms!r}; choose one of {', '.join(ADAPTERS)}")
    engine = Engine(ADAPTERS[terms]())
    collecting = gc.isenabled()
    gc.disable()  # the engine allocates millions of acyclic containers; collections only cost time
    try:
        asserted = engine.load(triples)
        count = len(asserted) + set_aside
        if budget is not None:
            engine.limit(budget, count)
        engine.run(asserted)  # empties the list, so that the asserted triples left off the agenda are freed
        return collect(engine, count)
    finally:
        engine.close()  # freed now, not at the next full collection
        if collecting:
            gc.enable()


def has_blank_predicates(engine: Engine) -> bool:
    """Whether the engine derived generalised triples (a blank node as predicate, rare), which the
    closure drops as owlrl does."""
    kinds = engine.kinds
    return any(kinds[p] == BNODE for p in engine.spo)


def inference(engine: Engine, count: int) -> Inference:
    """The inferred triples (as terms) and errors of ``engine`` at its fixpoint (``count`` asserted)."""
    # built with collection still off: each tuple of the output would otherwise count towards
    # a collection that scans every container of the engine (1.5x the whole run at 100k)
    decode, kinds = engine.terms, engine.kinds
    if has_blank_predicates(engine):  # generalised triples to drop: filtered
        inferred = [(decode[s], decode[p], decode[o]) for s, p, o in engine.derived if kinds[p] != BNODE]
    else:
        inferred = [(decode[s], decode[p], decode[o]) for s, p, o in engine.derived]
    return Inference(inferred, tuple(engine.errors), count)
