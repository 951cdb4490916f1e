"""The CDS Hooks 2.0 JWT check ("Trusting CDS Clients"): when the operator gives the EHR's public keys
(``milia-kg serve --cds-jwks FILE|URL``: a JWK Set file, or a URL on the allow-list, :mod:`.cds_jwks`),
every call carries ``Authorization: Bearer <JWT>``, signed with an asymmetric key of those sets (``kid``
and optionally ``jku`` in the header; never ``none`` nor an HMAC), whose
``aud`` is the URL of the endpoint called, with ``iss`` (on the operator's allow-list when one is
given), ``exp``, ``iat`` and a ``jti`` not seen before (a replayed token is refused).  Anything else
is a 401.  Verification is PyJWT's (``pip install 'milia-kg[cds-auth]'``).

Without keys there is no check: the service must then sit behind the EHR's network (docs/serving.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from milia_kg.errors import MiliaKGError
from milia_kg.serve.cds_jwks import KeyRing, key_set
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

    def __init__(self, jwks: dict[str, Any] | KeyRing, issuers: Iterable[str] = ()) -> None:
        """:param jwks: a JWK Set, or the key ring of ``--cds-jwks`` (files and allowed URLs).

        :raises MiliaKGError: when PyJWT is missing or the JWK Set holds no usable key.
        """
        if isinstance(jwks, KeyRing):
            self.keys = jwks
        else:
            try:
                self.keys = KeyRing(key_set(jwks, "the JWK Set"))
            except ValueError as error:
                raise MiliaKGError(str(error)) from None
        self.issuers = frozenset(issuers)
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path, issuers: Iterable[str] = ()) -> Verifier:
        """The verifier of a JWK Set file.

        :raises MiliaKGError: when the file cannot be read or is not a JWK Set.
        """
        return cls(KeyRing.from_options([str(path)]), issuers)

    @classmethod
    def from_options(cls, values: Iterable[str], issuers: Iterable[str] = ()) -> Verifier:
        """The verifier of ``--cds-jwks`` values (JWK Set files and allowed URLs).

        :raises MiliaKGError: one line, for a file that is not a JWK Set or a URL the policy refuses.
        """
        return cls(KeyRing.from_options(values), issuers)

    def check(self, authorization: str, audience: str) -> dict[str, Any]:
        """The verified claims of the bearer JWT in ``authorization`` (may fetch an allowed JWK Set:
        call it off the event loop).

        :raises HTTPError: 401, saying why the token is refused; 503 when an allowed JWK Set URL
            cannot be fetched.
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
        if not isinstance(kid, str):
            raise _refuse("the JWT header names no kid")
        key = self.keys.key(kid, header.get("jku"))
        try:
            claims: dict[str, Any] = jwt.decode(
                token.strip(), key.key, algorithms=[alg], audience=audience, leeway=LEEWAY,
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
