"""The W3C SPARQL 1.1 Protocol tests against the served app, and SPARQLWrapper against a real server.

The requests and expected responses are those of ``sparql/sparql11/protocol/manifest.ttl`` in
w3c/rdf-tests, commit 645032e4b7aee6b0f9218cce7836207603ec0175 (read 2026-12-06), written out here
one row per test (the suite is a prose manifest, not machine-runnable). Every query test passes as
written, or gets the refusal the specification allows and is then skipped naming the clause; every
update test is refused (the endpoint is read-only).

Host and User-agent lines of the manifest are left out; ``/sparql/`` is redirected to ``/sparql``
(307), which the manifest allows ("2xx or 3xx response").
"""

from __future__ import annotations

import io
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest
import rdflib

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, create_app

MANIFEST_COMMIT = "645032e4b7aee6b0f9218cce7836207603ec0175"
RESULTS = ("application/sparql-results+xml", "application/sparql-results+json")
SELECT_RESULTS = (*RESULTS, "text/tab-separated-values", "text/csv")
GRAPHS = ("application/rdf+xml", "application/rdf+json", "text/turtle")
KASEI = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2F"
#: The clause that lets a service refuse a protocol-specified dataset, quoted from the text of the
#: Recommendation: SPARQL 1.1 Protocol, 2.1.4 "Specifying an RDF Dataset" (w3c/sparql-protocol,
#: ``input/SPARQL 1.1 Protocol.input.html`` at commit 03caae531a3e03c5e44bd7c4f023142dbdf97f51, the
#: REC of 2013-03-21 converted). The endpoint serves one default graph and no named graphs, so it
#: refuses every default-graph-uri/named-graph-uri with exactly that code.
DATASET_CLAUSE = ('SPARQL 1.1 Protocol 2.1.4: "Note that a service may reject a query with HTTP response code 400 '
                  'if the service does not allow protocol clients to specify the RDF Dataset."')
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Case:
    """One manifest test: the request, and what a passing response is."""

    name: str
    method: str
    target: str
    content_type: str | None = None
    body: bytes = b""
    media: tuple[str, ...] = ()  # acceptable Content-Types; empty: any
    answer: bool | None = None  # an ASK answer to check
    refusable: str | None = None  # the clause allowing a 4xx instead
    accept: dict[str, str] = field(default_factory=dict)


QUERY_CASES = [
    Case("query_post_form", "POST", "/sparql/", FORM, b"query=ASK%20%7B%7D", RESULTS, True),
    Case("query_dataset_default_graphs_get", "GET",
         "/sparql?query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype"
         "%20.%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20.%20%7D"
         f"&default-graph-uri={KASEI}data1.rdf&default-graph-uri={KASEI}data2.rdf",
         media=RESULTS, answer=True, refusable=DATASET_CLAUSE),
    Case("query_dataset_default_graphs_post", "POST",
         f"/sparql/?default-graph-uri={KASEI}data1.rdf&default-graph-uri={KASEI}data2.rdf", QUERY,
         b"ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o . "
         b"<http://kasei.us/2009/09/sparql/data/data2.rdf> ?p ?o }", RESULTS, True, DATASET_CLAUSE),
    Case("query_dataset_named_graphs_post", "POST",
         f"/sparql/?named-graph-uri={KASEI}data1.rdf&named-graph-uri={KASEI}data2.rdf", QUERY,
         b"ASK { GRAPH ?g { ?s ?p ?o } }", RESULTS, True, DATASET_CLAUSE),
    Case("query_dataset_named_graphs_get", "GET",
         f"/sparql/?named-graph-uri={KASEI}data1.rdf&named-graph-uri={KASEI}data2.rdf"
         "&query=ASK%20%7B%20GRAPH%20%3Fg%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D",
         media=RESULTS, answer=True, refusable=DATASET_CLAUSE),
    Case("query_dataset_full", "POST",
         f"/sparql/?default-graph-uri={KASEI}data3.rdf&named-graph-uri={KASEI}data1.rdf"
         f"&named-graph-uri={KASEI}data2.rdf", QUERY,
         b"SELECT ?g ?x ?s { ?x ?y ?o  GRAPH ?g { ?s ?p ?o } }", RESULTS, None, DATASET_CLAUSE),
    Case("query_multiple_dataset", "POST", f"/sparql/?default-graph-uri={KASEI}data2.rdf", QUERY,
         b"ASK FROM <http://kasei.us/2009/09/sparql/data/data1.rdf> "
         b"{ <http://kasei.us/2009/09/sparql/data/data1.rdf> ?p ?o }", RESULTS, False, DATASET_CLAUSE),
    Case("query_get", "GET", "/sparql?query=ASK%20%7B%7D", media=RESULTS, answer=True),
    Case("query_content_type_select", "POST", "/sparql/", QUERY, b"SELECT (1 AS ?value) {}", SELECT_RESULTS),
    Case("query_content_type_ask", "POST", "/sparql/", QUERY, b"ASK {}", RESULTS),
    Case("query_content_type_describe", "POST", "/sparql/", QUERY, b"DESCRIBE <http://example.org/>", GRAPHS),
    Case("query_content_type_construct", "POST", "/sparql/", QUERY, b"CONSTRUCT { <s> <p> 1 } WHERE {}", GRAPHS),
    Case("query_post_direct", "POST", "/sparql/", QUERY, b"ASK {}", RESULTS, True),
]

#: The update tests: each first request (an update) must be refused; the ASK that follows is moot.
UPDATE_CASES = [
    Case("update_dataset_default_graph", "POST", f"/sparql?using-graph-uri={KASEI}data1.rdf", UPDATE,
         b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nCLEAR ALL ;\nINSERT DATA { GRAPH "
         b"<http://kasei.us/2009/09/sparql/data/data1.rdf> { <http://kasei.us/2009/09/sparql/data/data1.rdf> "
         b"a foaf:Document } }"),
    Case("update_dataset_default_graphs", "POST",
         f"/sparql?using-graph-uri={KASEI}data1.rdf&using-graph-uri={KASEI}data2.rdf", UPDATE, b"CLEAR ALL"),
    Case("update_dataset_named_graphs", "POST",
         f"/sparql?using-named-graph-uri={KASEI}data1.rdf&using-named-graph-uri={KASEI}data2.rdf", UPDATE,
         b"CLEAR ALL"),
    Case("update_dataset_full", "POST",
         f"/sparql?using-graph-uri={KASEI}data1.rdf&using-named-graph-uri={KASEI}data2.rdf", UPDATE, b"CLEAR ALL"),
    Case("update_post_form", "POST", "/sparql/", FORM, b"update=CLEAR%20ALL"),
    Case("update_post_direct", "POST", "/sparql/", UPDATE, b"CLEAR ALL"),
    Case("update_base_uri", "POST", "/sparql/", UPDATE,
         b"CLEAR GRAPH <http://example.org/protocol-base-test/> ;\nINSERT DATA { GRAPH "
         b"<http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }"),
]

#: The negative tests: each must be answered 4xx.
BAD_CASES = [
    Case("bad_query_method", "PUT", "/sparql?query=ASK%20%7B%7D"),
    Case("bad_multiple_queries", "GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D"),
    Case("bad_query_wrong_media_type", "POST", "/sparql/", "text/plain", b"ASK {}"),
    Case("bad_query_missing_form_type", "POST", "/sparql/", None, b"query=ASK%20%7B%7D"),
    Case("bad_query_missing_direct_type", "POST", "/sparql/", None, b"ASK {}"),
    Case("bad_query_non_utf8", "POST", "/sparql/", QUERY + "; charset=UTF-16", "ASK {}".encode("utf-16")),
    Case("bad_query_syntax", "GET", "/sparql?query=ASK%20%7B"),
    Case("bad_update_get", "GET", "/sparql?update=CLEAR%20ALL"),
    Case("bad_multiple_updates", "POST", "/sparql/", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    Case("bad_update_wrong_media_type", "POST", "/sparql/", "text/plain", b"CLEAR NAMED"),
    Case("bad_update_missing_form_type", "POST", "/sparql/", None, b"update=CLEAR%20NAMED"),
    Case("bad_update_non_utf8", "POST", "/sparql/", UPDATE + "; charset=UTF-16", "CLEAR NAMED".encode("utf-16")),
    Case("bad_update_syntax", "POST", "/sparql/", FORM, b"update=CLEAR%20XYZ"),
    Case("bad_update_dataset_conflict", "POST", "/sparql/", FORM,
         b"using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=%09%09PREFIX%20foaf%3A%20%20%3Chttp%3A%2F%2F"
         b"xmlns.com%2Ffoaf%2F0.1%2F%3E%0A%09%09WITH%20%3Chttp%3A%2F%2Fexample%2Faddresses%3E%0A%09%09DELETE%20%7B"
         b"%20%3Fperson%20foaf%3AgivenName%20%27Bill%27%20%7D%0A%09%09INSERT%20%7B%20%3Fperson%20foaf%3AgivenName"
         b"%20%27William%27%20%7D%0A%09%09WHERE%20%7B%0A%09%09%09%3Fperson%20foaf%3AgivenName%20%27Bill%27%0A%09%09%7D%0A"),
]


def test_the_manifest_is_covered_whole() -> None:
    """34 entries in the manifest at the recorded commit: 13 query, 7 update, 14 negative."""
    assert (len(QUERY_CASES), len(UPDATE_CASES), len(BAD_CASES)) == (13, 7, 14)
    names = [c.name for c in (*QUERY_CASES, *UPDATE_CASES, *BAD_CASES)]
    assert len(set(names)) == 34


@pytest.fixture(scope="module")
def client() -> TestClient:
    kg = KnowledgeGraph.open().with_limits(timeout=DEFAULT_TIMEOUT, max_rows=DEFAULT_MAX_ROWS)
    return TestClient(create_app(kg), base_url="http://127.0.0.1")


def send(client: TestClient, case: Case) -> Any:
    headers = dict(case.accept)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    return client.request(case.method, case.target, content=case.body or None, headers=headers)


def media_of(response: Any) -> str:
    return str(response.headers.get("content-type", "")).split(";")[0].strip()


def ask_answer(response: Any) -> bool:
    fmt = "xml" if media_of(response).endswith("xml") else "json"
    return bool(rdflib.query.Result.parse(io.BytesIO(response.content), format=fmt).askAnswer)


@pytest.mark.parametrize("case", QUERY_CASES, ids=lambda c: c.name)
def test_query(client: TestClient, case: Case) -> None:
    response = send(client, case)
    if case.refusable and response.status_code == 400:  # the code the clause names, no other
        assert response.json()["error"] == "bad_request"
        assert "graph-uri is not supported" in response.json()["message"]
        pytest.skip(f"refused as allowed: {case.refusable}")
    assert 200 <= response.status_code < 400, response.text
    assert media_of(response) in case.media
    if case.answer is not None:
        assert ask_answer(response) is case.answer


def test_construct_resolves_relative_iris_against_the_documented_base(client: TestClient) -> None:
    """query_content_type_construct's ``<s> <p>``: resolved against the project namespace."""
    response = send(client, QUERY_CASES[11])
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    mkg = "https://w3id.org/milia-kg/"
    assert set(graph) == {(rdflib.URIRef(mkg + "s"), rdflib.URIRef(mkg + "p"), rdflib.Literal(1))}


@pytest.mark.parametrize("case", UPDATE_CASES, ids=lambda c: c.name)
def test_update_is_refused(client: TestClient, case: Case) -> None:
    response = send(client, case)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "update_refused"


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c.name)
def test_bad_request_is_4xx(client: TestClient, case: Case) -> None:
    response = send(client, case)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"


# ----------------------------------------------------------------------------- SPARQLWrapper, a real server

#: (return format, query, the Content-Type the answer must have)
WRAPPER_CASES = [
    ("json", "SELECT", "application/sparql-results+json"),
    ("xml", "SELECT", "application/sparql-results+xml"),
    ("csv", "SELECT", "text/csv"),
    ("tsv", "SELECT", "text/tab-separated-values"),
    ("json", "ASK", "application/sparql-results+json"),
    ("xml", "ASK", "application/sparql-results+xml"),
    ("turtle", "CONSTRUCT", "text/turtle"),
    ("n3", "CONSTRUCT", "text/turtle"),
    ("xml", "CONSTRUCT", "application/rdf+xml"),
    ("rdf+xml", "CONSTRUCT", "application/rdf+xml"),
    ("json-ld", "CONSTRUCT", "application/ld+json"),
]
MKG = "https://w3id.org/milia-kg/"
FACE = "http://purl.obolibrary.org/obo/UBERON_0001456"
WRAPPER_QUERIES = {
    # the face: UBERON's own term in the graph (issue 20), label "face"
    "SELECT": f'SELECT ?label WHERE {{ <{FACE}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}',
    "ASK": f"ASK {{ <{FACE}> ?p ?o }}",
    "CONSTRUCT": f'CONSTRUCT {{ <{FACE}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} '
                 f'WHERE {{ <{FACE}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}',
}


@pytest.fixture()
def server(served_graph: Any) -> Any:
    """The session's running milia-kg serve (tests/conftest.py)."""
    return served_graph


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("fmt", "form", "media"), WRAPPER_CASES, ids=[f"{f}-{q}" for f, q, _ in WRAPPER_CASES])
def test_sparqlwrapper(server: Any, method: str, fmt: str, form: str, media: str) -> None:
    wrapper_module = pytest.importorskip("SPARQLWrapper")
    wrapper = wrapper_module.SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery(WRAPPER_QUERIES[form])
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    result = wrapper.query()
    assert result.info()["content-type"].split(";")[0] == media
    answer = result.convert()
    if form == "ASK":
        assert (answer["boolean"] if fmt == "json" else answer.getElementsByTagName("boolean")[0]
                .firstChild.data == "true") is True
    elif form == "CONSTRUCT":
        graph = answer if isinstance(answer, rdflib.Graph) else rdflib.Graph().parse(
            data=answer, format={"json-ld": "json-ld", "turtle": "turtle", "n3": "turtle"}[fmt])
        assert set(graph) == {(rdflib.URIRef(FACE), rdflib.RDFS.label, rdflib.Literal("face", lang="en"))}
    elif fmt == "json":
        assert answer["results"]["bindings"] == [{"label": {"type": "literal", "value": "face", "xml:lang": "en"}}]
    elif fmt == "xml":
        assert [n.firstChild.data for n in answer.getElementsByTagName("literal")] == ["face"]
    elif fmt == "csv":
        assert answer.decode() == "label\r\nface\r\n"
    else:
        assert answer.decode() == '?label\n"face"@en\n'


def test_tsv_round_trips_through_rdflibs_parser(client: TestClient) -> None:
    """Literals with a tab, a newline, a carriage return, quotes and a backslash, read back by
    rdflib's and Oxigraph's TSV results parsers (SPARQL 1.1 CSV/TSV section 3.2) exactly."""
    from rdflib.plugins.sparql.results.tsvresults import TSVResultParser

    query = r'SELECT ?a ?b ?c WHERE { BIND("tab\there\nnew \"q\" back\\slash\r" AS ?a) ' \
            r'BIND("x\ty"@en AS ?b) BIND(<PrimaryMilia> AS ?c) }'
    response = client.post("/sparql", data={"query": query, "format": "tsv"})
    assert response.status_code == 200, response.text
    assert response.text.count("\n") == 2  # header and one row: nothing raw inside a cell
    rows = list(TSVResultParser().parse(io.StringIO(response.text)))
    assert rows == [(rdflib.Literal('tab\there\nnew "q" back\\slash\r'), rdflib.Literal("x\ty", lang="en"),
                     rdflib.URIRef(MKG + "PrimaryMilia"))]
    import pyoxigraph as ox  # a second reader: Oxigraph's own TSV results parser

    (solution,) = list(ox.parse_query_results(response.content, format=ox.QueryResultsFormat.TSV))
    assert [solution["a"], solution["b"], solution["c"]] == [
        ox.Literal('tab\there\nnew "q" back\\slash\r'), ox.Literal("x\ty", language="en"),
        ox.NamedNode(MKG + "PrimaryMilia")]


def test_csv_follows_the_spec(client: TestClient) -> None:
    """CSV (section 2): header without ``?``, CRLF rows, fields with a comma, quote or newline quoted."""
    query = r'SELECT ?a ?b WHERE { BIND("a, \"b\"\nc" AS ?a) BIND(<PrimaryMilia> AS ?b) }'
    response = client.get("/sparql?" + urllib.parse.urlencode({"query": query}), headers={"Accept": "text/csv"})
    assert response.text == f'a,b\r\n"a, ""b""\nc",{MKG}PrimaryMilia\r\n'


@pytest.mark.parametrize("key", ["format", "output"])
def test_format_in_a_form_body_is_read_as_in_the_url(client: TestClient, key: str) -> None:
    by_url = client.get("/sparql?" + urllib.parse.urlencode({"query": "ASK {}", key: "xml"}))
    by_form = client.post("/sparql", data={"query": "ASK {}", key: "xml"})
    assert media_of(by_url) == media_of(by_form) == "application/sparql-results+xml"
    refused_url = client.get("/sparql?" + urllib.parse.urlencode({"query": "ASK {}", key: "png"}))
    refused_form = client.post("/sparql", data={"query": "ASK {}", key: "png"})
    assert refused_url.status_code == refused_form.status_code == 406


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_relative_iris_resolve_identically_on_both_engines(engine: str) -> None:
    kg = KnowledgeGraph.open(engine=engine)
    rows = kg.sparql("SELECT ?label WHERE { <PrimaryMilia> <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert rows == [{"label": "primary milia"}]
    based = kg.sparql("BASE <http://example.org/> SELECT ?x WHERE { BIND(<a> AS ?x) }", labels=False)
    assert based == [{"x": "http://example.org/a"}]


# ----------------------------------------------------------------------------- rdflib's SPARQLStore, Comunica

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflibs_sparqlstore(server: Any, method: str, fmt: str) -> None:
    """rdflib's SPARQLStore as a graph over the endpoint: queries of each form, and the triple
    patterns it turns into SELECTs of its own; by GET, a query body and a form. With returnFormat
    "json" it asks a CONSTRUCT for SPARQL JSON results too, which no graph is (the endpoint answers
    406), so CONSTRUCT is tried with "xml" only."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(server.url + "/sparql", method=method, returnFormat=fmt))
    face, label = rdflib.URIRef(FACE), rdflib.URIRef(RDFS_LABEL)
    selected = [str(row.label) for row in graph.query(WRAPPER_QUERIES["SELECT"])]  # type: ignore[union-attr]
    asked = graph.query(WRAPPER_QUERIES["ASK"]).askAnswer
    assert selected == ["face"]
    assert asked is True
    assert [str(o) for o in graph.objects(face, label)] == ["face"]
    assert (face, label, None) in graph
    assert (face, label, rdflib.Literal("nose", lang="en")) not in graph
    if fmt == "xml":  # Accept: application/sparql-results+xml, application/rdf+xml
        constructed = graph.query(WRAPPER_QUERIES["CONSTRUCT"]).graph
        assert constructed is not None and [(s, p, str(o)) for s, p, o in constructed] == [(face, label, "face")]


def test_comunica_queries_the_served_endpoint(server: Any) -> None:
    """Comunica (``comunica-sparql-file`` with the endpoint as a ``sparql@`` source) runs a catalogue
    query against it: conditions_at_site bound to the eyelid, the two subtypes the page places there
    (milia en plaque "on an eyelid", primary milia "on the eyelids")."""
    import json
    import subprocess

    from stores import COMUNICA_DIR, LOOPBACK_JS, comunica_missing

    reason = comunica_missing()
    if reason:
        pytest.skip(reason)
    text = KnowledgeGraph.open().bound_text("conditions_at_site", site="eyelid")
    modules = COMUNICA_DIR / "node_modules"
    result = subprocess.run(
        [str(modules / ".bin" / "node"), "--require", str(LOOPBACK_JS),
         str(modules / "@comunica" / "query-sparql-file" / "bin" / "query.js"), "sparql@" + server.url + "/sparql",
         "-q", text, "-t", "application/sparql-results+json"],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert sorted(r["condition"]["value"] for r in rows) == [MKG + "MiliaEnPlaque", MKG + "PrimaryMilia"]
    assert {r["site"]["value"] for r in rows} == {"http://purl.obolibrary.org/obo/UBERON_0001711"}  # UBERON eyelid
