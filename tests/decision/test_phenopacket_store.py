"""Published Phenopackets that record milia (monarch-initiative/phenopacket-store; tests/fixtures/
phenopackets/store/SOURCE.md), answered as a clinician would expect: every one with exit 0, each
diagnosed Mendelian disorder offering juvenile milia to consider with its evidence, none called
neonatal past the newborn period without a newborn onset.

Expected evidence is written from each file's interpretation and from HPO's 2025-01-16 annotations:
OMIM:311200 X-linked dominant (HP:0001423, PMID:11179005) and annotated with milia in 4 of 6
(PMID:11179005); OMIM:609192 autosomal dominant (HP:0000006, PMID:16928994), no milia annotation;
OMIM:621499 is newer than that release (no annotation).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from milia_kg.cli import main

STORE = Path(__file__).resolve().parents[1] / "fixtures" / "phenopackets" / "store"
OFD1_MILIA = "HPO annotation: shows milia (HP:0001056), frequency 4/6 [PMID:11179005]"
OFD1_MODE = {"disorder": "OMIM:311200", "label": "Orofaciodigital syndrome I", "kind": "hpo-annotation",
             "detail": "X-linked dominant inheritance (HP:0001423)", "reference": "PMID:11179005", "milia": OFD1_MILIA}


def _variant(disorder: str, label: str, detail: str, interpretation: str, milia: str = "") -> dict[str, str]:
    return {"disorder": disorder, "label": label, "kind": "variant", "detail": detail,
            "reference": f"Phenopacket interpretation {interpretation}", **({"milia": milia} if milia else {})}


#: file -> the inherited disorders named beside juvenile milia (None: milia not recorded)
EXPECTED: dict[str, list[dict[str, str]] | None] = {
    "PMID_11179005_Family_1.json": [
        _variant("OMIM:311200", "Orofaciodigital syndrome I", "pathogenic variant OFD1 NM_003611.3:c.1303A>C",
                 "0jr7DdCPBs0I3zvk3ntwRKxM", OFD1_MILIA), OFD1_MODE],
    "PMID_32677760_case_report.json": [
        _variant("OMIM:311200", "Orofaciodigital syndrome I", "pathogenic variant OFD1 NM_003611.3:c.1243del",
                 "UsZ5SOnkDHA40iAdv8cuLvMN", OFD1_MILIA), OFD1_MODE],
    "PMID_31569402_Family_1_Patient_I.json": [
        _variant("OMIM:609192", "Loeys-Dietz syndrome 1", "pathogenic variant TGFBR1 NM_004612.4:c.1199A>G",
                 "G1pr3ht6Lorgjj7H3ZDRnsuM"),
        {"disorder": "OMIM:609192", "label": "Loeys-Dietz syndrome 1", "kind": "hpo-annotation",
         "detail": "Autosomal dominant inheritance (HP:0000006)", "reference": "PMID:16928994"}],
    "PMID_40519748_Family_1_individual_III_1.json": [
        _variant("OMIM:621499", "Craniosynostosis-scoliosis syndrome",
                 "pathogenic variant DHRS3 NC_000001.11:g.12617576_12621501del", "DHPIeCLNBLNYq09CDyh0nT9y")],
    "PMID_32154675_Family_1_Patient_1.json": None,
}


def _answer(name: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["classify", str(STORE / name)])
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def test_every_store_file_is_a_fixture() -> None:
    assert sorted(p.name for p in STORE.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_published_case_is_answered(name: str) -> None:
    answer = _answer(name)
    expected = EXPECTED[name]
    if expected is None:  # milia excluded: an answer, with nothing to advise
        assert (answer["subtypes"], answer["to_consider"], answer["note"]) == ([], [], (
            "Milia are not recorded for this case, so milia-kg has no subtype and no advice for it. (the"
            " Phenopacket excludes milia (HP:0001056))"))
        assert all(answer[section] == [] for section in ("course", "management", "avoid", "care_seeking"))
        return
    # the 9-month-old is an infant: the page's "Neonatal milia are found in about half of all infants"
    # offers neonatal milia to consider (never as a subtype, see below); the others are older or of no age
    infants = {"PMID_32677760_case_report.json"}
    assert [t["id"] for t in answer["to_consider"]] == (
        ["mkg:JuvenileMilia", "mkg:NeonatalMilia"] if name in infants else ["mkg:JuvenileMilia"])
    juvenile = answer["to_consider"][0]
    assert (juvenile["id"], juvenile["qualifier"], juvenile["quote"]) == (
        "mkg:JuvenileMilia", "commonly", "Juvenile milia are commonly linked to an inherited disorder.")
    assert juvenile["disorders"] == expected
    assert not any(i["field"].startswith("interpretations") for i in answer["ignored"])  # read as evidence


@pytest.mark.parametrize("name", [
    "PMID_32677760_case_report.json",
    "PMID_31569402_Family_1_Patient_I.json"])
def test_no_case_past_the_newborn_period_is_neonatal_without_a_newborn_onset(name: str) -> None:
    packet = json.loads((STORE / name).read_text("utf-8"))
    assert packet["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] in ("P9M", "P7Y")  # past 28 days
    assert "HP:0003577" not in json.dumps(packet["phenotypicFeatures"])  # no congenital onset of any feature
    assert "mkg:NeonatalMilia" not in [s["id"] for s in _answer(name)["subtypes"]]
