"""The shared header policy of ``milia-kg serve`` (milia_kg/serve/headers.py): HEAD, 405 with
``Allow``, ``Vary: Accept``, one CORS policy on every route but /cds-services, CSP and nosniff."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import create_app
from milia_kg.serve.headers import HTML_CSP, CorsPolicy

READ_ROUTES = ["/sparql?query=ASK%20%7B%7D", "/api/queries", "/api/queries/subtypes", "/health", "/openapi.json"]


def make_client(cors: CorsPolicy | None = None) -> TestClient:
    return TestClient(create_app(KnowledgeGraph.open().with_limits(timeout=10, max_rows=10_000), cors=cors), base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return make_client()


@pytest.mark.parametrize("path", [*READ_ROUTES, "/", "/static/page.js"])
def test_head_is_get_without_the_body(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert (get.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("PUT", "/sparql", "GET, HEAD, POST, OPTIONS"),
    ("DELETE", "/sparql", "GET, HEAD, POST, OPTIONS"),
    ("POST", "/health", "GET, HEAD, OPTIONS"),
    ("GET", "/api/classify", "POST, OPTIONS"),
])
def test_405_names_the_allowed_methods(client: TestClient, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("path", READ_ROUTES)
def test_negotiated_answers_vary_on_accept_and_are_not_sniffed(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["vary"] == "Accept"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", READ_ROUTES)
def test_any_origin_by_default_on_every_read_route(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Origin": "https://lab.example"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_listed_origin_is_echoed_and_another_gets_nothing() -> None:
    listed = make_client(CorsPolicy.parse("https://lab.example, https://other.example/"))
    for path in READ_ROUTES:
        ok = listed.get(path, headers={"Origin": "https://other.example"})
        assert ok.headers["access-control-allow-origin"] == "https://other.example"
        assert ok.headers["vary"] == "Accept, Origin"
        stranger = listed.get(path, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in stranger.headers
    preflight = listed.options("/sparql", headers={"Origin": "https://lab.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "GET, HEAD, POST, OPTIONS"
    assert preflight.headers["access-control-allow-headers"] == "Accept, Content-Type"


def test_cors_can_be_turned_off_but_cds_keeps_its_own() -> None:
    closed = make_client(CorsPolicy.parse(""))
    response = closed.get("/sparql?query=ASK%20%7B%7D", headers={"Origin": "https://lab.example"})
    assert "access-control-allow-origin" not in response.headers
    assert closed.options("/sparql", headers={"Origin": "https://lab.example",
                                              "Access-Control-Request-Method": "GET"}).status_code == 405
    assert closed.get("/cds-services").headers["access-control-allow-origin"] == "*"


def test_html_has_a_content_security_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers["content-security-policy"] == HTML_CSP
    assert "frame-ancestors 'none'" in HTML_CSP and "script-src 'self';" in HTML_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in client.get("/docs").headers["content-security-policy"]


def test_head_on_a_real_server_keeps_the_connection_usable(served_graph: Any) -> None:
    """HEAD then GET on one keep-alive connection to uvicorn: no body after HEAD, the same length."""
    import http.client
    import urllib.parse

    server = served_graph  # the session's (tests/conftest.py): its log read from here on
    mark = len(server.log)
    address = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    for path in ("/health", "/sparql?query=ASK%7B%7D", "/PrimaryMilia"):
        connection.request("HEAD", path)
        head = connection.getresponse()
        head_body = head.read()
        connection.request("GET", path)
        get = connection.getresponse()
        get_body = get.read()
        assert (head.status, get.status, head_body) == (200, 200, b""), path
        assert head.getheader("content-length") == get.getheader("content-length") == str(len(get_body))
    connection.close()
    assert any(line.startswith("milia-kg serve: HEAD /PrimaryMilia 200 ") for line in server.log[mark:])
