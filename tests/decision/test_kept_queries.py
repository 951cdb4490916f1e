"""The classification context's catalogue answers kept in the cache (issue 22: a cold classify ran a
dozen queries): they are the graph's own answers, and a changed source or query text builds them anew."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from milia_kg import vocab
from milia_kg.base import resources
from milia_kg.decision import advice, api, kept_queries
from milia_kg.release import cache


def test_kept_answers_are_the_graphs_own() -> None:
    ctx = api._context()
    asked = [(name, {}) for name in (*kept_queries.CONTEXT_QUERIES, "home_care", "avoid", "care_seeking")]
    asked += [(query, {"condition": c}) for query, _, _ in advice.CONDITION_SECTIONS.values()
              for c in (*sorted(ctx.classifier.subtypes), vocab.MKG + "Milia")]
    asked += [("evidence", {"subject": vocab.MKG + "Milia"})]
    for name, params in asked:
        kept, fresh = ctx.queries.query(name, **params), ctx.kg.query(name, **params)
        assert kept == fresh, (name, params)
        assert [{k: type(v) for k, v in r.items()} for r in kept] == [{k: type(v) for k, v in r.items()}
                                                                      for r in fresh], (name, params)
    assert ctx.queries.labels[vocab.MKG + "MiliaEnPlaque"] == "milia en plaque"


@pytest.fixture()
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """A stand-in reasoned graph in ``tmp_path`` under a source key the test chooses (no reasoning)."""
    key = ["a" * 64]
    monkeypatch.setattr(cache, "source_key", lambda reasoner, sources=None: key[0])

    def put(new_key: str) -> None:
        key[0] = new_key
        graph = tmp_path / f"reasoned-fast-{new_key}.nt"
        data = b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"
        graph.write_bytes(data)
        record = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "triples": 1}
        cache.sidecar(graph).write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")

    put(key[0])
    return put


def test_a_changed_query_text_or_source_builds_them_anew(tmp_path: Path, stand_in: Callable[[str], None]) -> None:
    queries = tmp_path / "queries"
    shutil.copytree(str(resources.queries_dir()), queries, ignore=shutil.ignore_patterns("__pycache__"))
    built: list[str] = []

    def build(graph: Path) -> bytes:
        built.append(graph.name)
        return json.dumps({"build": len(built)}).encode()

    first = kept_queries.kept_file(build, "fast", queries, tmp_path)
    assert kept_queries.kept_file(build, "fast", queries, tmp_path) == first
    assert built == [f"reasoned-fast-{'a' * 64}.nt"]
    sources = queries / "sources.rq"
    sources.write_text(sources.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = kept_queries.kept_file(build, "fast", queries, tmp_path)
    assert second != first and json.loads(second.read_bytes()) == {"build": 2}
    stand_in("b" * 64)
    third = kept_queries.kept_file(build, "fast", queries, tmp_path)
    assert third not in (first, second) and json.loads(third.read_bytes()) == {"build": 3}
    assert built[-1] == f"reasoned-fast-{'b' * 64}.nt" and third.name.startswith(f"queries-fast-{'b' * 64}-")


PROFILE = {"age_years": 52, "sex": "female", "sites": ["behind the ear"], "arrangement": "clustered on a raised patch"}


def test_a_case_of_kept_values_never_opens_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh context (as a new process holds) classifies a case whose site was resolved before, from
    the kept answers, labels and resolution alone, into the same result (issue 22: loading the store
    was a seventh of a cold classify)."""
    from milia_kg.query.kg import KnowledgeGraph

    expected = api.classify(PROFILE).to_dict()  # this process's context: resolves the site and keeps it
    fresh = api._Context("fast")
    monkeypatch.setattr(api, "_context", lambda reasoner="fast": fresh)
    monkeypatch.setattr(KnowledgeGraph, "open", lambda *args, **kwargs: pytest.fail("the graph was opened"))
    assert api.classify(PROFILE).to_dict() == expected
    assert expected["subtypes"][0]["id"] == "mkg:MiliaEnPlaque"
    assert "kg" not in vars(fresh)


def test_a_value_not_kept_is_resolved_on_the_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from milia_kg.query import resolved_cache
    from milia_kg.query.kg import KnowledgeGraph
    from milia_kg.query.packaged import kept_resolution

    graph_kg = KnowledgeGraph.open()
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(tmp_path))  # a cache folder without kept resolutions
    resolved_cache.forget()
    try:
        assert kept_resolution("behind the ear") is None
        fresh = api._Context("fast")
        site = fresh.resolve("sites[0]", "behind the ear", "AnatomicalSite")
        assert "kg" in vars(fresh)  # opened to resolve it
        assert site == graph_kg.resolve("conditions_at_site", "site", "behind the ear")
        assert kept_resolution("behind the ear") == site  # and kept for the next process
    finally:
        resolved_cache.forget()


def test_a_kept_file_of_another_layout_leaves_the_answers_to_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept file on disk is of layout 2; read as another, it is set aside and the graph answers."""
    ctx = api._context()
    monkeypatch.setattr(kept_queries, "FORMAT", 99)
    asked: list[str] = []

    class Graph:
        def query(self, name: str, /, **params: str) -> list[dict[str, object]]:
            asked.append(name)
            return ctx.kg.query(name, **params)

    kept = kept_queries.load(Graph, ctx.classifier, ctx.classifier.iris, "fast")
    assert kept.labels == {}
    assert kept.query("sources") == ctx.queries.query("sources") and asked == ["sources"]
