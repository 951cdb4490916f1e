"""The schema module's cache file: the plain-data closure a process reads is the N-Triples one."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from milia_kg.base import files
from milia_kg.decision import schema_module
from milia_kg.release import cache

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _key(term: object) -> str:
    """A term's text with blank-node labels left out (they differ between parses)."""
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def test_plain_form_round_trips_every_kind_of_term() -> None:
    node = ox.BlankNode("r1")
    triples = [
        (ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("40.0", datatype=ox.NamedNode(XSD + "decimal"))),
        (ox.NamedNode(EX + "a"), ox.NamedNode(EX + "label"), ox.Literal("milia", language="en")),
        (node, ox.NamedNode(EX + "p"), ox.Literal("usually")),
        (ox.NamedNode(EX + "a"), ox.NamedNode(EX + "q"), node),
    ]
    terms, indexes = schema_module._plain(triples)
    assert terms == [["i", EX + "a"], ["i", EX + "p"], ["l", "40.0", XSD + "decimal", ""], ["i", EX + "label"],
                     ["l", "milia", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en"],
                     ["b", "r1"], ["l", "usually", XSD + "string", ""], ["i", EX + "q"]]
    assert indexes == [0, 1, 2, 0, 3, 4, 5, 1, 6, 0, 7, 5]
    assert schema_module.read_triples(json.loads(json.dumps({"terms": terms, "triples": indexes}))) == triples


def test_unknown_term_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown term kind 'x'"):
        schema_module.read_triples({"terms": [["x", "a"]], "triples": [0, 0, 0]})


def test_cached_plain_closure_is_the_n_triples_closure() -> None:
    """What :func:`schema_module.load` reads holds the same triples as the file's N-Triples closure."""
    path = cache.derived_file("classifier", "json", schema_module._build)
    data = files.read_json(path.read_bytes(), path)
    parsed = [(q.subject, q.predicate, q.object) for q in ox.parse(data["closure"], format=ox.RdfFormat.N_TRIPLES)]
    read = schema_module.read_triples(data)
    assert len(read) == len(parsed) == len(set(read))
    assert sorted(tuple(map(_key, t)) for t in read) == sorted(tuple(map(_key, t)) for t in parsed)
