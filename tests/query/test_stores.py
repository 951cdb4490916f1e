"""The whole catalogue on real triple stores: an Oxigraph server, Virtuoso Open Source 7 and Comunica.

Every query, with no parameters and with its example's, must give the same rows, in the same
order, with the same Python types, as the embedded engine. The stores are started by the fixtures
in conftest.py (tests/stores.py); Virtuoso's and Comunica's cases skip, saying why, where they are
not installed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import STORE_GRAPH
from test_backends import MERGED, _cases

from milia_kg import KnowledgeGraph
from milia_kg.base import resources
from milia_kg.cli import main
from milia_kg.query.catalogue import parse_query_file

#: store -> (fixture, whether the catalogue is read from STORE_GRAPH through --graph)
STORES = {
    "oxigraph-default-graph": ("oxigraph_server", False),
    "oxigraph-named-graph": ("oxigraph_server", True),
    "virtuoso-named-graph": ("virtuoso_server", True),
    "comunica-default-graph": ("comunica_server", False),
}


def _typed(rows: list[dict[str, Any]]) -> list[list[tuple[str, str, Any]]]:
    """Rows with each cell's Python type, so that 1, 1.0, True and "1" all differ."""
    return [[(k, type(v).__name__, v) for k, v in row.items()] for row in rows]


@pytest.fixture(scope="module")
def remote(request: pytest.FixtureRequest) -> dict[str, KnowledgeGraph]:
    """One KnowledgeGraph per store, created when a test first asks for it."""
    return {}


#: (query, parameters, store) an engine cannot be relied on to answer: Comunica 5.3.0 answers
#: external_ancestors with entity (a + path and an EXISTS with two * paths) in about 5 s on an idle
#: machine, the same rows as embedded, but in full-suite runs left it unanswered for 20 s (2 of 3
#: runs) and for 90 s (1 of 4): see docs/stores.md.
UNRELIABLE = {("external_ancestors", ("entity",), "comunica-default-graph")}
#: (query, parameters, store) where a store answers differently, each to be fixed or reported upstream:
#: Virtuoso 7 over a named graph (default-graph-uri) leaves ?availability unbound for milia en plaque's
#: medicated cream in the issue-18 treatments query (same rows otherwise; over its default graph the
#: answer equals the embedded one). Found 2026-12-06, deterministic; see docs/stores.md.
DISAGREES = {("treatments", (), "virtuoso-named-graph")}


def _open(request: pytest.FixtureRequest, cache: dict[str, KnowledgeGraph], store: str) -> KnowledgeGraph:
    if store not in cache:
        fixture, named = STORES[store]
        server = request.getfixturevalue(fixture)
        cache[store] = KnowledgeGraph.from_endpoint(server.query_url, timeout=20,
                                                    graph=STORE_GRAPH if named else None)
    return cache[store]


#: The stores hold the packaged graph; a query answered only over a merge (associated_disorders, over
#: HPO annotations) is compared across the embedded engines and an endpoint in test_backends instead.
CASES = [(name, params) for name, params in _cases() if name not in MERGED]


@pytest.mark.parametrize("store", list(STORES))
@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{'-'.join(p) or 'all'}" for n, p in CASES])
def test_catalogue_rows_equal_embedded(request: pytest.FixtureRequest, remote: dict[str, KnowledgeGraph],
                                       store: str, name: str, params: dict[str, str]) -> None:
    query = parse_query_file(resources.query_files()[name])
    if any(p.required for p in query.params if p.name not in params):
        pytest.skip("needs its required parameters")
    if (name, tuple(params), store) in UNRELIABLE:
        pytest.skip("Comunica 5.3.0 does not reliably answer this query in time (docs/stores.md)")
    if (name, tuple(params), store) in DISAGREES:
        pytest.xfail("Virtuoso 7 over a named graph leaves one OPTIONAL unbound here (docs/stores.md)")
    expected = KnowledgeGraph.open().query(query, **params)
    assert expected, f"{name} {params}: no rows"
    assert _typed(_open(request, remote, store).query(query, **params)) == _typed(expected)


@pytest.mark.parametrize("store", list(STORES))
def test_ask_and_count_on_the_store(request: pytest.FixtureRequest, remote: dict[str, KnowledgeGraph],
                                    store: str, reasoned_file) -> None:
    kg = _open(request, remote, store)
    assert kg.sparql("ASK { <https://w3id.org/milia-kg/Milia> ?p ?o }") is True
    triples = sum(1 for line in reasoned_file.read_text(encoding="utf-8").splitlines() if line.strip())
    assert kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"] == triples


@pytest.mark.parametrize("store", ["oxigraph-named-graph", "virtuoso-named-graph"])
def test_cli_endpoint_and_graph(request: pytest.FixtureRequest, store: str) -> None:
    server = request.getfixturevalue(STORES[store][0])
    result = CliRunner().invoke(main, ["query", "synonyms", "-p", "term=milia", "-f", "json",
                                       "--endpoint", server.query_url, "--graph", STORE_GRAPH])
    assert result.exit_code == 0, result.output
    expected = KnowledgeGraph.open().query("synonyms", term="milia")
    assert json.loads(result.output) == json.loads(json.dumps(expected, default=str))


def test_graph_needs_an_endpoint() -> None:
    result = CliRunner().invoke(main, ["query", "synonyms", "-p", "term=milia", "--graph", STORE_GRAPH])
    assert result.exit_code == 2
    assert "--graph names a graph of a remote store" in result.output
