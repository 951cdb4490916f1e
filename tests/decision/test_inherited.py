"""Inherited disorders from real diagnoses in a case profile (issue 19): a disease id counts when
HPO's annotations (2025-01-16) give it a mode of inheritance; otherwise it is ignored with the reason."""

from __future__ import annotations

from milia_kg.base import resources
from milia_kg.decision import api, inherited


def test_an_omim_disease_with_a_mode_of_inheritance_offers_juvenile_milia() -> None:
    result = api.classify({"age_years": 9, "inherited_disorder": "OMIM:311200"}).to_dict()
    [juvenile] = result["to_consider"]
    assert juvenile["id"] == "mkg:JuvenileMilia"
    # HPO 2025-01-16: OMIM:311200 is X-linked dominant (PMID:11179005), milia in 4/6 (PMID:11179005)
    assert juvenile["disorders"] == [{
        "disorder": "OMIM:311200", "label": "Orofaciodigital syndrome I", "kind": "hpo-annotation",
        "detail": "X-linked dominant inheritance (HP:0001423)", "reference": "PMID:11179005",
        "milia": "HPO annotation: shows milia (HP:0001056), frequency 4/6 [PMID:11179005]"}]
    assert result["ignored"] == []


def test_a_disease_without_a_mode_of_inheritance_is_ignored_with_the_reason() -> None:
    # Orphanet's rows in phenotype.hpoa carry no inheritance (aspect I) annotation
    result = api.classify({"age_years": 9, "inherited_disorder": "ORPHA:2750"}).to_dict()
    assert result["to_consider"] == []
    assert result["ignored"] == [{"field": "inherited_disorder", "value": "ORPHA:2750", "reason":
                                  "HPO's annotations give this disease no mode of inheritance, so it is not known"
                                  " to be inherited"}]


def test_sporadic_only_is_not_inheritance() -> None:
    # the qualifiers of HPO's inheritance branch (Sporadic, somatic mosaicism, ...) do not count
    text = resources.data_dir().joinpath("hpo", "phenotype-inheritance.hpoa").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.startswith(("OMIM:", "ORPHA:", "DECIPHER:"))]
    sporadic = {r[0] for r in rows if r[3] == "HP:0003745"} - {r[0] for r in rows if r[3] != "HP:0003745"}
    assert sporadic, "HPO 2025-01-16 has diseases annotated Sporadic alone"
    assert all(inherited.from_annotations(disease) is None for disease in sporadic)
