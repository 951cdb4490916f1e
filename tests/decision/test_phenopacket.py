"""Decision support (issue 11, item 2): a GA4GH Phenopacket v2 is accepted wherever a case profile is,
detected by its content, checked with the ``phenopackets`` protobuf classes and mapped by the shipped
HPO table; everything it says that no profile field takes is listed in ``ignored`` with its JSON path.

The fixtures are in ``tests/fixtures/phenopackets/``.  Reachable with HPO terms alone: neonatal
milia (the subject's age), secondary milia (milia "Triggered by physical trauma"), milia en plaque
(milia with the modifier "Skin plaque").  Every subtype is reachable with milia-kg's own terms where
HPO has none (``mkg-*.json``, one realistic Phenopacket per subtype, each classified exactly as its
profile): an eruption over weeks or months as the onset (multiple eruptive milia), damage to the skin
excluded (primary milia) or present (secondary milia); juvenile milia, which have no definition, as a
subtype to consider (an inherited disorder).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from milia_kg import vocab
from milia_kg.cli import main
from milia_kg.decision import api, phenopacket
from milia_kg.decision.case_graph import case_graph
from milia_kg.errors import CaseProfileError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "phenopackets"
SECTIONS = ("course", "management", "avoid", "prevention", "care_seeking", "differential")


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


#: fixture -> (the case profile it maps to, the subtypes it classifies into)
CONVERTED: dict[str, tuple[dict[str, Any], set[str]]] = {
    "neonatal-newborn.json": ({"id": "neonatal-newborn", "sex": "male", "age_years": round(14 / 365.25, 6),
                               "present_at_birth": True}, set()),
    "neonatal-infant.json": ({"id": "neonatal-infant", "sex": "female", "age_years": round(5 / 12, 6)},
                             set()),
    "secondary-trauma.json": ({"id": "secondary-trauma", "sex": "male", "age_years": 41.0,
                               "preceding_skin_damage": ["other"]}, {"SecondaryMilia"}),
    "en-plaque.json": ({"id": "en-plaque", "sex": "female", "age_years": 52.0,
                        "arrangement": "clustered on a raised patch", "sites": ["eyelid"], "itchy": True},
                       {"MiliaEnPlaque"}),
    "unmappable.json": ({"id": "unmappable", "sex": "female", "age_years": 30.5, "onset_pattern": "gradual",
                         "inherited_disorder": True}, set()),
    "excluded.json": ({"id": "excluded", "age_years": 7.0, "itchy": False}, set()),
    "congenital.json": ({"id": "congenital", "age_years": 5.0, "present_at_birth": True}, set()),
    # milia-kg's own terms (metaData.resources declares mkg), one realistic Phenopacket per subtype
    "mkg-neonatal.json": ({"id": "mkg-neonatal", "sex": "female", "age_years": round(10 / 365.25, 6),
                           "present_at_birth": True, "sites": ["UBERON:0000004", "UBERON:0001567"]}, set()),
    "mkg-primary.json": ({"id": "mkg-primary", "sex": "male", "age_years": 27.0,
                          "sites": ["UBERON:0001711", "UBERON:0008200"], "preceding_skin_damage": []}, set()),
    "mkg-secondary.json": ({"id": "mkg-secondary", "sex": "male", "age_years": 63.0, "sites": ["UBERON:0003822"],
                            "preceding_skin_damage": ["burn", "sun exposure"]}, {"SecondaryMilia"}),
    "mkg-en-plaque.json": ({"id": "mkg-en-plaque", "sex": "female", "age_years": 48.0,
                            "arrangement": "clustered on a raised patch", "sites": ["mkg:SkinBehindEar"]},
                           {"MiliaEnPlaque"}),
    "mkg-eruptive.json": ({"id": "mkg-eruptive", "sex": "female", "age_years": 35.0,
                           "onset_pattern": "eruptive over weeks or months", "sites": ["UBERON:0001456", "mkg:UpperAbdomen"],
                           "itchy": True}, {"MultipleEruptiveMilia"}),
    "mkg-juvenile.json": ({"id": "mkg-juvenile", "sex": "male", "age_years": 9.0, "sites": ["UBERON:0001456"],
                           "inherited_disorder": True}, set()),
    # milia-kg terms that do not count: listed as ignored (see IGNORED)
    "mkg-undeclared.json": ({"id": "mkg-undeclared", "sex": "female", "age_years": 35.0}, set()),
    "mkg-wrong-iri.json": ({"id": "mkg-wrong-iri", "sex": "female", "age_years": 35.0}, set()),
    "mkg-wrong-branch.json": ({"id": "mkg-wrong-branch", "sex": "female", "age_years": 35.0, "present_at_birth": True},
                              set()),
}
#: fixture -> the subtypes to consider (none for the others)
#: (neonatal and primary milia have no definition on the page: issue 18)
CONSIDER = {"unmappable.json": {"JuvenileMilia"}, "mkg-juvenile.json": {"JuvenileMilia"},
            "neonatal-newborn.json": {"NeonatalMilia"}, "neonatal-infant.json": {"NeonatalMilia"},
            "mkg-neonatal.json": {"NeonatalMilia"}, "mkg-primary.json": {"PrimaryMilia"}}


@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_phenopacket_maps_to_the_profile(name: str) -> None:
    assert phenopacket.convert(_load(name), api.graph).profile == CONVERTED[name][0]


@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_classify_phenopacket_equals_classify_profile(name: str) -> None:
    profile, expected = CONVERTED[name]
    from_packet = api.classify(_load(name)).to_dict()
    from_profile = api.classify(profile).to_dict()
    assert ({s["id"].removeprefix("mkg:") for s in from_packet["subtypes"]},
            {s["id"].removeprefix("mkg:") for s in from_packet["to_consider"]}) == (expected, CONSIDER.get(name, set()))
    disorders = [item.pop("disorders", None) for item in from_packet["to_consider"]]
    assert disorders == [DISORDERS[name]] if name in DISORDERS else all(d is None for d in disorders)
    for key in ("id", "subtypes", "to_consider", "note", "sources", "disclaimer", *SECTIONS):
        assert from_packet[key] == from_profile[key], key


#: fixture -> the inherited disorders named beside juvenile milia (written from the fixture's diseases and
#: the HPO 2025-01-16 annotations: Bazex syndrome, OMIM:301845, is annotated X-linked dominant and with milia)
DISORDERS = {"unmappable.json": [{
    "disorder": "OMIM:301845", "label": "Bazex syndrome", "kind": "hpo-annotation",
    "detail": "X-linked dominant inheritance (HP:0001423)", "reference": "OMIM:301845",
    "milia": "HPO annotation: shows milia (HP:0001056) [OMIM:301845]"}]}


#: fixture -> every ignored item's (JSON path, start of the reason), in order
IGNORED: dict[str, list[tuple[str, str]]] = {
    "unmappable.json": [
        ("medicalActions[0]", "treatments given have no profile field"),
        ("metaData", "document metadata"),
        ("subject.id", "an identifier of the subject"),
        ("subject.dateOfBirth", "the age is taken from subject.timeAtLastEncounter"),
        ("phenotypicFeatures[0].severity", "no profile field for the severity of the milia"),
        ("phenotypicFeatures[0].modifiers[1]", "a modifier with no profile field"),
        ("phenotypicFeatures[0].onset", "only a congenital onset (HP:0003577: present at birth)"),
        ("phenotypicFeatures[1]", "Skin rash: a rash recorded as a feature does not say that the milia developed after it"),
        ("phenotypicFeatures[2]", "Skin plaque counts only as the modifier of the milia feature"),
        ("diseases[0]", "OMIM:157400 is a stated diagnosis (skos:closeMatch mkg:MultipleEruptiveMilia)"),
        ("diseases[2].onset", "only the disease itself is used"),
        ("phenotypicFeatures[0].modifiers[0]", "no onset pattern of the source matches"),
    ],
    "excluded.json": [
        ("metaData", "document metadata"),
        ("subject.id", "an identifier of the subject"),
        ("phenotypicFeatures[2]", "Skin rash: a rash recorded as a feature"),
        ("diseases[0]", "an excluded disease"),
        ("phenotypicFeatures[1].type", "the ontology has no class for the absence of itching"),
    ],
    "neonatal-infant.json": [
        ("metaData", "document metadata"),
        ("subject.id", "an identifier of the subject"),
        ("subject.sex", "the source names no population for it at this age"),
    ],
    "mkg-secondary.json": [
        ("metaData", "document metadata"),
        ("subject.id", "an identifier of the subject"),
        ("phenotypicFeatures[1].onset", "only the presence of mkg:Burn is used"),
        ("subject.sex", "the source names no population for it at this age"),
    ],
    "mkg-undeclared.json": [
        ("metaData", "document metadata"),
        ("subject.id", "an identifier of the subject"),
        ("phenotypicFeatures[0].modifiers[0]", "the IRI of a milia-kg term counts only with metaData.resources to"
                                               " declare milia-kg (namespacePrefix 'mkg', iriPrefix 'https://w3id.org/milia-kg/')"),
        ("phenotypicFeatures[0].onset.ontologyClass", "a milia-kg term counts only with metaData.resources to declare"
                                                      " milia-kg (namespacePrefix 'mkg', iriPrefix 'https://w3id.org/milia-kg/')"),
        ("phenotypicFeatures[1]", "a milia-kg term counts only with metaData.resources to declare milia-kg"),
    ],
    "mkg-wrong-iri.json": [
        ("metaData", "document metadata"),
        ("subject.id", "an identifier of the subject"),
        ("phenotypicFeatures[0].onset.ontologyClass", "metaData.resources declares the prefix 'mkg' with iriPrefix"
                                                      " 'https://example.org/mkg/', not milia-kg's 'https://w3id.org/milia-kg/':"
                                                      " not a milia-kg term"),
    ],
    "mkg-wrong-branch.json": [
        ("metaData", "document metadata"),
        ("subject.id", "an identifier of the subject"),
        ("phenotypicFeatures[0].modifiers[0]", "mkg:Burn (burn) counts only as the type of a phenotypicFeature, not as a"
                                               " modifier of the milia feature"),
        ("phenotypicFeatures[0].modifiers[1]", "mkg:Milia (milia) is in no branch of milia-kg that counts as a modifier"
                                               " of the milia feature (mkg:EruptionOverWeeksOrMonths, mkg:PresentAtBirth,"
                                               " mkg:ClumpedOnRaisedPatch, mkg:AnatomicalSite)"),
        ("phenotypicFeatures[0].modifiers[2]", "mkg:Nope is not a class of milia-kg's graph"),
        ("phenotypicFeatures[0].modifiers[3]", "not a body site of milia-kg: 'UBERON:0000916' is not a kind of AnatomicalSite"),
        ("phenotypicFeatures[0].onset.ontologyClass", "mkg:Jaw (jaw) counts only as a modifier of the milia feature,"
                                                      " not as the onset of the milia feature"),
        ("phenotypicFeatures[1]", "mkg:EruptionOverWeeksOrMonths (appears over weeks or months) counts only as the onset"
                                  " of the milia feature or a modifier of the milia feature, not as the type of a"
                                  " phenotypicFeature"),
        ("phenotypicFeatures[2]", "mkg:ClumpedOnRaisedPatch (milia clumped together on a raised patch of skin) counts"
                                  " only as a modifier of the milia feature, not as the type of a phenotypicFeature"),
        ("phenotypicFeatures[3]", "excluded; the profile has no field for the absence of mkg:Rash alone; exclude"
                                  " mkg:SkinDamage to state the absence of any"),
    ],
}


@pytest.mark.parametrize("name", sorted(IGNORED))
def test_what_is_not_mapped_is_listed_with_its_path(name: str) -> None:
    ignored = api.classify(_load(name)).ignored
    assert [(i["field"], i["reason"][: len(reason)]) for i, (_, reason) in zip(ignored, IGNORED[name], strict=False)] \
        == IGNORED[name]
    assert len(ignored) == len(IGNORED[name])


def _packet(**changes: Any) -> dict[str, Any]:
    packet = _load("en-plaque.json")
    packet.update(changes)
    return packet


@pytest.mark.parametrize(
    ("document", "field", "reason"),
    [
        (_load("wrong-types.json"), "subject.sex",
         "not a valid Phenopacket v2: Invalid enum value F for enum type org.phenopackets.schema.v2.core.Sex"),
        (_packet(id=7), "id", "not a valid Phenopacket v2: expected string or bytes-like object, got 'int'"),
        (_packet(phenotypicFeatures={"type": {"id": "HP:0001056"}}), "phenotypicFeatures",
         "not a valid Phenopacket v2: repeated field phenotypicFeatures must be in []"),
        (_packet(phenotypicFeatures=[{"type": {"id": "HP:0001056", "labl": "Milia"}}]),
         "phenotypicFeatures[0].type.labl", "unknown field of a Phenopacket v2"),
        (_packet(diagnosis="milia"), "diagnosis", "unknown field of a Phenopacket v2"),
        (_packet(metaData={"created": "yesterday", "phenopacketSchemaVersion": "2.0"}), "metaData.created",
         "not a valid Phenopacket v2: Failed to parse timestamp: missing valid timezone offset"),
        (_packet(metaData={"phenopacketSchemaVersion": "1.0"}), "metaData.phenopacketSchemaVersion",
         "Phenopacket v2 expected, got '1.0'"),
        (_packet(subject={"timeAtLastEncounter": {"age": {"iso8601duration": "3 years"}}}),
         "subject.timeAtLastEncounter.age.iso8601duration", "'3 years' is not an ISO 8601 duration"),
        (_packet(phenotypicFeatures=[{"type": {"id": "HP:0001056"}}, {"type": {"id": "HP:0001056"}}]),
         "phenotypicFeatures[1]", "milia (HP:0001056) is recorded more than once"),
        (_packet(subject={"id": "p"}, phenotypicFeatures=[{"type": {"id": "HP:0001056"}}]), "",
         "the Phenopacket records milia but nothing a profile field takes"),
        (_load("not-a-phenopacket.json"), "gender", "unknown field; expected one of:"),
    ],
    ids=["wrong-enum", "wrong-type-id", "not-a-list", "unknown-nested-field", "unknown-top-field", "bad-timestamp",
         "schema-v1", "bad-duration", "milia-twice", "says-nothing",
         "not-a-phenopacket"],
)
def test_bad_phenopacket_is_a_one_line_error(document: Any, field: str, reason: str) -> None:
    with pytest.raises(CaseProfileError) as caught:
        api.classify(document)
    assert isinstance(caught.value, ValueError)
    assert (caught.value.field, caught.value.reason[: len(reason)]) == (field, reason)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("document", "expected"),
    [({"id": "p", "metaData": {}}, True), ({"phenotypicFeatures": []}, True), ({"subject": {}}, True),
     ({"id": "c", "age_years": 3}, False), ({"id": "only"}, False), ([{"metaData": {}}], False),
     ({"resourceType": "Patient"}, False)],
)
def test_detection_by_content(document: Any, expected: bool) -> None:
    assert phenopacket.is_phenopacket(document) is expected


def _ids(data: dict[str, Any]) -> list[str]:
    return [s["id"] for s in data["subtypes"]]


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_cli_detects_a_phenopacket(how: str) -> None:
    path = FIXTURES / "secondary-trauma.json"
    args, stdin = (["classify", str(path)], None) if how == "file" else (["classify", "-"], path.read_text("utf-8"))
    result = CliRunner().invoke(main, args, input=stdin)
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert (data["id"], _ids(data)) == ("secondary-trauma", ["mkg:SecondaryMilia"])


def test_cli_jsonl_mixes_phenopackets_and_profiles() -> None:
    lines = [json.dumps(_load("en-plaque.json")), json.dumps({"age_years": 0.3}), json.dumps(_load("wrong-types.json")),
             json.dumps(_load("neonatal-newborn.json"))]
    result = CliRunner().invoke(main, ["classify", "-", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [_ids(o) if "subtypes" in o else o["line"] for o in out] == [
        ["mkg:MiliaEnPlaque"], [], 3, []]
    assert result.stderr.splitlines()[0] == (
        "milia-kg: error: line 3: case profile: subject.sex: not a valid Phenopacket v2: Invalid enum value F for"
        " enum type org.phenopackets.schema.v2.core.Sex")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed.json", "case profile: not JSON (Expecting ',' delimiter at line 3 column 1)"),
        ("wrong-types.json", "case profile: subject.sex: not a valid Phenopacket v2: Invalid enum value F for enum"
                             " type org.phenopackets.schema.v2.core.Sex"),
        ("not-a-phenopacket.json", "case profile: gender: unknown field; expected one of: age_group, age_years,"
                                   " arrangement, heavy_cream_or_ointment_reaction, heavy_cream_or_ointment_use, id,"
                                   " inherited_disorder, itchy,"
                                   " onset_pattern, preceding_skin_damage, present_at_birth, sex, sites"),
    ],
)
def test_cli_bad_phenopacket_exits_2_with_one_line(name: str, message: str) -> None:
    result = CliRunner().invoke(main, ["classify", str(FIXTURES / name)])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"milia-kg: error: {message}\n")


def test_hpo_table_ships_in_the_package() -> None:
    table = phenopacket.terms()
    assert sorted(table) == ["HP:0000988", "HP:0000989", "HP:0001056", "HP:0003577", "HP:0003587", "HP:0008066",
                             "HP:0031135", "HP:0200035", "HP:6000059"]
    assert {t.where for t in table.values()} == {"milia", "feature", "onset", "modifier", "unused"}
    fields = {t.field for t in table.values()} - {""}
    from milia_kg.decision.profile import schema

    assert fields <= set(schema()["properties"])


def test_classify_many_takes_phenopackets_and_profiles() -> None:
    results = list(api.classify_many([_load("neonatal-infant.json"), _load("no-milia.json"), {"age_years": 41,
                                      "preceding_skin_damage": ["burn"]}]))
    assert isinstance(results[0], api.Result) and [s["id"] for s in results[0].to_consider] == ["mkg:NeonatalMilia"]
    assert isinstance(results[1], api.Result) and (results[1].subtypes, results[1].note) == ([], (
        "Milia are not recorded for this case, so milia-kg has no subtype and no advice for it. (the Phenopacket"
        " does not record milia (HP:0001056))"))
    assert isinstance(results[2], api.Result) and [s["id"] for s in results[2].subtypes] == ["mkg:SecondaryMilia"]


MKG_RESOURCE = {"id": "mkg", "name": "milia-kg", "url": "https://w3id.org/milia-kg/ontology", "version": "0.1.0",
                "namespacePrefix": "mkg", "iriPrefix": vocab.MKG}


def _mkg_packet(features: list[dict[str, Any]], *resources: dict[str, str]) -> dict[str, Any]:
    """A Phenopacket of an adult (35 years, no sex) with these features and resources besides HPO's."""
    packet = _load("congenital.json")
    packet.update(id="p", subject={"timeAtLastEncounter": {"age": {"iso8601duration": "P35Y"}}}, phenotypicFeatures=features)
    packet["metaData"]["resources"] += list(resources or [MKG_RESOURCE])
    return packet


def _milia(**fields: Any) -> dict[str, Any]:
    return {"type": {"id": "HP:0001056", "label": "Milia"}, **fields}


@pytest.mark.parametrize(
    ("features", "resources", "expected"),
    [
        ([_milia(modifiers=[{"id": "mkg:EruptionOverWeeksOrMonths"}])], (), {"onset_pattern": "eruptive over weeks or months"}),
        ([_milia(onset={"ontologyClass": {"id": "mkg:PresentAtBirth"}})], (), {"present_at_birth": True}),
        ([_milia(), {"type": {"id": "mkg:SkinDamage"}}], (), {"preceding_skin_damage": ["other"]}),
        ([_milia(), {"type": {"id": "mkg:Blister"}}, {"type": {"id": "mkg:Rash"}}], (),
         {"preceding_skin_damage": ["blister", "rash"]}),
        ([_milia(), {"type": {"id": "mkg:Itch"}}], (), {"itchy": True}),
        ([_milia(), {"type": {"id": "mkg:Itch"}, "excluded": True}], (), {"itchy": False}),
        ([_milia(modifiers=[{"id": "mkg:Eyelid"}, {"id": "UBERON:0000004"}, {"id": "https://w3id.org/milia-kg/Cheek"}])], (),
         # former mkg: site IRIs (deprecated, issue 20) count as the UBERON terms that replaced them
         {"sites": ["UBERON:0001711", "UBERON:0000004", "UBERON:0001567"]}),
        ([_milia(), {"type": {"id": "milia:Burn"}}], ({**MKG_RESOURCE, "namespacePrefix": "milia"},),
         {"preceding_skin_damage": ["burn"]}),
    ],
    ids=["eruption-as-modifier", "present-at-birth-as-onset", "damage-of-some-kind", "two-kinds", "itch", "itch-excluded",
         "sites", "own-prefix-name"],
)
def test_milia_kg_terms_set_profile_fields(features: list[dict[str, Any]], resources: tuple[dict[str, str], ...],
                                           expected: dict[str, Any]) -> None:
    assert phenopacket.convert(_mkg_packet(features, *resources), api.graph).profile == {"id": "p", "age_years": 35.0, **expected}


@pytest.mark.parametrize(
    ("features", "field", "reason"),
    [
        ([_milia(), {"type": {"id": "mkg:SkinDamage"}, "excluded": True}, {"type": {"id": "mkg:Burn"}}],
         "phenotypicFeatures[2].type", "contradicts phenotypicFeatures[1].type: preceding_skin_damage [] and ['burn']"),
        ([_milia(modifiers=[{"id": "HP:0031135"}]), {"type": {"id": "mkg:SkinDamage"}, "excluded": True}],
         "phenotypicFeatures[1].type", "contradicts phenotypicFeatures[0].modifiers[0]: preceding_skin_damage ['other'] and []"),
        ([_milia(modifiers=[{"id": "HP:0003587"}], onset={"ontologyClass": {"id": "mkg:EruptionOverWeeksOrMonths"}})],
         "phenotypicFeatures[0].onset.ontologyClass",
         "contradicts phenotypicFeatures[0].modifiers[0]: onset_pattern 'gradual' and 'eruptive over weeks or months'"),
    ],
    ids=["no-damage-and-burn", "trauma-and-no-damage", "gradual-and-eruptive"],
)
def test_contradicting_phenopacket_is_a_one_line_error(features: list[dict[str, Any]], field: str, reason: str) -> None:
    with pytest.raises(CaseProfileError) as caught:
        api.classify(_mkg_packet(features))
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_mkg_table_ships_in_the_package() -> None:
    rows = {vocab.shorten(row.iri): row for row in phenopacket.mkg_terms()}
    assert sorted(rows) == ["mkg:AnatomicalSite", "mkg:Blister", "mkg:Burn", "mkg:ClumpedOnRaisedPatch",
                            "mkg:EruptionOverWeeksOrMonths", "mkg:ExcessiveSunExposure", "mkg:Itch", "mkg:PresentAtBirth",
                            "mkg:Rash", "mkg:SkinDamage"]
    assert set().union(*(row.where for row in rows.values())) == {"onset", "modifier", "feature"}
    from milia_kg.decision.profile import schema

    assert {row.field for row in rows.values()} <= set(schema()["properties"])
    graph = api.graph()
    assert all(graph.holds(row.iri, vocab.RDFS + "subClassOf", row.iri) for row in rows.values())  # classes of the graph


#: milia-kg class -> what its row's excluded value observes in the case graph (None: ignored, no class for it)
EXCLUDED_OBSERVES = {"mkg:SkinDamage": ("notAssociatedWith", "mkg:SkinDamage"), "mkg:Itch": None}


@pytest.mark.parametrize("row", phenopacket.mkg_terms(), ids=lambda row: vocab.shorten(row.iri))
def test_mkg_row_gives_back_its_class_in_the_case_graph(row: phenopacket.MkgTerm) -> None:
    """The table and the case graph agree: a row's field and value observe the row's class itself."""
    def observed(value: Any) -> list[tuple[str, str]]:
        case = case_graph({row.field: value}, api.graph().resolve)
        return [(o.property.removeprefix(vocab.MKG), vocab.shorten(o.filler)) for o in case.observations]

    value = [vocab.shorten(row.iri)] if row.value is None else row.value  # sites: the term itself
    assert [filler for _, filler in observed(value)] == [vocab.shorten(row.iri)]
    if row.excluded is not None:
        expected = EXCLUDED_OBSERVES[vocab.shorten(row.iri)]
        assert observed(row.excluded) == ([expected] if expected else [])
    else:
        assert vocab.shorten(row.iri) not in EXCLUDED_OBSERVES
