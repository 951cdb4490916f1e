"""The OBO annotation vocabulary of ``milia-kg.owl`` (IAO definitions, oboInOwl synonyms and xrefs),
derived at build time from the sources' SKOS; expected values written from the seed page and
data/mappings.sssom.tsv."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, SKOS, Literal, URIRef

from milia_kg.release.obo_vocab import (
    DEFINITION,
    HAS_DBXREF,
    HAS_EXACT_SYNONYM,
    HAS_RELATED_SYNONYM,
    OBO_ID,
    is_number_variant,
    obo_annotations,
)

MKG = "https://w3id.org/milia-kg/"
PAGE = "https://my.clevelandclinic.org/health/diseases/17868-milia"


@pytest.fixture(scope="module")
def owl(release: tuple[Path, object]) -> rdflib.Graph:
    return rdflib.Graph().parse(release[0] / "milia-kg.owl", format="xml")


def _strings(graph: rdflib.Graph, subject: str, prop: URIRef) -> set[str]:
    return {str(o) for o in graph.objects(URIRef(subject if ":" in subject else MKG + subject), prop)}


def test_definitions_are_iao_with_the_page_as_their_xref(owl: rdflib.Graph) -> None:
    primary = URIRef(MKG + "PrimaryMilia")
    text = Literal("A kind of milia not associated with damage to the skin; they can occur in children or adults.", lang="en")
    assert list(owl.objects(primary, DEFINITION)) == [text]
    axioms = [a for a in owl.subjects(OWL.annotatedTarget, text) if (a, OWL.annotatedProperty, DEFINITION) in owl]
    assert len(axioms) == 1
    assert {str(x) for x in owl.objects(axioms[0], HAS_DBXREF)} == {PAGE}
    assert {str(q) for q in owl.objects(axioms[0], URIRef(MKG + "quote"))} == {
        "Primary milia are not associated with damage to the skin.",
        "Primary milia, which often appear on the eyelids, forehead, cheeks or genitals, can occur in children or adults.",
    }


def test_every_skos_definition_has_its_iao_twin(owl: rdflib.Graph) -> None:
    skos = {(s, o) for s, o in owl.subject_objects(SKOS.definition) if isinstance(s, URIRef)}
    iao = set(owl.subject_objects(DEFINITION))
    assert skos == iao and len(iao) > 100


@pytest.mark.parametrize(
    ("subject", "exact"),
    [
        ("Milia", {"milium", "milk spot", "oil seed"}),  # "also known as a milk spot or an oil seed"; "one is called a milium"
        ("SecondaryMilia", {"traumatic milia"}),  # "Another name for secondary milia is traumatic milia."
        ("http://purl.obolibrary.org/obo/UBERON_0001711", {"eyelids"}),  # eyelid, reused from UBERON (issue 20)
        # UBERON's own synonym of forelimb stylopod: "upper arm" EXACT HUMAN_PREFERRED
        ("http://purl.obolibrary.org/obo/UBERON_0003822", {"upper arm"}),
        ("PrimaryMilia", set()),
    ],
)
def test_names_the_page_gives_are_exact_synonyms(owl: rdflib.Graph, subject: str, exact: set[str]) -> None:
    assert _strings(owl, subject, HAS_EXACT_SYNONYM) == exact


def test_other_alternative_labels_are_only_related(owl: rdflib.Graph) -> None:
    assert _strings(owl, "SkinBiopsy", HAS_RELATED_SYNONYM) == {"biopsy"}
    assert _strings(owl, "SkinBiopsy", HAS_EXACT_SYNONYM) == set()
    alt = {(s, str(o)) for s, o in owl.subject_objects(SKOS.altLabel)}
    synonyms = {(s, str(o)) for p in (HAS_EXACT_SYNONYM, HAS_RELATED_SYNONYM) for s, o in owl.subject_objects(p)}
    assert alt == synonyms


def test_exact_matches_are_db_xrefs(owl: rdflib.Graph) -> None:
    """data/mappings.sssom.tsv: inherited disorder skos:exactMatch MONDO:0003847, DOID:630, NCIT:C3101."""
    assert _strings(owl, "InheritedDisorder", HAS_DBXREF) == {"MONDO:0003847", "DOID:630", "NCIT:C3101"}
    assert _strings(owl, "Milia", HAS_DBXREF) == set()  # closeMatch HP:0001056 is not a cross-reference


def test_terms_carry_obo_ids_and_the_header_license_and_version(owl: rdflib.Graph) -> None:
    assert _strings(owl, "PrimaryMilia", OBO_ID) == {"mkg:PrimaryMilia"}
    ontology = URIRef(MKG + "ontology")
    assert list(owl.objects(ontology, rdflib.DCTERMS.license)) == [URIRef("https://creativecommons.org/licenses/by/4.0/")]
    assert list(owl.objects(ontology, OWL.versionInfo)) == [Literal("0.1.0")]
    for prop in (DEFINITION, HAS_EXACT_SYNONYM, HAS_RELATED_SYNONYM, HAS_DBXREF, OBO_ID):
        assert (prop, RDF.type, OWL.AnnotationProperty) in owl


@pytest.mark.parametrize(
    ("alternative", "label", "expected"),
    [("eyelids", "eyelid", True), ("babies", "baby", True), ("milium", "milia", True), ("blister", "blisters", True),
     ("biopsy", "skin biopsy", False), ("children", "child", False), ("itch", "itchy", False)],
)
def test_number_variants(alternative: str, label: str, expected: bool) -> None:
    assert is_number_variant(alternative, label) is expected


def test_annotations_are_deterministic_and_leave_the_input_alone() -> None:
    s, o = URIRef(MKG + "X"), Literal("x", lang="en")
    triples = [(s, RDF.type, OWL.Class), (s, SKOS.definition, o)]
    first = obo_annotations(triples)
    assert first == obo_annotations(list(triples)) and len(triples) == 2
    assert (s, DEFINITION, o) in first


def test_cross_reference_curies_are_those_curies_writes() -> None:
    """``curie`` shortens without curies (a build does not import it); it must agree with
    ``curies.Converter.compress`` on every object of the packaged mapping set and pick the longest
    namespace of nested ones."""
    import curies

    from milia_kg.base import resources
    from milia_kg.formats.sssom import read_sssom
    from milia_kg.release.obo_vocab import curie

    mapping_set = read_sssom(resources.mappings_file())
    converter = curies.Converter.from_prefix_map(mapping_set.prefix_map)
    objects = sorted({m.object_iri for m in mapping_set.mappings})
    assert len(objects) > 30
    assert {iri: curie(iri, mapping_set.prefix_map) for iri in objects} == {
        iri: converter.compress(iri) for iri in objects}
    # a local part outside [\w.-]* (d/4) stays an IRI where curies would write a:d/4
    nested = {"a": "http://x.org/", "ab": "http://x.org/b/", "abc": "http://x.org/b/c/"}
    assert [curie(f"http://x.org/{local}", nested) for local in ("1", "b/2", "b/c/3", "d/4")] == [
        "a:1", "ab:2", "abc:3", "http://x.org/d/4"]
