"""QC checks (queries/checks/*-violation.rq), SHACL shapes and the quote check.

One parametrized test per check file: it passes on the real graph, and it catches
a deliberately broken small graph (a new check file without a broken example
below fails ``test_every_check_has_a_broken_example``).
"""

from __future__ import annotations

import pytest
import rdflib

from milia_kg.base import resources
from milia_kg.formats.turtle import parse_turtle, parse_turtle_text
from milia_kg.release.validate import QUOTE_RULE, check_purpose, check_quotes, run_check, run_shacl

PREFIXES = """\
@prefix mkg: <https://w3id.org/milia-kg/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: check name -> (broken Turtle, entities the check must report, a fixed Turtle it must accept)
BROKEN_CHECKS = {
    "missing-label-violation": (
        'mkg:Nose a owl:Class ; skos:definition "The nose."@en .',
        {"mkg:Nose"},
        'mkg:Nose a owl:Class ; rdfs:label "nose"@en ; skos:definition "The nose."@en .',
    ),
    "missing-definition-violation": (
        'mkg:Nose a owl:Class ; rdfs:label "nose"@en . mkg:hasSite a owl:ObjectProperty ; rdfs:label "has site"@en .',
        {"mkg:Nose", "mkg:hasSite"},
        'mkg:Nose a owl:Class ; rdfs:label "nose"@en ; skos:definition "The nose."@en .',
    ),
    "duplicate-label-violation": (
        'mkg:Nose a owl:Class ; rdfs:label "nose"@en . mkg:Nose2 a owl:Class ; rdfs:label "Nose"@en .',
        {"mkg:Nose", "mkg:Nose2"},
        'mkg:Nose a owl:Class ; rdfs:label "nose"@en . mkg:Nose2 a owl:Class ; rdfs:label "nasal skin"@en .',
    ),
    "dangling-iri-violation": (
        'mkg:Milia a owl:Class ; rdfs:label "milia"@en ; rdfs:subClassOf mkg:Condtion .',
        {"mkg:Condtion"},
        'mkg:Milia a owl:Class ; rdfs:label "milia"@en ; rdfs:subClassOf mkg:Condition .'
        ' mkg:Condition a owl:Class ; rdfs:label "condition"@en .',
    ),
    "label-whitespace-violation": (
        'mkg:Nose rdfs:label "nose "@en . mkg:Face rdfs:label "the  face"@en . mkg:Jaw skos:altLabel " jaw"@en .',
        {"mkg:Nose", "mkg:Face", "mkg:Jaw"},
        'mkg:Nose rdfs:label "nose"@en . mkg:Face rdfs:label "the face"@en .',
    ),
    "fact-without-provenance-violation": (
        "mkg:Milia a owl:Class . mkg:Face a owl:Class . mkg:hasSite a owl:ObjectProperty ."
        " mkg:Milia mkg:hasSite mkg:Face . mkg:Milia obo:RO_0004026 mkg:Face .",
        {"mkg:Milia"},
        "mkg:Milia a owl:Class . mkg:Face a owl:Class . mkg:hasSite a owl:ObjectProperty ."
        " mkg:Milia mkg:hasSite mkg:Face ."
        " [] a owl:Axiom ; owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:hasSite ;"
        ' owl:annotatedTarget mkg:Face ; mkg:quote "on the face" ; dcterms:source mkg:source-page .',
    ),
    "statement-kind-missing-violation": (
        "mkg:Milia a owl:Class . mkg:PrimaryMilia a owl:Class ; rdfs:subClassOf mkg:Milia ."
        " mkg:frequency-statement mkg:passesToSubtypes false ."
        " [] a owl:Axiom ; owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:hasSite ; owl:annotatedTarget mkg:Face ;"
        ' mkg:quote "on the face" .'
        " [] a owl:Axiom ; owl:annotatedSource mkg:PrimaryMilia ; owl:annotatedProperty mkg:hasSite ; owl:annotatedTarget mkg:Eyelid ;"
        ' mkg:quote "on the eyelids" .',
        {"mkg:Milia"},
        "mkg:Milia a owl:Class . mkg:PrimaryMilia a owl:Class ; rdfs:subClassOf mkg:Milia ."
        " mkg:frequency-statement mkg:passesToSubtypes false ."
        " [] a owl:Axiom ; owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:hasSite ; owl:annotatedTarget mkg:Face ;"
        ' mkg:quote "on the face" ; mkg:statementKind mkg:frequency-statement .'
        " [] a owl:Axiom ; owl:annotatedSource mkg:PrimaryMilia ; owl:annotatedProperty mkg:hasSite ; owl:annotatedTarget mkg:Eyelid ;"
        ' mkg:quote "on the eyelids" .',
    ),
    "definition-without-sentence-violation": (
        "mkg:NeonatalMilia rdfs:subClassOf mkg:Milia ; owl:equivalentClass _:d ."
        " _:d a owl:Restriction ; owl:onProperty mkg:occursIn ; owl:someValuesFrom mkg:Infant .",
        {"mkg:NeonatalMilia"},
        "mkg:NeonatalMilia rdfs:subClassOf mkg:Milia ; owl:equivalentClass _:d ."
        " _:d a owl:Restriction ; owl:onProperty mkg:occursIn ; owl:someValuesFrom mkg:Infant ."
        " [] a owl:Axiom ; owl:annotatedSource mkg:NeonatalMilia ; owl:annotatedProperty owl:equivalentClass ;"
        ' owl:annotatedTarget _:d ; mkg:quote "Neonatal milia are milia in infants." ; dcterms:source mkg:page .',
    ),
}

CHECKS = resources.check_files()


def _graph(turtle: str) -> rdflib.Graph:
    return parse_turtle_text(PREFIXES + turtle, "case.ttl")


def test_there_are_checks() -> None:
    assert {"missing-label-violation", "duplicate-label-violation", "dangling-iri-violation"} <= set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_starts_with_purpose(name: str) -> None:
    assert check_purpose(CHECKS[name].read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_every_check_has_a_broken_example(name: str) -> None:
    assert name in BROKEN_CHECKS, f"add a broken example for {name} to BROKEN_CHECKS"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_passes_on_the_real_graph(name: str, asserted_graph: rdflib.Graph) -> None:
    results = run_check(asserted_graph, name, CHECKS[name].read_text(encoding="utf-8"))
    assert not results, "\n".join(str(r) for r in results)


@pytest.mark.parametrize("name", sorted(BROKEN_CHECKS))
def test_check_catches_broken_graph(name: str) -> None:
    broken, expected, fixed = BROKEN_CHECKS[name]
    query = CHECKS[name].read_text(encoding="utf-8")
    found = run_check(_graph(broken), name, query)
    assert expected <= {r.entity for r in found}
    assert {r.rule for r in found} == {name.removesuffix("-violation")}
    assert not run_check(_graph(fixed), name, query)


# ---------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("quote", "ok"),
    [
        ("most commonly appear on the face", True),
        ("most   commonly\nappear on the face", True),  # whitespace is normalised
        ("Milia most commonly appear", True),
        ("most commonly appear on the nose", False),
        ("MOST COMMONLY APPEAR ON THE FACE", False),  # case is not
    ],
)
def test_quote_check(quote: str, ok: bool) -> None:
    graph = _graph(f'[] a owl:Axiom ; owl:annotatedSource mkg:Milia ; mkg:quote """{quote}""" .')
    found = check_quotes(graph, "Milia most commonly appear on the face.")
    assert (not found) is ok
    if not ok:
        assert found[0].rule == QUOTE_RULE and found[0].entity == "mkg:Milia"


def test_real_quotes_are_in_the_seed(asserted_graph: rdflib.Graph, seed_text: str) -> None:
    found = check_quotes(asserted_graph, seed_text)
    assert not found, "\n".join(str(r) for r in found)


# ---------------------------------------------------------------- SHACL shapes

AXIOM = "[] a owl:Axiom ; owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:hasSite ; owl:annotatedTarget mkg:Face"
PAGE = 'mkg:page a bibo:Webpage . mkg:Milia mkg:hasSite mkg:Face .'

#: id -> (broken Turtle, rule that must fire, entity it must name)
BROKEN_SHAPES = {
    "class-without-label": (
        'mkg:Nose a owl:Class ; skos:definition "The nose."@en .',
        "mkgsh:TermShape-label",
        "mkg:Nose",
    ),
    "label-not-english": (
        'mkg:Nose a owl:Class ; rdfs:label "nez"@fr ; skos:definition "The nose."@en .',
        "mkgsh:TermShape-label",
        "mkg:Nose",
    ),
    "two-labels": (
        'mkg:Nose a owl:Class ; rdfs:label "nose"@en, "nasal"@en ; skos:definition "The nose."@en .',
        "mkgsh:TermShape-label",
        "mkg:Nose",
    ),
    "property-without-definition": (
        'mkg:hasSite a owl:ObjectProperty ; rdfs:label "has site"@en .',
        "mkgsh:TermShape-definition",
        "mkg:hasSite",
    ),
    "axiom-without-source": (
        f'{PAGE} {AXIOM} ; mkg:quote "on the face" .',
        "mkgsh:AxiomShape-source",
        "axiom on (mkg:Milia mkg:hasSite mkg:Face)",
    ),
    "axiom-without-quote": (
        f"{PAGE} {AXIOM} ; dcterms:source mkg:page .",
        "mkgsh:SeedAxiomShape-quote",
        "axiom on (mkg:Milia mkg:hasSite mkg:Face)",
    ),
    "axiom-on-missing-triple": (
        f'mkg:page a bibo:Webpage . {AXIOM} ; mkg:quote "on the face" ; dcterms:source mkg:page .',
        "mkgsh:AxiomShape-tripleAsserted",
        "axiom on (mkg:Milia mkg:hasSite mkg:Face)",
    ),
    "medication-without-availability": (
        "mkg:Gel rdfs:subClassOf mkg:Medication .",
        "mkgsh:MedicationShape-availability",
        "mkg:Gel",
    ),
    "medication-with-two-availabilities": (
        "mkg:Gel rdfs:subClassOf mkg:Medication ; mkg:availability mkg:over-the-counter, mkg:prescription .",
        "mkgsh:MedicationShape-availability",
        "mkg:Gel",
    ),
    "medication-with-unknown-availability": (
        "mkg:Cream rdfs:subClassOf mkg:Gel . mkg:Gel rdfs:subClassOf mkg:Medication ;"
        " mkg:availability mkg:prescription . mkg:Cream mkg:availability mkg:free-sample .",
        "mkgsh:MedicationShape-availability",
        "mkg:Cream",
    ),
    "epidemiology-without-label": (
        "mkg:epi-x a mkg:EpidemiologyStatement .",
        "mkgsh:EpidemiologyStatementShape-label",
        "mkg:epi-x",
    ),
    "epidemiology-bounds-reversed": (
        'mkg:epi-x a mkg:EpidemiologyStatement ; rdfs:label "x"@en ;'
        ' mkg:lowerBoundPercent "60"^^xsd:decimal ; mkg:upperBoundPercent "50"^^xsd:decimal .',
        "mkgsh:EpidemiologyStatementShape-lower",
        "mkg:epi-x",
    ),
}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return parse_turtle(resources.shapes_file())


def test_every_node_shape_has_a_broken_example(shapes: rdflib.Graph) -> None:
    from rdflib.namespace import SH

    from milia_kg.release.validate import short

    covered = {rule.split("-")[0] for _, rule, _ in BROKEN_SHAPES.values()}
    assert {short(s) for s in shapes.subjects(rdflib.RDF.type, SH.NodeShape)} <= covered


@pytest.mark.parametrize("case", sorted(BROKEN_SHAPES))
def test_shape_catches_broken_graph(case: str, shapes: rdflib.Graph) -> None:
    broken, rule, entity = BROKEN_SHAPES[case]
    found = run_shacl(_graph(broken), shapes)
    assert (rule, entity) in {(r.rule, r.entity) for r in found}, "\n".join(str(r) for r in found)


def test_grouping_medication_class_needs_no_availability(shapes: rdflib.Graph) -> None:
    graph = _graph(
        "mkg:Antibiotic rdfs:subClassOf mkg:Medication . mkg:Minocycline rdfs:subClassOf mkg:Antibiotic ;"
        " mkg:availability mkg:availability-not-stated ."
    )
    assert not [r for r in run_shacl(graph, shapes) if r.rule.startswith("mkgsh:MedicationShape")]


def test_shapes_pass_on_the_real_graph(reasoned_graph: rdflib.Graph, shapes: rdflib.Graph) -> None:
    found = run_shacl(reasoned_graph, shapes)
    assert not found, "\n".join(str(r) for r in found)


def _plain_pyshacl(graph: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, set[tuple[str, str]]]:
    """Run pyshacl as a user would without SHACL-AF (no ``-a``): (conforms, {(rule, focus)})."""
    import pyshacl
    from rdflib.namespace import SH

    from milia_kg.release.validate import describe, short

    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes, advanced=False, inference="none")
    found = set()
    for node in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        rule = results.value(node, SH.sourceConstraint)
        if not isinstance(rule, rdflib.URIRef):
            rule = results.value(node, SH.sourceShape)
        found.add((short(rule), describe(graph, results.value(node, SH.focusNode))))
    return conforms, found


def test_shapes_need_no_shacl_af(shapes: rdflib.Graph) -> None:
    from rdflib.namespace import SH

    assert not list(shapes.triples((None, SH.target, None)))
    assert not list(shapes.subjects(rdflib.RDF.type, SH.SPARQLTarget))


@pytest.mark.parametrize("case", sorted(BROKEN_SHAPES))
def test_plain_pyshacl_catches_broken_graph(case: str, shapes: rdflib.Graph) -> None:
    broken, rule, entity = BROKEN_SHAPES[case]
    conforms, found = _plain_pyshacl(_graph(broken), shapes)
    assert not conforms and (rule, entity) in found, found


def test_plain_pyshacl_passes_the_release(reasoned_graph: rdflib.Graph, shapes: rdflib.Graph) -> None:
    """Same run on the reasoned graph, held in Oxigraph (pyshacl on rdflib takes half a minute here)."""
    import pyshacl

    from milia_kg.formats.terms import TermMap

    store = TermMap().store([reasoned_graph])
    conforms, _, text = pyshacl.validate(store, shacl_graph=shapes, advanced=False, inference="none", inplace=True)
    assert conforms, text
