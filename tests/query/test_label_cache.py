"""Resolved parameter values kept by the graph's content key (issue 22): kept across graphs of the
same content and across processes (on disk), never served once a source changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from milia_kg import KnowledgeGraph
from milia_kg.errors import ParameterError
from milia_kg.query import resolved_cache
from milia_kg.release import cache
from milia_kg.release.folders import Sources

MKG = "https://w3id.org/milia-kg/"


@pytest.fixture(autouse=True)
def resolved_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own for the kept values; this process's copies dropped around it."""
    folder = tmp_path / "resolved-cache"
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(folder))
    resolved_cache.forget()
    yield folder
    resolved_cache.forget()


def _open(sources: tuple[Path, Path], folder: Path) -> KnowledgeGraph:
    """The reasoned graph of ``sources``, keyed as the packaged graph is: by its cache file's name."""
    path = cache.reasoned_graph_file("fast", Sources(*sources), directory=folder)
    return KnowledgeGraph.from_file(path, content_key=f"oxigraph:{path.name}")


def _refuse_queries(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    def select(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the graph was asked again")

    monkeypatch.setattr(kg.backend, "select", select)
    monkeypatch.setattr(kg.backend, "ask", select)


def test_a_changed_source_is_not_served_stale_labels(mini_sources: tuple[Path, Path], tmp_path: Path) -> None:
    before = _open(mini_sources, tmp_path / "cache")
    assert before.resolve("conditions_at_site", "site", "face") == MKG + "Face"
    facts = mini_sources[1] / "facts.ttl"
    facts.write_text(facts.read_text(encoding="utf-8").replace("mkg:Face ", "mkg:FaceRegion "), encoding="utf-8")
    after = _open(mini_sources, tmp_path / "cache")
    assert after.resolve("conditions_at_site", "site", "face") == MKG + "FaceRegion"


def test_a_graph_of_the_same_content_asks_nothing_again(mini_sources: tuple[Path, Path], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first = _open(mini_sources, tmp_path / "cache")
    assert first.resolve("conditions_at_site", "site", "  Face ") == MKG + "Face"
    second = _open(mini_sources, tmp_path / "cache")
    _refuse_queries(second, monkeypatch)
    assert second.resolve("conditions_at_site", "site", "  Face ") == MKG + "Face"


def test_a_new_process_reads_the_kept_values(mini_sources: tuple[Path, Path], tmp_path: Path,
                                              resolved_files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What one process resolved, the next one reads from the cache folder without asking the graph."""
    assert _open(mini_sources, tmp_path / "cache").resolve("conditions_at_site", "site", "face") == MKG + "Face"
    assert [p.name.startswith("resolved-") for p in resolved_files.iterdir()] == [True]
    resolved_cache.forget()  # as a new process
    later = _open(mini_sources, tmp_path / "cache")
    _refuse_queries(later, monkeypatch)
    assert later.resolve("conditions_at_site", "site", "face") == MKG + "Face"


def test_a_damaged_file_of_kept_values_is_resolved_around(mini_sources: tuple[Path, Path], tmp_path: Path,
                                                          resolved_files: Path) -> None:
    kg = _open(mini_sources, tmp_path / "cache")
    assert kg.resolve("conditions_at_site", "site", "face") == MKG + "Face"
    (kept,) = resolved_files.iterdir()
    kept.write_text('{"face": ', encoding="utf-8")
    resolved_cache.forget()
    assert _open(mini_sources, tmp_path / "cache").resolve("conditions_at_site", "site", "face") == MKG + "Face"


def test_failures_are_not_kept(mini_sources: tuple[Path, Path], tmp_path: Path) -> None:
    kg = _open(mini_sources, tmp_path / "cache")
    for _ in range(2):
        with pytest.raises(ParameterError, match="no label, synonym, CURIE or IRI in the graph matches"):
            kg.resolve("conditions_at_site", "site", "elbow")


def test_without_a_content_key_nothing_is_kept(mini_sources: tuple[Path, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = cache.reasoned_graph_file("fast", Sources(*mini_sources), directory=tmp_path / "cache")
    assert KnowledgeGraph.from_file(path).resolve("conditions_at_site", "site", "face") == MKG + "Face"
    again = KnowledgeGraph.from_file(path)
    _refuse_queries(again, monkeypatch)
    with pytest.raises(AssertionError, match="asked again"):
        again.resolve("conditions_at_site", "site", "face")


def test_the_kept_folding_table_is_the_scan_of_its_unicode_version() -> None:
    """The characters whose case folding is several characters, kept per Unicode version so a cold
    process does not scan the Basic Multilingual Plane: each kept table equals the scan on a Python of
    that version (CPython 3.11: Unicode 14.0.0), and the scan covers every other version."""
    import unicodedata

    from milia_kg.query import params

    scan = "".join(c for c in map(chr, range(0x10000)) if len(c.casefold()) > 1)
    assert params.multi_folding() == scan
    assert "ß" in scan and "\ufb01" in scan  # ß -> ss, ﬁ -> fi
    if unicodedata.unidata_version in params.MULTI_FOLDING:
        assert params.MULTI_FOLDING[unicodedata.unidata_version] == scan


@pytest.mark.parametrize("damage", ["dev-zero", "fifo", "list", "deep", "others-writable"])
def test_a_hostile_kept_file_is_ignored_never_read_whole(damage: str, resolved_files: Path) -> None:
    """The kept values and the kept query headers are files of the cache: read with the bounded,
    regular-file, own-file reader every cache file gets (issue 23, finding 10)."""
    import os

    from milia_kg.query import header_cache

    key = "oxigraph:some-content"
    resolved_files.mkdir(parents=True)
    for path in (resolved_cache._file(key), header_cache._cache_file()):
        if damage == "dev-zero":
            path.symlink_to("/dev/zero")
        elif damage == "fifo":
            os.mkfifo(path)
        else:
            path.write_text({"list": "[]", "deep": "[" * 100_000, "others-writable": "{}"}[damage])
            if damage == "others-writable":
                path.chmod(0o666)
    assert resolved_cache.lookup(key, "face") is None
    header_cache.forget()
    assert header_cache._KEPT.entries() == {}


def test_a_kept_value_is_read_without_the_graph(mini_sources: tuple[Path, Path], tmp_path: Path) -> None:
    """resolved_cache.kept_value gives what a resolver of the same content key kept, nothing for another key."""
    kept_key, kept_value = resolved_cache.kept_key, resolved_cache.kept_value

    kg = _open(mini_sources, tmp_path / "cache")
    key = f"oxigraph:{cache.reasoned_graph_file('fast', Sources(*mini_sources), directory=tmp_path / 'cache').name}"
    assert kept_value(kept_key(key, {}), "face") is None  # nothing resolved yet
    assert kg.resolve("conditions_at_site", "site", "face") == MKG + "Face"
    resolved_cache.forget()  # as a new process
    assert kept_value(kept_key(key, {}), "  face ") == MKG + "Face"
    assert kept_value(kept_key(key, {"ex": "http://example.org/"}), "face") is None  # other prefixes
    other = "oxigraph:reasoned-fast-" + "0" * 64 + ".nt"
    assert kept_value(kept_key(other, {}), "face") is None  # other content
