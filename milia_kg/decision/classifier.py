"""Classify a case by OWL 2 RL reasoning against the schema module, reasoned once.

The reasoned graph is already closed, so a case needs only the schema triples the rules can join
its triples with (:mod:`~milia_kg.decision.schema_module`, closed once and cached on disk).  Each
case's few triples are reasoned semi-naively against that closed module with the fast engine
(:class:`~milia_kg.reasoner.fast.Prepared`), then taken away again; tests/decision/test_classify.py checks
that this gives what owlrl's full closure of graph + case gives.  The subtypes are the named
subclasses of mkg:Milia the case became a member of; the rationale is read off their definitions
(which observation satisfies which part), never decided in Python.  A subtype the source links to
a case only by a tendency ("commonly") is not a definition: a defined class of such cases carries
``mkg:suggestsSubtype``, and a case in it is shown that subtype to consider (:meth:`suggest`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.base.records import FrozenRecord
from milia_kg.decision.case_graph import CaseGraph
from milia_kg.decision.schema_module import SUGGESTS
from milia_kg.errors import InconsistencyError
from milia_kg.reasoner.fast import Prepared

_TYPE = ox.NamedNode(vocab.RDF + "type")
_SCO = ox.NamedNode(vocab.RDFS + "subClassOf")
_SPO = ox.NamedNode(vocab.RDFS + "subPropertyOf")
_EQC = ox.NamedNode(vocab.OWL + "equivalentClass")
_INTERSECTION = ox.NamedNode(vocab.OWL + "intersectionOf")
_UNION = ox.NamedNode(vocab.OWL + "unionOf")
_DISJOINT = vocab.OWL + "disjointWith"
_ON_PROPERTY = ox.NamedNode(vocab.OWL + "onProperty")
_SOME = ox.NamedNode(vocab.OWL + "someValuesFrom")
_SUGGESTS = ox.NamedNode(SUGGESTS)
_NOTHING = vocab.OWL + "Nothing"
MILIA = vocab.MKG + "Milia"


class Match(FrozenRecord):
    """A subtype the case falls into, and which observation satisfied which part of its definition."""

    _fields = ("subtype", "satisfied")
    subtype: str
    satisfied: tuple[tuple[str, str], ...]  # (part of the definition, the observation that meets it)

    def __init__(self, subtype: str, satisfied: tuple[tuple[str, str], ...]) -> None:
        object.__setattr__(self, "subtype", subtype)
        object.__setattr__(self, "satisfied", satisfied)


class Suggestion(FrozenRecord):
    """A subtype to consider: the case is in ``by``, a class the source links to the subtype by a
    tendency (``mkg:suggestsSubtype``), and ``satisfied`` says which observation met its definition."""

    _fields = ("subtype", "by", "satisfied")
    subtype: str
    by: str
    satisfied: tuple[tuple[str, str], ...]

    def __init__(self, subtype: str, by: str, satisfied: tuple[tuple[str, str], ...]) -> None:
        self._set(subtype=subtype, by=by, satisfied=satisfied)


class Classifier:
    """The prepared schema module of one reasoned graph, and the subtypes its defined classes can yield.

    :param prepared: the engine holding the module's closure (pyoxigraph terms).
    :param labels: English labels of IRIs (those without one are left out).
    """

    def __init__(self, prepared: Prepared, labels: Callable[[list[str]], dict[str, str]]) -> None:
        self.prepared = prepared
        self._labels = labels
        self._label_memo: dict[str, str] = {}
        self.subtypes = {
            s.value for s in prepared.subjects(_SCO, ox.NamedNode(MILIA))
            if isinstance(s, ox.NamedNode) and s.value not in (MILIA, _NOTHING)
        }
        #: defined class of cases -> the subtypes a case in it suggests considering.
        self.suggesting: dict[str, list[str]] = {}
        for s, o in prepared.pairs(_SUGGESTS):
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and o.value in self.subtypes:
                self.suggesting.setdefault(s.value, []).append(o.value)
        #: defined class -> its definition's parts: (restriction property, filler) or None for mkg:Milia.
        self._parts = {c: list(self._definition_parts(c)) for c in (*self.subtypes, *self.suggesting)}

    def holds(self, s: str, p: str, o: str) -> bool:
        """Whether the module's closure holds the triple of these IRIs (e.g. a subclass axiom)."""
        return self.prepared.holds(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))

    def types(self, case: CaseGraph) -> set[str]:
        """Every named class the case is a member of after OWL 2 RL reasoning over module + case.

        :raises InconsistencyError: if the observations contradict the ontology.
        """
        found, errors = self.prepared.reason(case.triples)
        if errors:
            raise InconsistencyError(list(errors))
        return {o.value for s, p, o in found if s == case.case and p == _TYPE and isinstance(o, ox.NamedNode)}

    def classify(self, case: CaseGraph) -> tuple[list[Match], list[Suggestion]]:
        """The subtypes the case falls into, and the subtypes it suggests considering, each sorted by
        label and with its rationale (read off the definition the case met)."""
        types = self.types(case)
        matches = [Match(t, tuple(self._rationale(t, case))) for t in types & self.subtypes]
        met = types & self.subtypes
        suggestions = [
            Suggestion(subtype, by, tuple(self._rationale(by, case)))
            for by in sorted(types & self.suggesting.keys()) for subtype in self.suggesting[by]
            if subtype not in types and not any(self.disjoint(subtype, m) for m in met)
        ]
        return (sorted(matches, key=lambda m: self.label(m.subtype)),
                sorted(suggestions, key=lambda m: self.label(m.subtype)))

    def disjoint(self, a: str, b: str) -> bool:
        """Whether the ontology says no case is both (a subtype the case met rules out suggesting one
        disjoint with it: primary milia are not suggested for a case that met secondary milia)."""
        return self.holds(a, _DISJOINT, b) or self.holds(b, _DISJOINT, a)

    def remember_labels(self, labels: dict[str, str]) -> None:
        """Take these labels (an IRI without one mapped to itself) as already looked up: the kept
        labels of the schema module's IRIs (:mod:`~milia_kg.decision.kept_queries`)."""
        self._label_memo.update(labels)

    def iris(self) -> list[str]:
        """Every IRI of the schema module's closure, sorted (those whose labels are kept)."""
        return sorted({t.value for t in self.prepared.engine.terms if isinstance(t, ox.NamedNode)})

    def label(self, iri: str) -> str:
        """The English label of ``iri`` (the IRI itself if it has none)."""
        if iri not in self._label_memo:
            self._label_memo[iri] = self._labels([iri]).get(iri, iri)
        return self._label_memo[iri]

    def _rationale(self, subtype: str, case: CaseGraph) -> Iterator[tuple[str, str]]:
        for part in self._parts[subtype]:
            if part is None:
                yield ("milia", "the case is a case of milia")
                continue
            prop, filler = part
            for obs in case.observations:
                if (obs.property == prop or self.holds(obs.property, _SPO.value, prop)) and (
                    obs.filler == filler or self.holds(obs.filler, _SCO.value, filler)
                ):
                    yield (f"{self.label(prop)} {self.label(filler)}",
                           f"{obs.field} = {obs.value!r}: {self.label(obs.property)} {self.label(obs.filler)}")

    def _definition_parts(self, defined: str) -> Iterator[tuple[str, str] | None]:
        """The parts of the class's definition (an intersection, or a single restriction): ``None`` for
        mkg:Milia, (property, filler) for an existential restriction; other parts name no observation
        and are skipped."""
        for definition in self.prepared.objects(ox.NamedNode(defined), _EQC):
            heads = self.prepared.objects(definition, _INTERSECTION)
            if heads:
                parts = self.prepared.members(heads[0])
            elif self.prepared.objects(definition, _ON_PROPERTY):
                parts = [definition]
            else:
                continue  # an equivalent named class: not the definition to read
            for part in parts:
                if part == ox.NamedNode(MILIA):
                    yield None
                    continue
                # a union ("after skin damage, or caused by a reaction to a heavy cream"): each
                # alternative is a part an observation can meet
                unions = self.prepared.objects(part, _UNION)
                for alternative in self.prepared.members(unions[0]) if unions else [part]:
                    named = [o for p in (_ON_PROPERTY, _SOME) for o in self.prepared.objects(alternative, p)[:1]
                             if isinstance(o, ox.NamedNode)]
                    if len(named) == 2:
                        yield named[0].value, named[1].value
            return
