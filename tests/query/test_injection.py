"""Injection attempts as parameter values: a clean "no match" or a real entity, never extra rows.

Values reach a query only as RDF terms in a ``VALUES`` block written in N-Triples syntax, so
quotes, braces, ``#``, newlines and keywords stay inside the term.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from milia_kg.base import resources
from milia_kg.errors import ParameterError
from milia_kg.query.backends import OxigraphBackend, RdflibBackend
from milia_kg.query.catalogue import Query, parse_query_file
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.query.params import plain_literal
from milia_kg.query.sparql_text import bind

ATTACKS = [
    "face }",
    'face" }',
    'face"} UNION { ?condition ?p ?site } #',
    "face' } UNION { ?condition ?p ?site } #",
    '"""face""" } UNION { ?s ?p ?o }',
    "<https://w3id.org/milia-kg/Face> . ?x ?y ?z",
    "https://w3id.org/milia-kg/Face> } UNION { ?condition ?p ?site",
    "<https://w3id.org/milia-kg/Face> } UNION { ?condition ?p ?site }",
    "mkg:Face } UNION { ?condition ?p ?site }",
    "mkg:Face>.DROP",
    "face\n} DROP ALL ; INSERT DATA { <a:b> <a:c> <a:d> }",
    "DROP ALL",
    "face # comment",
    "face\\",
    "face\\u0022 }",
    "?site",
    "$site",
    "face\r\nUNION",
    "",
]
IDS = [f"attack{i}" for i in range(len(ATTACKS))]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    return KnowledgeGraph.open(engine=request.param)


def _query(name: str) -> Query:
    """One catalogue query, read on its own (a malformed neighbour fails elsewhere)."""
    return parse_query_file(resources.query_files()[name])


def _size(kg: KnowledgeGraph) -> int:
    return kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]


@pytest.mark.parametrize("value", ATTACKS, ids=IDS)
def test_label_parameter_attack_is_no_match(kg: KnowledgeGraph, value: str) -> None:
    before = _size(kg)
    with pytest.raises(ParameterError) as info:
        kg.query(_query("conditions_at_site"), site=value)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert any(
        reason in message for reason in ("no label, synonym", "not a valid IRI", "missing;")
    ), message
    assert _size(kg) == before


@pytest.mark.parametrize("value", ATTACKS, ids=IDS)
def test_optional_parameter_attack_never_adds_rows(kg: KnowledgeGraph, value: str) -> None:
    everything = kg.query(_query("body_sites"))
    try:
        rows = kg.query(_query("body_sites"), condition=value)
    except ParameterError:
        return
    assert value.strip() == "", "only an empty value may pass (it counts as absent)"
    assert rows == everything


def test_a_real_entity_still_resolves(kg: KnowledgeGraph) -> None:
    rows = kg.query(_query("conditions_at_site"), site="  FACE ")
    assert rows and {r["site"] for r in rows} == {"http://purl.obolibrary.org/obo/UBERON_0001456"}  # UBERON's face


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("value", ATTACKS, ids=IDS)
def test_literal_value_stays_data(engine: str, value: str) -> None:
    """Bound as a string, every attack comes back verbatim as the one value of one row."""
    graph = rdflib.Graph()
    backend = OxigraphBackend.from_graph(graph) if engine == "oxigraph" else RdflibBackend(graph)
    names, rows = backend.select("SELECT ?v WHERE { }", {"v": plain_literal(value)})
    if engine == "rdflib" and "\\u" in value:
        # SPARQL decodes \uXXXX codepoint escapes before parsing, even inside strings; rdflib
        # does so, and the decoded quote stays escaped: still one literal, in one row.
        value = value.encode().decode("unicode_escape")
    assert (names, rows) == (["v"], [(value,)])


@pytest.mark.parametrize("value", ATTACKS, ids=IDS)
def test_bound_text_only_adds_one_binding(value: str) -> None:
    query = "SELECT ?v WHERE { ?s ?p ?v }"
    bound = bind(query, {"v": plain_literal(value)})
    prefix, rest = bound.split(" BIND(", 1)
    term, suffix = rest.rsplit(" AS ?v) ", 1)
    assert prefix + " " + suffix == query
    assert "\n" not in term and "\r" not in term
    assert ox.Literal(value).value == value


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/milia-kg/Face> } UNION { ?s ?p ?o",
        "https://w3id.org/milia-kg/Face>",
        "https://example.org/a b",
        'https://example.org/"',
        "https://example.org/{x}",
    ],
)
def test_invalid_iri_cannot_be_bound(iri: str) -> None:
    with pytest.raises(ValueError):
        bind("SELECT ?s WHERE { ?s ?p ?o }", {"s": rdflib.URIRef(iri)})
