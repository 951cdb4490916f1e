"""Missing CDS Hooks prefetch is fetched only from a fhirServer the operator allows, with the call's
bearer token, never following a redirect and never logging the token (a FHIR server on loopback,
started and stopped by the test)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

from milia_kg.errors import EndpointError
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve import cds
from milia_kg.serve.app import create_app
from milia_kg.serve.cds_fetch import FhirFetcher
from milia_kg.serve.http import HTTPError

TOKEN = "secret-fhir-access-token-5d1c"
PATIENT = {"resourceType": "Patient", "id": "p 1", "gender": "female", "birthDate": "1980-05-05"}
CONDITIONS = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {
    "resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p 1"},
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254679001"}]}}}]}


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path.startswith("/fhir/Patient/"):
            body = PATIENT
        elif self.path.startswith("/fhir/Condition?"):
            body = CONDITIONS
        else:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def fhir_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/fhir"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def client(fhir_server: str) -> Iterator[TestClient]:
    _Handler.seen.clear()
    cds.use_fhir_servers(FhirFetcher([fhir_server]))
    try:
        yield TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1")
    finally:
        cds.use_fhir_servers(None)


def _call(server: str, prefetch: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"hook": "patient-view", "hookInstance": "8f0e1c9a-1d5b-4c1e-9d57-2f1a3a9b7c44", "fhirServer": server,
            "fhirAuthorization": {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 300,
                                  "scope": "user/Patient.read user/Condition.read", "subject": "milia-kg"},
            "context": {"userId": "Practitioner/1", "patientId": "p 1"}, **({"prefetch": prefetch} if prefetch else {})}


def test_missing_prefetch_is_fetched_from_an_allowed_server(client: TestClient, fhir_server: str,
                                                            capfd: pytest.CaptureFixture[str]) -> None:
    response = client.post("/cds-services/milia-kg-classify", json=_call(fhir_server))
    assert response.status_code == 200, response.text
    assert response.json()["cards"][0]["summary"] == "Milia: no subtype's definition is met by the observations"
    assert sorted(_Handler.seen) == [("/fhir/Condition?patient=p%201", f"Bearer {TOKEN}"),
                                     ("/fhir/Patient/p%201", f"Bearer {TOKEN}")]
    assert TOKEN not in "".join(capfd.readouterr())


def test_only_what_is_missing_is_fetched(client: TestClient, fhir_server: str) -> None:
    response = client.post("/cds-services/milia-kg-classify", json=_call(fhir_server, {"patient": PATIENT}))
    assert response.status_code == 200
    assert [path for path, _ in _Handler.seen] == ["/fhir/Condition?patient=p%201"]


def test_a_server_not_allowed_is_never_called(client: TestClient, fhir_server: str,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    other = fhir_server.replace("/fhir", "/other-fhir")
    response = client.post("/cds-services/milia-kg-classify", json=_call(other))
    assert (response.status_code, response.json(), _Handler.seen) == (200, {"cards": []}, [])
    err = capfd.readouterr().err
    assert f"CDS prefetch patient, conditions not fetched: fhirServer {other} is not allowed" in err
    assert TOKEN not in err


def test_nothing_is_fetched_by_default(fhir_server: str) -> None:
    _Handler.seen.clear()
    response = TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1").post("/cds-services/milia-kg-classify",
                                                                   json=_call(fhir_server))
    assert (response.status_code, response.json(), _Handler.seen) == (200, {"cards": []}, [])


def test_a_redirect_is_not_followed_and_the_token_stays_out_of_the_error(fhir_server: str) -> None:
    fetcher = FhirFetcher([fhir_server.replace("/fhir", "/moved")])
    with pytest.raises(HTTPError) as caught:
        fetcher.complete(_call(fhir_server.replace("/fhir", "/moved")))
    assert (caught.value.status, caught.value.kind) == (503, "fhir_server_failed")
    assert "HTTP 302" in str(caught.value) and TOKEN not in str(caught.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://", "http://ehr.example/fhir base"])
def test_server_urls_follow_the_url_policy(url: str) -> None:
    with pytest.raises(EndpointError):
        FhirFetcher([url])


def test_a_dripping_fhir_server_costs_the_time_limit_not_more() -> None:
    """The fetch has a total time limit, not a per-read one (the project's one HTTP client): a server
    that drips a byte every half second gets a 503 at the limit, the token still out of the error."""
    import time

    from stores import FaultyServer

    server = FaultyServer("drip")
    try:
        fetcher = FhirFetcher([server.url], timeout=1.0)
        started = time.monotonic()
        with pytest.raises(HTTPError) as caught:
            fetcher.complete(_call(server.url))
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert (caught.value.status, caught.value.kind) == (503, "fhir_server_failed")
    assert str(caught.value).endswith("from the fhirServer: no answer within 1 s") and TOKEN not in str(caught.value)
    assert elapsed < 2.5
    assert [r[1] for r in server.requests] == ["/sparql/Patient/p%201"]  # the first fetch; its limit ends the call
