"""The rule registry: ``build`` and ``validate`` run the same rules and fail the same way.

One case per registered rule (a new rule without a broken example below fails
``test_every_rule_has_a_broken_example``): the broken input is added to the small
source tree, and both ``build`` and ``validate`` must report that rule.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from conftest import MINI_CURIE_MAP, copy_real_sources
from test_checks import BROKEN_CHECKS, BROKEN_SHAPES, PREFIXES

from milia_kg.base import resources
from milia_kg.errors import ValidationError
from milia_kg.formats.turtle import parse_turtle
from milia_kg.release.build import build
from milia_kg.release.pipeline import validate_sources
from milia_kg.release.validate import MAPPING_RULE, QUOTE_RULE, RuleInput, rule_names

#: Every rule the registry holds for the packaged shapes and checks.
RULES = rule_names(
    RuleInput(rdflib.Graph(), rdflib.Graph(), parse_turtle(resources.shapes_file()), "", resources.check_files())
)

SSSOM_HEADER = """\
#curie_map:
#  mkg: https://w3id.org/milia-kg/
#  HP: http://purl.obolibrary.org/obo/HP_
#  skos: http://www.w3.org/2004/02/skos/core#
#  semapv: https://w3id.org/semapv/vocab/
#mapping_set_id: https://w3id.org/milia-kg/mappings.sssom.tsv
#license: https://creativecommons.org/licenses/by/4.0/
#mapping_date: 2026-11-27
subject_id\tpredicate_id\tobject_id\tobject_label\tmapping_justification
"""


def _turtle(text: str) -> Callable[[Path], None]:
    def write(data: Path) -> None:
        (data / "broken.ttl").write_text(PREFIXES + text, encoding="utf-8")

    return write


def _sssom(row: str) -> Callable[[Path], None]:
    def write(data: Path) -> None:
        (data / "mappings.sssom.tsv").write_text(SSSOM_HEADER + row + "\n", encoding="utf-8")

    return write


def _shape_example(shape: str) -> Callable[[Path], None]:
    broken = next(turtle for turtle, rule, _ in BROKEN_SHAPES.values() if rule.startswith(f"{shape}-"))
    return _turtle(broken)


def _example(rule: str) -> tuple[Callable[[Path], None], str]:
    """How to break the mini sources for ``rule``, and the prefix of the rule names it must report."""
    if rule.startswith("mkgsh:"):
        return _shape_example(rule), f"{rule}-"
    if f"{rule}-violation" in BROKEN_CHECKS:
        return _turtle(BROKEN_CHECKS[f"{rule}-violation"][0]), rule
    examples = {
        QUOTE_RULE: _turtle(
            "[] a owl:Axiom ; owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:hasSite ;"
            ' owl:annotatedTarget mkg:Face ; mkg:quote "milia are blue" ; dcterms:source mkg:source-page .'
        ),
        MAPPING_RULE: _sssom("mkg:Milia\tskos:closeMatch\tNOPE:0001056\tMilia\tsemapv:ManualMappingCuration"),
    }
    return examples[rule], rule


def test_registry_has_every_kind_of_rule() -> None:
    checks = sorted(name.removesuffix("-violation") for name in resources.check_files())
    assert len(RULES) == len(set(RULES)) == 15
    assert {*checks, QUOTE_RULE, MAPPING_RULE} <= set(RULES)
    assert [r for r in RULES if r.startswith("mkgsh:")] == [
        "mkgsh:AxiomShape",
        "mkgsh:EpidemiologyStatementShape",
        "mkgsh:MedicationShape",
        "mkgsh:SeedAxiomShape",
        "mkgsh:TermShape",
    ]


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_has_a_broken_example(rule: str) -> None:
    assert callable(_example(rule)[0])


@pytest.mark.parametrize("rule", RULES)
def test_build_and_validate_fail_on_the_same_rule(
    rule: str, tmp_path: Path, mini_sources: tuple[Path, Path]
) -> None:
    ontology, data = mini_sources
    breaker, reported = _example(rule)
    breaker(data)
    report = validate_sources(ontology, data)
    failed = sorted({r.rule for r in report.results})
    assert [name for name in failed if name.startswith(reported)], failed
    out = tmp_path / "out"
    with pytest.raises(ValidationError) as error:
        build(out, ontology_dir=ontology, data_dir=data)
    assert error.value.report.results == report.results
    assert not out.exists()


def test_build_and_validate_name_the_same_rules(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    ontology, data = mini_sources
    summary = build(tmp_path / "out", ontology_dir=ontology, data_dir=data)
    report = validate_sources(ontology, data)
    assert list(summary.validation.rules_run) == list(report.rules_run) == RULES
    assert f"validation: passed ({len(RULES)} rules)" in summary.text()
    assert report.text() == f"validation passed: {len(RULES)} rules, no problems"


def test_a_bad_sssom_row_fails_build_as_validate(tmp_path: Path) -> None:
    """An undeclared prefix in the real mapping set: the same ValidationError, naming rule and row."""
    from click.testing import CliRunner

    from milia_kg.cli import main

    ontology, data = copy_real_sources(tmp_path / "src")
    sssom = data / "mappings.sssom.tsv"
    lines = sssom.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("mkg:Jaw\t"))
    cells = lines[index].split("\t")
    cells[3] = "NOPE:" + cells[3].split(":", 1)[1]  # object_id (subject_id, subject_label, predicate_id, ...)
    lines[index] = "\t".join(cells)
    sssom.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = (MAPPING_RULE, f"mappings.sssom.tsv row {index + 1}", f"undeclared prefix 'NOPE' in object_id {cells[3]}")

    report = validate_sources(ontology, data)
    assert [(r.rule, r.entity, r.message) for r in report.results] == [expected]
    with pytest.raises(ValidationError) as error:
        build(tmp_path / "out", ontology_dir=ontology, data_dir=data)
    assert error.value.report.results == report.results
    for command in (["build", "--out", str(tmp_path / "out")], ["validate"]):
        result = CliRunner().invoke(main, [*command, "--ontology-dir", str(ontology), "--data-dir", str(data)])
        assert result.exit_code == 1, (command, result.output)
    assert not (tmp_path / "out").exists()
    shutil.rmtree(tmp_path / "src")


@pytest.mark.parametrize(
    ("curie_map", "row", "line"),
    [
        ("\n  HP: http://purl.obolibrary.org/obo/HP_\n  HPO: http://purl.obolibrary.org/obo/HP_", "",
         "mappings.sssom.tsv: curie_map: prefixes 'HP' and 'HPO' share the namespace "
         "'http://purl.obolibrary.org/obo/HP_'"),
        (MINI_CURIE_MAP, "mkg:Milia\tskos:closeMatch\tNOPE:0001056\tsemapv:ManualMappingCuration\n",
         "mappings.sssom.tsv row 10: undeclared prefix 'NOPE' in object_id NOPE:0001056"),
        ("\n  HP: http://purl.obolibrary.org/obo/HP_\n  HP: http://example.org/HP_", "",
         "mappings.sssom.tsv: header line 3: 'HP' given twice"),
    ],
    ids=["bad-curie-map", "bad-row", "prefix-twice"],
)
def test_an_sssom_problem_names_the_file_once(
    curie_map: str, row: str, line: str, tmp_path: Path, mini_sources: tuple[Path, Path]
) -> None:
    """Each SSSOM problem is one report line naming the file once (not ``m.tsv: m.tsv: ...``), the
    same from ``validate`` and ``build``, both a failed check (exit 1)."""
    from click.testing import CliRunner
    from conftest import write_mini_mappings

    from milia_kg.cli import main

    ontology, data = mini_sources
    write_mini_mappings(data, curie_map, row)
    for command in (["validate"], ["build", "--fresh", "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, [*command, "--ontology-dir", str(ontology), "--data-dir", str(data)])
        assert (result.exit_code, result.stderr.splitlines()) == (1, [
            "validation failed: 1 problem",
            f"  {line} [rule {MAPPING_RULE}]",
            f"milia-kg: error: validation failed: 1 problem (rules: {MAPPING_RULE})",
        ]), command
    assert not (tmp_path / "out").exists()


def test_report_refuses_a_bad_mapping_file_as_bad_input(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    """``report`` does not validate: it reads the data folder as input, so the file ``validate`` fails as
    a check (exit 1) is bad input to it (exit 2), in one line naming the same place (docs/cli.md)."""
    from click.testing import CliRunner
    from conftest import write_mini_mappings

    from milia_kg.cli import main

    ontology, data = mini_sources
    write_mini_mappings(data, MINI_CURIE_MAP, "mkg:Milia\tskos:closeMatch\tNOPE:0001056\tsemapv:ManualMappingCuration\n")
    sources = ["--ontology-dir", str(ontology), "--data-dir", str(data)]
    checked = CliRunner().invoke(main, ["validate", *sources])
    read = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "r.tsv"), *sources])
    assert (checked.exit_code, read.exit_code) == (1, 2)
    assert read.stderr.splitlines() == [
        "milia-kg: error: mappings.sssom.tsv row 10: undeclared prefix 'NOPE' in object_id NOPE:0001056"
    ]
    assert not (tmp_path / "r.tsv").exists()


def test_a_deferred_family_is_listed_and_its_results_added_by_the_caller(mini_sources: tuple[Path, Path]) -> None:
    """``build`` runs the QC checks in its parent (``defer``) and adds their results: the same report."""
    from milia_kg.release import pipeline
    from milia_kg.release.folders import Sources
    from milia_kg.release.validate import run_checks, validate

    ontology, data = mini_sources
    (data / "broken.ttl").write_text(PREFIXES + 'mkg:Nose a owl:Class ; skos:definition "A nose."@en .\n',
                                     encoding="utf-8")
    sources = Sources(ontology, data)
    result = pipeline.run(sources, validate=False)
    full = validate(result.asserted, result.inferred, sources=sources)
    assert "mkg:Nose" in {r.entity for r in full.results if r.rule == "missing-label"}
    deferred = validate(result.asserted, result.inferred, sources=sources, defer=("qc-checks",))
    assert deferred.rules_run == full.rules_run
    assert [r for r in deferred.results if r.rule == "missing-label"] == []
    assert deferred.adding(run_checks(result.asserted)) == full
    with pytest.raises(ValueError, match="no rule family"):
        validate(result.asserted, result.inferred, sources=sources, defer=("qc",))
