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


#: What the page advises an adult whose milia meet no subtype, card by card, written from the page:
#: milia "are not harmful" and "can persist longer in older children and adults"; they "do not require
#: treatment", but "adolescents and adults" concerned about their appearance can have a doctor remove
#: them (adapalene gel or tretinoin cream; a needle or cryotherapy); "Adults might try" an over-the-
#: counter exfoliating treatment; "Use sunscreen."; never squeeze or scrape them off (scarring,
#: infection); adults might see a dermatologist if home exfoliation does not help. Nothing for babies.
ADULT_ADVICE = [
    ("Milia: no subtype's definition is met by the observations", "info", [
        "No subtype's definition is met by the observations; the advice is what the source says of milia in general.",
        "",
        '- not harmful: "Milia usually are not treated, because they are not harmful."',
        '- persists longer (adult): "They can persist longer in older children and adults."']),
    ("Milia: treatment and home care the source gives", "info", [
        '- no treatment: "They do not require treatment."',
        '- adapalene gel; tretinoin cream (adolescents and adults, if concerned about appearance): "These include'
        ' medical therapies such as regular application of adapalene gel which is over the counter or tretinoin cream'
        ' which is a prescription."',
        '- cryotherapy; needle puncture and expression (adolescents and adults, if concerned about appearance): "There'
        ' are also surgical options which may involve using a needle to puncture the milia and squeezing out the'
        ' contents, and/or cryotherapy, which is a technique that involves freezing the skin."',
        '- over-the-counter exfoliating treatment (adult): "Adults might try an over-the-counter treatment to exfoliate'
        ' the skin, which means removing dead skin."',
        '- using sunscreen: "Use sunscreen."']),
    ("Milia: avoid squeezing or scraping off milia on your own", "warning", [
        '- squeezing or scraping off milia on your own: "You should not try to squeeze or scrape off milia on your own,'
        ' as you might do with a pimple." Why: infection (can); permanent scarring (can also be); scarring (can).']),
    ("Milia: when to seek care", "info", [
        '- see a dermatologist if home exfoliation does not help (adult): "Adults with milia might want to see a'
        ' dermatologist if exfoliating treatments at home do not seem to be helping."',
        '- urgency depends on how much the milia bother you: "Since milia affect your appearance, but not your health,'
        ' the urgency of the situation depends on how much it\u2019s bothering you."']),
]
FOOTER = ("_Decision support derived from one patient-education page (Cleveland Clinic: Milia, last reviewed"
          " 2018-10-22), not a diagnosis: a clinician must confirm the kind of milia and the management._")


def _shown(cards: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    """Each card's summary, indicator and detail lines, the disclaimer footer taken off."""
    return [(c["summary"], c["indicator"], c["detail"].removesuffix(f"\n\n{FOOTER}").splitlines()) for c in cards]


def test_a_forty_year_old_with_a_milium_condition_gets_the_pages_adult_advice_and_no_suggestion(
        client: TestClient) -> None:
    """A Condition coded as milium alone meets no subtype's definition (the page defines none by age or
    site), so there is nothing to record: no suggestion, the reason on the first card, and exactly the
    page's advice for adults (the acceptance's 40-year-old, read after the faithful-answers issue)."""
    milium = condition((SNOMED, "254679001"), bodySite=[{"coding": [{"system": SNOMED, "code": "181195007"}]}])
    body = post(client, hook_call(born_days_ago(int(40 * 365.25) + 10), milium))
    cards = body["cards"]
    assert _shown(cards) == ADULT_ADVICE
    assert [c["detail"].endswith(FOOTER) for c in cards] == [True, True, False, False]
    babies = ("baby", "babies", "infant", "newborn", "Milia en plaque", "Secondary milia")
    for card in cards:
        assert card["source"]["url"] == "https://my.clevelandclinic.org/health/diseases/17868-milia"
        assert card["source"]["topic"]["system"] == "https://w3id.org/milia-kg/"
        assert "suggestions" not in card and "selectionBehavior" not in card  # no subtype met, nothing to record
        assert not [word for word in babies if word in card["detail"]]
        for quoted in card["detail"].split('"')[1::2]:
            assert " ".join(quoted.split()) in SEED
        assert len([line for line in card["detail"].splitlines() if line.startswith("- ")]) <= 5
    assert "extension" not in body  # everything in the prefetch was read


def test_a_forty_year_old_with_a_rash_before_the_milia_gets_secondary_milia_to_record(client: TestClient) -> None:
    """The page: "Secondary milia happen after the skin is damaged in some way ... burns, rashes, blisters".
    A rash Condition (HP:0000988, a close match of milia-kg's rash) whose onset is before the milia's
    meets that definition: a card with a Condition suggestion, valid FHIR R4."""
    from fhir.resources.R4B.condition import Condition

    rash = condition((HPO, "HP:0000988"), onsetDateTime="2026-03-01")
    milium = condition((SNOMED, "254679001"), onsetDateTime="2026-04-10")
    body = post(client, hook_call(born_days_ago(int(40 * 365.25) + 10), rash, milium))
    cards = body["cards"]
    assert [c["summary"] for c in cards] == [
        "Milia: the observations meet the definition of secondary milia", *[a[0] for a in ADULT_ADVICE[1:]]]
    assert _shown(cards)[1:] == ADULT_ADVICE[1:]  # the same adult advice: it passes to secondary milia
    assert _shown(cards)[0][2] == [
        "**secondary milia**", "",
        "- milia: the case is a case of milia",
        "- develops after damage to the skin: preceding_skin_damage[0] = 'rash': develops after rash",
        '- permanent: "Secondary milia can be permanent."',
        '- not harmful: "Milia usually are not treated, because they are not harmful."']
    [suggestion] = cards[0]["suggestions"]
    assert cards[0]["selectionBehavior"] == "at-most-one"
    [action] = suggestion["actions"]
    resource = action["resource"]
    Condition.model_validate(resource)
    # secondary milia has only a broad match (HP:0001056 Milia) in the mapping set: a broader code would
    # not say secondary milia, so the Condition carries milia-kg's own code alone
    assert resource["code"] == {"coding": [{"system": "https://w3id.org/milia-kg/", "code": "SecondaryMilia",
                                            "display": "secondary milia"}], "text": "secondary milia"}
    assert resource["subject"] == {"reference": "Patient/p1"}
    assert resource["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert "suggestions" not in cards[1]


def _coded_subtypes() -> dict[str, list[tuple[str, str]]]:
    """Milia subtypes with an exact or close match in the packaged mapping set (read here, not through
    milia-kg's reader): subtype -> [(object id, predicate)]."""
    rows = [line.split("\t") for line in resources.mappings_file().read_text("utf-8").splitlines()
            if line and not line.startswith("#")]
    header = rows[0]
    found: dict[str, list[tuple[str, str]]] = {}
    for row in rows[1:]:
        value = dict(zip(header, row, strict=False))
        subject = value["subject_id"]
        if subject.endswith(("Milia", "MiliaEnPlaque")) and subject != "mkg:Milia" and \
                value["predicate_id"] in ("skos:exactMatch", "skos:closeMatch"):
            found.setdefault(subject, []).append((value["object_id"], value["predicate_id"]))
    return found


#: Each subtype a case can meet, a case meeting it (the CDS Hooks caseProfile route), and the codings
#: its suggested Condition must carry: milia-kg's own, then every exact or close match of the mapping
#: set in FHIR's system URIs (MONDO keeps its CURIE; OMIM's system takes the bare number).
SUBTYPE_CODINGS = {
    "mkg:MultipleEruptiveMilia": ({"age_years": 33, "onset_pattern": "eruptive over weeks or months",
                                   "preceding_skin_damage": []}, [
        {"system": "https://w3id.org/milia-kg/", "code": "MultipleEruptiveMilia", "display": "multiple eruptive milia"},
        {"system": "http://purl.obolibrary.org/obo/mondo.owl", "code": "MONDO:0008001",
         "display": "milia, multiple eruptive"},
        {"system": "http://www.omim.org", "code": "157400", "display": "milia, multiple eruptive"}]),
    "mkg:SecondaryMilia": ({"age_years": 41, "preceding_skin_damage": ["burn"]}, [
        {"system": "https://w3id.org/milia-kg/", "code": "SecondaryMilia", "display": "secondary milia"}]),
    "mkg:MiliaEnPlaque": ({"age_years": 52, "sex": "female", "arrangement": "clustered on a raised patch"}, [
        {"system": "https://w3id.org/milia-kg/", "code": "MiliaEnPlaque", "display": "milia en plaque"}]),
}


def test_every_subtype_with_codings_in_the_mapping_set_is_checked() -> None:
    assert set(_coded_subtypes()) <= set(SUBTYPE_CODINGS)
    assert _coded_subtypes() == {"mkg:MultipleEruptiveMilia": [("MONDO:0008001", "skos:closeMatch"),
                                                               ("OMIM:157400", "skos:closeMatch")]}


@pytest.mark.parametrize("subtype", sorted(SUBTYPE_CODINGS))
def test_the_suggested_condition_carries_the_subtypes_codings(client: TestClient, subtype: str) -> None:
    from fhir.resources.R4B.condition import Condition

    profile, codings = SUBTYPE_CODINGS[subtype]
    call = {"hook": "patient-view", "hookInstance": "3b0c3a6e-4c55-4f0a-8a43-1f8b3a0f2d11",
            "context": {"userId": "Practitioner/1", "patientId": "p1", "caseProfile": profile}}
    cards = post(client, call)["cards"]
    met = [c for c in cards if c.get("suggestions")]
    assert [c["source"]["topic"]["code"] for c in met] == [subtype.removeprefix("mkg:")]
    resource = met[0]["suggestions"][0]["actions"][0]["resource"]
    Condition.model_validate(resource)
    assert resource["code"]["coding"] == codings


def test_a_newborn_with_milia_present_at_birth_gets_neonatal_milia_to_consider(client: TestClient) -> None:
    """The page defines no neonatal milia ("found in about half of all infants" is a prevalence): a
    newborn with milia at birth is offered neonatal milia to consider, never recorded as a diagnosis."""
    milium = condition((HPO, "HP:0001056"), onsetAge={"value": 0, "unit": "d", "system": "http://unitsofmeasure.org",
                                                      "code": "d"})
    cards = post(client, hook_call(born_days_ago(10), milium))["cards"]
    assert [c["summary"] for c in cards] == [
        "Milia: no subtype's definition is met by the observations",
        "Milia: consider neonatal milia (not a classification; the source: about half)",
        "Milia: treatment and home care the source gives",
        "Milia: avoid using lotions or oils meant for adults on a baby; rubbing the baby's skin dry; squeezing or"
        " scraping off milia on your own",
        "Milia: when to seek care"]
    assert not any("suggestions" in card for card in cards)  # nothing met, nothing to record
    consider = cards[1]
    assert 'The source (about half): "Neonatal milia are found in about half of all infants."' in consider["detail"]
    assert [link["url"] for link in consider["links"]] == [
        "http://127.0.0.1/api/queries/course?condition=mkg%3ANeonatalMilia",
        "http://127.0.0.1/api/queries/treatments?condition=mkg%3ANeonatalMilia"]
    assert "Adults with milia might want to see a dermatologist" not in cards[4]["detail"]  # a baby


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


def test_an_icd10cm_coding_is_ignored_with_the_reason(client: TestClient) -> None:
    """No ICD-10-CM file of the authority (CMS/CDC tabular or index) naming milium was found in the
    stored repositories (docs/identifier-verification.md), so no ICD-10-CM code is read as milia. L72.0
    is "Epidermal cyst" in a derived list (medtrack-io/icd_code); whichever code a client sends, it is
    ignored, saying why, never guessed to be milia."""
    cyst = condition(("http://hl7.org/fhir/sid/icd-10-cm", "L72.0"))
    body = post(client, hook_call("1986-01-01", cyst))
    assert body == {"cards": [], "extension": {"org.w3id.milia-kg.ignored": [{
        "field": "prefetch.conditions.entry[0].resource.code",
        "reason": "ICD10CM:L72.0: neither milia nor damage to the skin in the mapping set, nor a disorder the HPO"
                  " annotations give a mode of inheritance (the mapping set has no verified ICD10CM code)"}]}}


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
