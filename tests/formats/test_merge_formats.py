"""``--merge`` reads OBO, OBO Graphs JSON, OWL/XML, OWL functional syntax, RDF/XML, Turtle, N-Triples, JSON-LD, gzipped or not,
and the same terms in any of them give the same merged answers (part-of reasoning included)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import fastobo
import pyhornedowl
import pytest
import rdflib
from click.testing import CliRunner
from conftest import rdflib_graph
from rdflib.compare import isomorphic

from milia_kg import KnowledgeGraph
from milia_kg.cli import main
from milia_kg.formats.obo import translate, translate_oxigraph
from milia_kg.formats.read import read, read_oxigraph
from milia_kg.merge.union import merged_graph, parse_external

FIXTURES = Path(__file__).parents[1] / "fixtures"
SLICE = FIXTURES / "obo-slice.ttl"

#: entity -> the external_ancestors rows expected from every format of the slice (see tests/merge/test_merge.py)
ENTITIES = ("milia", "eyelid", "upper arm", "nose", "multiple eruptive milia")


def _write(tmp: Path, name: str, fmt: str) -> Path:
    """The slice in ``fmt``: the hand-written OBO and OBO Graphs JSON files, or a conversion of the Turtle."""
    if fmt == "obo":
        return FIXTURES / "obo-slice.obo"
    if fmt == "obo-graphs-json":
        return FIXTURES / "obo-slice.json"
    if fmt == "turtle":
        return SLICE
    graph = rdflib.Graph().parse(SLICE)
    path = tmp / name
    if fmt in ("owl-xml", "owl-functional"):
        rdfxml = tmp / "via.owl"
        graph.serialize(rdfxml, format="xml")
        syntax = "owx" if fmt == "owl-xml" else "ofn"
        pyhornedowl.open_ontology_from_file(str(rdfxml), "owl").save_to_file(str(path), syntax)
    else:
        graph.serialize(path, format={"rdf-xml": "xml", "n-triples": "nt", "json-ld": "json-ld"}[fmt])
    return path


FORMATS = {  # id -> (file name, format); every name ends in a suffix that does not tell the format
    "obo": ("slice.obo", "obo"),
    "obo-graphs-json": ("slice.json", "obo-graphs-json"),
    "owl-xml": ("slice.owl", "owl-xml"),
    "owl-functional": ("slice.owl", "owl-functional"),
    "rdf-xml": ("slice.owl", "rdf-xml"),
    "n-triples": ("slice.nt", "n-triples"),
    "json-ld": ("slice.jsonld", "json-ld"),
    "turtle": ("slice.ttl", "turtle"),
}


@pytest.fixture(scope="module")
def expected() -> dict[str, list[dict[str, object]]]:
    kg = KnowledgeGraph.from_graph(merged_graph([SLICE]))
    return {entity: kg.query("external_ancestors", entity=entity) for entity in ENTITIES}


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_turtle_answers(fmt: str, compressed: bool, expected: dict[str, list[dict[str, object]]],
                                               tmp_path: Path) -> None:
    name, kind = FORMATS[fmt]
    path = _write(tmp_path, name, kind)
    if compressed:
        packed = tmp_path / f"{name}.gz"
        packed.write_bytes(gzip.compress(path.read_bytes()))
        path = packed
    kg = KnowledgeGraph.from_graph(merged_graph([path]))
    answers = {entity: kg.query("external_ancestors", entity=entity) for entity in ENTITIES}
    assert answers == expected
    assert {r["ancestor_label"] for r in answers["nose"] if r["relation_label"] == "part of"} == {
        "face", "subdivision of head"}


def test_cli_merges_gzipped_obo(expected: dict[str, list[dict[str, object]]], tmp_path: Path) -> None:
    packed = tmp_path / "hp-slice.obo.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "obo-slice.obo").read_bytes()))
    result = CliRunner().invoke(main, ["query", "external_ancestors", "-p", "entity=eyelid", "--merge", str(packed),
                                       "-f", "json"], env={"MILIA_KG_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(expected["eyelid"]))


PREFIXES = """@prefix obo: <http://purl.obolibrary.org/obo/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix oio: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: OBO stanzas -> the OWL the OBO 1.4 mapping gives them (the source forms quoted in obo-slice.ttl)
MAPPING = {
    "intersection-of": (
        "[Term]\nid: UBERON:0003822\nname: forelimb stylopod\nintersection_of: UBERON:0002472 ! stylopod\n"
        "intersection_of: part_of UBERON:0002102 ! forelimb\nrelationship: part_of UBERON:0001460 ! arm\n\n"
        "[Typedef]\nid: part_of\nxref: BFO:0000050\n",
        """obo:UBERON_0003822 a owl:Class ; oio:id "UBERON:0003822" ; rdfs:label "forelimb stylopod" ;
            owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( obo:UBERON_0002472
                [ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom obo:UBERON_0002102 ] ) ] ;
            rdfs:subClassOf [ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom obo:UBERON_0001460 ] .
        obo:BFO_0000050 a owl:ObjectProperty ; oio:id "BFO:0000050" ; oio:shorthand "part_of" ;
            oio:hasDbXref "BFO:0000050" .""",
    ),
    "annotations-and-obsolete": (
        'format-version: 1.4\nontology: hp\ndata-version: hp/releases/2025-01-16\n\n'
        '[Term]\nid: HP:0001056\nname: Milia\ndef: "Presence of multiple small cysts." [HPO:x]\n'
        'synonym: "Milk spot" EXACT []\nsynonym: "Millium cyst" NARROW []\nxref: UMLS:C0345996\n'
        'is_a: HP:0011355 ! Localized skin lesion\n\n'
        '[Term]\nid: HP:0000002\nalt_id: HP:0000003\nis_obsolete: true\nreplaced_by: HP:0001056\nconsider: HP:0011355\n',
        """<http://purl.obolibrary.org/obo/hp.owl> a owl:Ontology ; owl:versionInfo "hp/releases/2025-01-16" .
        obo:HP_0001056 a owl:Class ; oio:id "HP:0001056" ; rdfs:label "Milia" ;
            obo:IAO_0000115 "Presence of multiple small cysts." ;
            oio:hasExactSynonym "Milk spot" ; oio:hasNarrowSynonym "Millium cyst" ; oio:hasDbXref "UMLS:C0345996" ;
            rdfs:subClassOf obo:HP_0011355 .
        obo:HP_0000002 a owl:Class ; oio:id "HP:0000002" ; oio:hasAlternativeId "HP:0000003" ;
            owl:deprecated true ; obo:IAO_0100001 obo:HP_0001056 ; oio:consider "HP:0011355" .""",
    ),
    "typedef-characteristics": (
        "[Typedef]\nid: part_of\nname: part of\nxref: BFO:0000050\nis_transitive: true\ninverse_of: has_part\n"
        "holds_over_chain: part_of part_of\n\n[Typedef]\nid: has_part\nxref: BFO:0000051\n\n"
        "[Typedef]\nid: RO:0002131\nname: overlaps\nis_symmetric: true\ntransitive_over: part_of\n",
        """obo:BFO_0000050 a owl:ObjectProperty, owl:TransitiveProperty ; rdfs:label "part of" ; oio:id "BFO:0000050" ;
            oio:shorthand "part_of" ; oio:hasDbXref "BFO:0000050" ; owl:inverseOf obo:BFO_0000051 ;
            owl:propertyChainAxiom ( obo:BFO_0000050 obo:BFO_0000050 ) .
        obo:BFO_0000051 a owl:ObjectProperty ; oio:id "BFO:0000051" ; oio:shorthand "has_part" ;
            oio:hasDbXref "BFO:0000051" .
        obo:RO_0002131 a owl:ObjectProperty, owl:SymmetricProperty ; rdfs:label "overlaps" ; oio:id "RO:0002131" ;
            owl:propertyChainAxiom ( obo:RO_0002131 obo:BFO_0000050 ) .""",
    ),
}


#: A Term naming Typedefs by their unprefixed ids before, between and after the Typedefs that give
#: them an IRI (a file is translated as fastobo parses it: such a Term waits for the Typedefs).
TYPEDEFS_AROUND = (
    "[Term]\nid: UBERON:0000004\nrelationship: part_of UBERON:0001456\n\n"
    "[Typedef]\nid: part_of\nxref: BFO:0000050\n\n"
    "[Term]\nid: UBERON:0001711\nrelationship: part_of UBERON:0004088\nrelationship: adjacent_to UBERON:0000004\n\n"
    "[Typedef]\nid: adjacent_to\nxref: RO:0002220\n\n"
    "[Term]\nid: UBERON:0004088\nrelationship: located_in UBERON:0000004\n",
    """obo:UBERON_0000004 a owl:Class ; oio:id "UBERON:0000004" ;
        rdfs:subClassOf [ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom obo:UBERON_0001456 ] .
    obo:UBERON_0001711 a owl:Class ; oio:id "UBERON:0001711" ;
        rdfs:subClassOf [ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom obo:UBERON_0004088 ],
            [ a owl:Restriction ; owl:onProperty obo:RO_0002220 ; owl:someValuesFrom obo:UBERON_0000004 ] .
    obo:UBERON_0004088 a owl:Class ; oio:id "UBERON:0004088" ;
        rdfs:subClassOf [ a owl:Restriction ; owl:onProperty <http://purl.obolibrary.org/obo/unknown#located_in> ;
            owl:someValuesFrom obo:UBERON_0000004 ] .
    obo:BFO_0000050 a owl:ObjectProperty ; oio:id "BFO:0000050" ; oio:shorthand "part_of" ; oio:hasDbXref "BFO:0000050" .
    obo:RO_0002220 a owl:ObjectProperty ; oio:id "RO:0002220" ; oio:shorthand "adjacent_to" ;
        oio:hasDbXref "RO:0002220" .""",
)
READINGS = {
    "loaded": lambda path: _translated(fastobo.load(str(path))),
    "read": lambda path: _read(path),
    "read-oxigraph": lambda path: rdflib_graph(read_oxigraph(path)[0]),
}


def _translated(doc: object) -> rdflib.Graph:
    graph = rdflib.Graph()
    translate(doc, graph)
    return graph


def _read(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    read(path, graph)
    return graph


@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize(("obo", "owl"), [*MAPPING.values(), TYPEDEFS_AROUND], ids=[*MAPPING, "typedefs-around"])
def test_obo_to_owl_mapping(obo: str, owl: str, reading: str, tmp_path: Path) -> None:
    """Loaded whole (fastobo.load), or read from a file frame by frame as fastobo parses it, into
    rdflib or pyoxigraph terms: the same OWL."""
    path = tmp_path / "mapping.obo"
    path.write_text(obo, encoding="utf-8")
    graph = READINGS[reading](path)
    wanted = rdflib.Graph().parse(data=PREFIXES + owl, format="turtle")
    assert isomorphic(graph, wanted), graph.serialize(format="turtle")


def test_obo_part_of_is_reasoned_like_owl(tmp_path: Path) -> None:
    """A part_of relationship stated in OBO climbs the part-of hierarchy once merged."""
    path = tmp_path / "eyelid.obo"
    path.write_text((FIXTURES / "obo-slice.obo").read_text(encoding="utf-8"), encoding="utf-8")
    graph = rdflib.Graph()
    parse_external(path, graph)
    closure = merged_graph([path])
    obo = rdflib.Namespace("http://purl.obolibrary.org/obo/")
    assert (obo.UBERON_0001711, obo.BFO_0000050, obo.UBERON_0004088) in closure  # eyelid part of orbital region
    assert (obo.UBERON_0001711, obo.BFO_0000050, obo.UBERON_0004088) not in graph


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_translated_triples_reach_the_sink_once_each(chunk: int) -> None:
    """A merge loads an OBO file's triples while the file is translated: the sink gets every triple
    once, in order, and none of a frame that waited for the Typedefs before it was redone."""
    handed: list[list[object]] = []
    triples = translate_oxigraph(fastobo.loads(TYPEDEFS_AROUND[0]), handed.append, chunk)
    assert [t for part in handed for t in part] == triples
    assert all(len(part) == chunk for part in handed[:-1]) and 0 < len(handed[-1]) <= chunk
    wanted = rdflib.Graph().parse(data=PREFIXES + TYPEDEFS_AROUND[1], format="turtle")
    assert isomorphic(rdflib_graph(triples), wanted)
