"""Oxigraph's reading of a Turtle file into rdflib gives what rdflib's parser gives: triples, literals,
prefixes and their order; where it could not, rdflib reads the file (issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from milia_kg.base import resources
from milia_kg.errors import RDFSyntaxError
from milia_kg.formats.oxigraph_turtle import parse_into
from milia_kg.formats.turtle import parse_turtle

XSD = "http://www.w3.org/2001/XMLSchema#"


def _both(path: Path) -> tuple[rdflib.Graph, rdflib.Graph]:
    return parse_into(path, rdflib.Graph()), parse_turtle(path, rdflib.Graph())


def _same(ours: rdflib.Graph, theirs: rdflib.Graph) -> None:
    assert isomorphic(ours, theirs)
    assert list(ours.namespaces()) == list(theirs.namespaces())


def test_every_source_file_reads_as_rdflib_reads_it() -> None:
    files = [*resources.ontology_files(), *resources.data_files()]
    assert len(files) >= 9
    for source in files:
        _same(*_both(source))  # type: ignore[arg-type]  # a Traversable reads as a Path does


def test_literals_blank_nodes_and_lists_as_rdflib(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix z: <http://z.example/> .\n"
        'ex:a ex:n 1, 01, 1.50, 1e3, true ; ex:s "two\\nlines", """long""" ; ex:l ("x"@en-gb [ ex:b ex:c ]) ;\n'
        '  ex:d "2026-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ; ex:r <rel> ; z:y _:b1 .\n'
        "_:b1 ex:p [] .\n",
        encoding="utf-8",
    )
    ours, theirs = _both(path)
    _same(ours, theirs)
    assert rdflib.Literal("1", datatype=rdflib.URIRef(f"{XSD}integer")) in set(ours.objects())
    assert rdflib.URIRef("https://w3id.org/milia-kg/rel") in set(ours.objects())
    assert [p for p, _ in ours.namespaces()][-2:] == ["ex", "z"]  # declaration order, not sorted


@pytest.mark.parametrize("text, literal", [
    ('ex:a ex:p "x"^^xsd:string .', rdflib.Literal("x", datatype=rdflib.URIRef(f"{XSD}string"))),
    ('ex:a ex:p "x"@EN .', rdflib.Literal("x", lang="EN")),
])
def test_what_oxigraph_reads_otherwise_is_rdflibs(tmp_path: Path, text: str, literal: rdflib.Literal) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(f"@prefix ex: <http://example.org/> .\n@prefix xsd: <{XSD}> .\n{text}\n", encoding="utf-8")
    ours, theirs = _both(path)
    _same(ours, theirs)
    found = next(ours.objects())
    assert (found, found.datatype, found.language) == (literal, literal.datatype, literal.language)


def test_prefixes_declared_twice_bind_as_rdflib_binds_them(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text("@prefix b: <http://b.example/> .\n@prefix a: <http://b.example/> .\n"
                    "@prefix b: <http://c.example/> .\nb:x a:y b:z .\n", encoding="utf-8")
    _same(*_both(path))


def test_a_syntax_error_is_rdflibs_report(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p .\n", encoding="utf-8")
    with pytest.raises(RDFSyntaxError) as ours:
        parse_into(path, rdflib.Graph())
    with pytest.raises(RDFSyntaxError) as theirs:
        parse_turtle(path, rdflib.Graph())
    assert str(ours.value) == str(theirs.value) and ":2:" in str(ours.value)
