"""The CDS Hooks JWT check (CDS Hooks 2.0, "Trusting CDS Clients"): good, expired, wrong-audience,
unsigned, symmetric, unknown-key, replayed and missing tokens, on the service and its feedback."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from milia_kg.cli import main
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve import cds
from milia_kg.serve.app import create_app
from milia_kg.serve.cds_auth import Verifier

URL = "http://127.0.0.1/cds-services/milia-kg-classify"
ISSUER = "https://ehr.example/fhir"
KEY = ec.generate_private_key(ec.SECP384R1())
OTHER_KEY = ec.generate_private_key(ec.SECP384R1())
REQUEST = {"hook": "patient-view", "hookInstance": "2d9c1a1e-3c57-4b77-8f35-7c9bb4a6b0a1",
           "context": {"userId": "Practitioner/1", "patientId": "p1"}, "prefetch": {}}


def jwks() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(KEY.public_key()))
    return {"keys": [{**public, "kid": "ehr-key-1", "alg": "ES384", "use": "sig"}]}


def token(key: Any = KEY, alg: str = "ES384", kid: str = "ehr-key-1", **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": URL, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4()), **claims}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm=alg,
                      headers={"kid": kid, "typ": "JWT"})


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    cds.use_jwt(Verifier(jwks(), [ISSUER]))
    try:
        yield TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1")
    finally:
        cds.use_jwt(None)


def call(client: TestClient, bearer: str | None, path: str = "/cds-services/milia-kg-classify",
         body: Any = REQUEST) -> Any:
    headers = {"Content-Type": "application/json", **({"Authorization": bearer} if bearer is not None else {})}
    return client.post(path, content=json.dumps(body), headers=headers)


def test_a_good_token_is_accepted(client: TestClient) -> None:
    response = call(client, f"Bearer {token()}")
    assert (response.status_code, response.json()) == (200, {"cards": []})


def test_feedback_needs_a_token_for_its_own_url(client: TestClient) -> None:
    body = {"feedback": [{"card": str(uuid.uuid4()), "outcome": "overridden", "outcomeTimestamp": "2026-12-06T14:00:00Z"}]}
    path = "/cds-services/milia-kg-classify/feedback"
    assert call(client, f"Bearer {token(aud=URL + '/feedback')}", path, body).status_code == 200
    assert call(client, f"Bearer {token()}", path, body).status_code == 401  # the service's aud, not the feedback's


def _unsigned() -> str:
    return token(key=None, alg="none")


@pytest.mark.parametrize(("bearer", "reason"), [
    (lambda: f"Bearer {token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)}", "the JWT has expired"),
    (lambda: f"Bearer {token(aud='https://elsewhere.example/cds-services/milia-kg-classify')}",
     f"the JWT's aud is not this endpoint ({URL})"),
    (lambda: f"Bearer {_unsigned()}", "alg 'none' is not accepted (asymmetric signatures only)"),
    (lambda: f"Bearer {token(key='a-shared-secret-of-enough-length-for-hmac', alg='HS256')}",
     "alg 'HS256' is not accepted (asymmetric signatures only)"),
    (lambda: f"Bearer {token(key=OTHER_KEY)}", "the JWT is not valid (Signature verification failed)"),
    (lambda: f"Bearer {token(kid='someone-else')}", "kid 'someone-else' is not in the configured JWK Set"),
    (lambda: f"Bearer {jwt.encode({'iss': ISSUER, 'aud': URL}, KEY, algorithm='ES384')}", "the JWT header names no kid"),
    (lambda: f"Bearer {token(iss='https://rogue.example')}", "iss 'https://rogue.example' is not an allowed issuer"),
    (lambda: f"Bearer {token(jti=None)}", "the JWT lacks the jti claim"),
    (lambda: "Bearer not.a.jwt", "the bearer token is not a JWT"),
    (lambda: "Basic dXNlcjpwYXNz", "an Authorization: Bearer <JWT> header is required"),
    (lambda: None, "an Authorization: Bearer <JWT> header is required"),
], ids=["expired", "wrong-audience", "unsigned", "symmetric", "wrong-signature", "unknown-kid", "no-kid", "wrong-issuer",
        "no-jti", "not-a-jwt", "basic", "missing"])
def test_bad_tokens_get_401(client: TestClient, bearer: Any, reason: str) -> None:
    response = call(client, bearer())
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "unauthorized", "message": f"CDS Hooks authorization: {reason}", "status": 401}


def test_a_replayed_token_gets_401(client: TestClient) -> None:
    once = f"Bearer {token()}"
    assert call(client, once).status_code == 200
    again = call(client, once)
    assert (again.status_code, again.json()["message"]) == (
        401, "CDS Hooks authorization: the JWT's jti was already used (a replayed token)")


def test_discovery_stays_open(client: TestClient) -> None:
    assert client.get("/cds-services").status_code == 200


def test_serve_refuses_a_bad_jwks_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "keys.json"
    bad.write_text('{"keys": "none"}', "utf-8")
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--cds-jwks", str(bad)])
    assert (result.exit_code, result.stderr) == (
        2, f"milia-kg: error: {bad}: not a JWK Set (a JSON object with a 'keys' array)\n")
