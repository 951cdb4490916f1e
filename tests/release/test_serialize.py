"""milia_kg.release.serialize: the Turtle writer keeps rdflib's bytes while naming each IRI once."""

from __future__ import annotations

from pathlib import Path

import rdflib

from milia_kg.release.serialize import write_turtle

#: Prefixed names of every kind rdflib's writer handles apart: a bound prefix, one starting with "_"
#: (rewritten), an unbound predicate namespace (a generated prefix), local names needing escapes or
#: none at all, a datatype's name, nested blank nodes, a list, a language tag, IRIs seen many times.
TRICKY = """
@prefix ex: <http://example.org/> .
@prefix _u: <http://example.org/under/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p ex:b , ex:c , <http://example.org/ends.> , <http://example.org/x(y)> , <http://example.org/50%> ;
    <http://other.example/ns#q> "1"^^xsd:integer , "2"^^<http://other.example/dt#t> , "visage"@fr ;
    _u:r [ ex:p [ ex:p ex:a ] ] ;
    ex:list ( ex:a ex:b "three" ) .
ex:b ex:p ex:a ; <http://other.example/ns#q> ex:c ; <http://third.example/> ex:a .
_u:s ex:p _u:t .
"""


def test_write_turtle_gives_rdflib_own_bytes(tmp_path: Path) -> None:
    graph = rdflib.Graph().parse(data=TRICKY, format="turtle")
    expected = graph.serialize(format="turtle", encoding="utf-8")
    write_turtle(graph, tmp_path / "g.ttl")
    assert (tmp_path / "g.ttl").read_bytes() == expected
    write_turtle(graph, tmp_path / "again.ttl")  # a second document starts from no names
    assert (tmp_path / "again.ttl").read_bytes() == expected
    assert b"p_u:" in expected and b"ns1:" in expected  # the rewritten and generated prefixes were there
