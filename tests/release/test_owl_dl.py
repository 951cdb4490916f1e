"""The released ``milia-kg.owl`` under OWL 2 DL tools that no one here wrote.

A Protege user opens the release with the OWL API and classifies it with HermiT; these tests do
the same with owlready2's bundled HermiT (java required: ``.ci/run`` installs it) and with
py-horned-owl (an OWL API style RDF reader): the file must be consistent, have no unsatisfiable
class, classify as the project's own OWL 2 RL reasoning does, and hold no property statement that
such a reader takes for a data or object property assertion by mistake.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS

from milia_kg.formats.sssom import MAPPING_PREDICATES
from milia_kg.release.pipeline import MKG

OBO = "http://purl.obolibrary.org/obo/"
#: The namespaces whose named classes are compared with HermiT's classification.
CLASS_NAMESPACES = (str(MKG), OBO)
BUILTINS = (str(RDF), str(RDFS), str(OWL))
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
#: artifact -> rdflib parser format: every RDF artifact that holds the ontology.
ARTIFACTS = {
    "milia-kg.owl": "xml",
    "milia-kg-asserted.ttl": "turtle",
    "milia-kg-reasoned.ttl": "turtle",
    "milia-kg.nt": "nt",
    "milia-kg.jsonld": "json-ld",
}


@pytest.fixture(scope="module")
def owl_file(release: tuple[Path, object]) -> Path:
    return release[0] / "milia-kg.owl"


def _properties_used(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    """Predicates, and the super-properties of sub-property axioms, outside the OWL built-ins."""
    used = set(graph.predicates()) | set(graph.objects(None, RDFS.subPropertyOf))
    return {p for p in used if isinstance(p, rdflib.URIRef) and not str(p).startswith(BUILTINS)}


@pytest.mark.parametrize("artifact", sorted(ARTIFACTS))
def test_every_property_is_declared_exactly_once(release: tuple[Path, object], artifact: str) -> None:
    graph = rdflib.Graph().parse(release[0] / artifact, format=ARTIFACTS[artifact])
    wrong = {
        str(p): [str(k).rsplit("#", 1)[1] for k in PROPERTY_KINDS if (p, RDF.type, k) in graph]
        for p in _properties_used(graph)
    }
    assert {p: kinds for p, kinds in wrong.items() if len(kinds) != 1} == {}


def test_every_mapping_predicate_is_an_annotation_property(asserted_graph: rdflib.Graph) -> None:
    """A mapping row may use any of them, whether or not data/mappings.sssom.tsv does today."""
    skos = str(rdflib.SKOS)
    undeclared = [
        curie
        for curie in sorted(MAPPING_PREDICATES)
        if (rdflib.URIRef(skos + curie.split(":", 1)[1]), RDF.type, OWL.AnnotationProperty) not in asserted_graph
    ]
    assert undeclared == []


# ------------------------------------------------------------------------------------- py-horned-owl


def test_owl_api_reader_sees_only_the_declared_data_and_object_property_assertions(
    owl_file: Path, asserted_graph: rdflib.Graph
) -> None:
    """py-horned-owl reads an undeclared annotation (skos:definition, dcterms:title...) as a data or
    object property assertion; every one it reads must be a statement of a declared property."""
    import pyhornedowl  # in the test extra: a missing reader fails, it is not skipped
    axioms = [a.component for a in pyhornedowl.open_ontology(str(owl_file), "rdf").get_axioms()]
    read: dict[str, list[tuple[str, str, str]]] = {"data": [], "object": []}
    for a in axioms:
        if type(a).__name__ == "DataPropertyAssertion":
            read["data"].append((str(a.source), str(a.dp), str(a.target)))
        elif type(a).__name__ == "ObjectPropertyAssertion":
            read["object"].append((str(a.source), str(a.ope), str(a.target)))
    read = {kind: sorted(found) for kind, found in read.items()}
    expected = {}
    for kind, declared in (("data", OWL.DatatypeProperty), ("object", OWL.ObjectProperty)):
        properties = set(asserted_graph.subjects(RDF.type, declared))
        expected[kind] = sorted(
            (str(s), str(p), o.n3() if isinstance(o, rdflib.Literal) else str(o))
            for s, p, o in asserted_graph
            if p in properties and isinstance(s, rdflib.URIRef) and not isinstance(o, rdflib.BNode)
        )
    assert read == expected


# ------------------------------------------------------------------------------------- HermiT


def _require_java() -> None:
    if shutil.which("java") is not None:
        return
    if os.environ.get("MILIA_KG_SKIP_HERMIT") == "1":
        pytest.skip("java is not on PATH and MILIA_KG_SKIP_HERMIT=1: HermiT not run")
    pytest.fail(
        "java is not on PATH: HermiT (owlready2) needs it. Install a JRE (Debian: default-jre-headless; "
        ".ci/run does this) or set MILIA_KG_SKIP_HERMIT=1 to skip the OWL DL check"
    )


@pytest.fixture(scope="module")
def hermit_world(owl_file: Path):  # -> owlready2.World, classified
    """The release loaded by owlready2 and classified by its HermiT (consistency is asserted here:
    an inconsistent ontology raises OwlReadyInconsistentOntologyError)."""
    _require_java()
    import owlready2

    world = owlready2.World()
    world.get_ontology(owl_file.as_uri()).load()
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        pytest.fail(f"HermiT: {owl_file.name} is inconsistent")
    return world


@pytest.mark.slow
def test_hermit_finds_no_unsatisfiable_class(hermit_world) -> None:
    assert [c.iri for c in hermit_world.inconsistent_classes()] == []


def _named(iri: str) -> bool:
    return iri.startswith(CLASS_NAMESPACES)


@pytest.mark.slow
def test_hermit_classification_equals_the_reasoned_graph(hermit_world, release: tuple[Path, object]) -> None:
    """Every subsumption between named mkg: and OBO classes (direct or transitive; reflexive and
    owl:Thing pairs aside) that HermiT finds is in the project's reasoned graph, and vice versa."""
    import owlready2

    classes = [c for c in hermit_world.classes() if _named(c.iri)]
    hermit = {
        (c.iri, a.iri)
        for c in classes
        for a in c.ancestors(include_self=False)
        if isinstance(a, owlready2.ThingClass) and a is not owlready2.Thing and _named(a.iri)
    }
    reasoned = rdflib.Graph().parse(release[0] / "milia-kg-reasoned.ttl", format="turtle")
    declared = {str(c) for c in reasoned.subjects(RDF.type, OWL.Class) if isinstance(c, rdflib.URIRef)}
    ours = {
        (str(sub), str(sup))
        for sub, sup in reasoned.subject_objects(RDFS.subClassOf)
        if isinstance(sub, rdflib.URIRef) and isinstance(sup, rdflib.URIRef) and sub != sup
        and str(sub) in declared and str(sup) in declared and _named(str(sub)) and _named(str(sup))
    }
    assert {c.iri for c in classes} == {c for c in declared if _named(c)}
    assert sorted(hermit - ours) == [] and sorted(ours - hermit) == []
