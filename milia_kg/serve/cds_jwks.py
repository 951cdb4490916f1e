"""The EHR's public keys for the CDS Hooks JWT check (:mod:`.cds_auth`): a JWK Set given in a file, or
fetched from a URL on the operator's allow-list (``milia-kg serve --cds-jwks URL``, repeatable).

CDS Hooks 2.0 ("Trusting CDS Clients"): the client SHOULD publish its JWK Set at a URL named by the
JWT's ``jku`` header, and a service SHOULD keep "an allowlist of iss and jku urls".  So a ``jku`` not
on the list is never fetched (the token is refused unless a key given in a file verifies it), and a key
is only ever fetched from a listed URL, through
the project's one URL policy (:mod:`milia_kg.base.http`: ``check_url``, a total deadline, a capped
read, no redirect followed).  A fetched set is kept for :data:`MAX_AGE` seconds; a token naming a
``kid`` the set lacks (the EHR rotated its keys) makes it fetched again, at most once every
:data:`REFRESH_EVERY` seconds, so a flood of made-up ``kid`` values cannot turn the service into a
client hammering the EHR.  Keys are read by PyJWT's ``PyJWKSet``, never by hand.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from milia_kg.base.http import Deadline, DeadlineRequest, check_url, describe_failure, opener, read_capped
from milia_kg.errors import EndpointError, MiliaKGError
from milia_kg.serve.http import HTTPError

__all__ = ["FETCH_SECONDS", "MAX_AGE", "MAX_JWKS_BYTES", "REFRESH_EVERY", "KeyRing", "RemoteKeys", "is_url",
           "key_set"]

#: Seconds a fetched JWK Set is trusted before it is fetched again.
MAX_AGE = 300.0
#: Least seconds between two fetches of one URL (after an unknown ``kid`` or a failed fetch).
REFRESH_EVERY = 30.0
#: Seconds one fetch may take in all (connect, headers, body): CDS Hooks calls are answered in ~0.5 s.
FETCH_SECONDS = 3.0
#: Bytes a JWK Set may have (a set of a few public keys is a few KiB).
MAX_JWKS_BYTES = 256 * 1024


def is_url(value: str) -> bool:
    """True when a ``--cds-jwks`` value names a URL rather than a file (it has a scheme).

    >>> is_url("https://ehr.example/jwks.json"), is_url("keys/jwks.json"), is_url("ftp://x/jwks")
    (True, False, True)
    """
    return "://" in value


def key_set(data: object, where: str) -> dict[str, Any]:
    """The usable keys of the JWK Set ``data``, by ``kid`` (PyJWT's ``PyJWK`` objects).

    :raises ValueError: saying why ``data`` is not a JWK Set with a usable key with a ``kid``.
    """
    try:
        import jwt
    except ImportError:
        raise MiliaKGError("--cds-jwks needs PyJWT with cryptography: pip install 'milia-kg[cds-auth]'") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError(f"{where}: not a JWK Set (a JSON object with a 'keys' array)")
    try:
        keys = jwt.PyJWKSet.from_dict(data).keys
    except (jwt.exceptions.PyJWKSetError, jwt.exceptions.InvalidKeyError, TypeError, KeyError) as error:
        raise ValueError(f"{where}: the JWK Set has no usable key: {error}") from None
    found = {str(k.key_id): k for k in keys if k.key_id}
    if not found:
        raise ValueError(f"{where}: the JWK Set has no key with a kid (CDS Hooks requires kid in the JWT header)")
    return found


def _unavailable(url: str, reason: str) -> HTTPError:
    return HTTPError(503, "jwks_unavailable", f"CDS Hooks authorization: the JWK Set at {url[:200]} "
                     f"could not be fetched ({reason}); try again later")


class RemoteKeys:
    """One allowed JWK Set URL: fetched when first needed, kept :data:`MAX_AGE` seconds, fetched
    again for an unknown ``kid`` at most every :data:`REFRESH_EVERY` seconds."""

    def __init__(self, url: str, max_age: float = MAX_AGE, refresh_every: float = REFRESH_EVERY,
                 seconds: float = FETCH_SECONDS, max_bytes: int = MAX_JWKS_BYTES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """:raises MiliaKGError: for a URL the URL policy refuses (one line, at startup)."""
        try:
            self.url = check_url(url)
        except EndpointError as error:
            raise MiliaKGError(f"--cds-jwks {error.endpoint}: {error.reason}") from None
        self.max_age, self.refresh_every, self.seconds, self.max_bytes = max_age, refresh_every, seconds, max_bytes
        self._clock = clock
        self._keys: dict[str, Any] = {}
        self._fetched_at = -float("inf")  # when the keys were fetched (none yet)
        self._tried_at = -float("inf")  # when a fetch was last tried
        self._failure = ""  # why the last fetch failed ("" when it did not)
        self._lock = threading.Lock()
        self._opener = opener()
        self.fetches = 0  # fetches tried (for the tests and the log)

    def key(self, kid: str) -> Any | None:
        """The key ``kid`` of this set (``None`` when the set, fresh, lacks it).

        :raises HTTPError: 503 when the set cannot be fetched and none within its lifetime is kept.
        """
        with self._lock:
            now = self._clock()
            fresh = now - self._fetched_at < self.max_age
            may_fetch = now - self._tried_at >= self.refresh_every
            if (not fresh or kid not in self._keys) and may_fetch:
                self._fetch(now)
                fresh = self._clock() - self._fetched_at < self.max_age
            if not fresh:
                raise _unavailable(self.url, self._failure or "no answer yet")
            return self._keys.get(kid)

    def _fetch(self, now: float) -> None:
        """Fetch the set (lock held); on failure keep what was fetched before, remembering why."""
        self._tried_at = now
        self.fetches += 1
        deadline = Deadline(self.seconds)
        try:
            accept = {"Accept": "application/jwk-set+json, application/json"}
            request = DeadlineRequest(self.url, deadline, headers=accept)
            with self._opener.open(request, timeout=self.seconds) as response:
                body = read_capped(response, self.max_bytes)
            try:
                data = json.loads(body)
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ValueError("the answer is not JSON") from None
            self._keys = key_set(data, "the answer")
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:  # a cut status line too
            self._failure = f"no answer within {self.seconds:g} s" if deadline.expired else \
                describe_failure(error, self.seconds)
        except ValueError as error:  # too large, not JSON, not a JWK Set
            self._failure = " ".join(str(error).split())[:300]
        else:
            self._fetched_at, self._failure = self._clock(), ""
        finally:
            deadline.close()


class KeyRing:
    """The keys a JWT may be signed with: those of the JWK Set files, and those of the allowed URLs."""

    def __init__(self, static: dict[str, Any] | None = None, remote: Iterable[RemoteKeys] = ()) -> None:
        self.static = dict(static or {})
        self.remote = {r.url: r for r in remote}
        if not self.static and not self.remote:
            raise MiliaKGError("--cds-jwks: no JWK Set given")

    @classmethod
    def from_options(cls, values: Iterable[str], **remote: Any) -> KeyRing:
        """The key ring of ``--cds-jwks`` values: each a JWK Set file or an allowed URL.

        :raises MiliaKGError: one line, for a file that is not a JWK Set or a URL the policy refuses.
        """
        static: dict[str, Any] = {}
        urls: list[RemoteKeys] = []
        for value in values:
            if is_url(value):
                urls.append(RemoteKeys(value, **remote))
                continue
            try:
                data = json.loads(Path(value).read_text("utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise MiliaKGError(f"{value}: not a readable JWK Set ({error})") from None
            try:
                static.update(key_set(data, value))
            except ValueError as error:
                raise MiliaKGError(str(error)) from None
        return cls(static, urls)

    def key(self, kid: str, jku: object) -> Any:
        """The key that signed a token with header ``kid`` and ``jku``.

        :raises HTTPError: 401 when the ``jku`` is not allowed or no set has the ``kid``; 503 when an
            allowed set cannot be fetched.
        """
        if isinstance(jku, str) and jku in self.remote:
            found = self.remote[jku].key(kid)
        elif kid in self.static:  # keys given out of band: a jku is never fetched
            found = self.static[kid]
        elif jku is not None:
            shown = " ".join(str(jku).split())[:200]
            raise HTTPError(401, "unauthorized", f"CDS Hooks authorization: jku {shown!r} is not on the"
                            " allow-list (--cds-jwks URL)")
        else:
            found, down = None, None
            for remote in self.remote.values():
                try:
                    found = remote.key(kid)
                except HTTPError as error:  # that set is unreachable; another may hold the key
                    down = error
                if found is not None:
                    break
            if found is None and down is not None:
                raise down
        if found is None:
            raise HTTPError(401, "unauthorized", f"CDS Hooks authorization: kid {kid!r} is not in the configured"
                            " JWK Set")
        return found
