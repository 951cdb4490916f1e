"""``milia-kg serve``: the SPARQL 1.1 Protocol, the catalogue routes, limits, errors, OpenAPI, the
page and the request log, in-process through FastAPI's TestClient; one test of the real command.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import socket
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import rdflib

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient
from test_catalogue_answers import CASES, _readable
from test_classify import CASES as CLASSIFY_CASES

from benchmarks.serve_load import load, served
from milia_kg.base import resources
from milia_kg.decision import api as decision_api
from milia_kg.decision import cards as decision_cards
from milia_kg.decision import render as decision_render
from milia_kg.errors import CaseProfileError
from milia_kg.query.catalogue import load_catalogue
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, create_app

REPO = Path(__file__).resolve().parents[2]
MKG = "https://w3id.org/milia-kg/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OBO = "http://purl.obolibrary.org/obo/"
#: A SELECT whose full answer is known: the literals of the face, UBERON:0001456 (the graph reuses
#: UBERON's term, issue 20), with their language tags: UBERON's label and definition, the definition both
#: as SKOS and as OBO's IAO:0000115 (served for OBO clients).
FACE = f"""SELECT ?p ?o WHERE {{ <{OBO}UBERON_0001456> ?p ?o FILTER(isLiteral(?o)) }} ORDER BY ?p"""
FACE_DEFINITION = ("A subdivision of the head that has as parts the layers deep to the surface of the anterior"
                   " surface, including the mouth, eyes, and nose (when present). In vertebrates, this includes the"
                   " facial skeleton and structures superficial to the facial skeleton (cheeks, mouth, eyeballs, skin"
                   " of face, etc).")
FACE_ROWS = [
    (OBO + "IAO_0000115", FACE_DEFINITION, "en"),
    (RDFS_LABEL, "face", "en"),
    (SKOS + "definition", FACE_DEFINITION, "en"),
]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def client_for(**limits: Any) -> TestClient:
    kg = KnowledgeGraph.open().with_limits(**limits) if limits else KnowledgeGraph.open().with_limits(
        timeout=DEFAULT_TIMEOUT, max_rows=DEFAULT_MAX_ROWS)
    return TestClient(create_app(kg), base_url="http://127.0.0.1")  # a Host the service answers


@pytest.fixture(scope="module")
def client() -> TestClient:
    return client_for()


def error_of(response: Any, status: int, kind: str) -> str:
    """Check a JSON error answer; return its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "message", "status"}
    assert (body["error"], body["status"]) == (kind, status)
    assert "\n" not in body["message"]
    return body["message"]


# ----------------------------------------------------------------------------- SPARQL results


def _json_rows(text: str) -> list[tuple[str, str, str]]:
    data = json.loads(text)
    assert data["head"]["vars"] == ["p", "o"]
    return [(b["p"]["value"], b["o"]["value"], b["o"].get("xml:lang", "")) for b in data["results"]["bindings"]
            if b["p"]["type"] == "uri" and b["o"]["type"] == "literal"]


def _xml_rows(text: str) -> list[tuple[str, str, str]]:
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(text)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["p", "o"]
    rows = []
    for result in root.findall("r:results/r:result", ns):
        p = result.find("r:binding[@name='p']/r:uri", ns)
        o = result.find("r:binding[@name='o']/r:literal", ns)
        rows.append((p.text, o.text, o.get("{http://www.w3.org/XML/1998/namespace}lang", "")))
    return rows


def _csv_rows(text: str) -> list[tuple[str, str, str]]:
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["p", "o"]
    return [(p, o, "en") for p, o in table[1:]]  # CSV drops the language tag: SPARQL 1.1 CSV


def _tsv_rows(text: str) -> list[tuple[str, str, str]]:
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "?p\t?o"
    rows = []
    for line in lines[1:]:
        p, o = line.split("\t")
        literal = rdflib.util.from_n3(o)
        rows.append((p.strip("<>"), str(literal), literal.language or ""))
    return rows


SELECT_FORMATS = [
    ("application/sparql-results+json", "application/sparql-results+json", _json_rows),
    ("application/json", "application/json", _json_rows),
    ("application/sparql-results+xml", "application/sparql-results+xml", _xml_rows),
    ("text/csv", "text/csv; charset=utf-8", _csv_rows),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", _tsv_rows),
    (None, "application/sparql-results+json", _json_rows),  # no Accept: the default
    ("*/*", "application/sparql-results+json", _json_rows),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/xml", _xml_rows),
    ("text/csv;q=0.2, text/tab-separated-values;q=0.9", "text/tab-separated-values; charset=utf-8", _tsv_rows),
]


@pytest.mark.parametrize(("accept", "content_type", "parse"), SELECT_FORMATS, ids=[str(f[0]) for f in SELECT_FORMATS])
def test_select_by_accept(client: TestClient, accept: str | None, content_type: str, parse: Any) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": FACE}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type
    assert parse(response.text) == FACE_ROWS


@pytest.mark.parametrize(("fmt", "parse"), [("json", _json_rows), ("xml", _xml_rows), ("csv", _csv_rows),
                                            ("tsv", _tsv_rows), ("text/csv", _csv_rows)])
def test_select_by_format_parameter(client: TestClient, fmt: str, parse: Any) -> None:
    response = client.get("/sparql", params={"query": FACE, "format": fmt}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    assert parse(response.text) == FACE_ROWS


@pytest.mark.parametrize("how", ["get", "post-form", "post-query"])
def test_get_and_both_posts_agree(client: TestClient, how: str) -> None:
    if how == "get":
        response = client.get("/sparql", params={"query": FACE})
    elif how == "post-form":
        response = client.post("/sparql", data={"query": FACE})
    else:
        response = client.post("/sparql", content=FACE.encode(),
                               headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert response.status_code == 200, response.text
    assert _json_rows(response.text) == FACE_ROWS


def test_select_keeps_datatypes_unbound_and_blank_nodes(client: TestClient) -> None:
    query = f"""SELECT ?n ?d ?missing ?b WHERE {{
        BIND(3 AS ?n) BIND("2018-10-22"^^<{XSD}date> AS ?d) BIND(BNODE("x") AS ?b) }}"""
    data = client.get("/sparql", params={"query": query}).json()
    assert data["head"]["vars"] == ["n", "d", "missing", "b"]
    [row] = data["results"]["bindings"]
    assert row["n"] == {"type": "literal", "value": "3", "datatype": XSD + "integer"}
    assert row["d"] == {"type": "literal", "value": "2018-10-22", "datatype": XSD + "date"}
    assert "missing" not in row
    assert row["b"]["type"] == "bnode"


def test_select_json_escapes_strings_and_keeps_tags_and_types(client: TestClient) -> None:
    """SPARQL JSON is written by the service itself (not rdflib): every JSON escape, non-ASCII
    text, language tags, datatypes (none for xsd:string) and IRIs, per SPARQL 1.1 Results JSON."""
    query = f"""SELECT ?tagged ?plain ?string ?dec ?iri WHERE {{
        BIND("a \\"q\\" \\\\ b\\n\\tc\\r \\u0001 é 😀"@en-GB AS ?tagged) BIND("plain" AS ?plain)
        BIND("s"^^<{XSD}string> AS ?string) BIND(2.5 AS ?dec) BIND(<{MKG}Face> AS ?iri) }}"""
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json() == {"head": {"vars": ["tagged", "plain", "string", "dec", "iri"]}, "results": {"bindings": [{
        "tagged": {"type": "literal", "value": 'a "q" \\ b\n\tc\r \x01 é 😀', "xml:lang": "en-gb"},
        "plain": {"type": "literal", "value": "plain"},
        "string": {"type": "literal", "value": "s"},
        "dec": {"type": "literal", "value": "2.5", "datatype": XSD + "decimal"},
        "iri": {"type": "uri", "value": MKG + "Face"},
    }]}}


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/sparql-results+json", {"head": {}, "boolean": True}),
    ("application/sparql-results+xml", True),
])
def test_ask(client: TestClient, accept: str, expected: Any) -> None:
    response = client.post("/sparql", data={"query": f"ASK {{ <{MKG}Face> ?p ?o }}"}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    if accept.endswith("json"):
        assert response.json() == expected
    else:
        root = ET.fromstring(response.text)
        assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_ask_as_csv_is_not_acceptable(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert "application/sparql-results+json" in error_of(response, 406, "not_acceptable")


CONSTRUCT = f"CONSTRUCT {{ <{OBO}UBERON_0001456> ?p ?o }} WHERE {{ <{OBO}UBERON_0001456> ?p ?o }}"


@pytest.mark.parametrize(("accept", "content_type", "rdflib_format"), [
    ("text/turtle", "text/turtle; charset=utf-8", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    (None, "text/turtle; charset=utf-8", "turtle"),
])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graphs_by_accept(client: TestClient, accept: str | None, content_type: str, rdflib_format: str,
                          form: str) -> None:
    query = CONSTRUCT if form == "CONSTRUCT" else f"DESCRIBE <{OBO}UBERON_0001456>"
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type
    got = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    expected = KnowledgeGraph.open().sparql(query)
    assert len(got) == len(expected) > 5
    assert set(got) == set(expected)
    assert (rdflib.URIRef(OBO + "UBERON_0001456"), rdflib.URIRef(RDFS_LABEL), rdflib.Literal("face", lang="en")) in got


# ----------------------------------------------------------------------------- read-only, refusals


@pytest.mark.parametrize("how", ["post-form", "post-update", "get"])
def test_update_refused(client: TestClient, how: str) -> None:
    update = f"INSERT DATA {{ <{MKG}Face> <{RDFS_LABEL}> \"hacked\" }}"
    if how == "post-form":
        response = client.post("/sparql", data={"update": update})
    elif how == "post-update":
        response = client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    else:
        response = client.get("/sparql", params={"update": update})
    assert "read-only" in error_of(response, 403, "update_refused")
    check = client.get("/sparql", params={"query": 'ASK { ?s ?p "hacked" }'})
    assert check.json()["boolean"] is False


def test_update_as_query_is_a_bad_query(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": f"DELETE WHERE {{ <{MKG}Face> ?p ?o }}"})
    error_of(response, 400, "bad_query")


@pytest.mark.parametrize("clause", ["SERVICE <http://127.0.0.1:9/sparql>", "SERVICE SILENT <http://127.0.0.1:9/sparql>",
                                    "SERVICE ?endpoint"])
def test_service_refused(client: TestClient, clause: str) -> None:
    response = client.get("/sparql", params={"query": f"SELECT * WHERE {{ {clause} {{ ?s ?p ?o }} }}"})
    assert "federated queries are refused" in error_of(response, 403, "service_refused")


@pytest.mark.parametrize(("kwargs", "status", "kind", "fragment"), [
    ({"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "bad_query", "invalid SPARQL"),
    ({"params": {"query": "{" * 40 + "}" * 40}}, 400, "bad_query", "nested deeper"),
    ({}, 400, "bad_request", "no query"),
    ({"params": {"query": "  "}}, 400, "bad_request", "no query"),
    ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "bad_request", "more than one"),
    ({"params": {"query": "ASK {}", "default-graph-uri": MKG}}, 400, "bad_request", "default-graph-uri"),
    ({"params": {"query": "ASK {}", "format": "yaml"}}, 406, "not_acceptable", "'yaml'"),
    ({"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406, "not_acceptable", "image/png"),
])
def test_bad_requests(client: TestClient, kwargs: dict[str, Any], status: int, kind: str, fragment: str) -> None:
    assert fragment in error_of(client.get("/sparql", **kwargs), status, kind)


def test_post_with_another_content_type(client: TestClient) -> None:
    response = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert "application/sparql-query" in error_of(response, 415, "unsupported_media_type")


def test_method_not_allowed(client: TestClient) -> None:
    error_of(client.delete("/sparql"), 405, "method_not_allowed")


# ----------------------------------------------------------------------------- limits


def test_timeout_enforced() -> None:
    import time

    slow = client_for(timeout=0.3, max_rows=10)
    start = time.monotonic()
    response = slow.get("/sparql", params={"query": CARTESIAN})
    assert time.monotonic() - start < 5
    assert "0.3 s" in error_of(response, 503, "timeout")
    assert response.headers["retry-after"] == "1"
    assert slow.get("/health").status_code == 200  # the service carries on


@pytest.mark.parametrize(("query", "status"), [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 100", 200),   # at the cap
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 101", 400),   # one over
    ("CONSTRUCT WHERE { ?s ?p ?o }", 400),            # triples count too
])
def test_row_cap_enforced(query: str, status: int) -> None:
    capped = client_for(timeout=10, max_rows=100)
    response = capped.get("/sparql", params={"query": query})
    if status == 200:
        assert len(response.json()["results"]["bindings"]) == 100
    else:
        assert error_of(response, 400, "row_limit") == "query stopped: more than 100 result rows (--max-rows)"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_row_cap_on_catalogue_route() -> None:
    """Also: the stopped query's pyoxigraph results are freed on their own thread (no warning)."""
    capped = client_for(timeout=10, max_rows=3)
    response = capped.get("/api/queries/conditions_at_site", params={"site": "face"})
    error_of(response, 400, "row_limit")


# ----------------------------------------------------------------------------- catalogue routes


def test_list_queries(client: TestClient) -> None:
    body = client.get("/api/queries").json()
    catalogue = load_catalogue()
    assert [q["name"] for q in body] == list(catalogue)
    for entry in body:
        query = catalogue[entry["name"]]
        assert entry["summary"] == query.summary
        assert [p["name"] for p in entry["params"]] == [p.name for p in query.params]
        assert entry["example"] == dict(query.example)
        assert entry["url"] == f"/api/queries/{query.name}"


def _query_params(case: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in case["params"].items()}


#: ``serve`` holds the packaged graph: the cases that merge other files (HPO annotations) are left out.
SERVED_CASES = [case for case in CASES if not case.get("merge")]


@pytest.mark.parametrize("case", SERVED_CASES, ids=[c["id"] for c in SERVED_CASES])
def test_every_catalogue_answer_as_json(client: TestClient, case: dict[str, Any]) -> None:
    response = client.get(f"/api/queries/{case['query']}", params=_query_params(case))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["query"] == case["query"]
    assert body["params"] == _query_params(case)
    assert _readable(body["rows"], case["columns"]) == json.loads(json.dumps(case["rows"], default=str))
    assert body["columns"] == KnowledgeGraph.open().run(case["query"], **case["params"]).columns


CSV_FACE = """\
condition_label,stated_site_label
milia,face
milia en plaque,cheek
milia en plaque,eyelid
milia en plaque,jaw
multiple eruptive milia,face
neonatal milia,nose
primary milia,cheek
primary milia,eyelid
primary milia,forehead
"""


@pytest.mark.parametrize(("params", "headers"), [
    ({"site": "face", "format": "csv"}, {}),
    ({"site": "face"}, {"Accept": "text/csv"}),
    ({"site": "face", "format": "csv"}, {"Accept": "application/json"}),  # ?format= wins
])
def test_catalogue_as_csv(client: TestClient, params: dict[str, str], headers: dict[str, str]) -> None:
    response = client.get("/api/queries/conditions_at_site", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert list(table[0]) == ["condition", "condition_label", "site", "site_label", "stated_site", "stated_site_label"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["condition_label", "stated_site_label"])
    writer.writerows([r["condition_label"], r["stated_site_label"]] for r in table)
    assert out.getvalue() == CSV_FACE
    assert {r["site"] for r in table} == {OBO + "UBERON_0001456"}


@pytest.mark.parametrize(("path", "params", "status", "kind", "fragment"), [
    ("/api/queries/conditions_at_sites", {}, 404, "unknown_query", "did you mean: conditions_at_site"),
    ("/api/queries/conditions_at_site", {}, 400, "bad_parameter", "'site'"),
    ("/api/queries/conditions_at_site", {"site": "elbow"}, 400, "bad_parameter", "'elbow'"),
    ("/api/queries/conditions_at_site", {"site": "face", "colour": "red"}, 400, "bad_parameter", "'colour'"),
    ("/api/queries/conditions_at_site", [("site", "face"), ("site", "nose")], 400, "bad_parameter", "more than once"),
    ("/api/queries/conditions_at_site", {"site": "face", "format": "xml"}, 406, "not_acceptable", "'xml'"),
    ("/no/such/route", {}, 404, "not_found", "/no/such/route"),
])
def test_catalogue_errors(client: TestClient, path: str, params: Any, status: int, kind: str, fragment: str) -> None:
    assert fragment in error_of(client.get(path, params=params), status, kind)


# ----------------------------------------------------------------------------- decision support


def _post_json(client: TestClient, path: str, body: Any, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
    return client.post(path, content=json.dumps(body).encode(),
                       headers={"Content-Type": "application/json", **(headers or {})}, **kwargs)


def _plain(data: Any) -> Any:
    """What the JSON of ``data`` reads back as (tuples become lists)."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("name", sorted(CLASSIFY_CASES))
def test_classify_answers_what_the_api_answers(client: TestClient, name: str) -> None:
    profile, expected = CLASSIFY_CASES[name]
    result = decision_api.classify(profile)
    response = _post_json(client, "/api/classify", profile)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == _plain(result.to_dict())
    assert {s["id"].removeprefix("mkg:") for s in response.json()["subtypes"]} == expected
    cards = _post_json(client, "/api/classify", profile, params={"format": "cards"})
    assert without_uuids(cards.json()) == without_uuids(_plain(decision_render.to_cards(result)))
    text = _post_json(client, "/api/classify", profile, params={"format": "text"})
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text == decision_render.to_text(result) + "\n"


#: body, content type -> status, error kind, field, message (exactly)
BAD_CLASSIFY = [
    ({"age_years": -2}, None, 400, "bad_profile", "age_years",
     "case profile: age_years: -2 is less than the minimum of 0"),
    ({"sex": "f"}, None, 400, "bad_profile", "sex",
     "case profile: sex: 'f' is not one of: female, male, other, unknown"),
    ({"sites": ["nose", 3]}, None, 400, "bad_profile", "sites[1]", None),
    ({"colour": "red"}, None, 400, "bad_profile", "colour", None),
    ({}, None, 400, "bad_profile", "", "case profile: the profile says nothing; give at least one field"),
    ([], None, 400, "bad_profile", "", "case profile: expected a JSON object, got list"),
    (b'{"age_years": 3', None, 400, "bad_profile", "",
     "case profile: not JSON (Expecting ',' delimiter at line 1 column 16)"),
    (b'{"age_years": NaN}', None, 400, "bad_profile", "", "case profile: not JSON (NaN is not JSON)"),
    (b'{"age_years": -Infinity}', None, 400, "bad_profile", "", "case profile: not JSON (-Infinity is not JSON)"),
    (b"[" * 50_000 + b"]" * 50_000, None, 400, "bad_profile", "", "case profile: nested deeper than 32 levels"),
    (b'{"id": ' + b'{"a": ' * 40 + b"1" + b"}" * 41, None, 400, "bad_profile", "id" + ".a" * 31,
     "case profile: id" + ".a" * 31 + ": nested deeper than 32 levels"),
    (b'{"id": "\xff"}', None, 400, "bad_profile", "", "case profile: the body is not UTF-8"),
    (b"", None, 400, "bad_profile", "", "case profile: not JSON (Expecting value at line 1 column 1)"),
    (b"age_years=3", "application/x-www-form-urlencoded", 415, "unsupported_media_type", None,
     "POST a profile as application/json or profiles as application/x-ndjson, not application/x-www-form-urlencoded"),
    (b"{}", "", 415, "unsupported_media_type", None,
     "POST a profile as application/json or profiles as application/x-ndjson, not no content type"),
    (b" " * (2**20 + 1), None, 413, "payload_too_large", None,
     "the body has 1048577 bytes; at most 1048576 are taken"),
    (b"\n".join([b'{"age_years": 3}'] * 1001), "application/x-ndjson", 413, "payload_too_large", None,
     "1001 profiles; at most 1000 a request"),
    (b"\n \n", "application/x-ndjson", 400, "bad_profile", "", "case profile: no profile: the JSON Lines body is empty"),
]


@pytest.mark.parametrize(("body", "media", "status", "kind", "field", "message"), BAD_CLASSIFY,
                         ids=[f"{i}-{b[2]}-{b[3]}" for i, b in enumerate(BAD_CLASSIFY)])
def test_classify_refuses_bad_input(client: TestClient, body: Any, media: str | None, status: int, kind: str,
                                    field: str | None, message: str | None) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json" if media is None else media} if media != "" else {}
    response = client.post("/api/classify", content=raw, headers=headers)
    assert response.status_code == status, response.text
    data = response.json()
    assert (data["error"], data["status"]) == (kind, status)
    assert "\n" not in data["message"]
    if field is not None:
        assert data["field"] == field
        if not isinstance(body, bytes):  # JSON that the API refuses: its message, unchanged
            with pytest.raises(CaseProfileError) as caught:
                decision_api.classify(body)
            assert data["message"] == str(caught.value)
    else:
        assert set(data) == {"error", "message", "status"}
    if message is not None:
        assert data["message"] == message


def test_classify_refuses_a_declared_oversize_body_unread(client: TestClient) -> None:
    response = client.post("/api/classify", content=b"{}", headers={"Content-Type": "application/json",
                                                                    "Content-Length": str(2**30)})
    assert error_of(response, 413, "payload_too_large") == "the body has 1073741824 bytes; at most 1048576 are taken"


@pytest.mark.parametrize(("params", "media", "status", "message"), [
    ({"format": "yaml"}, "application/json", 406, "format 'yaml' is not offered here; choose one of json, cards, text"),
    ({"format": "text"}, "application/x-ndjson", 406,
     "format 'text' takes one profile; JSON Lines answers json or cards"),
])
def test_classify_format_errors(client: TestClient, params: dict[str, str], media: str, status: int,
                                message: str) -> None:
    response = client.post("/api/classify", params=params, content=b'{"age_years": 3}', headers={"Content-Type": media})
    assert error_of(response, status, "not_acceptable") == message


@pytest.mark.parametrize("media", ["application/x-ndjson", "application/jsonl", "application/x-ndjson; charset=utf-8"])
@pytest.mark.parametrize("fmt", ["json", "cards"])
def test_classify_json_lines_answers_each_line(client: TestClient, media: str, fmt: str) -> None:
    good = [CLASSIFY_CASES["neonatal-newborn-nose"][0], CLASSIFY_CASES["en-plaque-man"][0]]
    lines = [json.dumps(good[0]), '{"age_years": -3}', "", json.dumps(good[1]), "not json"]
    response = client.post("/api/classify", params={"format": fmt}, content="\n".join(lines).encode(),
                           headers={"Content-Type": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    answers = [json.loads(line) for line in response.text.splitlines()]
    show = (lambda r: r.to_dict()) if fmt == "json" else decision_render.to_cards
    assert without_uuids(answers) == [
        without_uuids(_plain(show(decision_api.classify(good[0])))),
        {"line": 2, "error": "bad_profile", "field": "age_years", "status": 400,
         "message": "line 2: case profile: age_years: -3 is less than the minimum of 0"},
        without_uuids(_plain(show(decision_api.classify(good[1])))),
        {"line": 5, "error": "bad_profile", "field": "", "status": 400,
         "message": "line 5: case profile: not JSON (Expecting value at line 1 column 1)"},
    ]


CDS_SERVICE = "milia-kg-classify"


def without_uuids(value: Any) -> Any:
    """``value`` with every ``uuid`` key dropped (cards and suggestions get fresh UUIDs on each call)."""
    if isinstance(value, dict):
        return {k: without_uuids(v) for k, v in value.items() if k != "uuid"}
    if isinstance(value, list):
        return [without_uuids(v) for v in value]
    return value


def cds_request(profile: Any = None, **fields: Any) -> dict[str, Any]:
    """A CDS Hooks patient-view request carrying ``profile`` in context.caseProfile."""
    request = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
               "fhirServer": "https://ehr.example/fhir",
               "context": {"userId": "Practitioner/1", "patientId": "1288992",
                           "caseProfile": CLASSIFY_CASES["neonatal-newborn-nose"][0] if profile is None else profile}}
    request.update(fields)
    return request


CORS = {"access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": "Content-Type, Authorization"}


def test_cds_discovery(client: TestClient) -> None:
    response = client.get("/cds-services", headers={"Origin": "https://ehr.example"})
    assert response.status_code == 200
    assert CORS.items() <= response.headers.items()
    services = response.json()["services"]
    assert [(s["id"], s["hook"]) for s in services] == [(CDS_SERVICE, "patient-view")]
    [service] = services
    assert set(service) == {"id", "hook", "title", "description", "usageRequirements", "prefetch"}
    assert service["prefetch"] == {"patient": "Patient/{{context.patientId}}",
                                   "conditions": "Condition?patient={{context.patientId}}"}
    assert "context.caseProfile" in service["usageRequirements"]


@pytest.mark.parametrize("name", sorted(CLASSIFY_CASES))
def test_cds_service_answers_the_cards_of_the_case(client: TestClient, name: str) -> None:
    profile = CLASSIFY_CASES[name][0]
    response = _post_json(client, f"/cds-services/{CDS_SERVICE}", cds_request(profile),
                          headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 200, response.text
    assert CORS.items() <= response.headers.items()
    body = response.json()
    result = decision_api.classify(profile)
    expected: dict[str, Any] = decision_cards.to_cards(result, "http://127.0.0.1/", "1288992")
    if result.ignored:  # what could not be used, in the response's extension
        expected["extension"] = {"org.w3id.milia-kg.ignored": [{"field": i["field"], "reason": i["reason"]}
                                                               for i in result.ignored]}
    assert without_uuids(body) == without_uuids(_plain(expected))
    seed = " ".join(resources.seed_text().split())
    for card in body["cards"]:
        assert len(card["summary"]) < 140
        assert card["indicator"] in {"info", "warning", "critical"}
        # the page URL is read from the graph (bibo:uri, verified: docs/identifier-verification.md)
        assert {k: v for k, v in card["source"].items() if k != "topic"} == {
            "label": "Cleveland Clinic: Milia (patient-education page)",
            "url": "https://my.clevelandclinic.org/health/diseases/17868-milia"}
        for quoted in card["detail"].split('"')[1::2]:
            assert " ".join(quoted.split()) in seed
    assert [c["indicator"] for c in body["cards"]].count("warning") == 1


def test_cds_service_ignores_prefetch_and_takes_a_minimal_request(client: TestClient) -> None:
    minimal = {"hook": "patient-view", "hookInstance": "1", "context": {"caseProfile": {"age_years": 30}}}
    full = cds_request({"age_years": 30}, prefetch={"patient": {"resourceType": "Patient", "id": "1"}},
                       fhirAuthorization={"access_token": "x", "token_type": "Bearer"})
    answers = [_post_json(client, f"/cds-services/{CDS_SERVICE}", body).json() for body in (minimal, full)]
    expected = decision_cards.to_cards(decision_api.classify({"age_years": 30}), "http://127.0.0.1/")
    assert without_uuids(answers[0]) == without_uuids(answers[1]) == without_uuids(_plain(expected))


@pytest.mark.parametrize(("body", "status", "kind", "field", "message"), [
    (cds_request(hook="order-select"), 400, "bad_cds_request", "hook",
     "CDS Hooks request: hook: this service answers hook 'patient-view', got 'order-select'"),
    ({"hookInstance": "1", "context": {}}, 400, "bad_cds_request", "hook",
     "CDS Hooks request: hook: this service answers hook 'patient-view', got missing"),
    (cds_request(hookInstance=""), 400, "bad_cds_request", "hookInstance",
     "CDS Hooks request: hookInstance: required: a string (a UUID for this hook call)"),
    (cds_request(hookInstance=7), 400, "bad_cds_request", "hookInstance",
     "CDS Hooks request: hookInstance: required: a string (a UUID for this hook call)"),
    (cds_request(context=None), 400, "bad_cds_request", "context", "CDS Hooks request: context: required: an object"),
    (cds_request(context={"userId": "Practitioner/1"}), 400, "bad_cds_request", "context.patientId",
     "CDS Hooks request: context.patientId: required for patient-view: the FHIR Patient.id of the patient in context"),
    (cds_request(context={"patientId": 1, "caseProfile": {}}), 400, "bad_cds_request", "context.patientId",
     "CDS Hooks request: context.patientId: expected a string"),
    (cds_request(prefetch=[]), 400, "bad_cds_request", "prefetch", "CDS Hooks request: prefetch: expected an object"),
    (cds_request(fhirServer=3), 400, "bad_cds_request", "fhirServer", "CDS Hooks request: fhirServer: expected a string"),
    (["patient-view"], 400, "bad_cds_request", "", "CDS Hooks request: expected a JSON object, got list"),
    (b'{"hook": "patient-view",', 400, "bad_cds_request", "",
     "CDS Hooks request: not JSON (Expecting property name enclosed in double quotes at line 1 column 25)"),
    (cds_request({"age_years": "old"}), 400, "bad_profile", "context.caseProfile.age_years",
     "case profile: context.caseProfile.age_years: 'old' is not of type 'number'"),
    (cds_request({"age_years": 3, "sites": [3]}), 400, "bad_profile", "context.caseProfile.sites[0]", None),
    (cds_request("a case"), 400, "bad_profile", "context.caseProfile",
     "case profile: context.caseProfile: expected a JSON object, got str"),
    (b"{" + b" " * 2**20 + b"}", 413, "payload_too_large", None, "the body has 1048578 bytes; at most 1048576 are taken"),
])
def test_cds_service_refuses_malformed_requests(client: TestClient, body: Any, status: int, kind: str,
                                                field: str | None, message: str | None) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post(f"/cds-services/{CDS_SERVICE}", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == status, response.text
    assert CORS.items() <= response.headers.items()  # a browser client can read the error too
    data = response.json()
    assert (data["error"], data["status"], data.get("field")) == (kind, status, field)
    if message is not None:
        assert data["message"] == message
    assert "\n" not in data["message"]


@pytest.mark.parametrize(("method", "path", "status", "kind", "message"), [
    ("post", "/cds-services/milia-kg", 404, "unknown_service",
     "no CDS service 'milia-kg'; this server offers 'milia-kg-classify'"),
    ("post", "/cds-services/", 405, "method_not_allowed", "POST is not allowed on /cds-services"),  # slash redirected
    ("get", f"/cds-services/{CDS_SERVICE}", 405, "method_not_allowed", f"GET is not allowed on /cds-services/{CDS_SERVICE}"),
    ("post", "/cds-services", 405, "method_not_allowed", "POST is not allowed on /cds-services"),
])
def test_cds_unknown_services_and_methods(client: TestClient, method: str, path: str, status: int, kind: str,
                                          message: str) -> None:
    response = getattr(client, method)(path, **({"json": cds_request()} if method == "post" else {}))
    assert error_of(response, status, kind) == message
    assert CORS.items() <= response.headers.items()


def test_cds_service_wants_json(client: TestClient) -> None:
    response = client.post(f"/cds-services/{CDS_SERVICE}", content=b"hook=patient-view",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert error_of(response, 415, "unsupported_media_type") == (
        "POST a CDS Hooks request as application/json, not application/x-www-form-urlencoded")


@pytest.mark.parametrize("path", ["/cds-services", f"/cds-services/{CDS_SERVICE}"])
def test_cds_cors_preflight(client: TestClient, path: str) -> None:
    response = client.options(path, headers={"Origin": "https://ehr.example", "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type, authorization"})
    assert response.status_code == 204
    assert response.content == b""
    assert CORS.items() <= response.headers.items()


def test_other_routes_have_the_servers_cors_policy_not_the_cds_one(client: TestClient) -> None:
    """The default --cors '*' (tests/serve/test_headers.py covers the policy); CDS headers stay on CDS routes."""
    for response in (client.get("/health"), _post_json(client, "/api/classify", {"age_years": 3})):
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-headers" not in response.headers
    assert client.options("/api/classify").status_code == 405  # not a preflight: no Origin


# ----------------------------------------------------------------------------- the rest


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {
        "status": "ok", "triples": len(KnowledgeGraph.open().backend.store),
        "timeout": DEFAULT_TIMEOUT, "max_rows": DEFAULT_MAX_ROWS,
    }


def test_openapi_is_valid_and_lists_every_route(client: TestClient) -> None:
    """The OpenAPI document and the app's routes agree both ways (path and method; HEAD is the
    middleware's, headers.py), and every request body is described by a schema, not a bare object."""
    from openapi_spec_validator import validate

    document = client.get("/openapi.json").json()
    validate(document)
    listed = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    assert listed == {
        ("/sparql", "GET"), ("/sparql", "POST"), ("/api/queries", "GET"),
        ("/api/queries/{name}", "GET"), ("/health", "GET"), ("/", "GET"),
        ("/api/classify", "POST"), ("/cds-services", "GET"), ("/cds-services/{service_id}", "POST"),
        ("/cds-services/{service_id}/feedback", "POST"),
        ("/static/{path}", "GET"), ("/entity/{reference}", "GET"), ("/{name}", "GET"),
        ("/api/values/{param}", "GET"), ("/docs", "GET"), ("/schemas/case-profile.schema.json", "GET"),
        ("/api/queries/{name}/sparql", "GET"),
    }
    served = {(route.path.replace(":path}", "}"), m) for route in client.app.routes for m in getattr(route, "methods", ())
              if route.path != "/openapi.json"}
    assert served - {(p, "HEAD") for p, _ in served} == listed
    bodies = {(path, media): content["schema"] for path, item in document["paths"].items() for op in item.values()
              for media, content in op.get("requestBody", {}).get("content", {}).items()}
    assert set(bodies) == {
        ("/sparql", "application/x-www-form-urlencoded"), ("/sparql", "application/sparql-query"),
        ("/api/classify", "application/json"), ("/api/classify", "application/x-ndjson"),
        ("/cds-services/{service_id}", "application/json"),
    }
    assert bodies[("/sparql", "application/x-www-form-urlencoded")]["properties"]["query"] == {
        "type": "string", "description": "the SPARQL query"}
    profile_ref = {"$ref": "#/components/schemas/CaseProfile"}
    assert profile_ref in bodies[("/api/classify", "application/json")]["anyOf"]
    assert profile_ref in bodies[("/cds-services/{service_id}", "application/json")]["properties"]["context"][
        "properties"]["caseProfile"]["anyOf"]
    shipped = json.loads((REPO / "milia_kg" / "decision" / "schemas" / "case-profile.schema.json").read_text())
    component = dict(document["components"]["schemas"]["CaseProfile"])
    assert component.pop("externalDocs")["url"] == "/schemas/case-profile.schema.json"
    assert component == {k: v for k, v in shipped.items() if k not in ("$schema", "$id")}
    assert [p["name"] for p in document["paths"]["/sparql"]["get"]["parameters"]] == ["query", "format", "output"]


def test_case_profile_schema_is_served_at_the_path_of_its_id(client: TestClient) -> None:
    path = REPO / "milia_kg" / "decision" / "schemas" / "case-profile.schema.json"
    response = client.get("/schemas/case-profile.schema.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json"
    assert response.content == path.read_bytes()
    assert json.loads(path.read_text())["$id"] == "https://w3id.org/milia-kg/schemas/case-profile.schema.json"


def test_docs_page_loads_swagger_ui_from_the_package(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert re.findall(r'<script src="([^"]+)"', page.text) == ["static/vendor/swagger-ui/swagger-ui-bundle.js",
                                                              "static/docs.js"]
    assert "<script>" not in page.text and not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)
    vendor = WEB / "vendor" / "swagger-ui"
    sums = dict(reversed(line.split("  ")) for line in (vendor / "SHA256SUMS").read_text().splitlines())
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        body = client.get(f"/static/vendor/swagger-ui/{name}").content
        assert hashlib.sha256(body).hexdigest() == sums[name]
    assert "Apache License" in client.get("/static/vendor/swagger-ui/LICENSE.txt").text
    assert client.get("/static/vendor/swagger-ui/NOTICE.txt").text.startswith("swagger-ui\nCopyright")
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN page is off


def test_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    for name in load_catalogue():
        assert f'id="form-{name}"' in page
        assert f'<option value="{name}"{" selected" if name == "conditions_at_site" else ""}>' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from elsewhere
    assert "$" not in page.replace("$$", "")  # every template placeholder filled
    # the editor: YASGUI from the package, pre-filled from the catalogue island (every query's text)
    assert re.findall(r'<script src="([^"]+)"', page) == ["static/vendor/yasgui/yasgui.min.js", "static/cards.js",
                                                           "static/page.js"]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page) == [
        "static/vendor/yasgui/yasgui.min.css", "static/page.css"]
    island = json.loads(re.search(r'<script type="application/json" id="catalogue">(.*?)</script>', page, re.S).group(1))
    kg = KnowledgeGraph.open()
    assert island["default"] == "conditions_at_site"
    assert island["prefixes"]["mkg"] == "https://w3id.org/milia-kg/"
    assert island["queries"] == {q.name: {"summary": q.summary, "text": q.text,
                                          "example": kg.bound_text(q, **dict(q.example))}
                                 for q in load_catalogue().values()}
    for name, entry in island["queries"].items():  # each example answers on the served graph (but HPO's)
        rows = client.post("/sparql", content=entry["example"], headers={
            "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}).json()
        assert bool(rows["results"]["bindings"]) == (name != "associated_disorders"), name
    profile = re.search(r'<textarea id="classify-profile"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert client.post("/api/classify", content=html.unescape(profile).encode(),
                       headers={"Content-Type": "application/json"}).status_code == 200


WEB = REPO / "milia_kg" / "serve" / "web"


def test_bound_query_text(client: TestClient) -> None:
    """A canned query's SPARQL with a value typed as a label: bound as the resolved IRI, the rest of the
    text as in the catalogue; a value that resolves to nothing is a 400, never pasted in."""
    text = load_catalogue()["body_sites"].text
    response = client.get("/api/queries/body_sites/sparql", params={"condition": "primary milia"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-query; charset=utf-8"
    offset = text.index("{", text.index("WHERE")) + 1
    assert response.text == text[:offset] + " BIND(<https://w3id.org/milia-kg/PrimaryMilia> AS ?condition)" + text[offset:]
    hostile = client.get("/api/queries/body_sites/sparql", params={"condition": "x> } ; DROP ALL ; #"})
    assert hostile.status_code == 400 and hostile.json()["error"] == "bad_parameter"
    assert "DROP" not in client.get("/api/queries/body_sites/sparql").text  # no value: the bare text
    assert client.get("/api/queries/body_sites/sparql").text == text
    assert client.get("/api/queries/nope/sparql").status_code == 404
    twice = client.get("/api/queries/body_sites/sparql?condition=milia&condition=milia")
    assert twice.status_code == 400


@pytest.mark.parametrize(("path", "media"), [
    ("vendor/yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    ("vendor/yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    ("vendor/yasgui/LICENSE.txt", "text/plain; charset=utf-8"),
    ("vendor/yasgui/yasgui.min.js.LICENSE.txt", "text/plain; charset=utf-8"),
    ("vendor/yasgui/README.md", "text/markdown; charset=utf-8"),
    ("page.js", "text/javascript; charset=utf-8"),
    ("cards.js", "text/javascript; charset=utf-8"),
    ("page.css", "text/css; charset=utf-8"),
])
def test_static_files_are_the_packaged_bytes(client: TestClient, path: str, media: str) -> None:
    response = client.get("/static/" + path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media
    assert response.content == (WEB / path).read_bytes()


def test_vendored_yasgui_matches_its_checksums_and_licence() -> None:
    import hashlib

    folder = WEB / "vendor" / "yasgui"
    sums = dict(reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert (folder / "LICENSE.txt").read_text().startswith("The MIT License (MIT)")
    readme = (folder / "README.md").read_text()
    assert "**4.2.28**" in readme and "`npm pack @triply/yasgui@4.2.28`" in readme and "scripts/fetch-yasgui" in readme


@pytest.mark.parametrize(("path", "message"), [
    ("page.html", "no static file page.html"),  # the template is the page, not a file to serve
    ("vendor/yasgui/SHA256SUMS", "no static file vendor/yasgui/SHA256SUMS"),
    ("vendor/yasgui/yasgui.min.js.map", "no static file vendor/yasgui/yasgui.min.js.map"),
    ("nope.js", "no static file nope.js"),
    ("%2e%2e/serve.py", "no static file ../serve.py"),
    ("vendor/../../serve.py", "no route /serve.py"),  # the client resolves the dots before sending
    ("/etc/passwd", "no static file /etc/passwd"),
])
def test_static_refuses_what_it_does_not_serve(client: TestClient, path: str, message: str) -> None:
    assert error_of(client.get("/static/" + path), 404, "not_found") == message


def test_one_log_line_per_request(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    client.get("/health")
    client.get("/api/queries/nope")
    client.post("/sparql", data={"update": "CLEAR ALL"})
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3
    for line, (method, path, status) in zip(lines, [("GET", "/health", 200), ("GET", "/api/queries/nope", 404),
                                                   ("POST", "/sparql", 403)], strict=True):
        assert re.fullmatch(rf"milia-kg serve: {method} {re.escape(path)} {status} \d+\.\d ms", line), line


# ----------------------------------------------------------------------------- the real command


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "milia_kg", *args], capture_output=True, text=True,
                          timeout=60, cwd=REPO)


def test_serve_command_starts_answers_and_stops() -> None:
    with served("--timeout", "5", "--max-rows", "500") as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/health", timeout=10) as response:
            health = json.load(response)
        assert (health["status"], health["timeout"], health["max_rows"]) == ("ok", 5, 500)
        process = server.process
    assert process.returncode == 0
    assert server.log[0] == f"milia-kg serve: listening on {server.url}/ (SPARQL at /sparql; 5 s and 500 rows a query)"
    assert re.fullmatch(r"milia-kg serve: GET /health 200 \d+\.\d ms", server.log[-2])
    assert server.log[-1] == "milia-kg serve: stopped"


def test_serve_refuses_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = _cli("serve", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"milia-kg: error: cannot listen on 127.0.0.1:{port}: Address already in use"


@pytest.mark.parametrize(("args", "fragment"), [
    (["--timeout", "0"], "parameter 'timeout' = 0.0: must be a positive number"),
    (["--max-rows", "-1"], "parameter 'max_rows' = -1: must be a positive number"),
    (["--port", "70000"], "70000 is not in the range 0<=x<=65535"),
])
def test_serve_bad_options(args: list[str], fragment: str) -> None:
    result = _cli("serve", "--port", "0", *args)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("milia-kg: error: ") and fragment in line


@pytest.mark.slow
def test_short_load_has_no_errors() -> None:
    """Concurrent clients get no error; the per-query timeout is raised so that a machine busy with
    other work measures concurrency here, not the (separately tested) timeout. It stays below the
    client's 60 s, so a request that hangs is answered, and logged, by the server before the client
    gives up: one CI run saw a POST time out at 60 s with nothing logged under a 120 s limit, which
    17,500 requests here in 25 runs of 4-20 clients (issue 23, docs/security.md) did not reproduce."""
    with served("--timeout", "45") as server:
        report = load(server.url, clients=4, seconds=3)
    assert report.errors == [], [line for line in server.log if " 200 " not in line][:20]
    assert report.requests > 20
