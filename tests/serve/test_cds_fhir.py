"""CDS Hooks 2.0 as an EHR calls it: FHIR R4 prefetch in, cards out (issue 19).

The request example is the specification's own, byte for byte (tests/fixtures/cds-hooks/README.md);
responses are validated against a JSON Schema written from the specification's logical models, and
suggested Conditions with ``fhir.resources`` (R4B: the Condition resource is the same in R4).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from milia_kg.base import resources
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import create_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cds-hooks"
SERVICE = "/cds-services/milia-kg-classify"
SCHEMA = json.loads((FIXTURES / "cds-hooks-2.0.schema.json").read_text("utf-8"))
SNOMED, HPO = "http://snomed.info/sct", "http://human-phenotype-ontology.org"
SEED = " ".join(resources.seed_text().split())


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1")


def check_schema(data: Any, part: str) -> None:
    jsonschema.validate(data, {**SCHEMA, "$ref": f"#/$defs/{part}"},
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def born_days_ago(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)).isoformat()


def condition(code: tuple[str, str], **fields: Any) -> dict[str, Any]:
    return {"resourceType": "Condition", "id": "c-" + code[1].replace(":", "-"), "subject": {"reference": "Patient/p1"},
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "code": {"coding": [{"system": code[0], "code": code[1]}]}, **fields}


def hook_call(birth: str, *conditions: dict[str, Any], gender: str = "female") -> dict[str, Any]:
    return {"hook": "patient-view", "hookInstance": "5f4d3f0e-6a0a-4b8e-9a57-0d1d3c3b1f00",
            "context": {"userId": "Practitioner/1", "patientId": "p1"},
            "prefetch": {"patient": {"resourceType": "Patient", "id": "p1", "gender": gender, "birthDate": birth},
                         "conditions": {"resourceType": "Bundle", "type": "searchset",
                                        "entry": [{"resource": c} for c in conditions]}}}


def check_fhir(prefetch: dict[str, Any]) -> None:
    """Every prefetched resource a test sends is valid FHIR (R4B models; Patient, Condition, Bundle as in R4)."""
    from fhir.resources.R4B import get_fhir_model_class

    for resource in prefetch.values():
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def post(client: TestClient, body: Any) -> Any:
    check_fhir(body.get("prefetch", {}))
    response = client.post(SERVICE, content=json.dumps(body), headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    check_schema(response.json(), "response")
    return response.json()


def test_discovery_declares_the_prefetch_and_fits_the_schema(client: TestClient) -> None:
    data = client.get("/cds-services").json()
    check_schema(data, "discovery")
    assert data["services"][0]["prefetch"] == {"patient": "Patient/{{context.patientId}}",
                                               "conditions": "Condition?patient={{context.patientId}}"}


def test_the_specifications_patient_view_example_answers_200_with_no_cards(client: TestClient) -> None:
    raw = (FIXTURES / "patient-view-request.json").read_bytes()
    response = client.post(SERVICE, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    # a man born 1925-12-23 with no Condition: milia are not recorded, so there is nothing to show
    assert response.json() == {"cards": []}


def test_a_forty_year_old_with_a_milium_condition(client: TestClient) -> None:
    milium = condition((SNOMED, "254679001"), bodySite=[{"coding": [{"system": SNOMED, "code": "181195007"}]}])
    body = post(client, hook_call(born_days_ago(int(40 * 365.25) + 10), milium))
    cards = body["cards"]
    # no subtype's definition is met by an adult's milia on the nose; the page's general advice follows
    assert [(c["summary"], c["indicator"]) for c in cards] == [
        ("Milia: no subtype's definition is met by the observations", "info"),
        ("Milia: avoid squeezing or scraping off milia on your own", "warning"),
        ("Milia: when to seek care", "info")]
    # the page: milia usually are not treated; adults concerned about their appearance can have them removed
    # (adapalene gel over the counter, tretinoin cream on prescription)
    assert '- no treatment: "' in cards[0]["detail"]
    assert ('- adapalene gel (adolescents and adults, if concerned about appearance): "These include medical therapies'
            ' such as regular application of adapalene gel which is over the counter or tretinoin cream which is a'
            ' prescription."') in cards[0]["detail"]
    assert "You should not try to squeeze or scrape off milia on your own" in cards[1]["detail"]
    assert "Adults with milia might want to see a dermatologist" in cards[2]["detail"]
    assert "Babies usually see doctors" not in cards[2]["detail"]  # an adult: the babies' advice is not shown
    for card in cards:
        assert card["source"]["url"] == "https://my.clevelandclinic.org/health/diseases/17868-milia"
        assert card["source"]["topic"]["system"] == "https://w3id.org/milia-kg/"
        assert "suggestions" not in card  # no subtype met, nothing to record
        for quoted in card["detail"].split('"')[1::2]:
            assert " ".join(quoted.split()) in SEED
        assert len([line for line in card["detail"].splitlines() if line.startswith("- ")]) <= 5
    assert "extension" not in body  # everything in the prefetch was read


def test_a_newborn_with_milia_present_at_birth_gets_neonatal_milia_to_consider(client: TestClient) -> None:
    """The page defines no neonatal milia ("found in about half of all infants" is a prevalence): a
    newborn with milia at birth is offered neonatal milia to consider, never recorded as a diagnosis."""
    milium = condition((HPO, "HP:0001056"), onsetAge={"value": 0, "unit": "d", "system": "http://unitsofmeasure.org",
                                                      "code": "d"})
    cards = post(client, hook_call(born_days_ago(10), milium))["cards"]
    assert [c["summary"] for c in cards] == [
        "Milia: no subtype's definition is met by the observations",
        "Milia: consider neonatal milia (not a classification; the source: about half)",
        "Milia: avoid using lotions or oils meant for adults on a baby; rubbing the baby's skin dry; squeezing or"
        " scraping off milia on your own",
        "Milia: when to seek care"]
    assert not any("suggestions" in card for card in cards)  # nothing met, nothing to record
    consider = cards[1]
    assert 'The source (about half): "Neonatal milia are found in about half of all infants."' in consider["detail"]
    assert [link["url"] for link in consider["links"]] == [
        "http://127.0.0.1/api/queries/course?condition=mkg%3ANeonatalMilia",
        "http://127.0.0.1/api/queries/treatments?condition=mkg%3ANeonatalMilia"]
    assert "Adults with milia might want to see a dermatologist" not in cards[3]["detail"]  # a baby


def test_a_stated_subtype_counts_as_milia_and_its_codings_are_valid(client: TestClient) -> None:
    from fhir.resources.R4B.condition import Condition

    eruptive = condition(("http://purl.obolibrary.org/obo/mondo.owl", "MONDO:0008001"))
    body = post(client, hook_call(born_days_ago(35 * 365), eruptive))
    assert body["cards"][0]["summary"] == "Milia: no subtype's definition is met by the observations"
    assert body["extension"]["org.w3id.milia-kg.ignored"] == [{
        "field": "prefetch.conditions.entry[0].resource.code", "reason": "coded as mkg:MultipleEruptiveMilia, a"
        " stated diagnosis, not an observation: the ontology classifies from observations"}]
    Condition.model_validate(eruptive)


def test_unusable_resources_are_ignored_with_the_reason(client: TestClient) -> None:
    milium = condition((SNOMED, "254679001"), bodySite=[{"text": "kneecap"}], onsetDateTime="2020-05-01")
    other = condition(("http://loinc.org", "1234-5"))
    call = hook_call("2001-02-03", milium, other)
    call["prefetch"]["weight"] = {"resourceType": "Observation", "id": "o1", "status": "final",
                                  "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]}}
    body = post(client, call)
    assert body["extension"]["org.w3id.milia-kg.ignored"] == [
        {"field": "prefetch.weight", "reason": "an Observation resource has no profile field"},
        {"field": "prefetch.conditions.entry[0].resource.bodySite[0]", "reason": "names no body site of milia-kg's graph"},
        {"field": "prefetch.conditions.entry[1].resource.code",
         "reason": "no coding milia-kg reads: neither milia nor damage to the skin in the mapping set, nor a"
                   " disorder the HPO annotations give a mode of inheritance"},
        {"field": "prefetch.conditions.entry[0].resource.onsetDateTime",
         "reason": "only an onset at birth has a profile field (present_at_birth); an age at onset is not the"
                   " patient's age"}]


@pytest.mark.parametrize("status", [
    {"verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                        "code": "refuted"}]}},
    {"clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                    "code": "resolved"}]}},
    {"subject": {"reference": "Patient/someone-else"}},
], ids=["refuted", "resolved", "other-patient"])
def test_milia_that_do_not_hold_give_no_cards(client: TestClient, status: dict[str, Any]) -> None:
    body = post(client, hook_call("1980-01-01", condition((SNOMED, "254679001"), **status)))
    assert body["cards"] == []


def test_an_inherited_disorder_condition_offers_juvenile_milia_with_its_evidence(client: TestClient) -> None:
    milium = condition((SNOMED, "254679001"))
    ofd1 = condition(("http://www.omim.org", "311200"))
    cards = post(client, hook_call(born_days_ago(7 * 365), milium, ofd1))["cards"]
    consider = [c for c in cards if c["summary"].startswith("Milia: consider")]
    assert [c["summary"] for c in consider] == ["Milia: consider juvenile milia (not a classification; the source: commonly)"]
    # HPO 2025-01-16: OMIM:311200 (Orofaciodigital syndrome I) is X-linked dominant (PMID:11179005) and
    # annotated with milia in 4 of 6 (PMID:11179005)
    assert ("- Orofaciodigital syndrome I (OMIM:311200): X-linked dominant inheritance (HP:0001423) [PMID:11179005];"
            " HPO annotation: shows milia (HP:0001056), frequency 4/6 [PMID:11179005]") in consider[0]["detail"]


def test_feedback_is_accepted_and_logged(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    feedback = {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "accepted",
                              "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
                              "outcomeTimestamp": "2026-12-06T14:00:00Z"}]}
    response = client.post(f"{SERVICE}/feedback", json=feedback)
    assert (response.status_code, response.json()) == (200, {})
    assert ("milia-kg serve: CDS feedback milia-kg-classify: card 9368d37b-283f-44a0-93ea-547cebab93ed accepted at"
            " 2026-12-06T14:00:00Z, suggestions e56e1945-20b3-4393-8503-a1a20fd73152") in capsys.readouterr().err


@pytest.mark.parametrize(("body", "field"), [
    ({}, "feedback"), ({"feedback": [{"card": "x", "outcome": "liked", "outcomeTimestamp": "t"}]}, "feedback[0].outcome"),
    ({"feedback": [{"outcome": "accepted", "outcomeTimestamp": "t"}]}, "feedback[0].card"),
])
def test_bad_feedback_is_a_400(client: TestClient, body: Any, field: str) -> None:
    response = client.post(f"{SERVICE}/feedback", json=body)
    assert (response.status_code, response.json()["error"], response.json()["field"]) == (400, "bad_cds_feedback", field)
