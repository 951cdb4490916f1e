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
