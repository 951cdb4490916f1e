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
    assert {item["quote"] for item in removal} >= REMOVAL_QUOTES


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
