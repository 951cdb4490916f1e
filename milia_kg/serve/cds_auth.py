"""The CDS Hooks 2.0 JWT check ("Trusting CDS Clients"): when the operator gives the EHR's public keys
(a JWK Set file: ``milia-kg serve --cds-jwks FILE``), every call carries ``Authorization: Bearer <JWT>``,
signed with an asymmetric key of that set (``kid`` in the header; never ``none`` nor an HMAC), whose
``aud`` is the URL of the endpoint called, with ``iss`` (on the operator's allow-list when one is
given), ``exp``, ``iat`` and a ``jti`` not seen before (a replayed token is refused).  Anything else
is a 401.  Verification is PyJWT's (``pip install 'milia-kg[cds-auth]'``).

Without keys there is no check: the service must then sit behind the EHR's network (docs/serving.md).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from milia_kg.errors import MiliaKGError
from milia_kg.serve.http import HTTPError

__all__ = ["ASYMMETRIC", "Verifier"]

#: The signing algorithms accepted: asymmetric only (the specification forbids ``none`` and HMAC).
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
#: Seconds of clock difference tolerated on ``exp`` and ``iat``.
LEEWAY = 30


def _refuse(reason: str) -> HTTPError:
    return HTTPError(401, "unauthorized", f"CDS Hooks authorization: {reason}")


class Verifier:
    """Checks the bearer JWT of a CDS Hooks call against a JWK Set (and an ``iss`` allow-list)."""

    def __init__(self, jwks: dict[str, Any], issuers: Iterable[str] = ()) -> None:
        """:raises MiliaKGError: when PyJWT is missing or the JWK Set holds no usable key."""
        try:
            import jwt
        except ImportError:
            raise MiliaKGError("--cds-jwks needs PyJWT with cryptography: pip install 'milia-kg[cds-auth]'") from None
        try:
            keys = jwt.PyJWKSet.from_dict(jwks).keys
        except (jwt.exceptions.PyJWKSetError, jwt.exceptions.InvalidKeyError, TypeError, KeyError) as error:
            raise MiliaKGError(f"the JWK Set has no usable key: {error}") from None
        self.keys = {str(k.key_id): k for k in keys if k.key_id}
        if not self.keys:
            raise MiliaKGError("the JWK Set has no key with a kid (CDS Hooks requires kid in the JWT header)")
        self.issuers = frozenset(issuers)
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path, issuers: Iterable[str] = ()) -> Verifier:
        """The verifier of a JWK Set file.

        :raises MiliaKGError: when the file cannot be read or is not a JWK Set.
        """
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MiliaKGError(f"{path}: not a readable JWK Set ({error})") from None
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise MiliaKGError(f"{path}: not a JWK Set (a JSON object with a 'keys' array)")
        return cls(data, issuers)

    def check(self, authorization: str, audience: str) -> dict[str, Any]:
        """The verified claims of the bearer JWT in ``authorization``.

        :raises HTTPError: 401, saying why the token is refused.
        """
        import jwt

        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _refuse("an Authorization: Bearer <JWT> header is required")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.exceptions.DecodeError:
            raise _refuse("the bearer token is not a JWT") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ASYMMETRIC:
            raise _refuse(f"alg {alg!r} is not accepted (asymmetric signatures only)")
        if kid not in self.keys:
            raise _refuse(f"kid {kid!r} is not in the configured JWK Set")
        try:
            claims: dict[str, Any] = jwt.decode(
                token.strip(), self.keys[kid].key, algorithms=[alg], audience=audience, leeway=LEEWAY,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]})
        except jwt.exceptions.ExpiredSignatureError:
            raise _refuse("the JWT has expired") from None
        except jwt.exceptions.InvalidAudienceError:
            raise _refuse(f"the JWT's aud is not this endpoint ({audience})") from None
        except jwt.exceptions.MissingRequiredClaimError as error:
            raise _refuse(f"the JWT lacks the {error.claim} claim") from None
        except jwt.exceptions.InvalidTokenError as error:
            raise _refuse(f"the JWT is not valid ({error})") from None
        if self.issuers and claims["iss"] not in self.issuers:
            raise _refuse(f"iss {claims['iss']!r} is not an allowed issuer")
        self._once(str(claims["jti"]), float(claims["exp"]))
        return claims

    def _once(self, jti: str, exp: float) -> None:
        """Refuse a ``jti`` already seen (replay), forgetting those whose token has expired."""
        now = time.time()
        with self._lock:
            for old in [k for k, until in self._seen.items() if until + LEEWAY < now]:
                del self._seen[old]
            if jti in self._seen:
                raise _refuse("the JWT's jti was already used (a replayed token)")
            self._seen[jti] = exp
