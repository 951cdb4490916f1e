"""A merge's asserted triples from the kept record of the packaged sources: the same triples and
prefixes as the sources read with rdflib, one record per state of the sources, rebuilt if damaged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rdflib import Graph

from milia_kg.formats import read
from milia_kg.formats.obo import PREFIXES
from milia_kg.formats.terms import TermMap
from milia_kg.merge import asserted
from milia_kg.release import cache, pipeline

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture()
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(folder))
    return folder


def _reference(files: list[Path]) -> tuple[set[str], dict[str, str]]:
    """The sources read with rdflib and the files as merged_asserted reads them, and the prefixes as
    the merged graph binds them."""
    graph, _ = pipeline.load_sources(validate=False)
    convert = TermMap().to_ox
    lines = {f"{convert(s)} {convert(p)} {convert(o)}" for s, p, o in graph if not _blank(s, o)}
    for path in files:
        found, bound = read.read_oxigraph(path)
        lines |= {f"{s} {p} {o}" for s, p, o in found if "_:" not in f"{s}{o}"}
        for prefix, namespace in bound.items():
            graph.bind(prefix, namespace, override=False)
    merged = Graph()
    for prefix, namespace in graph.namespaces():
        merged.bind(prefix, namespace)
    return lines, {str(p): str(n) for p, n in merged.namespaces() if p}


def _blank(*terms: object) -> bool:
    from rdflib import BNode

    return any(isinstance(t, BNode) for t in terms)


@pytest.mark.parametrize("names", [[], ["obo-slice.obo"], ["obo-slice.obo", "obo-slice.ttl"]])
def test_the_record_gives_the_sources_triples_and_prefixes(names: list[str], own_cache: Path) -> None:
    files = [FIXTURES / name for name in names]
    for attempt in ("built", "kept"):
        triples, prefixes = asserted.merged_asserted(files)
        named = {f"{s} {p} {o}" for s, p, o in triples if "_:" not in f"{s}{o}"}
        assert (named, prefixes) == _reference(files), attempt
    assert len(list(own_cache.glob("asserted-fast-*.json"))) == 1
    if names == ["obo-slice.obo"]:
        assert set(PREFIXES.items()) <= set(prefixes.items())


def test_one_record_per_state_of_the_sources(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asserted.merged_asserted([])
    (first,) = own_cache.glob("asserted-fast-*.json")
    assert first.name == f"asserted-fast-{cache.source_key('fast')}.json"
    monkeypatch.setattr(cache, "source_key", lambda reasoner, sources=None: "0" * 64)  # the sources changed
    asserted.merged_asserted([])
    assert {p.name for p in own_cache.glob("asserted-fast-*.json")} == {first.name, f"asserted-fast-{'0' * 64}.json"}


def test_a_damaged_record_is_rebuilt_with_a_warning(own_cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    expected = asserted.merged_asserted([])
    (record,) = own_cache.glob("asserted-fast-*.json")
    record.write_text('{"ntriples": "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\\n"}')
    with caplog.at_level(logging.WARNING, logger="milia_kg"):
        again = asserted.merged_asserted([])
    assert len(again[0]) == len(expected[0]) and again[1] == expected[1]
    assert f"cache {record} was damaged; rebuilt" in caplog.text
