"""The bulk of a merge's closure, known before reasoning: the class hierarchy's own rules.

Why: a kept store of the HPO merge loads 406,000 triples; 231,000 are inferred, and 211,000 of
those are ``rdfs:subClassOf`` triples of the hierarchy.  They used to reach Oxigraph's bulk loader
only after the reasoning (1.2-1.5 s of waiting on the first ``--merge hp.obo`` query). Two OWL 2 RL
rules give them from the asserted triples alone, so they can load in the loader's thread while the
engine reasons (:mod:`milia_kg.merge.loading`), and only what is left after reasoning waits:

- scm-cls: a class ``c`` (``c rdf:type owl:Class``) is ``c rdfs:subClassOf c``,
  ``c owl:equivalentClass c`` and ``c rdfs:subClassOf owl:Thing``;
- scm-sco: ``rdfs:subClassOf`` is transitive.

Only IRIs are used, and only subjects outside the RDF, RDFS, OWL and XSD namespaces (the reasoning
step strips the others as noise, :func:`milia_kg.reasoner.on_oxigraph.closure`), so every triple
foreseen is one the closure holds: a store of both holds the closure, no more.

>>> import pyoxigraph as ox
>>> iri = lambda n: ox.NamedNode("http://example.org/" + n)
>>> sco = ox.NamedNode(SUBCLASS_OF)
>>> seen = Foreseen([(iri("a"), sco, iri("b")), (iri("b"), sco, iri("c"))])
>>> [line.split()[::2] for chunk in seen.chunks() for line in chunk.decode().splitlines()]  # not the asserted
[['<http://example.org/a>', '<http://example.org/c>']]
>>> seen.known()[SUBCLASS_OF]["http://example.org/a"]  # the asserted superclass first
('http://example.org/b', 'http://example.org/c')
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from milia_kg import vocab

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget

__all__ = ["EQUIVALENT_CLASS", "SUBCLASS_OF", "Foreseen"]

SUBCLASS_OF = vocab.RDFS + "subClassOf"
EQUIVALENT_CLASS = vocab.OWL + "equivalentClass"
_TYPE, _CLASS, _THING = vocab.RDF + "type", vocab.OWL + "Class", vocab.OWL + "Thing"
_BUILTIN = (vocab.RDF, vocab.RDFS, vocab.OWL, vocab.XSD)


class Foreseen:
    """The ``rdfs:subClassOf`` and ``owl:equivalentClass`` triples among IRIs that scm-cls and
    scm-sco give from ``asserted`` (pyoxigraph triples).

    :param asserted: the merge's asserted triples (those of the class hierarchy are read).
    :param budget: the merge's limits: a hierarchy can close to millions of triples (a chain of
        3,000 classes to 4.5 million), and the closure holds every triple foreseen.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``.
    """

    def __init__(self, asserted: Sequence[tuple[Any, Any, Any]], budget: Budget | None = None) -> None:
        named = ox.NamedNode
        sco, rdf_type, owl_class = named(SUBCLASS_OF), named(_TYPE), named(_CLASS)
        one: dict[str, str] = {}  # one string per IRI: the HPO's closure names each class many times
        parents: dict[str, list[str]] = {}
        classes: set[str] = set()
        for s, p, o in asserted:
            if type(s) is not named or type(o) is not named:
                continue
            if p == sco:
                value = o.value
                parents.setdefault(one.setdefault(s.value, s.value), []).append(one.setdefault(value, value))
            elif p == rdf_type and o == owl_class:
                classes.add(one.setdefault(s.value, s.value))
        cap = None if budget is None else budget.cap(len(asserted))
        reachable = _reachable(parents, budget, cap)
        for c in classes:
            reachable.setdefault(c, set()).update((c, _THING))
        #: subject IRI -> the IRIs it is a subclass of, those asserted first (tuples: a fifth of a set's memory)
        self.superclasses = {s: (*parents.get(s, ()), *(ups.difference(parents.get(s, ()))))
                             for s, ups in reachable.items() if not s.startswith(_BUILTIN)}
        #: how many of each subject's superclasses are asserted (loaded with the asserted triples)
        self._asserted = {s: len(parents[s]) for s in self.superclasses if s in parents}
        #: the classes, each its own owl:equivalentClass
        self.equivalent = {c for c in classes if not c.startswith(_BUILTIN)}

    def __len__(self) -> int:
        return sum(map(len, self.superclasses.values())) + len(self.equivalent)

    def chunks(self, size: int = 25_000) -> Iterator[bytes]:
        """The foreseen triples not asserted, as N-Triples (as pyoxigraph writes IRIs), ``size``
        lines a chunk."""
        lines: list[str] = []
        sco, eq, asserted = f"> <{SUBCLASS_OF}> <", f"> <{EQUIVALENT_CLASS}> <", self._asserted
        for s, ups in self.superclasses.items():
            lines += [f"<{s}{sco}{o}> .\n" for o in ups[asserted.get(s, 0):]]
            if s in self.equivalent:
                lines.append(f"<{s}{eq}{s}> .\n")
            if len(lines) >= size:
                yield "".join(lines).encode()
                lines = []
        if lines:
            yield "".join(lines).encode()

    def known(self) -> dict[str, Mapping[str, Collection[str]]]:
        """The foreseen triples, the asserted among them, by predicate, subject and object IRI
        (what :func:`milia_kg.reasoner.on_oxigraph.beyond` leaves out)."""
        return {SUBCLASS_OF: self.superclasses, EQUIVALENT_CLASS: {c: (c,) for c in self.equivalent}}


def _reachable(parents: dict[str, list[str]], budget: Budget | None = None,
               cap: int | None = None) -> dict[str, set[str]]:
    """Each node's ancestors through ``parents`` (transitive, not reflexive unless on a cycle),
    memoised in depth-first finishing order; nodes on a cycle are walked one by one.

    :raises MergeSizeError: if they are more than ``cap`` in all (a closure holding them too would be).
    :raises MergeTimeoutError: past the ``budget``'s deadline.
    """
    done: dict[str, set[str]] = {}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    cyclic = False
    total = 0
    for root in parents:
        if root in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(parents.get(root, ())))]
        state[root] = 1
        while stack:
            node, todo = stack[-1]
            for parent in todo:
                seen = state.get(parent)
                if seen is None:
                    state[parent] = 1
                    stack.append((parent, iter(parents.get(parent, ()))))
                    break
                if seen == 1:
                    cyclic = True
            else:
                stack.pop()
                state[node] = 2
                found: set[str] = set()
                for parent in parents.get(node, ()):
                    found.add(parent)
                    found |= done.get(parent, set())
                done[node] = found
                total += len(found)
                _check(budget, cap, total, len(done))
    if cyclic:  # a node's memo may miss what lies beyond a cycle: walk each node whole
        total = 0
        for node in done:
            done[node] = _walk(node, parents)
            total += len(done[node])
            _check(budget, cap, total, len(done))
    return {node: ups for node, ups in done.items() if ups}


def _check(budget: Budget | None, cap: int | None, total: int, nodes: int) -> None:
    """Stop past the cap (on every node) or the deadline (every 1,024 nodes)."""
    if budget is None:
        return
    if cap is not None and total > cap:
        raise budget.over_size(cap)
    if nodes % 1024 == 0:
        budget.check_time()


def _walk(node: str, parents: dict[str, list[str]]) -> set[str]:
    """Every node reachable from ``node`` through ``parents`` in one step or more."""
    found: set[str] = set()
    todo = list(parents.get(node, ()))
    while todo:
        parent = todo.pop()
        if parent not in found:
            found.add(parent)
            todo.extend(parents.get(parent, ()))
    return found
