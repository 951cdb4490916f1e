"""The schema module's cache files: the plain-data closure is the N-Triples one, and the kept engine a
process restores is the one built from it, named by the graph it was built from."""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from pathlib import Path

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


def _stand_in(folder: Path, key: str, triples: str) -> Path:
    """A reasoned graph file under ``key`` in ``folder``, with its checksum record (no reasoning)."""
    graph = folder / f"reasoned-fast-{key}.nt"
    data = triples.encode()
    graph.write_bytes(data)
    record = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "triples": data.count(b"\n")}
    cache.sidecar(graph).write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")
    return graph


SUB = f"<{EX}Nose> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{EX}Site> .\n"
SUB2 = f"<{EX}Site> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{EX}Body> .\n"
SCO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def test_kept_engine_is_named_by_the_graph_and_rebuilt_for_another(tmp_path: Path) -> None:
    """The kept engine beside a graph restores that graph's closure; another graph's key names another."""
    first = schema_module.load("fast", _stand_in(tmp_path, "a" * 64, SUB))
    kept = sorted(p.name for p in tmp_path.glob("engine-*"))
    tag = f"{sys.implementation.cache_tag}-{marshal.version}"
    assert kept == [f"engine-fast-{'a' * 64}-{tag}.marshal", f"engine-fast-{'a' * 64}-{tag}.marshal.sha256"]
    again = schema_module.load("fast", tmp_path / f"reasoned-fast-{'a' * 64}.nt")
    assert again.prepared._kept is not None  # restored from the kept state, not built
    assert again.prepared.holds(ox.NamedNode(EX + "Nose"), SCO, ox.NamedNode(EX + "Site"))
    assert not again.prepared.holds(ox.NamedNode(EX + "Nose"), SCO, ox.NamedNode(EX + "Body"))
    assert first.codings == again.codings and again.codings  # the packaged mapping set's codings
    changed = schema_module.load("fast", _stand_in(tmp_path, "b" * 64, SUB + SUB2))
    assert changed.prepared.holds(ox.NamedNode(EX + "Nose"), SCO, ox.NamedNode(EX + "Body"))  # sco closed
    assert (tmp_path / f"engine-fast-{'b' * 64}-{tag}.marshal").is_file()


def test_restored_engine_is_the_built_one() -> None:
    """The packaged graph's kept engine holds every index the built one does, term for term."""
    kept = schema_module.load()
    built = schema_module._from_closure("fast", None)
    assert kept.prepared._kept is not None and built.prepared._kept is None
    assert kept.codings == built.codings
    skip = {"adapter", "v", "insert", "add", "pred_handlers", "class_handlers", "watched"}
    plain = lambda value: {k: plain(v) for k, v in value.items()} if isinstance(value, dict) else value  # noqa: E731
    ours, theirs = (
        {name: plain(value) for name, value in vars(m.prepared.engine).items() if name not in skip} for m in (kept, built))
    assert ours == theirs
    assert kept.prepared.engine.watched.keys() == built.prepared.engine.watched.keys()


def test_a_kept_engine_of_another_layout_gives_way_to_the_closure(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    graph = _stand_in(tmp_path, "c" * 64, SUB)
    schema_module.load("fast", graph)
    monkeypatch.setattr(schema_module, "_ENGINE_FORMAT", 99)  # the file on disk says 1
    module = schema_module.load("fast", graph)
    assert module.prepared._kept is None  # built from the closure instead
    assert module.prepared.holds(ox.NamedNode(EX + "Nose"), SCO, ox.NamedNode(EX + "Site"))
