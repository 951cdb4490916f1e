"""A merge with real published OBO terms (tests/fixtures/obo-slice.ttl) crosses both graphs cleanly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from milia_kg import KnowledgeGraph
from milia_kg.merge.union import merged_graph

SLICE = Path(__file__).parents[1] / "fixtures" / "obo-slice.ttl"


@pytest.fixture(scope="module")
def merged() -> Graph:
    return merged_graph([SLICE])


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def kg(request: pytest.FixtureRequest, merged: Graph) -> KnowledgeGraph:
    return KnowledgeGraph.from_graph(merged, engine=request.param)


def _answer(rows: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(r["external_label"], (r["relation_label"] or r["relation"].rsplit("#")[-1]), r["ancestor_label"]) for r in rows}


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        (
            "milia",
            {("Milia", "subClassOf", label) for label in (
                "Localized skin lesion", "Abnormal skin morphology", "Abnormality of the skin",
                "Abnormality of the integument", "Phenotypic abnormality", "All")},
        ),
        (
            "eyelid",
            # the eyelid is UBERON's term (issue 20); milia-kg's regional anatomy puts it in the face, as
            # UBERON entails (orbital region part_of face, read in uberon-edit.obo)
            {("eyelid", "subClassOf", "organ part"), ("eyelid", "part of", "camera-type eye"),
             ("eyelid", "part of", "simple eye"), ("eyelid", "part of", "orbital region"),
             ("eyelid", "part of", "face"), ("eyelid", "part of", "subdivision of head")},
        ),
        (
            "upper arm",
            {("forelimb stylopod", "subClassOf", "stylopod"), ("forelimb stylopod", "part of", "forelimb"),
             ("forelimb stylopod", "part of", "arm"), ("forelimb stylopod", "part of", "multi-limb segment region")},
        ),
        (
            "nose",
            {("nose", "subClassOf", "olfactory organ"), ("nose", "part of", "face"),
             ("nose", "part of", "subdivision of head")},
        ),
    ],
)
def test_external_ancestors_cross_both_graphs(entity: str, expected: set[tuple[str, str, str]], kg: KnowledgeGraph) -> None:
    assert _answer(kg.query("external_ancestors", entity=entity)) == expected


def test_subtype_sites_climb_uberon_part_of(kg: KnowledgeGraph) -> None:
    rows = kg.sparql(
        """PREFIX mkg: <https://w3id.org/milia-kg/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX obo: <http://purl.obolibrary.org/obo/>
        SELECT DISTINCT ?whole WHERE {
          mkg:MultipleEruptiveMilia mkg:hasSite ?site . FILTER(STRSTARTS(STR(?site), STR(obo:UBERON_)))
          ?site obo:BFO_0000050+ ?whole . FILTER(STRSTARTS(STR(?whole), STR(obo:UBERON_)))
        }"""
    )
    assert {r["whole_label"] for r in rows} == {"forelimb", "arm"}


def test_uberon_site_as_a_query_parameter(kg: KnowledgeGraph) -> None:
    rows = kg.query("body_sites", condition="primary milia")
    eyelid = [r for r in rows if r["site_label"] == "eyelid"]
    assert len(eyelid) == 1
    assert kg.query("conditions_at_site", site="UBERON:0001711") == kg.query("conditions_at_site", site="eyelid")


def test_no_unintended_equivalence(merged: Graph) -> None:
    """No two distinct named classes become mutual subclasses unless the sources say they are equivalent."""
    named = {c for c in merged.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} - {OWL.Thing, OWL.Nothing}
    declared = {frozenset(pair) for pair in merged.subject_objects(OWL.equivalentClass)}
    mutual = {
        frozenset((a, b))
        for a, b in merged.subject_objects(RDFS.subClassOf)
        if a != b and a in named and b in named and (b, RDFS.subClassOf, a) in merged
    }
    assert mutual - declared == set()


def test_no_unsatisfiable_class(merged: Graph) -> None:
    assert list(merged.subjects(RDF.type, OWL.Nothing)) == []
    assert [c for c in merged.subjects(RDFS.subClassOf, OWL.Nothing) if c != OWL.Nothing] == []


def test_cli_merge_gives_the_api_rows(merged: Graph, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from milia_kg.cli import main

    result = CliRunner().invoke(main, ["query", "external_ancestors", "-p", "entity=nose", "--merge", str(SLICE), "-f", "json"],
                                env={"MILIA_KG_CACHE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    api = KnowledgeGraph.from_graph(merged).query("external_ancestors", entity="nose")
    assert json.loads(result.output) == json.loads(json.dumps(api))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("broken.ttl", "@prefix x: <http://x/> . x:a x:b", "broken.ttl:1:"), ("notes.txt", "hello", "unknown RDF format '.txt'")],
)
def test_cli_merge_bad_file(name: str, content: str, message: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from milia_kg.cli import main

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "subtypes", "--merge", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
