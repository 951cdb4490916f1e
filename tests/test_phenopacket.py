"""Decision support (issue 11, item 2): a GA4GH Phenopacket v2 is accepted wherever a case profile is,
detected by its content, checked with the ``phenopackets`` protobuf classes and mapped by the shipped
HPO table; everything it says that no profile field takes is listed in ``ignored`` with its JSON path.

The fixtures are in ``tests/fixtures/phenopackets/``.  Reachable through a Phenopacket: neonatal
milia (the subject's age), secondary milia (milia "Triggered by physical trauma"), milia en plaque
(milia with the modifier "Skin plaque").  Not reachable, for want of an HPO term (see the README):
multiple eruptive milia (no term for an eruption over weeks or months), primary milia (no way to state
that there was no damage to the skin), juvenile milia (no definition in the ontology at all).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from milia_kg.cli import main
from milia_kg.decision import api, phenopacket
from milia_kg.errors import CaseProfileError

FIXTURES = Path(__file__).parent / "fixtures" / "phenopackets"
SECTIONS = ("course", "management", "avoid", "prevention", "care_seeking", "differential")


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


#: fixture -> (the case profile it maps to, the subtypes it classifies into)
CONVERTED: dict[str, tuple[dict[str, Any], set[str]]] = {
    "neonatal-newborn.json": ({"id": "neonatal-newborn", "sex": "male", "age_years": round(14 / 365.25, 6),
                               "present_at_birth": True}, {"NeonatalMilia"}),
    "neonatal-infant.json": ({"id": "neonatal-infant", "sex": "female", "age_years": round(5 / 12, 6)},
                             {"NeonatalMilia"}),
    "secondary-trauma.json": ({"id": "secondary-trauma", "sex": "male", "age_years": 41.0,
                               "preceding_skin_damage": ["other"]}, {"SecondaryMilia"}),
    "en-plaque.json": ({"id": "en-plaque", "sex": "female", "age_years": 52.0,
                        "arrangement": "clustered on a raised patch", "sites": ["eyelid"], "itchy": True},
                       {"MiliaEnPlaque"}),
    "unmappable.json": ({"id": "unmappable", "sex": "female", "age_years": 30.5, "onset_pattern": "gradual",
                         "inherited_disorder": True}, set()),
    "excluded.json": ({"id": "excluded", "age_years": 7.0, "itchy": False}, set()),
    "congenital.json": ({"id": "congenital", "age_years": 5.0, "present_at_birth": True}, set()),
}


@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_phenopacket_maps_to_the_profile(name: str) -> None:
    assert phenopacket.convert(_load(name)).profile == CONVERTED[name][0]


@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_classify_phenopacket_equals_classify_profile(name: str) -> None:
    profile, expected = CONVERTED[name]
    from_packet = api.classify(_load(name)).to_dict()
    from_profile = api.classify(profile).to_dict()
    assert {s["id"].removeprefix("mkg:") for s in from_packet["subtypes"]} == expected
    for key in ("id", "subtypes", "note", "sources", "disclaimer", *SECTIONS):
        assert from_packet[key] == from_profile[key], key


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
        ("diseases[1]", "HPO's annotations say Bazex syndrome shows milia"),
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
        (_load("no-milia.json"), "phenotypicFeatures",
         "the Phenopacket does not record milia (HP:0001056); milia-kg classifies cases of milia only"),
        (_packet(phenotypicFeatures=[{"type": {"id": "HP:0001056"}, "excluded": True}]), "phenotypicFeatures",
         "the Phenopacket excludes milia (HP:0001056)"),
        (_packet(phenotypicFeatures=[{"type": {"id": "HP:0001056"}}, {"type": {"id": "HP:0001056"}}]),
         "phenotypicFeatures[1]", "milia (HP:0001056) is recorded more than once"),
        (_packet(subject={"id": "p"}, phenotypicFeatures=[{"type": {"id": "HP:0001056"}}]), "",
         "the Phenopacket records milia but nothing a profile field takes"),
        (_load("not-a-phenopacket.json"), "gender", "unknown field; expected one of:"),
    ],
    ids=["wrong-enum", "wrong-type-id", "not-a-list", "unknown-nested-field", "unknown-top-field", "bad-timestamp",
         "schema-v1", "bad-duration", "no-milia", "milia-excluded", "milia-twice", "says-nothing",
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
        ["mkg:MiliaEnPlaque"], ["mkg:NeonatalMilia"], 3, ["mkg:NeonatalMilia"]]
    assert result.stderr.splitlines()[0] == (
        "milia-kg: error: line 3: case profile: subject.sex: not a valid Phenopacket v2: Invalid enum value F for"
        " enum type org.phenopackets.schema.v2.core.Sex")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed.json", "case profile: not JSON (Expecting ',' delimiter at column 1)"),
        ("wrong-types.json", "case profile: subject.sex: not a valid Phenopacket v2: Invalid enum value F for enum"
                             " type org.phenopackets.schema.v2.core.Sex"),
        ("no-milia.json", "case profile: phenotypicFeatures: the Phenopacket does not record milia (HP:0001056);"
                          " milia-kg classifies cases of milia only, so milia must be recorded as present"),
        ("not-a-phenopacket.json", "case profile: gender: unknown field; expected one of: age_group, age_years,"
                                   " arrangement, heavy_cream_or_ointment_use, id, inherited_disorder, itchy,"
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
    assert isinstance(results[0], api.Result) and [s["id"] for s in results[0].subtypes] == ["mkg:NeonatalMilia"]
    assert isinstance(results[1], CaseProfileError) and (results[1].line, results[1].field) == (2, "phenotypicFeatures")
    assert isinstance(results[2], api.Result) and [s["id"] for s in results[2].subtypes] == ["mkg:SecondaryMilia"]
