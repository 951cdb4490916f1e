"""Missing CDS Hooks prefetch fetched from the EHR's ``fhirServer``, only when the operator allows that
server (``milia-kg serve --cds-fhir-server URL``; off by default).

The same URL policy and client as every other outbound request (:mod:`milia_kg.base.http`:
``check_url``, absolute http(s) with a host, no whitespace or control character; a total deadline per
fetch, not per read; a capped read; no redirect followed, as a redirect would carry the bearer token
to another address), and the bearer token from ``fhirAuthorization`` sent but never logged nor put in
an error.
"""

from __future__ import annotations

import http.client
import json
import sys
import urllib.error
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from milia_kg.base.http import (
    Deadline,
    DeadlineRequest,
    ResponseTooLargeError,
    check_url,
    describe_failure,
    opener,
    read_capped,
)
from milia_kg.serve.http import HTTPError

__all__ = ["MAX_FETCH_BYTES", "FhirFetcher"]

#: Bytes one fetched FHIR answer may hold.
MAX_FETCH_BYTES = 2**20
#: Seconds one fetch may take in all (CDS Hooks: a service should answer in about 500 ms).
FETCH_TIMEOUT = 5.0
#: Prefetch key -> the FHIR query of its template, with the patient id filled in.
QUERIES = {"patient": "Patient/{id}", "conditions": "Condition?patient={id}"}


class FhirFetcher:
    """Fetches the prefetch a call lacks from an allowed FHIR server."""

    def __init__(self, servers: Iterable[str], timeout: float = FETCH_TIMEOUT,
                 max_bytes: int = MAX_FETCH_BYTES) -> None:
        """:raises EndpointError: for a server URL the URL policy refuses."""
        self.servers = frozenset(check_url(url).rstrip("/") for url in servers)
        self.timeout, self.max_bytes = timeout, max_bytes
        self._opener = opener()  # follows no redirect: the token never reaches another address

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        """The request's prefetch with each missing key fetched, when its ``fhirServer`` is allowed
        (otherwise the prefetch as it is: nothing is fetched).

        :raises HTTPError: 503 when an allowed server does not answer with FHIR JSON.
        """
        prefetch = dict(request.get("prefetch") or {})
        server = str(request.get("fhirServer") or "").rstrip("/")
        patient = (request.get("context") or {}).get("patientId")
        missing = [key for key in QUERIES if key not in prefetch]
        if not missing or not isinstance(patient, str) or not patient:
            return prefetch
        if server not in self.servers:
            if server:
                print(f"milia-kg serve: CDS prefetch {', '.join(missing)} not fetched: fhirServer {server[:200]}"
                      " is not allowed (--cds-fhir-server)", file=sys.stderr, flush=True)
            return prefetch
        auth = request.get("fhirAuthorization") or {}
        token = auth.get("access_token") if isinstance(auth, dict) else None
        for key in missing:
            prefetch[key] = self._get(f"{server}/{QUERIES[key].format(id=quote(patient, safe=''))}", token)
        return prefetch

    def _get(self, url: str, token: object) -> Any:
        headers = {"Accept": "application/fhir+json"}
        if isinstance(token, str) and token:
            headers["Authorization"] = f"Bearer {token}"
        deadline = Deadline(self.timeout)
        try:
            with self._opener.open(DeadlineRequest(url, deadline, headers=headers), timeout=self.timeout) as response:
                body = read_capped(response, self.max_bytes)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:  # a cut status line too
            why = f"no answer within {self.timeout:g} s" if deadline.expired else describe_failure(error, self.timeout)
            raise HTTPError(503, "fhir_server_failed",
                            f"could not fetch {url[:200]} from the fhirServer: {why}") from None
        except ResponseTooLargeError:
            raise HTTPError(503, "fhir_server_failed", f"{url[:200]}: more than {self.max_bytes} bytes") from None
        finally:
            deadline.close()
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise HTTPError(503, "fhir_server_failed", f"{url[:200]}: the answer is not JSON") from None
