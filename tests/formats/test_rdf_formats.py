"""External files for ``--merge`` are read by their content, not their suffix; bad ones give one typed error."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import rdflib

from milia_kg.errors import InputFileError, RDFSyntaxError, UnsupportedFormatError
from milia_kg.formats.sniff import sniff
from milia_kg.merge.union import parse_external

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"

#: An OBO-style RDF/XML release head: DOCTYPE with entities, default namespace, rdf:RDF root.
OBO_RDFXML = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
    <!ENTITY obo "http://purl.obolibrary.org/obo/" >
    <!ENTITY owl "{OWL}" >
]>
<rdf:RDF xmlns="http://purl.obolibrary.org/obo/uberon.owl#"
     xml:base="http://purl.obolibrary.org/obo/uberon.owl"
     xmlns:owl="&owl;"
     xmlns:rdf="{RDF}">
    <owl:Class rdf:about="&obo;UBERON_0001711"/>
</rdf:RDF>
"""
OWL_XML = f"""<?xml version="1.0"?>
<!-- written by the OWL API -->
<Ontology xmlns="{OWL}" ontologyIRI="http://example.org/o">
    <Declaration><Class IRI="http://example.org/A"/></Declaration>
    <SubClassOf><Class IRI="http://example.org/A"/><Class IRI="http://example.org/B"/></SubClassOf>
</Ontology>
"""

#: id -> (file name, content, the format told from it)
SAMPLES: dict[str, tuple[str, str | bytes, str]] = {
    "rdfxml-obo-release": ("uberon.owl", OBO_RDFXML, "RDF/XML"),
    "rdfxml-single-node": ("o.owl", f'<owl:Ontology xmlns:owl="{OWL}" xmlns:rdf="{RDF}" rdf:about="http://x.org/o"/>',
                           "RDF/XML"),
    "owlxml-named-owl": ("o.owl", OWL_XML, "OWL/XML"),
    "obo-named-owl": ("hp.owl", "format-version: 1.2\ndata-version: hp/releases/2026-09-01\n", "OBO"),
    "obo-stanza-first": ("hp.owl", "! a comment\n\n[Term]\nid: HP:0000001\nname: All\n", "OBO"),
    "functional-named-owl": ("o.owl", "Prefix(:=<http://x.org/>)\nOntology(<http://x.org/o>)\n",
                             "OWL functional syntax"),
    "functional-ontology-first": ("o.ofn", "Ontology(<http://x.org/o>\n)\n", "OWL functional syntax"),
    "manchester": ("o.omn", "Prefix: : <http://x.org/>\nOntology: <http://x.org/o>\n", "OWL Manchester syntax"),
    "jsonld": ("o.jsonld", '{"@id": "http://x.org/a", "http://x.org/p": "v"}', "JSON-LD"),
    "turtle-sparql-prefix": ("o.ttl", "PREFIX : <http://x.org/>\n:a :p :b .\n", "Turtle"),
    "turtle-named-owl": ("o.owl", "@prefix : <http://x.org/> .\n:a :p :b .\n", "Turtle"),
    "ntriples": ("o.nt", "<http://x.org/a> <http://x.org/p> <http://x.org/b> .\n", "N-Triples"),
    "ntriples-named-ttl": ("o.ttl", "<http://x.org/a> <http://x.org/p> <http://x.org/b> .\n", "Turtle"),
    "html": ("page.owl", "<!DOCTYPE html>\n<html><body>404</body></html>\n", "XML"),
    "gzip": ("hp.owl.gz", gzip.compress(OBO_RDFXML.encode()), "gzip"),
    "obo-graphs-json": ("hp.json", '{\n  "graphs" : [ {\n    "id" : "http://purl.obolibrary.org/obo/hp.owl",\n'
                        '    "nodes" : [ { "id" : "http://purl.obolibrary.org/obo/HP_0000001", "lbl" : "All",'
                        ' "type" : "CLASS" } ], "edges" : [ ] } ]\n}\n', "OBO Graphs JSON"),
    "empty": ("e.owl", " \n", "empty"),
    "prose": ("notes.txt", "hello", "unknown"),
}


@pytest.mark.parametrize(("name", "content", "expected"), SAMPLES.values(), ids=SAMPLES.keys())
def test_sniff(name: str, content: str | bytes, expected: str) -> None:
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    assert sniff(data, Path(name).suffix) == expected


def _file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("sample", "triples"),
    [("rdfxml-obo-release", 1), ("rdfxml-single-node", 1), ("jsonld", 1), ("turtle-named-owl", 1), ("ntriples", 1),
     # OWL/XML: A declared, A SubClassOf B, the ontology header
     ("owlxml-named-owl", 3),
     # OWL functional syntax: the ontology header, and with an Ontology IRI only, that alone
     ("functional-named-owl", 1), ("functional-ontology-first", 1),
     # OBO, OBO Graphs JSON: no ontology clause, so no header; a Term is a class with an id and a label
     ("obo-named-owl", 0), ("obo-graphs-json", 3)],
)
@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_readable_formats_are_parsed(sample: str, triples: int, compressed: bool, tmp_path: Path) -> None:
    name, content, _ = SAMPLES[sample]
    data = content.encode("utf-8") if isinstance(content, str) else content
    if compressed:
        name, data = f"{name}.gz", gzip.compress(data)
    graph = rdflib.Graph()
    parse_external(_file(tmp_path, name, data), graph)
    assert len(graph) == triples


@pytest.mark.parametrize(
    ("sample", "format_name"),
    [("manchester", "OWL Manchester syntax")],
)
def test_unsupported_formats_are_named_with_a_conversion(sample: str, format_name: str, tmp_path: Path) -> None:
    name, content, _ = SAMPLES[sample]
    path = _file(tmp_path, name, content)
    graph = rdflib.Graph()
    with pytest.raises(UnsupportedFormatError) as caught:
        parse_external(path, graph)
    assert caught.value.format_name == format_name
    assert str(caught.value) == (
        f"{path}: {format_name} is not supported yet; convert it to RDF/XML or Turtle first, "
        f"e.g. with ROBOT: robot convert --input {path} --output {path.with_suffix('.ttl')}"
    )
    assert len(graph) == 0  # not read as junk RDF/XML


TRUNCATED = f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF}" xmlns:owl="{OWL}">\n  <owl:Class rdf:about="http://x.org/A">\n'
TWO_NODES = (
    f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF}" xmlns:owl="{OWL}"\n'
    '    xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
    '  <owl:Class rdf:about="http://x.org/A">\n'
    "    <rdfs:subClassOf><owl:Class/><owl:Class/></rdfs:subClassOf>\n"
    "  </owl:Class>\n</rdf:RDF>\n"
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("truncated.owl", TRUNCATED, "truncated.owl:4: not well-formed RDF/XML (no element found)"),
        ("two-nodes.owl", TWO_NODES, "two-nodes.owl:5: Repeat node-elements inside property elements: "
                                     f"{OWL}Class"),
        ("broken.nt", "<http://x.org/a> <http://x.org/p> .\n", "broken.nt: not valid N-Triples: "),
        ("broken.jsonld", '{"@id": ', "broken.jsonld:1: not JSON (Expecting value"),
        ("broken.ttl", "@prefix x: <http://x.org/> .\nx:a x:b\n", "broken.ttl:3: "),
        ("empty.owl", "", "empty.owl: empty file, no ontology to merge"),
        ("page.owl", SAMPLES["html"][1], "page.owl: XML, but neither RDF/XML (rdf:RDF root) nor OWL/XML"),
        ("notes.txt.gz", gzip.compress(b"hello"), "notes.txt.gz: unknown RDF format '.txt'"),
        ("cut.owl.gz", gzip.compress(OBO_RDFXML.encode())[:30], "cut.owl.gz: gzip-compressed but not readable: "),
        ("bad.obo", "format-version: 1.4\n\n[Term]\nid: HP:1\nnot a clause\n", "bad.obo:5: not valid OBO: "),
        ("bad.json", '{"graphs": [{"nodes": 3}]}', "bad.json: not valid OBO Graphs JSON: "),
        ("bad-owlxml.owl", OWL_XML.replace("</Ontology>", ""), "bad-owlxml.owl: not valid OWL/XML: "),
        ("bad.ofn", "Prefix(:=<http://x.org/>)\nOntology(<http://x.org/o>\nDeclaration(Class(:A)\n",
         "bad.ofn: not valid OWL functional syntax: "),
        ("notes.txt", "hello", "notes.txt: unknown RDF format '.txt'"),
    ],
)
def test_bad_files_give_one_line_naming_file_and_line(name: str, content: str | bytes, message: str,
                                                      tmp_path: Path) -> None:
    path = _file(tmp_path, name, content)
    with pytest.raises(RDFSyntaxError) as caught:
        parse_external(path, rdflib.Graph())
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{tmp_path}/{message}"), text


@pytest.mark.parametrize(("what", "reason"), [("missing", "No such file or directory"), ("folder", "not a regular file")])
def test_missing_file_or_folder(what: str, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "x.owl"
    if what == "folder":
        path.mkdir()
    with pytest.raises(InputFileError) as caught:
        parse_external(path, rdflib.Graph())
    assert str(caught.value) == f"{path}: {reason}"
