"""Classify a case by OWL 2 RL reasoning against the schema module, reasoned once.

The reasoned graph is already closed, so a case needs only the schema triples the rules can join
its triples with: class and property axioms, restrictions and their RDF lists (the module).  Each case
is reasoned with the fast engine over module + case triples (a few thousand, not the whole graph);
tests/test_classify.py checks that this gives what owlrl's full closure of graph + case gives.
The subtypes are the named subclasses of mkg:Milia the case became a member of; the rationale is
read off their definitions (which observation satisfies which part), never decided in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import rdflib
from rdflib import OWL, RDF, RDFS

from milia_kg.decision.case_graph import CaseGraph
from milia_kg.errors import InconsistencyError
from milia_kg.loading import MKG
from milia_kg.reasoner import fast

#: Predicates whose triples are annotations or reifications, never premises of a rule on a case.
_NOT_SCHEMA = {
    OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget, OWL.versionInfo,
    OWL.versionIRI, OWL.imports, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy,
}
_SCHEMA_NAMESPACES = (str(RDF), str(RDFS), str(OWL))


def schema_module(closure: rdflib.Graph) -> list[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    """The triples of the reasoned ``closure`` a case's triples can combine with: every RDF, RDFS or
    OWL triple except annotations, reifications and types other than OWL's own."""
    module = []
    for s, p, o in closure:
        if p in _NOT_SCHEMA or not str(p).startswith(_SCHEMA_NAMESPACES):
            continue
        if (p == RDF.type and not str(o).startswith(str(OWL))) or o == OWL.Axiom:
            continue
        module.append((s, p, o))
    return module


@dataclass(frozen=True)
class Match:
    """A subtype the case falls into, and which observation satisfied which part of its definition."""

    subtype: rdflib.URIRef
    satisfied: tuple[tuple[str, str], ...]  # (part of the definition, the observation that meets it)


class Classifier:
    """The schema module of one reasoned graph, and the subtypes its defined classes can yield."""

    def __init__(self, closure: rdflib.Graph) -> None:
        self.closure = closure
        self.module = schema_module(closure)
        self.subtypes = {
            s for s in closure.subjects(RDFS.subClassOf, MKG.Milia)
            if isinstance(s, rdflib.URIRef) and s not in (MKG.Milia, OWL.Nothing)
        }

    def types(self, case: CaseGraph) -> set[rdflib.term.Node]:
        """Every class the case is a member of after OWL 2 RL reasoning over module + case.

        :raises InconsistencyError: if the observations contradict the ontology.
        """
        result = fast.reason([*self.module, *case.triples])
        if result.errors:
            raise InconsistencyError(list(result.errors))
        return {o for s, p, o in [*result.inferred, *case.triples] if s == case.case and p == RDF.type}

    def classify(self, case: CaseGraph) -> list[Match]:
        """The subtypes the case falls into, sorted by label, each with its rationale."""
        found = self.types(case) & self.subtypes
        return sorted((Match(t, tuple(self._rationale(t, case))) for t in found),  # type: ignore[arg-type]
                      key=lambda m: self.label(m.subtype))

    def label(self, node: rdflib.term.Node) -> str:
        """The English label of ``node`` (its IRI if it has none)."""
        return str(self.closure.value(node, RDFS.label) or node)

    def _rationale(self, subtype: rdflib.URIRef, case: CaseGraph) -> Iterator[tuple[str, str]]:
        for part in self._definition_parts(subtype):
            if part == MKG.Milia:
                yield ("milia", "the case is a case of milia")
                continue
            prop, filler = self.closure.value(part, OWL.onProperty), self.closure.value(part, OWL.someValuesFrom)
            if prop is None or filler is None:  # not an existential restriction: no observation to name
                continue
            for obs in case.observations:
                if (obs.property == prop or (obs.property, RDFS.subPropertyOf, prop) in self.closure) and (
                    obs.filler == filler or (obs.filler, RDFS.subClassOf, filler) in self.closure
                ):
                    yield (f"{self.label(prop)} some {self.label(filler)}",
                           f"{obs.field} = {obs.value!r}: {self.label(obs.property)} {self.label(obs.filler)}")

    def _definition_parts(self, subtype: rdflib.URIRef) -> Iterator[rdflib.term.Node]:
        for definition in self.closure.objects(subtype, OWL.equivalentClass):
            head = self.closure.value(definition, OWL.intersectionOf)
            if head is not None:
                yield from rdflib.collection.Collection(self.closure, head)
                return
