"""Decision support over HTTP for ``milia-kg serve``: ``POST /api/classify`` and a CDS Hooks service
(``GET /cds-services``, ``POST /cds-services/{id}``), both calling :func:`milia_kg.decision.api.classify`
and its renderings (:mod:`milia_kg.decision.render`) unchanged.

Where the case comes from in a CDS Hooks 2.0 request: the FHIR R4 resources of ``prefetch`` (the
service declares templates for the Patient and the patient's Conditions), read by
:mod:`milia_kg.decision.fhir`; a patient without milia gets 200 and no cards.  What the prefetch
lacks is not fetched unless the operator allows the call's ``fhirServer`` (:func:`use_fhir_servers`,
:mod:`.cds_fetch`); the ``fhirAuthorization`` token is then sent to it, and never logged.  As an
extension, ``context.caseProfile`` carries a case profile or Phenopacket instead, which goes to
``classify`` as it is.  Cards are :func:`milia_kg.decision.cards.to_cards`;
what could not be read is logged and returned in the response's ``extension``.  Feedback
(``POST /cds-services/{id}/feedback``) is accepted and logged.  With a JWKS given to
:func:`use_jwt`, every call and feedback must carry a valid bearer JWT (:mod:`.cds_auth`).

Each request has a time limit (``milia-kg serve --timeout``, :data:`CLASSIFY_SECONDS` by default),
counted from when its body is read and checked between profiles and between the steps of one
(:class:`~milia_kg.decision.deadline.Deadline`): past it the answer is ``503`` (``timeout``) with
``Retry-After``, as for a query, and the worker thread stops.

Bodies are capped at :data:`MAX_BODY_BYTES`; JSON is parsed strictly (no ``NaN``/``Infinity``,
nesting bounded) so that a malformed body is a 400 naming the problem, never a 500.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from milia_kg.decision import json_input
from milia_kg.decision.deadline import Deadline
from milia_kg.errors import CaseProfileError
from milia_kg.serve.apidocs import CASE_PROFILE_REF
from milia_kg.serve.http import HTTPError, detached, json_response

__all__ = ["CDS_CORS_HEADERS", "CLASSIFY_SECONDS", "IGNORED_EXTENSION", "MAX_BODY_BYTES", "MAX_PROFILES", "SERVICE",
           "add_decision_routes", "use_fhir_servers", "use_jwt"]

#: Bytes a classify or CDS Hooks request body may hold (a profile is well under 1 KiB).
MAX_BODY_BYTES = 2**20
#: Seconds one classify or CDS Hooks request may take once its body is read (1,000 profiles: about 0.3 s).
CLASSIFY_SECONDS = 10.0
#: Profiles one JSON Lines request may hold.
MAX_PROFILES = 1_000
#: JSON nesting a body may have (a profile nests 2 deep, a Phenopacket about 6).
MAX_DEPTH = json_input.MAX_DEPTH

#: The one CDS Hooks service (discovery entry, CDS Hooks 1.0/2.0).
SERVICE: dict[str, Any] = {
    "hook": "patient-view",
    "id": "milia-kg-classify",
    "title": "milia-kg: kind of milia and sourced advice",
    "description": "Classifies a case of milia into subtypes by OWL reasoning over the milia knowledge "
    "graph, and returns the expected course, management, what to avoid and when to seek care, each "
    "with its verbatim source quote. Decision support derived from one patient-education page, not a diagnosis.",
    "usageRequirements": "Reads the prefetched Patient (birthDate, gender) and Conditions (code, bodySite, "
    "onset); missing prefetch is fetched only from a fhirServer the operator allows. Extension: a milia-kg "
    "case profile or Phenopacket in context.caseProfile is classified instead.",
    "prefetch": {
        "patient": "Patient/{{context.patientId}}",
        "conditions": "Condition?patient={{context.patientId}}",
    },
}
#: The response extension that carries what could not be used (CDS Hooks 2.0, "Extensions").
IGNORED_EXTENSION = "org.w3id.milia-kg.ignored"
#: CORS for browser-based CDS clients (CDS Hooks, "Cross-origin resource sharing").
CDS_CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization",
    "Access-Control-Expose-Headers": "Origin, Accept, Content-Location, Location, X-Requested-With",
    "Access-Control-Max-Age": "86400",
}
_JSON = "application/json"
_JSONL = ("application/x-ndjson", "application/jsonl", "application/json-lines")
_FORMATS = ("json", "cards", "text")


# ----------------------------------------------------------------------------- reading requests


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused (413) past ``limit`` bytes without reading the rest."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, "payload_too_large", f"the body has {declared} bytes; at most {limit} are taken")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPError(413, "payload_too_large",
                            f"the body has more than {limit} bytes; at most {limit} are taken")
    return bytes(body)


def parse_json(text: bytes | str, field: str = "", line: int | None = None) -> Any:
    """Strict, bounded JSON (:func:`milia_kg.decision.json_input.load_json`).

    :raises CaseProfileError: naming ``field`` or the path inside and why.
    """
    return json_input.load_json(text, field, line)


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _format(request: Request) -> str:
    fmt = request.query_params.get("format", "json").lower()
    if fmt not in _FORMATS:
        raise HTTPError(406, "not_acceptable",
                        f"format {fmt!r} is not offered here; choose one of {', '.join(_FORMATS)}")
    return fmt


# ----------------------------------------------------------------------------- classifying


def _classify_one(profile: Any, reasoner: str, deadline: Deadline | None = None) -> Any:
    from milia_kg.decision import api

    return api.classify(profile, reasoner, deadline)  # thread-safe: the prepared engine holds its own lock


def _render(result: Any, fmt: str, indent: int | None) -> str:
    from milia_kg.decision import render

    if fmt == "text":
        return render.to_text(result) + "\n"
    show = render.to_cards_json if fmt == "cards" else render.to_json
    return show(result, indent) + ("\n" if indent is not None else "")


def _classify_text(body: bytes, fmt: str, reasoner: str, deadline: Deadline | None = None) -> str:
    return _render(_classify_one(parse_json(body), reasoner, deadline), fmt, 2)


def _error_line(error: CaseProfileError, number: int) -> str:
    numbered = CaseProfileError(error.field, error.reason, line=number)
    return json.dumps({"line": number, "error": "bad_profile", "field": error.field,
                       "message": str(numbered), "status": 400}, ensure_ascii=False)


def _classify_lines(body: bytes, fmt: str, reasoner: str, deadline: Deadline | None = None) -> str:
    """One answer line per non-blank input line; a bad line answers with its error, the others go on."""
    from milia_kg.decision import render

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise CaseProfileError("", "the body is not UTF-8") from None
    lines = list(render.jsonl_lines(text))
    if not lines:
        raise CaseProfileError("", "no profile: the JSON Lines body is empty")
    if len(lines) > MAX_PROFILES:
        raise HTTPError(413, "payload_too_large", f"{len(lines)} profiles; at most {MAX_PROFILES} a request")
    out = []
    for number, line in lines:
        try:
            out.append(_render(_classify_one(parse_json(line, line=number), reasoner, deadline), fmt, None))
        except CaseProfileError as error:
            out.append(_error_line(error, number))
    return "\n".join(out) + "\n"


def _cds_case(body: bytes) -> Any:
    """The case profile of a CDS Hooks request, after checking the request's shape (400 if wrong)."""
    def bad(field: str, reason: str) -> HTTPError:
        where = f"{field}: " if field else ""
        return HTTPError(400, "bad_cds_request", f"CDS Hooks request: {where}{reason}", field=field)

    try:
        request = parse_json(body)
    except CaseProfileError as error:
        raise bad(error.field, error.reason) from None
    if not isinstance(request, dict):
        raise bad("", f"expected a JSON object, got {type(request).__name__}")
    if request.get("hook") != SERVICE["hook"]:
        got = "missing" if "hook" not in request else repr(request["hook"])
        raise bad("hook", f"this service answers hook {SERVICE['hook']!r}, got {got}")
    instance = request.get("hookInstance")
    if not isinstance(instance, str) or not instance.strip():
        raise bad("hookInstance", "required: a string (a UUID for this hook call)")
    for optional, kind in (("fhirServer", str), ("fhirAuthorization", dict), ("prefetch", dict)):
        if request.get(optional) is not None and not isinstance(request[optional], kind):
            raise bad(optional, f"expected {'a string' if kind is str else 'an object'}")
    context = request.get("context")
    if not isinstance(context, dict):
        raise bad("context", "required: an object")
    for key in ("userId", "patientId", "encounterId"):
        if context.get(key) is not None and not isinstance(context[key], str):
            raise bad(f"context.{key}", "expected a string")
    if "caseProfile" not in context and not isinstance(context.get("patientId"), str):
        raise bad("context.patientId", "required for patient-view: the FHIR Patient.id of the patient in context")
    return request


def _cds_cards(body: bytes, reasoner: str, base_url: str, deadline: Deadline | None = None) -> str:
    from milia_kg.decision import cards, clients

    request = _cds_case(body)
    context = request["context"]
    patient_id = context.get("patientId")
    if "caseProfile" in context:
        try:
            result = _classify_one(context["caseProfile"], reasoner, deadline)
        except CaseProfileError as error:
            field = "context.caseProfile" + (f".{error.field}" if error.field else "")
            raise CaseProfileError(field, error.reason) from None
    else:
        prefetch = request.get("prefetch") or {}
        if _fetcher[0] is not None:
            prefetch = _fetcher[0].complete(request)
        try:
            result = clients.classify_prefetch(prefetch, patient_id, reasoner=reasoner, deadline=deadline)
        except CaseProfileError as error:
            raise CaseProfileError("prefetch" + (f".{error.field}" if error.field else ""), error.reason) from None
    answer: dict[str, Any] = cards.to_cards(result, base_url, patient_id)
    if result.ignored:
        hook = request["hookInstance"][:64]
        for item in result.ignored:
            print(f"milia-kg serve: CDS hook {hook}: ignored {item['field']}: {item['reason']}",
                  file=sys.stderr, flush=True)
        answer["extension"] = {IGNORED_EXTENSION: [{"field": i["field"], "reason": i["reason"]}
                                                   for i in result.ignored]}
    return json.dumps(answer, indent=2, ensure_ascii=False) + "\n"


def _feedback(body: bytes, service_id: str) -> None:
    """Check and log a CDS Hooks feedback body (``{"feedback": [{card, outcome, outcomeTimestamp, ...}]}``)."""
    def bad(field: str, reason: str) -> HTTPError:
        return HTTPError(400, "bad_cds_feedback", f"CDS Hooks feedback: {field}: {reason}", field=field)

    try:
        data = parse_json(body)
    except CaseProfileError as error:
        raise bad("", error.reason) from None
    entries = data.get("feedback") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise bad("feedback", "required: an array of feedback entries")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise bad(f"feedback[{i}]", "expected an object")
        for key in ("card", "outcome", "outcomeTimestamp"):
            if not isinstance(entry.get(key), str):
                raise bad(f"feedback[{i}].{key}", "required: a string")
        if entry["outcome"] not in ("accepted", "overridden"):
            raise bad(f"feedback[{i}].outcome", f"{entry['outcome']!r} is not accepted or overridden")
    for entry in entries:
        accepted = [str(s.get("id")) for s in entry.get("acceptedSuggestions") or [] if isinstance(s, dict)]
        chosen = f", suggestions {', '.join(accepted)[:200]}" if accepted else ""
        print(f"milia-kg serve: CDS feedback {service_id}: card {entry['card'][:64]} {entry['outcome']}"
              f" at {entry['outcomeTimestamp'][:40]}{chosen}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- authorization

#: The JWT verifier in force (``None``: no keys were given; the service must sit behind the EHR's network).
_verifier: list[Any] = [None]
#: The fetcher of missing prefetch (``None``: nothing is fetched, the default).
_fetcher: list[Any] = [None]


def use_fhir_servers(fetcher: Any) -> None:
    """Fetch missing prefetch with ``fetcher`` (a :class:`milia_kg.serve.cds_fetch.FhirFetcher`) from
    the servers it allows; ``None``: never fetch."""
    _fetcher[0] = fetcher


def use_jwt(verifier: Any) -> None:
    """Require every CDS Hooks call and feedback to carry a bearer JWT that ``verifier`` accepts
    (a :class:`milia_kg.serve.cds_auth.Verifier`; ``None`` turns the check off)."""
    _verifier[0] = verifier


async def _check_jwt(request: Request) -> None:
    """Verify the call's bearer JWT; off the event loop, as an allowed JWK Set URL may be fetched."""
    verifier = _verifier[0]
    if verifier is not None:
        await run_in_threadpool(verifier.check, request.headers.get("authorization", ""),
                                str(request.url).split("?")[0])


# ----------------------------------------------------------------------------- routes


_PHENOPACKET = {"type": "object", "minProperties": 1, "description": "a GA4GH Phenopacket v2 (JSON; "
                "known by its top-level fields: subject, phenotypicFeatures, metaData, ...), mapped to a case profile"}
_PROFILE_BODY = {
    "required": True,
    "content": {
        _JSON: {"schema": {"anyOf": [CASE_PROFILE_REF, _PHENOPACKET]},
                "example": {"age_years": 0.02, "sites": ["nose"], "present_at_birth": True}},
        _JSONL[0]: {"schema": {"type": "string", "description": "JSON Lines: one case profile a line"}},
    },
}
_CDS_BODY = {
    "required": True,
    "content": {_JSON: {
        "schema": {"type": "object", "required": ["hook", "hookInstance", "context"], "properties": {
            "hook": {"type": "string", "enum": [SERVICE["hook"]]},
            "hookInstance": {"type": "string", "description": "a UUID for this hook call"},
            "fhirServer": {"type": "string"}, "fhirAuthorization": {"type": "object"},
            "prefetch": {"type": "object", "description": "FHIR R4 resources: the Patient and a searchset Bundle"
                         " of the patient's Conditions (see the discovery's prefetch templates)"},
            "context": {"type": "object", "properties": {
                "userId": {"type": "string"}, "patientId": {"type": "string"}, "encounterId": {"type": "string"},
                "caseProfile": {"anyOf": [CASE_PROFILE_REF, _PHENOPACKET], "description": "extension: a case "
                                "profile or Phenopacket, classified instead of the prefetch"}}},
        }},
        "example": {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                    "context": {"userId": "Practitioner/example", "patientId": "example",
                                "caseProfile": {"age_years": 52, "sex": "female", "sites": ["behind the ear"],
                                                "arrangement": "clustered on a raised patch"}}},
    }},
}


def add_decision_routes(app: FastAPI, reasoner: str, seconds: float = CLASSIFY_SECONDS) -> None:
    """Add ``POST /api/classify`` and the CDS Hooks routes to ``app``, classifying with ``reasoner``
    within ``seconds`` a request."""

    @app.post(
        "/api/classify", summary="Classify a case profile into milia subtypes, with sourced advice",
        description="Body: one case profile (application/json) or several as JSON Lines (application/x-ndjson, "
        "one answer line per profile; a bad line answers with its error, the others are still classified). "
        "?format=json (default, the decision-support result), cards (CDS Hooks cards) or text (one profile). "
        f"Bodies over {MAX_BODY_BYTES} bytes or {MAX_PROFILES} lines are refused (413).",
        openapi_extra={"requestBody": _PROFILE_BODY},
        responses={400: {"description": "a profile that is not valid (the error names the field)"},
                   406: {"description": "an unknown ?format="}, 413: {"description": "body too large"},
                   415: {"description": "neither JSON nor JSON Lines"},
                   503: {"description": "not classified within the request's time limit (Retry-After)"}},
    )
    async def classify(request: Request) -> Response:
        fmt, media = _format(request), _media(request)
        if media == _JSON:
            body = await read_body(request)
            deadline = Deadline.start(seconds)
            text = await run_in_threadpool(detached, _classify_text, body, fmt, reasoner, deadline)
            return Response(text.encode(), media_type="text/plain" if fmt == "text" else _JSON)
        if media in _JSONL:
            if fmt == "text":
                raise HTTPError(406, "not_acceptable",
                                "format 'text' takes one profile; JSON Lines answers json or cards")
            body = await read_body(request)
            deadline = Deadline.start(seconds)
            text = await run_in_threadpool(detached, _classify_lines, body, fmt, reasoner, deadline)
            return Response(text.encode(), media_type=_JSONL[0])
        raise HTTPError(415, "unsupported_media_type",
                        f"POST a profile as {_JSON} or profiles as {_JSONL[0]}, not {media or 'no content type'}")

    @app.get("/cds-services", summary="CDS Hooks discovery: the one service offered")
    def discovery() -> Response:
        return json_response({"services": [SERVICE]})

    @app.post(
        "/cds-services/{service_id}", summary="CDS Hooks: call the service; answers {\"cards\": [...]}",
        description="A CDS Hooks 2.0 request (hook patient-view, hookInstance, context.patientId, the FHIR R4 "
        "Patient and Conditions in prefetch; or, as an extension, a case in context.caseProfile). A patient "
        "without milia gets no cards.",
        openapi_extra={"requestBody": _CDS_BODY},
        responses={400: {"description": "a malformed request or case profile (the error names the field)"},
                   404: {"description": "no such service"}, 413: {"description": "body too large"},
                   415: {"description": "not JSON"},
                   503: {"description": "not answered within the request's time limit (Retry-After)"}},
    )
    async def call_service(service_id: str, request: Request) -> Response:
        if service_id != SERVICE["id"]:
            raise HTTPError(404, "unknown_service",
                            f"no CDS service {service_id!r}; this server offers {SERVICE['id']!r}")
        await _check_jwt(request)
        if _media(request) != _JSON:
            raise HTTPError(415, "unsupported_media_type",
                            f"POST a CDS Hooks request as {_JSON}, not {_media(request) or 'no content type'}")
        body = await read_body(request)
        deadline = Deadline.start(seconds)
        text = await run_in_threadpool(detached, _cds_cards, body, reasoner, str(request.base_url), deadline)
        return Response(text.encode(), media_type=_JSON)

    @app.post("/cds-services/{service_id}/feedback", summary="CDS Hooks feedback on cards: accepted and logged",
              responses={400: {"description": "a malformed feedback body"}, 404: {"description": "no such service"}})
    async def feedback(service_id: str, request: Request) -> Response:
        if service_id != SERVICE["id"]:
            raise HTTPError(404, "unknown_service",
                            f"no CDS service {service_id!r}; this server offers {SERVICE['id']!r}")
        await _check_jwt(request)
        _feedback(await read_body(request), service_id)
        return json_response({})
