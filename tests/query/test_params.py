"""Parameter values: labels, synonyms, CURIEs, IRIs and booleans; every error is one clean line."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from milia_kg.errors import ParameterError
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.query.params import parse_boolean
from milia_kg.query.sparql_text import bind, values_block

MKG = "https://w3id.org/milia-kg/"
UBERON_FACE = "http://purl.obolibrary.org/obo/UBERON_0001456"

GRAPH = """
@prefix mkg: <https://w3id.org/milia-kg/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

mkg:Milia rdfs:label "milia"@en ; skos:altLabel "milk spots"@en, "oil seed"@en .
mkg:SecondaryMilia rdfs:subClassOf mkg:Milia ; rdfs:label "secondary milia"@en ;
    skos:altLabel "traumatic milia"@en ; mkg:hasSite mkg:Eyelid .
mkg:MiliaEnPlaque rdfs:subClassOf mkg:Milia ; rdfs:label "milia en plaque"@en ;
    mkg:hasSite mkg:Face ; mkg:rare true .
mkg:PrimaryMilia rdfs:subClassOf mkg:Milia ; rdfs:label "primary milia"@en ;
    mkg:hasSite mkg:Nose, mkg:Eyelid ; mkg:rare false .
mkg:Face rdfs:label "face"@en ; skos:exactMatch obo:UBERON_0001456 .
mkg:Nose rdfs:label "nose"@en ; skos:closeMatch obo:UBERON_0000004 .
mkg:Eyelid rdfs:label "eyelid"@en .
obo:UBERON_0001456 rdfs:label "face"@en .
mkg:Whitehead rdfs:label "whitehead"@en ; skos:altLabel "white bump"@en .
mkg:Pimple rdfs:label "pimple"@en ; skos:altLabel "White  Bump"@en .
"""

QUERIES = {
    "sites": """\
#+ summary: Where does it appear?
#+ params:
#+   - {name: condition, type: label-or-IRI, required: false, description: a kind of milia}
#+ columns: [condition, site]
PREFIX mkg: <https://w3id.org/milia-kg/>
SELECT ?condition ?site WHERE { ?condition mkg:hasSite ?site } ORDER BY ?condition ?site
""",
    "at_site": """\
#+ summary: What appears at this site?
#+ params:
#+   - {name: site, type: label-or-IRI, required: true}
#+ columns: [condition]
#+ example: [site=face]
PREFIX mkg: <https://w3id.org/milia-kg/>
SELECT ?condition WHERE { ?condition mkg:hasSite ?site } ORDER BY ?condition
""",
    "rare": """\
#+ summary: Which are rare?
#+ params:
#+   - {name: rare, type: boolean}
#+ columns: [condition, rare]
PREFIX mkg: <https://w3id.org/milia-kg/>
SELECT ?condition ?rare WHERE { ?condition mkg:rare ?rare } ORDER BY ?condition
""",
    "sites_or_general": """\
#+ summary: Where does it appear (with statements about no condition in particular)?
#+ params:
#+   - {name: condition, variable: wanted, type: label-or-IRI}
#+ columns: [condition, site]
PREFIX mkg: <https://w3id.org/milia-kg/>
SELECT ?condition ?site WHERE {
  ?condition mkg:hasSite ?site FILTER(!BOUND(?wanted) || ?condition = ?wanted)
} ORDER BY ?condition ?site
""",
    "by_label": """\
#+ summary: Find by exact English label.
#+ params:
#+   - {name: text, type: string, required: true}
#+ columns: [entity]
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?entity WHERE { ?entity rdfs:label ?label . FILTER(STR(?label) = ?text) } ORDER BY ?entity
""",
}


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("params")
    (folder / "graph.ttl").write_text(GRAPH, encoding="utf-8")
    (folder / "queries").mkdir()
    for name, text in QUERIES.items():
        (folder / "queries" / f"{name}.rq").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def kg(request: pytest.FixtureRequest, fixture_dir: Path) -> KnowledgeGraph:
    graph = rdflib.Graph().parse(fixture_dir / "graph.ttl")
    return KnowledgeGraph.from_graph(graph, engine=request.param, queries_dir=fixture_dir / "queries")


def conditions(rows: list[dict]) -> list[str]:
    return [r["condition"].removeprefix(MKG) for r in rows]


# ----------------------------------------------------------------------------- resolution

RESOLVES = {
    "label": ("face", "Face"),
    "label-case-and-space": ("  FACE ", "Face"),
    "multi-word-label": ("Milia   En\tPlaque", "MiliaEnPlaque"),
    "synonym": ("traumatic milia", "SecondaryMilia"),
    "synonym-case": ("Milk Spots", "Milia"),
    "curie": ("mkg:Face", "Face"),
    "obo-curie-exact-match": ("UBERON:0001456", "Face"),
    "obo-curie-obo-prefix": ("obo:UBERON_0001456", "Face"),
    "obo-curie-lower-case": ("uberon:0001456", "Face"),
    "obo-curie-close-match": ("UBERON:0000004", "Nose"),
    "angle-iri": (f"<{MKG}Face>", "Face"),
    "bare-iri": (f"{MKG}Face", "Face"),
    "external-iri-mapped": (UBERON_FACE, "Face"),
    "label-shared-with-import": ("face", "Face"),
    "rdflib-uriref": (rdflib.URIRef(f"{MKG}Eyelid"), "Eyelid"),
}


@pytest.mark.parametrize("value, entity", RESOLVES.values(), ids=RESOLVES.keys())
def test_label_or_iri_resolves(kg: KnowledgeGraph, value: str, entity: str) -> None:
    site = kg.get_query("at_site").param("site")
    assert site is not None
    assert str(kg._resolver.resolve(site, value).value) == MKG + entity


def test_query_with_label_parameter(kg: KnowledgeGraph) -> None:
    assert conditions(kg.query("at_site", site="eyelid")) == ["PrimaryMilia", "SecondaryMilia"]
    assert conditions(kg.query("at_site", site="UBERON:0001456")) == ["MiliaEnPlaque"]


def test_optional_parameter_left_unbound_when_absent(kg: KnowledgeGraph) -> None:
    everything = kg.query("sites")
    assert len(everything) == 4
    assert kg.query("sites", condition=None) == everything
    assert conditions(kg.query("sites", condition="traumatic milia")) == ["SecondaryMilia"]


def test_entity_columns_get_label_companions(kg: KnowledgeGraph) -> None:
    rows = kg.query("sites", condition="primary milia")
    assert rows == [
        {"condition": MKG + "PrimaryMilia", "condition_label": "primary milia",
         "site": MKG + "Eyelid", "site_label": "eyelid"},
        {"condition": MKG + "PrimaryMilia", "condition_label": "primary milia",
         "site": MKG + "Nose", "site_label": "nose"},
    ]


def test_parameter_bound_to_another_variable(kg: KnowledgeGraph) -> None:
    assert conditions(kg.query("sites_or_general", condition="milia en plaque")) == ["MiliaEnPlaque"]
    assert len(kg.query("sites_or_general")) == 4


@pytest.mark.parametrize(
    "value, expected",
    [("true", ["MiliaEnPlaque"]), ("TRUE", ["MiliaEnPlaque"]), ("yes", ["MiliaEnPlaque"]),
     ("1", ["MiliaEnPlaque"]), (True, ["MiliaEnPlaque"]), ("false", ["PrimaryMilia"]),
     ("No", ["PrimaryMilia"]), ("0", ["PrimaryMilia"]), (False, ["PrimaryMilia"]),
     (None, ["MiliaEnPlaque", "PrimaryMilia"])],
)
def test_boolean_parameter(kg: KnowledgeGraph, value: object, expected: list[str]) -> None:
    rows = kg.query("rare", rare=value)
    assert conditions(rows) == expected
    assert all(isinstance(r["rare"], bool) for r in rows)


def test_string_parameter_is_a_plain_literal(kg: KnowledgeGraph) -> None:
    assert [r["entity"] for r in kg.query("by_label", text="nose")] == [MKG + "Nose"]
    assert kg.query("by_label", text="no such label") == []


# ----------------------------------------------------------------------------- errors

ERRORS = {
    "unknown-parameter": (
        "sites", {"site": "face"},
        "parameter 'site' = 'face': query 'sites' has no such parameter; expected one of: condition",
    ),
    "unknown-parameter-no-params": ("sites", {"condition": "x", "colour": "red"}, "'colour'"),
    "missing-required": ("at_site", {}, "parameter 'site' = None: missing; query 'at_site' requires it"),
    "missing-required-blank": ("at_site", {"site": "  "}, "missing; query 'at_site' requires it"),
    "no-match-with-candidates": (
        "at_site", {"site": "milia en plaq"},
        "parameter 'site' = 'milia en plaq': no label, synonym, CURIE or IRI in the graph matches; "
        "expected one of: milia en plaque",
    ),
    "no-match-typo": ("at_site", {"site": "eyelidd"}, "expected one of: eyelid"),
    "no-match-nothing-close": ("at_site", {"site": "qqqqzzzz"}, "(and no label is close)"),
    "no-match-unknown-curie": ("at_site", {"site": "mkg:Elbow"}, "'mkg:Elbow': no label"),
    "no-match-unknown-iri": ("at_site", {"site": "https://example.org/x"}, "no label, synonym"),
    "ambiguous": (
        "at_site", {"site": "white bump"},
        "parameter 'site' = 'white bump': ambiguous label; give a CURIE or IRI; "
        "expected one of: mkg:Pimple (pimple), mkg:Whitehead (whitehead)",
    ),
    "invalid-iri": ("at_site", {"site": "<https://x.org/a b>"}, "not a valid IRI"),
    "bad-boolean": (
        "rare", {"rare": "maybe"},
        "parameter 'rare' = 'maybe': not a boolean; expected one of: true, false, yes, no, 1, 0",
    ),
}


@pytest.mark.parametrize("name, params, message", ERRORS.values(), ids=ERRORS.keys())
def test_parameter_errors(kg: KnowledgeGraph, name: str, params: dict, message: str) -> None:
    with pytest.raises(ParameterError) as info:
        kg.query(name, **params)
    text = str(info.value)
    assert message in text
    assert "\n" not in text
    assert isinstance(info.value, ValueError)


def test_candidates_are_at_most_eight(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError) as info:
        kg.query("at_site", site="i")  # contained in many labels
    assert 0 < len(info.value.candidates) <= 8


def test_error_keeps_the_bad_value(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError) as info:
        kg.query("at_site", site="elbow")
    assert (info.value.parameter, info.value.value) == ("site", "elbow")


# ----------------------------------------------------------------------------- binding


@pytest.mark.parametrize("value", ["true", "Yes", "1", True, 1])
def test_parse_boolean_true(value: object) -> None:
    assert parse_boolean(value).value == "true"


@pytest.mark.parametrize("value", ["truthy", "", "2", None, "on"])
def test_parse_boolean_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_boolean(value)


def test_bind_leaves_the_query_text_alone() -> None:
    import pyoxigraph as ox

    query = 'SELECT ?s WHERE { ?s ?p "WHERE {" }'
    bound = bind(query, {"s": ox.NamedNode(MKG + "Face")})
    assert bound == f'SELECT ?s WHERE {{ BIND(<{MKG}Face> AS ?s) ?s ?p "WHERE {{" }}'
    path = 'SELECT ?s WHERE { ?s ?p "WHERE {" ; <urn:p>* ?o }'
    assert bind(path, {"s": ox.NamedNode(MKG + "Face"), "o": ox.Literal("x")}) == (
        f'SELECT ?s WHERE {{ VALUES ?s {{ <{MKG}Face> }} BIND("x" AS ?o) ?s ?p "WHERE {{" ; <urn:p>* ?o }}')
    several = bind(query, {"s": [ox.NamedNode(MKG + "Face"), ox.NamedNode(MKG + "Nose")]})
    assert several == f'SELECT ?s WHERE {{ VALUES ?s {{ <{MKG}Face> <{MKG}Nose> }} ?s ?p "WHERE {{" }}'
    assert bind(query, {}) == query


def test_catalogue_queries_with_a_transitive_path() -> None:
    """Their IRI parameters stay in VALUES (engines start the path from them); the others get BIND."""
    from milia_kg.base import resources
    from milia_kg.query.sparql_text import has_transitive_path

    found = {name for name, path in resources.query_files().items() if has_transitive_path(path.read_text("utf-8"))}
    assert found == {"associated_disorders", "conditions_at_site", "external_ancestors"}


def test_values_block_refuses_bad_names_and_terms() -> None:
    with pytest.raises(ValueError, match="invalid variable name"):
        values_block({"s } DROP": rdflib.Literal("x")})
    with pytest.raises(ValueError, match="cannot bind"):
        values_block({"s": rdflib.BNode()})
    with pytest.raises(ValueError):
        values_block({"s": rdflib.URIRef("http://x> . DROP")})


# ----------------------------------------------------------------------------- targeted label lookup

FOLDING_GRAPH = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/Street> rdfs:label "Große Straße"@de .
<https://example.org/Dots> rdfs:label "a.b (c)+" .
<https://example.org/Sigma> skos:altLabel "ΟΔΟΣ" .
<https://example.org/Tabs> skos:prefLabel "two\\twords\\n" .
"""

LOOKUPS = {
    "full-case-folding": ("grosse strasse", "Street"),
    "full-case-folding-upper": ("GROSSE STRASSE", "Street"),
    "as-written": ("Große Straße", "Street"),
    "regex-characters": ("A.B  (C)+", "Dots"),
    "final-sigma": ("οδος", "Sigma"),
    "white-space": ("Two Words", "Tabs"),
}


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def folding_kg(request: pytest.FixtureRequest, fixture_dir: Path) -> KnowledgeGraph:
    graph = rdflib.Graph().parse(data=FOLDING_GRAPH, format="turtle")
    return KnowledgeGraph.from_graph(graph, engine=request.param, queries_dir=fixture_dir / "queries")


@pytest.mark.parametrize("value, entity", LOOKUPS.values(), ids=LOOKUPS.keys())
def test_label_is_looked_up_without_indexing_every_label(folding_kg: KnowledgeGraph, value: str, entity: str) -> None:
    """A label resolves as the index of every label would resolve it (case folding, white space,
    regular-expression characters taken literally), without building that index (19,800 labels
    with the HPO merged)."""
    site = folding_kg.get_query("at_site").param("site")
    assert site is not None
    resolver = type(folding_kg._resolver)(folding_kg.backend)
    assert str(resolver.resolve(site, value).value) == f"https://example.org/{entity}"
    assert resolver._index is None


@pytest.mark.parametrize("value", ["a.b (c)", "aXb (c)+", "grosse", "strasse grosse"])
def test_label_lookup_matches_whole_labels_only(folding_kg: KnowledgeGraph, value: str) -> None:
    with pytest.raises(ParameterError, match="no label, synonym, CURIE or IRI in the graph matches"):
        folding_kg.query("at_site", site=value)
