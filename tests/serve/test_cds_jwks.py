"""The EHR's JWK Set by URL (CDS Hooks 2.0: "an allowlist of iss and jku urls"): fetched only from an
allowed URL through the project's URL policy, kept for a bounded time, fetched again for an unknown
``kid`` at most once per interval, and a server that is down or hangs gives a 503 saying why, never a
hang (a JWK Set server on loopback, started and stopped by the test)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient

from milia_kg.cli import main
from milia_kg.errors import MiliaKGError
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve import cds
from milia_kg.serve.app import create_app
from milia_kg.serve.cds_auth import Verifier
from milia_kg.serve.cds_jwks import KeyRing, RemoteKeys
from milia_kg.serve.http import HTTPError

SERVICE = "/cds-services/milia-kg-classify"
AUD = f"http://127.0.0.1{SERVICE}"
ISSUER = "https://ehr.example/fhir"
KEY = ec.generate_private_key(ec.SECP256R1())
ROTATED = rsa.generate_private_key(public_exponent=65537, key_size=2048)
REQUEST = {"hook": "patient-view", "hookInstance": "0c8c52a1-0f6d-4f7e-a3a4-3d0e9b7f1a22",
           "context": {"userId": "Practitioner/1", "patientId": "p1"}, "prefetch": {}}


def public_jwk(key: Any, kid: str) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256"}
    return {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "ES256"}


class _JwksHandler(BaseHTTPRequestHandler):
    """Serves ``/jwks.json`` (the current set), ``/moved`` (a redirect elsewhere), ``/huge`` (too large),
    ``/slow`` (headers never sent), ``/drip`` (the status line a byte every half second), ``/notjson``;
    counts the requests it gets."""

    keys: ClassVar[list[dict[str, Any]]] = []
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path == "/slow":
            time.sleep(5)
            return
        if self.path == "/drip":
            with contextlib.suppress(OSError):  # the client hangs up at its deadline
                for byte in b"HTTP/1.1 200 OK\r\n":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.5)
            return
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/jwks.json")
            self.end_headers()
            return
        body = {"/jwks.json": json.dumps({"keys": self.keys}).encode(), "/huge": b" " * (300 * 1024) + b"{}",
                "/notjson": b"<html>sign in</html>"}.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def jwks_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JwksHandler)
    server.daemon_threads, server.block_on_close = True, False  # /slow's thread is not waited for
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def base(jwks_server: str) -> Iterator[str]:
    _JwksHandler.keys[:] = [public_jwk(KEY, "ehr-1")]
    _JwksHandler.hits.clear()
    yield jwks_server
    cds.use_jwt(None)


def token(key: Any = KEY, alg: str = "ES256", kid: str = "ehr-1", jku: str | None = None, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUD, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4()), **claims}
    headers = {"kid": kid, "typ": "JWT", **({"jku": jku} if jku else {})}
    return jwt.encode(payload, key, algorithm=alg, headers=headers)


def serve_with(*remote: RemoteKeys) -> TestClient:
    cds.use_jwt(Verifier(KeyRing(remote=remote), [ISSUER]))
    return TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1")


def call(client: TestClient, bearer: str) -> Any:
    return client.post(SERVICE, content=json.dumps(REQUEST),
                       headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"})


def refused(response: Any, status: int, kind: str, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"error": kind, "message": f"CDS Hooks authorization: {message}", "status": status}


def test_a_good_token_is_checked_against_the_fetched_set_which_is_then_kept(base: str) -> None:
    url = f"{base}/jwks.json"
    client = serve_with(RemoteKeys(url))
    assert (call(client, token()).status_code, call(client, token(jku=url)).status_code) == (200, 200)
    assert _JwksHandler.hits == ["/jwks.json"]  # fetched once, then kept


@pytest.mark.parametrize(("make", "status", "message"), [
    (lambda: token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200), 401, "the JWT has expired"),
    (lambda: token(aud="https://elsewhere.example/cds-services/milia-kg-classify"), 401,
     f"the JWT's aud is not this endpoint ({AUD})"),
    (lambda: token(key=None, alg="none"), 401, "alg 'none' is not accepted (asymmetric signatures only)"),
    (lambda: token(key=ec.generate_private_key(ec.SECP256R1())), 401,
     "the JWT is not valid (Signature verification failed)"),
], ids=["expired", "wrong-audience", "unsigned", "wrong-key"])
def test_bad_tokens_get_401(base: str, make: Any, status: int, message: str) -> None:
    refused(call(serve_with(RemoteKeys(f"{base}/jwks.json")), make()), status, "unauthorized", message)


def test_an_unknown_kid_refetches_at_most_once_an_interval(base: str) -> None:
    now = [1000.0]
    client = serve_with(RemoteKeys(f"{base}/jwks.json", refresh_every=30, clock=lambda: now[0]))
    assert call(client, token()).status_code == 200
    unknown = "kid 'made-up' is not in the configured JWK Set"
    now[0] += 10
    refused(call(client, token(kid="made-up")), 401, "unauthorized", unknown)
    assert len(_JwksHandler.hits) == 1  # fetched 10 s ago: not again
    now[0] += 25
    for _ in range(5):
        refused(call(client, token(kid="made-up")), 401, "unauthorized", unknown)
    assert len(_JwksHandler.hits) == 2  # 35 s after the first fetch: once more, then no more
    assert call(client, token()).status_code == 200 and len(_JwksHandler.hits) == 2


def test_a_rotated_key_is_found_by_fetching_again(base: str) -> None:
    client = serve_with(RemoteKeys(f"{base}/jwks.json", refresh_every=0))
    assert call(client, token()).status_code == 200
    _JwksHandler.keys[:] = [public_jwk(ROTATED, "ehr-2")]  # the EHR rotates its key
    assert call(client, token(key=ROTATED, alg="RS256", kid="ehr-2")).status_code == 200
    assert _JwksHandler.hits == ["/jwks.json", "/jwks.json"]


def test_a_jku_not_on_the_allow_list_is_never_fetched(base: str) -> None:
    client = serve_with(RemoteKeys(f"{base}/jwks.json"))
    rogue = f"{base}/rogue/jwks.json"
    refused(call(client, token(jku=rogue)), 401, "unauthorized",
            f"jku '{rogue}' is not on the allow-list (--cds-jwks URL)")
    assert _JwksHandler.hits == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("path", "reason"), [
    (None, "unreachable (connection refused)"),
    ("/slow", "no answer within 1 s"),
    ("/drip", "no answer within 1 s"),
    ("/moved", "HTTP 302 redirected to http://127.0.0.2:9/jwks.json, which is not followed (give the final URL)"),
    ("/huge", "response larger than 262144 bytes"),
    ("/notjson", "the answer is not JSON"),
    ("/missing", "HTTP 404 Not Found"),
], ids=["down", "hangs", "drips", "redirect", "too-large", "not-json", "not-found"])
def test_a_set_that_cannot_be_fetched_is_a_503_with_the_reason_never_a_hang(base: str, path: str | None,
                                                                             reason: str) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/jwks.json" if path is None else base + path
    client = serve_with(RemoteKeys(url, seconds=1))
    start = time.monotonic()
    refused(call(client, token()), 503, "jwks_unavailable",
            f"the JWK Set at {url} could not be fetched ({reason}); try again later")
    assert time.monotonic() - start < 3
    assert not [hit for hit in _JwksHandler.hits if hit not in (path, None)]  # no redirect followed


def test_the_kept_set_expires_and_is_not_used_past_its_lifetime(base: str) -> None:
    now = [1000.0]
    keys = RemoteKeys(f"{base}/jwks.json", max_age=300, refresh_every=30, clock=lambda: now[0])
    assert keys.key("ehr-1") is not None
    now[0] += 299
    assert keys.key("ehr-1") is not None and keys.fetches == 1  # still within its lifetime
    now[0] += 2
    assert keys.key("ehr-1") is not None and keys.fetches == 2  # expired: fetched again
    _JwksHandler.keys[:] = []  # the EHR now publishes no usable key: the fetch fails
    now[0] += 301
    with pytest.raises(HTTPError) as caught:
        keys.key("ehr-1")
    assert (caught.value.status, keys.fetches) == (503, 3)
    assert caught.value.message == (f"CDS Hooks authorization: the JWK Set at {base}/jwks.json could not be fetched"
                                    " (the answer: the JWK Set has no usable key: The JWK Set did not contain any"
                                    " keys); try again later")
    with pytest.raises(HTTPError):
        keys.key("ehr-1")  # within the interval: refused without another fetch
    assert keys.fetches == 3


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://127.0.0.1/jwks.json", "only http:// and https:// endpoints are accepted"),
    ("file:///etc/passwd", "only http:// and https:// endpoints are accepted"),
    ("http:///jwks.json", "the URL names no host"),
])
def test_a_url_the_policy_refuses_stops_serve_at_startup_in_one_line(url: str, reason: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--cds-jwks", url])
    assert (result.exit_code, result.stderr) == (2, f"milia-kg: error: --cds-jwks {url}: {reason}\n")


def test_a_url_with_a_control_character_is_refused() -> None:
    with pytest.raises(MiliaKGError, match="whitespace or a control character"):
        KeyRing.from_options(["https://ehr.example/jwks.json\r\nX-Injected: 1"])
