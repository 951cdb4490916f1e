"""FHIR R4 documents given to ``milia-kg classify`` (issue 19): read like an EHR's prefetch; one
without milia is an answer ("not recorded", exit 0), never an error.  The inputs are the example
files shipped in the package (milia_kg/decision/examples)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from milia_kg.cli import main
from milia_kg.decision import api, fhir

EXAMPLES = Path(api.__file__).resolve().parent / "examples"
NOT_RECORDED = "Milia are not recorded for this case, so milia-kg has no subtype and no advice for it."


def _classify(*args: str, stdin: str | None = None) -> tuple[int, Any, str]:
    result = CliRunner().invoke(main, ["classify", *args], input=stdin)
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else result.stdout, result.stderr


def test_a_bundle_with_milia_and_an_inherited_disorder() -> None:
    code, answer, err = _classify(str(EXAMPLES / "fhir-bundle-milia-ofd1.json"))
    assert (code, err) == (0, "")
    assert (answer["id"], answer["subtypes"], answer["ignored"]) == ("example-milia-ofd1", [], [])
    [juvenile] = answer["to_consider"]
    # HPO 2025-01-16: OMIM:311200 X-linked dominant (PMID:11179005), milia in 4/6 (PMID:11179005)
    assert juvenile["disorders"] == [{
        "disorder": "OMIM:311200", "label": "Orofaciodigital syndrome I", "kind": "hpo-annotation",
        "detail": "X-linked dominant inheritance (HP:0001423)", "reference": "PMID:11179005",
        "milia": "HPO annotation: shows milia (HP:0001056), frequency 4/6 [PMID:11179005]"}]


@pytest.mark.parametrize("document", [
    json.loads((EXAMPLES / "fhir-bundle-no-milia.json").read_text("utf-8")),
    {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p", "birthDate": "2001-01-01"}}]},
    {"resourceType": "Patient", "id": "p", "gender": "female"},
], ids=["refuted", "no-condition", "patient-only"])
def test_a_fhir_document_without_milia_is_not_recorded(document: dict[str, Any]) -> None:
    code, answer, err = _classify("-", stdin=json.dumps(document))
    assert (code, err) == (0, "")
    assert answer["note"] == f"{NOT_RECORDED} (no Condition of the FHIR document records milia)"
    assert (answer["subtypes"], answer["to_consider"], answer["sources"]) == ([], [], [])
    assert all(answer[s] == [] for s in ("course", "management", "prevention", "differential", "avoid",
                                         "care_seeking"))


def test_the_refuted_condition_is_listed_with_the_reason() -> None:
    answer = api.classify(json.loads((EXAMPLES / "fhir-bundle-no-milia.json").read_text("utf-8"))).to_dict()
    assert [(i["field"], i["reason"]) for i in answer["ignored"]] == [
        ("entry[1].resource", "verificationStatus says it is refuted or entered in error")]


def test_a_malformed_bundle_is_a_one_line_error() -> None:
    code, out, err = _classify("-", stdin=json.dumps({"resourceType": "Bundle", "entry": "x"}))
    assert (code, out, err) == (2, "", "milia-kg: error: case profile: entry: a FHIR Bundle's entry must be an array\n")


#: 1926-12-06 to 2026-12-06 is 36,525 days (25 leap days): exactly 100 years of 365.25 days
@pytest.mark.parametrize(("birth", "today", "years"), [
    ("2026-12-01", dt.date(2026, 12, 6), round(5 / 365.25, 6)), ("1926-12-06", dt.date(2026, 12, 6), 100.0),
    ("2026-12-07", dt.date(2026, 12, 6), None), ("1926-12", dt.date(2026, 12, 6), None),
    ("not a date", dt.date(2026, 12, 6), None)])
def test_age_from_birth_date(birth: str, today: dt.date, years: float | None) -> None:
    assert fhir.age_years(birth, today) == years


def test_a_newborn_with_milia_at_birth_is_read_as_present_at_birth() -> None:
    today = dt.date(2026, 12, 6)
    condition = {"resourceType": "Condition", "code": {"coding": [{"system": "http://snomed.info/sct",
                                                                   "code": "37719003"}]},
                 "onsetDateTime": "2026-11-30", "bodySite": [{"text": "nose"}]}
    prefetch = {"patient": {"resourceType": "Patient", "id": "n", "birthDate": "2026-11-30"}, "c": condition}
    graph = api.graph()
    case = fhir.read_prefetch(prefetch, "n", today, *fhir.graph_checks(graph.holds, graph.resolve))
    assert (case.milia, case.profile, case.ignored) == (
        True, {"age_years": round(6 / 365.25, 6), "sites": ["nose"], "present_at_birth": True}, [])


def _damage_case(rash_onset: str | None, milia_onset: str | None) -> fhir.FhirCase:
    def condition(system: str, code: str, onset: str | None) -> dict[str, Any]:
        return {"resourceType": "Condition", "code": {"coding": [{"system": system, "code": code}]},
                **({"onsetDateTime": onset} if onset else {})}

    prefetch = {"patient": {"resourceType": "Patient", "id": "a", "birthDate": "1980-01-01"},
                "rash": condition("http://human-phenotype-ontology.org", "HP:0000988", rash_onset),
                "milia": condition("http://snomed.info/sct", "254679001", milia_onset)}
    graph = api.graph()
    return fhir.read_prefetch(prefetch, "a", dt.date(2026, 12, 6), *fhir.graph_checks(graph.holds, graph.resolve))


def test_a_rash_that_began_before_the_milia_preceded_them() -> None:
    # HP:0000988 (Skin rash) is mapped to mkg:Rash (closeMatch); the page: secondary milia develop after damage
    case = _damage_case("2026-03-01", "2026-04-15")
    assert (case.profile["preceding_skin_damage"], case.ignored) == (["rash"], [])
    result = api.classify({**case.profile}).to_dict()
    assert [s["id"] for s in result["subtypes"]] == ["mkg:SecondaryMilia"]


@pytest.mark.parametrize(("rash", "milia"), [("2026-04-15", "2026-03-01"), ("2026-03-01", None), (None, "2026-03-01"),
                                             ("2026-03-01", "2026-03-01")],
                         ids=["after", "milia-undated", "rash-undated", "same-day"])
def test_a_rash_not_shown_to_come_first_is_ignored(rash: str | None, milia: str | None) -> None:
    case = _damage_case(rash, milia)
    assert "preceding_skin_damage" not in case.profile
    assert [(i["field"], i["reason"]) for i in case.ignored] == [(
        "prefetch.rash.onsetDateTime", "damage to the skin (rash), but no onset days show it began before the milia"
        " (onsetDateTime of both, to the day)")]
