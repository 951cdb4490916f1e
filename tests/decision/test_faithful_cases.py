"""Clinical cases of issue 18, with answers written from the page.

The page offers removal ("adapalene gel", "tretinoin cream", a needle, "cryotherapy") to
"Adolescents and adults [who] might be concerned about what milia do to their appearance"; it says
nothing of removal for children, so a 6-year-old is offered none, and an adult with secondary milia
is offered all four, whichever path (subtype met or not) the case takes.
"""

from __future__ import annotations

from typing import Any

import pytest

from milia_kg.decision import api

REMOVAL = {"adapalene gel", "tretinoin cream", "needle puncture and expression", "cryotherapy"}
REMOVAL_QUOTES = {
    "Adolescents and adults might be concerned about what milia do to their appearance.",
    "In these cases, there are ways that a doctor can remove them.",
}


def _classify(profile: dict[str, Any]) -> dict[str, Any]:
    return api.classify(profile).to_dict()


def _labels(data: dict[str, Any], section: str) -> set[str]:
    return {item["item_label"] for item in data[section]}


def test_six_year_old_is_offered_no_removal() -> None:
    data = _classify({"id": "six", "age_years": 6, "sites": ["face"]})
    assert data["subtypes"] == []
    assert _labels(data, "management") == {"no treatment", "using sunscreen"}
    assert not REMOVAL & _labels(data, "management")


def test_six_year_old_after_a_burn_is_offered_no_removal_either() -> None:
    data = _classify({"age_years": 6, "preceding_skin_damage": ["burn"]})
    assert [s["label"] for s in data["subtypes"]] == ["secondary milia"]
    assert not REMOVAL & _labels(data, "management")


def test_adult_after_a_burn_is_offered_removal() -> None:
    data = _classify({"age_years": 35, "preceding_skin_damage": ["burn"]})
    assert [s["label"] for s in data["subtypes"]] == ["secondary milia"]
    removal = [item for item in data["management"] if item["item_label"] in REMOVAL]
    assert {item["item_label"] for item in removal} == REMOVAL
    for item in removal:
        assert item["population"] == "adolescents and adults"
        assert item["when"] == "if concerned about appearance"
        assert item["stated_for"] == "mkg:Milia" and item["scope"] == "general"
    for item in removal:
        assert {q["quote"] for q in item["quotes"]} >= REMOVAL_QUOTES
        assert item["said_of"] == "said of milia in general, for adolescents and adults"


def test_adolescent_is_offered_removal() -> None:
    data = _classify({"age_years": 15, "sites": ["face"]})
    assert _labels(data, "management") >= REMOVAL


def test_without_an_age_removal_is_shown_with_its_population() -> None:
    data = _classify({"sites": ["face"]})
    removal = [item for item in data["management"] if item["item_label"] in REMOVAL]
    assert {item["item_label"] for item in removal} == REMOVAL
    assert {item["population"] for item in removal} == {"adolescents and adults"}


@pytest.mark.parametrize("age", [0.01, 0.5, 6])
def test_no_child_gets_adult_home_care(age: float) -> None:
    data = _classify({"age_years": age, "sites": ["face"]})
    assert "over-the-counter exfoliating treatment" not in _labels(data, "management")
    assert "see a dermatologist if home exfoliation does not help" not in _labels(data, "care_seeking")


def _consider(data: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [(s["label"], s["qualifier"], s["quote"]) for s in data["to_consider"]]


NEONATAL_TO_CONSIDER = ("neonatal milia", "about half", "Neonatal milia are found in about half of all infants.")


def test_eight_month_old_after_a_rash_is_secondary_not_neonatal() -> None:
    """"Secondary milia happen after the skin is damaged in some way, burns, rashes, ..." (abridged); "Neonatal milia
    are found in about half of all infants" is a prevalence, so neonatal milia are only to consider."""
    data = _classify({"age_years": 0.67, "preceding_skin_damage": ["rash"]})
    assert [s["label"] for s in data["subtypes"]] == ["secondary milia"]
    assert _consider(data) == [NEONATAL_TO_CONSIDER]
    assert not REMOVAL & _labels(data, "management")
    assert "washing the baby's face every day with warm water and gentle soap" in _labels(data, "management")


def test_adult_with_a_heavy_cream_reaction_and_no_damage_is_secondary() -> None:
    """"They can also be caused by a reaction to a heavy skin cream or ointment." Primary milia ("not
    associated with damage to the skin") are not offered: the graph makes them disjoint with secondary."""
    data = _classify({"age_years": 40, "preceding_skin_damage": [], "heavy_cream_or_ointment_reaction": True})
    assert [s["label"] for s in data["subtypes"]] == ["secondary milia"]
    assert data["subtypes"][0]["rationale"] == [
        {"definition": "milia", "observed": "the case is a case of milia"},
        {"definition": "has cause reaction to a heavy skin cream or ointment",
         "observed": "heavy_cream_or_ointment_reaction = True: has cause reaction to a heavy skin cream or ointment"}]
    assert data["to_consider"] == [] and data["ignored"] == []
    assert _labels(data, "management") >= REMOVAL


def test_use_of_a_heavy_cream_alone_is_ignored_with_a_true_reason() -> None:
    data = _classify({"age_years": 40, "heavy_cream_or_ointment_use": True})
    assert data["subtypes"] == []
    assert data["ignored"] == [{"field": "heavy_cream_or_ointment_use", "value": True, "reason":
                                "the source names a reaction to a heavy skin cream or ointment as a cause, not its"
                                " use: give heavy_cream_or_ointment_reaction"}]


def test_adult_without_skin_damage_is_offered_primary_milia_to_consider() -> None:
    data = _classify({"age_years": 30, "preceding_skin_damage": []})
    assert data["subtypes"] == []
    assert _consider(data) == [("primary milia", None, "Primary milia are not associated with damage to the skin.")]


def test_newborn_with_milia_present_at_birth() -> None:
    """No definition on the page is met; neonatal milia to consider; what the page says of milia in babies."""
    data = _classify({"age_years": 0.01, "present_at_birth": True})
    assert data["subtypes"] == [] and _consider(data) == [NEONATAL_TO_CONSIDER]
    course = {(i["item_label"], i.get("population")) for i in data["course"]}
    assert course == {("lasts a few weeks", "infant"), ("not harmful", None)}
    assert _labels(data, "management") == {
        "no treatment", "using sunscreen", "washing the baby's face every day with warm water and gentle soap",
        "patting the skin dry gently"}
    assert _labels(data, "care_seeking") == {
        "ask the doctor at the baby's next visit", "urgency depends on how much the milia bother you"}


def test_woman_of_70_with_a_plaque() -> None:
    """"The milia are clumped together on a raised patch of skin": milia en plaque, whatever her age (the
    page: "mostly, but not exclusively, affects middle-aged women"); its own treatments and the removal
    options for adults."""
    data = _classify({"age_years": 70, "sex": "female", "arrangement": "clustered on a raised patch"})
    assert [s["label"] for s in data["subtypes"]] == ["milia en plaque"] and data["to_consider"] == []
    own = {(i["item_label"], i["qualifier"], i["scope"]) for i in data["management"] if i["stated_for"] == "mkg:MiliaEnPlaque"}
    assert own == {("medicated cream", "can sometimes be successfully", "direct"),
                   ("minocycline", "can sometimes be successfully", "direct")}
    assert _labels(data, "management") >= REMOVAL
    assert _labels(data, "course") == {"not harmful"}


def test_unknown_site_or_disorder_is_ignored_with_its_reason() -> None:
    """Valid input the ontology cannot use is listed under ``ignored``, never a refusal of the case."""
    data = _classify({"age_years": 30, "sites": ["nose", "elbowz", "burn"], "inherited_disorder": "nose"})
    assert data["ignored"] == [
        {"field": "sites[1]", "value": "elbowz",
         "reason": "not used: 'elbowz': no label, synonym, CURIE or IRI in the graph matches (and no label is close)"},
        {"field": "sites[2]", "value": "burn", "reason": "not used: 'burn' is not a kind of AnatomicalSite"},
        {"field": "inherited_disorder", "value": "nose", "reason": "not used: 'nose' is not a kind of InheritedDisorder"},
    ]
    assert data["subtypes"] == [] and data["to_consider"] == []


# ---------------------------------------------------------------- finding 5: age thresholds are the project's

#: age class -> (the range its definition must state, its HsapDv mapping), as data/entities.ttl and
#: data/mappings.sssom.tsv must agree with milia_kg/decision/case_graph.AGE_GROUPS.
AGE_CLASSES = {
    "Newborn": ("first 28 days", ("skos:closeMatch", "HsapDv:0000262")),
    "Infant": ("under 1 year old", ("skos:narrowMatch", "HsapDv:0000261")),
    "OlderChild": ("from 1 year to under 12 years old", None),
    "Adolescent": ("from 12 to under 18 years old", ("skos:relatedMatch", "HsapDv:0000268")),
    "Adult": ("18 years old or older", ("skos:broadMatch", "HsapDv:0000258")),
}


def test_age_class_definitions_state_the_project_thresholds(asserted_graph: Any) -> None:
    import rdflib

    from milia_kg.base import resources
    from milia_kg.decision.case_graph import AGE_GROUP_CLASSES, AGE_GROUPS
    from milia_kg.formats.sssom import read_sssom

    assert [(round(bound * 365.25) if bound < 1 else bound, name) for bound, name in AGE_GROUPS] == [
        (28, "newborn"), (1.0, "infant"), (12.0, "child"), (18.0, "adolescent"), (float("inf"), "adult")]
    mappings = read_sssom(resources.mappings_file()).mappings
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    for local, (range_words, mapping) in AGE_CLASSES.items():
        iri = rdflib.URIRef(f"https://w3id.org/milia-kg/{local}")
        assert iri.toPython() in AGE_GROUP_CLASSES.values()
        definition = str(asserted_graph.value(iri, skos.definition))
        assert range_words in definition and "this project's threshold, not the page's" in definition, definition
        hsapdv = {(m.predicate_id, m.object_id) for m in mappings if m.subject_iri == str(iri)
                  and m.object_id.startswith("HsapDv:")}
        assert hsapdv == ({mapping} if mapping else set()), local


# ---------------------------------------------------------------- finding 6: advice people can read


def test_one_item_per_advice_with_its_quotes_and_reasons() -> None:
    data = _classify({"age_years": 35, "preceding_skin_damage": ["burn"]})
    squeeze = [i for i in data["avoid"] if i["item_label"] == "squeezing or scraping off milia on your own"]
    assert len(squeeze) == 1
    assert sorted((r["reason"], r["qualifier"]) for r in squeeze[0]["reasons"]) == [
        ("infection", "can"), ("permanent scarring", "can also be"), ("scarring", "can")]
    assert [q["quote"] for q in squeeze[0]["quotes"]] == [
        "You should not try to squeeze or scrape off milia on your own, as you might do with a pimple.",
        "This can scar the skin or cause an infection.",
        "The scarring from improper treatment of milia, such as attempting to squeeze or scrape them off of your own"
        " face or your baby\u2019s, can also be permanent."]
    sunscreen = [i for i in data["management"] if i["item_label"] == "using sunscreen"]
    assert len(sunscreen) == 1 and sunscreen[0]["said_of"] == "said of milia in general"
    assert {q["quote"] for q in sunscreen[0]["quotes"]} == {
        "Use sunscreen.", "But there are things you can do at home that can help:"}


def test_text_answer_lists_each_advice_once() -> None:
    from milia_kg.decision import render

    text = render.to_text(api.classify({"age_years": 35, "preceding_skin_damage": ["burn"]}))
    items = [line for line in text.splitlines() if line.startswith("  - ")]
    assert len(items) == len(set(items)) == 16  # course 2, management 7, avoid 1, prevention 4, care seeking 2
    assert not any("things you can do at home" in line for line in items)
    assert "(said of milia in general, for adolescents and adults)" in text
    assert len(text.splitlines()) <= 64  # was 87 with one item per quote
