"""``milia-kg.obo`` and ``milia-kg.json``: what OBO tools read back equals what ``milia-kg.owl`` says.

Round trip: fastobo parses both files (the OBO file is a fixpoint of fastobo's writer), pronto opens
both, and the terms, their labels and their ``is_a`` parents equal the OWL product's named classes
of the project and OBO ontologies; expected values written from the seed page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from milia_kg.release.obo_products import expand

MKG = "https://w3id.org/milia-kg/"
OBO = "http://purl.obolibrary.org/obo/"
PAGE = "https://my.clevelandclinic.org/health/diseases/17868-milia"


def _ours(iri: object) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith((MKG, OBO))


@pytest.fixture(scope="module")
def owl_terms(release: tuple[Path, object]) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """{class IRI: label} and the (class, named parent) pairs of milia-kg.owl, mkg: and OBO classes only."""
    graph = rdflib.Graph().parse(release[0] / "milia-kg.owl", format="xml")
    classes = {c for c in graph.subjects(RDF.type, OWL.Class) if _ours(c)}
    labels = {str(c): str(graph.value(c, RDFS.label)) for c in classes}
    parents = {(str(c), str(p)) for c in classes for p in graph.objects(c, RDFS.subClassOf) if _ours(p)}
    return labels, parents


@pytest.fixture(scope="module")
def pronto_obo(release: tuple[Path, object]):
    import pronto

    return pronto.Ontology(str(release[0] / "milia-kg.obo"))


@pytest.fixture(scope="module")
def pronto_json(release: tuple[Path, object]):
    import pronto

    return pronto.Ontology(str(release[0] / "milia-kg.json"))


def _read_back(ontology, to_iri) -> tuple[dict[str, str], set[tuple[str, str]]]:
    labels = {to_iri(t.id): t.name for t in ontology.terms()}
    parents = {
        (to_iri(t.id), to_iri(p.id)) for t in ontology.terms() for p in t.superclasses(distance=1, with_self=False)
    }
    return labels, parents


def test_pronto_reads_the_obo_file_as_the_owl_file(pronto_obo, owl_terms) -> None:
    assert _read_back(pronto_obo, expand) == owl_terms
    assert (pronto_obo.metadata.ontology, pronto_obo.metadata.data_version) == ("milia-kg", "0.1.0")


def test_pronto_reads_the_obo_graphs_json_as_the_owl_file(pronto_json, owl_terms) -> None:
    assert _read_back(pronto_json, lambda i: i if i.startswith("http") else expand(i)) == owl_terms


def test_fastobo_writes_and_reads_the_obo_file_unchanged(release: tuple[Path, object]) -> None:
    import fastobo

    text = (release[0] / "milia-kg.obo").read_text(encoding="utf-8")
    assert str(fastobo.loads(text)) + "\n" == text
    graph = fastobo.load_graph(str(release[0] / "milia-kg.json"))  # an OBO Graphs JSON reader of its own
    assert {str(f.id) for f in graph} >= {f"{MKG}SecondaryMilia", "HP:0001056"}


def test_a_subtype_as_obo_tools_see_it(pronto_obo) -> None:
    """The page: "Another name for secondary milia is traumatic milia"; secondary milia develop as
    the skin heals after it has been damaged. data/mappings.sssom.tsv: broadMatch HP:0001056."""
    secondary = pronto_obo["mkg:SecondaryMilia"]
    assert secondary.name == "secondary milia"
    assert str(secondary.definition) == "Milia that happen after the skin is damaged and develop as it heals, or that are caused by a reaction to a heavy skin cream or ointment."
    assert {str(x.id) for x in secondary.definition.xrefs} == {PAGE}
    assert {(s.description, s.scope) for s in secondary.synonyms} == {("traumatic milia", "EXACT")}
    assert {p.id for p in secondary.superclasses(distance=1, with_self=False)} == {"mkg:Milia"}
    values = {(str(pv.property), str(pv.resource)) for pv in secondary.annotations if hasattr(pv, "resource")}
    assert ("skos:broadMatch", "HP:0001056") in values
    milia = pronto_obo["mkg:Milia"]
    assert {(s.description, s.scope) for s in milia.synonyms} == {
        ("milium", "EXACT"), ("milk spot", "EXACT"), ("oil seed", "EXACT")
    }


def test_a_former_site_is_obsolete_and_replaced_by_its_uberon_term(pronto_obo) -> None:
    """Issue 20: mkg:Face is deprecated, replaced by UBERON:0001456 (face), which the release carries with
    UBERON's label and definition; milia has phenotype HP:0001056 (the HPO bridge)."""
    face = pronto_obo["mkg:Face"]
    assert (face.name, face.obsolete) == ("obsolete face", True)
    assert {t.id for t in face.replaced_by} == {"UBERON:0001456"}
    uberon = pronto_obo["UBERON:0001456"]
    assert uberon.name == "face" and not uberon.obsolete
    assert str(uberon.definition).startswith("A subdivision of the head that has as parts the layers deep")
    assert {str(x.id) for x in uberon.definition.xrefs} == {"http://orcid.org/0000-0002-6601-2165"}
    milia = pronto_obo["mkg:Milia"]
    assert ("RO:0002200", "HP:0001056") in {(r.id, t.id) for r, terms in milia.relationships.items() for t in terms}


def test_obo_graphs_json_names_the_graph_by_the_project(release: tuple[Path, object]) -> None:
    document = json.loads((release[0] / "milia-kg.json").read_text(encoding="utf-8"))
    (graph,) = document["graphs"]
    assert graph["id"] == f"{MKG}ontology"
    assert graph["meta"]["version"] == f"{MKG}ontology/0.1.0"
    node = next(n for n in graph["nodes"] if n["id"] == f"{MKG}SecondaryMilia")
    assert node["meta"]["synonyms"] == [{"pred": "hasExactSynonym", "val": "traumatic milia", "xrefs": [PAGE]}]


def test_void_lists_the_obo_products(release: tuple[Path, object]) -> None:
    void = rdflib.Graph().parse(release[0] / "void.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    media = {str(d).rsplit("/", 1)[1]: str(void.value(d, dcat.mediaType)) for d in void.subjects(RDF.type, dcat.Distribution)}
    assert (media["milia-kg.obo"], media["milia-kg.json"]) == ("text/obo", "application/json")
