"""``milia-kg merge FILE... --out merged.owl|.ttl|.nt``: the reasoned merge as one file, as
``robot merge`` + ``robot reason`` would write it (tests/fixtures/obo-slice.ttl: real HPO, UBERON terms)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, URIRef

from milia_kg.cli import main

SLICE = Path(__file__).parents[1] / "fixtures" / "obo-slice.ttl"
MKG = "https://w3id.org/milia-kg/"
OBO = "http://purl.obolibrary.org/obo/"
FORMATS = {".owl": "xml", ".ttl": "turtle", ".nt": "nt"}


@pytest.fixture(scope="module")
def with_header(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The slice plus an ontology header of its own and an owl:imports, which the export must drop."""
    path = tmp_path_factory.mktemp("export") / "slice-with-header.ttl"
    path.write_text(SLICE.read_text(encoding="utf-8") + (
        "\n<http://example.org/slice> a owl:Ontology ; rdfs:label \"a slice\" ;"
        " owl:imports <http://purl.obolibrary.org/obo/hp.owl> .\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_export_writes_the_reasoned_merge_with_one_header(suffix: str, with_header: Path, tmp_path: Path) -> None:
    out = tmp_path / f"merged{suffix}"
    result = CliRunner().invoke(main, ["merge", str(with_header), "--out", str(out)])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(out, format=FORMATS[suffix])
    assert result.output.strip().endswith(f"{len(graph)} triples (fast closure of the graph and 1 file(s))")
    assert set(graph.subjects(RDF.type, OWL.Ontology)) == {URIRef(f"{MKG}ontology")}
    assert not list(graph.triples((None, OWL.imports, None)))
    # asserted in the slice: Milia < Localized skin lesion < ... < Phenotypic abnormality; inferred: the whole chain
    assert (URIRef(f"{OBO}HP_0001056"), RDFS.subClassOf, URIRef(f"{OBO}HP_0000118")) in graph
    # inferred across both graphs: primary milia < milia < condition
    assert (URIRef(f"{MKG}PrimaryMilia"), RDFS.subClassOf, URIRef(f"{MKG}Condition")) in graph
    assert (URIRef(f"{MKG}Milia"), RDFS.label, rdflib.Literal("milia", lang="en")) in graph


def test_export_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "merged.ttl"
    out.write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["merge", str(SLICE), "--out", str(out)])
    assert result.exit_code == 2
    assert "already exists" in result.output and out.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["merged.ttl"]


def test_a_folder_name_still_builds_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["merge", str(SLICE), "--out", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "store" / "milia-kg-store.json").is_file()
