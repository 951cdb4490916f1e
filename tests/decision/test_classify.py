"""Decision support (issue 11): case profiles are checked against the shipped JSON Schema, classified
by the ontology's defined classes (the same answer as owlrl's full closure of graph + case), and
answered with advice whose every quote is a substring of the seed text."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF

from milia_kg.base import resources as packaged
from milia_kg.cli import main
from milia_kg.decision import api
from milia_kg.decision.case_graph import CaseGraph, case_graph
from milia_kg.decision.render import to_cards
from milia_kg.errors import CaseProfileError
from milia_kg.reasoner import reason

#: id -> (profile, expected subtypes).  Realistic profiles per subtype; the qualifiers of the source
#: respected (milia en plaque mostly, not only, in middle-aged women).  Only the page's defining wording
#: classifies (issue 18): secondary milia (after skin damage, or caused by a reaction to a heavy skin
#: cream or ointment), milia en plaque (clumped on a raised patch), multiple eruptive milia (appear over
#: weeks or months).  Neonatal milia ("found in about half of all infants", a prevalence) and primary
#: milia ("not associated with damage to the skin", a distinguishing remark) are never classified, only
#: offered to consider (TO_CONSIDER).
CASES: dict[str, tuple[dict[str, Any], set[str]]] = {
    "neonatal-newborn-nose": ({"age_years": 0.02, "sites": ["nose"], "present_at_birth": True}, set()),
    "neonatal-infant-cheeks": ({"age_group": "infant", "sex": "male", "sites": ["cheek", "forehead"]}, set()),
    "primary-adult-eyelid": ({"age_years": 34, "sex": "female", "sites": ["eyelid"], "preceding_skin_damage": []},
                             set()),
    "primary-child-forehead": ({"age_years": 8, "sites": ["forehead"], "preceding_skin_damage": [],
                                "onset_pattern": "gradual"}, set()),
    "secondary-adult-burn": ({"age_years": 41, "sites": ["upper arm"], "preceding_skin_damage": ["burn"]},
                             {"SecondaryMilia"}),
    "secondary-child-blisters": ({"age_years": 6, "preceding_skin_damage": ["blister", "rash"]}, {"SecondaryMilia"}),
    "secondary-sun": ({"age_group": "older adult", "sites": ["face"], "preceding_skin_damage": ["sun exposure"]},
                      {"SecondaryMilia"}),
    # juvenile milia have no definition (the source's "commonly linked to an inherited disorder" is a
    # tendency, not a condition): an inherited disorder alone classifies no subtype; it makes juvenile
    # milia a subtype to consider (TO_CONSIDER)
    "juvenile-child-inherited": ({"age_years": 5, "inherited_disorder": True, "present_at_birth": True}, set()),
    "juvenile-adolescent-by-label": ({"age_years": 14, "inherited_disorder": "inherited disorder"}, set()),
    "en-plaque-middle-aged-woman": ({"age_years": 52, "sex": "female", "sites": ["behind the ear"],
                                     "arrangement": "clustered on a raised patch"}, {"MiliaEnPlaque"}),
    "en-plaque-man": ({"age_years": 38, "sex": "male", "sites": ["jaw"], "arrangement": "clustered on a raised patch"},
                      {"MiliaEnPlaque"}),
    "eruptive-adult-itchy": ({"age_years": 29, "sites": ["upper arm", "upper abdomen"],
                              "onset_pattern": "eruptive over weeks or months", "itchy": True},
                             {"MultipleEruptiveMilia"}),
    "eruptive-face": ({"age_group": "adult", "sex": "female", "sites": ["face"],
                       "onset_pattern": "eruptive over weeks or months"}, {"MultipleEruptiveMilia"}),
    "two-infant-after-rash": ({"age_years": 0.5, "preceding_skin_damage": ["rash"]}, {"SecondaryMilia"}),
    "two-eruptive-no-damage": ({"age_years": 33, "onset_pattern": "eruptive over weeks or months",
                                "preceding_skin_damage": []}, {"MultipleEruptiveMilia"}),
    "none-adult-eyelid": ({"age_years": 30, "sites": ["eyelid"]}, set()),
    "none-itchy-scattered": ({"itchy": True, "arrangement": "scattered", "heavy_cream_or_ointment_use": True}, set()),
    # the clinical cases of issue 18
    "eight-month-old-after-rash": ({"age_years": 0.67, "preceding_skin_damage": ["rash"]}, {"SecondaryMilia"}),
    "adult-after-burn": ({"age_years": 35, "preceding_skin_damage": ["burn"]}, {"SecondaryMilia"}),
    "six-year-old": ({"age_years": 6, "sites": ["face"]}, set()),
    "adult-heavy-cream-reaction-no-damage": ({"age_years": 40, "preceding_skin_damage": [],
                                              "heavy_cream_or_ointment_reaction": True}, {"SecondaryMilia"}),
    "newborn-present-at-birth": ({"age_years": 0.01, "present_at_birth": True}, set()),
    "woman-of-70-with-a-plaque": ({"age_years": 70, "sex": "female", "arrangement": "clustered on a raised patch"},
                                  {"MiliaEnPlaque"}),
}
#: The other profiles these tests and the README classify, with their expected subtypes.
OTHER_PROFILES: dict[str, tuple[dict[str, Any], set[str]]] = {
    "curie-site": ({"sites": ["UBERON:0001711"]}, set()),
    "secondary-ignored-fields": ({"age_years": 41, "preceding_skin_damage": ["burn"], "heavy_cream_or_ointment_use": True,
                                  "itchy": False}, {"SecondaryMilia"}),
    "readme-case-7": ({"id": "case-7", "age_years": 0.5, "sites": ["nose"], "preceding_skin_damage": ["rash"]},
                      {"SecondaryMilia"}),
}
ALL_PROFILES = {**CASES, **OTHER_PROFILES}
#: The profiles with a subtype to consider (a tendency the source states, not a definition); all others have none.
#: An infant suggests neonatal milia ("found in about half of all infants"); a stated absence of skin
#: damage suggests primary milia unless a subtype disjoint with it (secondary milia) is met.
TO_CONSIDER: dict[str, set[str]] = {
    "juvenile-child-inherited": {"JuvenileMilia"},
    "juvenile-adolescent-by-label": {"JuvenileMilia"},
    "juvenile-with-a-defined-subtype": {"JuvenileMilia", "NeonatalMilia"},
    "neonatal-newborn-nose": {"NeonatalMilia"},
    "neonatal-infant-cheeks": {"NeonatalMilia"},
    "primary-adult-eyelid": {"PrimaryMilia"},
    "primary-child-forehead": {"PrimaryMilia"},
    "two-infant-after-rash": {"NeonatalMilia"},
    "two-eruptive-no-damage": {"PrimaryMilia"},
    "readme-case-7": {"NeonatalMilia"},
    "eight-month-old-after-rash": {"NeonatalMilia"},
    "newborn-present-at-birth": {"NeonatalMilia"},
}
#: subtype to consider -> (class of cases it is suggested by, the source's qualifier, quote, the part met)
SUGGESTED_BY = {
    "JuvenileMilia": ("mkg:LinkedToInheritedDisorder", "commonly",
                      "Juvenile milia are commonly linked to an inherited disorder.", "is linked to inherited disorder"),
    "NeonatalMilia": ("mkg:OccursInInfant", "about half", "Neonatal milia are found in about half of all infants.",
                      "occurs in infant"),
    "PrimaryMilia": ("mkg:NotAssociatedWithSkinDamage", None, "Primary milia are not associated with damage to the skin.",
                     "is not associated with damage to the skin"),
}
OTHER_PROFILES["juvenile-with-a-defined-subtype"] = (
    {"age_years": 0.3, "sites": ["nose"], "inherited_disorder": True}, set())
ALL_PROFILES["juvenile-with-a-defined-subtype"] = OTHER_PROFILES["juvenile-with-a-defined-subtype"]


def _ids(result: api.Result) -> set[str]:
    return {s["id"].removeprefix("mkg:") for s in result.subtypes}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_classifies_into_expected_subtypes(name: str) -> None:
    profile, expected = CASES[name]
    result = api.classify(profile)
    assert _ids(result) == expected
    assert result.note.startswith({0: "No subtype", 1: "One subtype"}.get(len(expected), "Several subtypes"))
    for subtype in result.subtypes:  # the rationale names an observation for each restriction
        observed = [r for r in subtype["rationale"] if r["definition"] != "milia"]
        assert observed and all("=" in r["observed"] for r in observed)


def _graphs() -> tuple[api._Context, dict[str, CaseGraph]]:
    ctx = api._context()
    return ctx, {name: case_graph(profile, ctx.resolve) for name, (profile, _) in ALL_PROFILES.items()}


def _to_rdflib(term: Any) -> rdflib.term.Node:
    return rdflib.URIRef(term.value) if isinstance(term, ox.NamedNode) else rdflib.BNode(term.value)


@pytest.mark.parametrize("reasoner", ["fast", "owlrl"])
def test_classification_equals_full_closure(reasoner: str, asserted_graph: rdflib.Graph) -> None:
    """Every test profile at once (each its own individuals) added to the whole asserted graph, reasoned
    from scratch: each case's named types equal those the prepared schema module gives it, classified
    one after the other (so each also checks that the previous case was taken back out)."""
    ctx, graphs = _graphs()
    union = rdflib.Graph() + asserted_graph
    for graph in graphs.values():
        for triple in graph.triples:
            union.add(tuple(_to_rdflib(term) for term in triple))  # type: ignore[arg-type]
    closure = reason(union, reasoner=reasoner).closure
    for name, graph in graphs.items():
        case = _to_rdflib(graph.case)
        full = {str(t) for t in closure.objects(case, RDF.type) if isinstance(t, rdflib.URIRef)}
        assert full == ctx.classifier.types(graph), name
        assert {t.rsplit("/", 1)[-1] for t in full & ctx.classifier.subtypes} == ALL_PROFILES[name][1], name
        met = full & ctx.classifier.subtypes
        suggested = {s for by in full & ctx.classifier.suggesting.keys() for s in ctx.classifier.suggesting[by]
                     if not any(ctx.classifier.disjoint(s, m) for m in met)}
        assert {t.rsplit("/", 1)[-1] for t in suggested} == TO_CONSIDER.get(name, set()), name


@pytest.mark.parametrize("name", sorted(ALL_PROFILES))
def test_subtypes_to_consider(name: str) -> None:
    """A subtype the source links to the observations only by a tendency is shown to consider, with the
    source's qualifier and quote; it is never among the classified subtypes."""
    result = api.classify(ALL_PROFILES[name][0])
    expected = TO_CONSIDER.get(name, set())
    assert {s["id"].removeprefix("mkg:") for s in result.to_consider} == expected
    assert not expected & _ids(result)
    for item in result.to_consider:
        by, qualifier, quote, part = SUGGESTED_BY[item["id"].removeprefix("mkg:")]
        assert (item["because_of"], item["qualifier"], item["quote"]) == (by, qualifier, quote)
        assert [r["definition"] for r in item["rationale"]] == [part]
        assert item["quote"] in packaged.seed_text() and item["source"] in {s["id"] for s in result.sources}
        assert f"To consider: {item['label']}" in result.note
    cards = to_cards(result)["cards"]
    assert sorted(c["summary"] for c in cards if c["summary"].startswith("Milia: consider")) == sorted(
        f"Milia: consider {item['label']} (not a classification"
        + (f"; the source: {item['qualifier']})" if item["qualifier"] else ")") for item in result.to_consider)


@pytest.mark.parametrize("name", sorted(OTHER_PROFILES))
def test_other_profiles_classify_as_expected(name: str) -> None:
    profile, expected = OTHER_PROFILES[name]
    assert _ids(api.classify(profile)) == expected


@pytest.mark.parametrize("name", sorted(ALL_PROFILES))
def test_plain_schema_check_agrees_with_jsonschema(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid profiles pass the schema check without jsonschema (invalid ones never do: see
    test_validation_errors_name_the_field)."""
    import jsonschema

    from milia_kg.decision import profile as profile_module

    profile = ALL_PROFILES[name][0]
    assert jsonschema.Draft202012Validator(profile_module.schema()).is_valid(profile)

    def refuse() -> None:
        raise AssertionError("jsonschema consulted for a valid profile")

    monkeypatch.setattr(profile_module, "_validator", refuse)
    assert profile_module.check_profile(profile) is profile


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_advice_item_quotes_the_seed(name: str) -> None:
    seed = packaged.seed_text()
    data = api.classify(CASES[name][0]).to_dict()
    items = [item for section in ("course", "management", "avoid", "prevention", "care_seeking", "differential")
             for item in data[section]]
    assert items
    for item in items:
        assert item["quotes"] and all(q["quote"] in seed for q in item["quotes"])
        assert item["scope"] in {"direct", "general", "population"}
        assert {q["source"] for q in item["quotes"]} == {"mkg:source-cleveland-clinic-milia"}
        assert item["said_of"].startswith("said of ")
    for section in ("course", "management", "avoid", "prevention", "care_seeking", "differential"):
        keys = [(i["item"], i.get("population"), i["stated_for"]) for i in data[section]]
        assert len(keys) == len(set(keys)), f"{section}: one item per piece of advice"
    assert [s["id"] for s in data["sources"]] == ["mkg:source-cleveland-clinic-milia"]
    assert "not a diagnosis" in data["disclaimer"]


def _items(data: dict[str, Any], section: str) -> set[str]:
    return {item["item_label"] for item in data[section]}


def test_advice_is_filtered_to_the_population() -> None:
    infant = api.classify(CASES["neonatal-newborn-nose"][0]).to_dict()
    adult = api.classify(CASES["en-plaque-middle-aged-woman"][0]).to_dict()
    assert "using lotions or oils meant for adults on a baby" in _items(infant, "avoid")
    assert "washing the baby's face every day with warm water and gentle soap" in _items(infant, "management")
    assert _items(infant, "differential") == set()  # said of neonatal milia, which are only to consider here
    assert "lasts a few weeks" in _items(infant, "course")
    assert "using lotions or oils meant for adults on a baby" not in _items(adult, "avoid")
    assert {"medicated cream", "minocycline", "no treatment"} <= _items(adult, "management")
    assert "washing the baby's face every day with warm water and gentle soap" not in _items(adult, "management")
    assert _items(adult, "care_seeking") == {
        "see a dermatologist if home exfoliation does not help", "urgency depends on how much the milia bother you"}
    scopes = {(i["item_label"], i["scope"]) for i in adult["management"]}
    assert {("minocycline", "direct"), ("no treatment", "general")} <= scopes


def test_secondary_milia_prevention_and_ignored_fields() -> None:
    data = api.classify(OTHER_PROFILES["secondary-ignored-fields"][0]).to_dict()
    assert {"avoiding excessive exposure to the sun", "avoiding thick facial creams or ointments"} <= _items(
        data, "prevention")
    assert [i["field"] for i in data["ignored"]] == ["heavy_cream_or_ointment_use", "itchy"]


@pytest.mark.parametrize(
    ("profile", "field", "reason"),
    [
        ({}, "", "says nothing"),
        ({"id": "only-an-id"}, "", "says nothing"),
        ([1, 2], "", "expected a JSON object"),
        ({"age": 3}, "age", "unknown field"),
        ({"age_years": -1}, "age_years", "less than the minimum of 0"),
        ({"age_years": "3"}, "age_years", "is not of type 'number'"),
        ({"age_years": True}, "age_years", "is not of type 'number'"),
        ({"age_group": "toddler"}, "age_group", "'toddler' is not one of"),
        ({"sex": "f"}, "sex", "'f' is not one of"),
        ({"sites": "nose"}, "sites", "is not of type 'array'"),
        ({"sites": ["nose", 3]}, "sites[1]", "is not of type 'string'"),
        ({"sites": ["UBERON:0001711"]}, "", ""),  # a CURIE resolves like a query parameter: valid
        ({"present_at_birth": "yes"}, "present_at_birth", "is not of type 'boolean'"),
        ({"onset_pattern": "sudden"}, "onset_pattern", "'sudden' is not one of"),
        ({"preceding_skin_damage": ["cut"]}, "preceding_skin_damage[0]", "'cut' is not one of"),
        ({"preceding_skin_damage": "burn"}, "preceding_skin_damage", "is not of type 'array'"),
        ({"heavy_cream_or_ointment_use": 1}, "heavy_cream_or_ointment_use", "is not of type 'boolean'"),
        ({"inherited_disorder": 1}, "inherited_disorder", "is not of type 'boolean', 'string'"),
        ({"arrangement": "linear"}, "arrangement", "'linear' is not one of"),
        ({"itchy": "very"}, "itchy", "is not of type 'boolean'"),
        ({"age_years": 40, "age_group": "infant"}, "age_group", "contradicts age_years 40"),
    ],
)
def test_validation_errors_name_the_field(profile: Any, field: str, reason: str) -> None:
    from milia_kg.decision.profile import _plainly_valid, schema

    if not reason:
        assert api.classify(profile).subtypes == []
        return
    if not any(graph_check in reason for graph_check in ("JSON object", "kind of", "no label", "contradicts",
                                                          "says nothing")):
        assert not _plainly_valid(profile, schema())  # a schema error is never waved through
    with pytest.raises(CaseProfileError) as caught:
        api.classify(profile)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert "\n" not in str(caught.value)


def test_schema_ships_in_the_package_and_is_valid() -> None:
    import jsonschema

    text = resources.files("milia_kg.decision").joinpath("schemas", "case-profile.schema.json").read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    for profile, _ in CASES.values():
        jsonschema.validate(profile, schema)


def test_classify_many_keeps_going_after_a_bad_profile() -> None:
    results = list(api.classify_many([CASES["eruptive-face"][0], {"sex": "x"}, CASES["two-infant-after-rash"][0]]))
    assert _ids(results[0]) == {"MultipleEruptiveMilia"}  # type: ignore[arg-type]
    assert isinstance(results[1], CaseProfileError) and results[1].line == 2 and results[1].field == "sex"
    assert _ids(results[2]) == {"SecondaryMilia"}  # type: ignore[arg-type]


def test_package_reexports_classify() -> None:
    import milia_kg

    assert milia_kg.classify is api.classify and milia_kg.classify_many is api.classify_many


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_cli_classify(fmt: str) -> None:
    result = CliRunner().invoke(main, ["classify", "-", "--format", fmt],
                                input=json.dumps(CASES["en-plaque-middle-aged-woman"][0]))
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert [s["id"] for s in data["subtypes"]] == ["mkg:MiliaEnPlaque"]
        assert set(data) == {"id", "subtypes", "to_consider", "note", "course", "management", "avoid", "prevention",
                             "care_seeking", "differential", "ignored", "sources", "disclaimer"}
    else:
        assert "- milia en plaque" in result.stdout and "minocycline" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"age_years": -3}', "milia-kg: error: case profile: age_years: -3 is less than the minimum of 0\n"),
        ("{not json", "milia-kg: error: case profile: not JSON (Expecting property name enclosed in double quotes"
                      " at line 1 column 2)\n"),
        ('{"sites": ["nose", 3]}', "milia-kg: error: case profile: sites[1]: 3 is not of type 'string'\n"),
    ],
)
def test_cli_bad_profile_is_one_line_exit_2(text: str, message: str) -> None:
    result = CliRunner().invoke(main, ["classify", "-"], input=text)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_cli_jsonl_answers_every_good_line() -> None:
    lines = [json.dumps(CASES["secondary-adult-burn"][0]), '{"age_years": -1}', "", "oops",
             json.dumps(CASES["neonatal-infant-cheeks"][0])]
    result = CliRunner().invoke(main, ["classify", "-", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("line") for o in out] == [None, 2, 4, None]
    assert [s["id"] for s in out[0]["subtypes"]] == ["mkg:SecondaryMilia"]
    assert [s["id"] for s in out[3]["to_consider"]] == ["mkg:NeonatalMilia"]
    assert result.stderr.splitlines() == [
        "milia-kg: error: line 2: case profile: age_years: -1 is less than the minimum of 0",
        "milia-kg: error: line 4: case profile: not JSON (Expecting value at line 1 column 1)",
        "milia-kg: error: case profile: 2 line(s) of - failed (see above)",
    ]


@pytest.mark.parametrize("name", sorted(CASES))
def test_cds_hooks_cards_shape(name: str) -> None:
    """``format=cards`` gives the CDS Hooks 2.0 cards of the CDS Hooks route: one renderer."""
    from milia_kg.decision import render

    result = api.classify(CASES[name][0])
    cards = render.to_cards(result)
    assert set(cards) == {"cards"}
    seed = packaged.seed_text()
    summaries = [card["summary"] for card in cards["cards"]]
    for card in cards["cards"]:
        assert {"uuid", "summary", "indicator", "detail", "source"} <= set(card)
        assert len(card["summary"]) < 140  # CDS Hooks: "<140-character summary"
        assert card["indicator"] in {"info", "warning"}
        assert {k: card["source"][k] for k in ("label", "url")} == {
            "label": "Cleveland Clinic: Milia (patient-education page)",
            "url": "https://my.clevelandclinic.org/health/diseases/17868-milia"}
        assert card.get("links", []) == []  # no links without the service's own URL
        for quoted in card["detail"].split('"')[1::2]:
            assert quoted in seed
    expected = [f"Milia: the observations meet the definition of {s['label']}" for s in result.subtypes] or [
        "Milia: no subtype's definition is met by the observations"]
    expected += [f"Milia: consider {s['label']} (not a classification"
                 + (f"; the source: {s['qualifier']})" if s.get("qualifier") else ")") for s in result.to_consider]
    assert summaries[: len(expected)] == expected
    assert [c["indicator"] for c in cards["cards"]].count("warning") == (1 if result.advice["avoid"] else 0)
    assert [c.get("suggestions", [{}])[0].get("label") for c in cards["cards"][: len(result.subtypes)]] == [
        f"Record {s['label']} (provisional)" for s in result.subtypes]


def test_cli_cards_format() -> None:
    result = CliRunner().invoke(main, ["classify", "-", "--format", "cards"],
                                input=json.dumps(CASES["secondary-adult-burn"][0]))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["cards"][0]["summary"] == (
        "Milia: the observations meet the definition of secondary milia")


def test_cli_reads_a_file_and_refuses_a_missing_one(tmp_path: Any) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASES["en-plaque-man"][0]), encoding="utf-8")
    found = CliRunner().invoke(main, ["classify", str(path)])
    assert found.exit_code == 0 and [s["id"] for s in json.loads(found.stdout)["subtypes"]] == ["mkg:MiliaEnPlaque"]
    missing = CliRunner().invoke(main, ["classify", str(tmp_path / "absent.json")])
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.startswith("milia-kg: error: ") and missing.stderr.count("\n") == 1


def test_build_publishes_the_case_profile_schema(release: tuple[Any, Any]) -> None:
    out, _ = release
    packaged = resources.files("milia_kg.decision").joinpath("schemas", "case-profile.schema.json").read_bytes()
    assert (out / "schemas" / "case-profile.schema.json").read_bytes() == packaged
    assert "schemas/case-profile.schema.json" in (out / "void.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("eruptive-face", {"mkg:MultipleEruptiveMilia": [
            {"system": "http://purl.obolibrary.org/obo/mondo.owl", "code": "MONDO:0008001",
             "display": "milia, multiple eruptive"},
            {"system": "http://www.omim.org", "code": "157400", "display": "milia, multiple eruptive"}]}),
        ("secondary-adult-burn", {"mkg:SecondaryMilia": []}),
    ],
)
def test_subtypes_carry_fhir_codings(name: str, expected: dict[str, list[dict[str, str]]]) -> None:
    assert {s["id"]: s["codings"] for s in api.classify(CASES[name][0]).subtypes} == expected


def test_sources_carry_the_page_url_from_the_graph(asserted_graph: rdflib.Graph) -> None:
    page = asserted_graph.value(rdflib.URIRef("https://w3id.org/milia-kg/source-cleveland-clinic-milia"),
                                rdflib.URIRef("http://purl.org/ontology/bibo/uri"))
    assert str(page) == "https://my.clevelandclinic.org/health/diseases/17868-milia"
    assert api.classify(CASES["eruptive-face"][0]).sources == [
        {"id": "mkg:source-cleveland-clinic-milia", "label": "Cleveland Clinic: Milia (patient-education page)",
         "title": "Milia", "url": str(page)}]
