"""Discovery and card responses checked against the CDS Hooks 2.0 specification's own logical models,
read mechanically from its FSH files (HL7/cds-hooks ``input/fsh/logicals/*.fsh`` at commit
fb10ca773a846b36457137e57e137c693a99e48c, copied in tests/fixtures/cds-hooks/logicals/, Apache-2.0).

The specification's repositories ship no JSON Schema (HL7/cds-hooks@fb10ca77, cds-hooks/docs@462a38fc);
these models are what the FHIR Validator checks a response with. Each ``* path min..max type`` rule
gives an element's cardinality and type; a key no rule declares is an error, but ``extension``
(every CDSHooksElement may carry it). The hand-written JSON Schema of test_cds_fhir.py adds the
invariants and value sets; this check does not depend on anyone's reading of the models.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import create_app

LOGICALS = Path(__file__).resolve().parents[1] / "fixtures" / "cds-hooks" / "logicals"
RULE = re.compile(r"^\* (?P<path>[a-zA-Z.]+) (?P<min>\d+)\.\.(?P<max>\d+|\*) (?P<type>\S+)")
ELEMENT = "http://hl7.org/fhir/tools/StructureDefinition/CDSHooksElement"
STRINGS = {"string", "markdown", "code", "url", "uuid", "id", "uri"}
CODING_KEYS = {"system", "version", "code", "display", "userSelected"}


def rules(name: str) -> dict[str, tuple[int, str, str]]:
    """``path -> (min, max, type)`` of the logical model ``name``."""
    out = {}
    for line in (LOGICALS / f"{name}.fsh").read_text("utf-8").splitlines():
        if found := RULE.match(line):
            out[found["path"]] = (int(found["min"]), found["max"], found["type"])
    return out


def check(value: Any, model: dict[str, tuple[int, str, str]], path: str = "") -> list[str]:
    """Every way ``value`` (an object at ``path`` of the model) breaks the model's rules."""
    problems = []
    children = {p.rsplit(".", 1)[-1]: r for p, r in model.items() if p.rsplit(".", 1)[0] == path or
                ("." not in p and not path)}
    if not isinstance(value, dict):
        return [f"{path or '(root)'}: not an object"]
    for key in value:
        if key not in children and key != "extension":
            problems.append(f"{path}.{key}: no element of the model")
    for key, (low, high, kind) in children.items():
        where = f"{path}.{key}" if path else key
        if key not in value:
            problems += [f"{where}: required ({low}..{high})"] if low else []
            continue
        items = value[key]
        if high == "*" and kind != "Base":
            if not isinstance(items, list) or len(items) < low:
                problems.append(f"{where}: must be an array of at least {low}")
                continue
        else:
            items = [items]
        for item in items:
            if kind in STRINGS and not isinstance(item, str):
                problems.append(f"{where}: {kind} must be a string")
            elif kind == "boolean" and not isinstance(item, bool):
                problems.append(f"{where}: must be a boolean")
            elif kind == "Coding" and not (isinstance(item, dict) and set(item) <= CODING_KEYS):
                problems.append(f"{where}: not a Coding")
            elif kind == "Resource" and not (isinstance(item, dict) and "resourceType" in item):
                problems.append(f"{where}: not a FHIR resource")
            elif kind == "Base":  # a JSON object keyed by the element's key (json-property-key)
                if not (isinstance(item, dict) and all(isinstance(v, str) for v in item.values())):
                    problems.append(f"{where}: not an object of strings")
            elif kind in (ELEMENT, "BackboneElement"):
                problems += check(item, model, where)
    return problems


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1")


def test_the_models_are_read() -> None:
    response = rules("CDSHooksResponse")
    assert response["cards.summary"] == (1, "1", "string")
    assert response["cards.suggestions.actions.resource"] == (0, "1", "Resource")
    assert rules("CDSHooksServices")["services.id"] == (1, "1", "string")


def test_the_checker_finds_what_breaks_the_model() -> None:
    model = rules("CDSHooksResponse")
    card = {"summary": "s", "indicator": "info", "source": {"label": "l", "topic": {"code": "x", "colour": "red"}}}
    assert check({"cards": [card, {"indicator": 3, "source": {}, "note": "x"}], "systemActions": {}}, model) == [
        "cards.source.topic: not a Coding", "cards.note: no element of the model", "cards.summary: required (1..1)",
        "cards.indicator: code must be a string", "cards.source.label: required (1..1)",
        "systemActions: must be an array of at least 0"]


def test_discovery_fits_the_services_model(client: TestClient) -> None:
    assert check(client.get("/cds-services").json(), rules("CDSHooksServices")) == []


def _born(years: int) -> str:
    import datetime as dt

    return (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=int(years * 365.25) + 10)).isoformat()


def _condition(system: str, code: str, **fields: Any) -> dict[str, Any]:
    return {"resourceType": "Condition", "id": code.replace(":", "-"), "subject": {"reference": "Patient/p1"},
            "code": {"coding": [{"system": system, "code": code}]}, **fields}


CALLS = {
    "adult-milium": [_condition("http://snomed.info/sct", "254679001")],
    "adult-rash-then-milium": [_condition("http://human-phenotype-ontology.org", "HP:0000988", onsetDateTime="2026-03-01"),
                               _condition("http://snomed.info/sct", "254679001", onsetDateTime="2026-04-10")],
    "child-with-ofd1": [_condition("http://snomed.info/sct", "254679001"), _condition("http://www.omim.org", "311200")],
    "no-milia": [],
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_card_responses_fit_the_response_model(client: TestClient, name: str) -> None:
    years = 7 if name.startswith("child") else 40
    body = {"hook": "patient-view", "hookInstance": "7d2b8f0a-5b0e-4a43-9a11-6c2f3f1e9b10",
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": {"patient": {"resourceType": "Patient", "id": "p1", "birthDate": _born(years)},
                         "conditions": {"resourceType": "Bundle", "type": "searchset",
                                        "entry": [{"resource": c} for c in CALLS[name]]}}}
    response = client.post("/cds-services/milia-kg-classify", content=json.dumps(body),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert check(data, rules("CDSHooksResponse")) == []
    assert bool(data["cards"]) is (name != "no-milia")
    if name == "adult-rash-then-milium":
        assert any("suggestions" in card for card in data["cards"])  # the suggestion's elements were checked
