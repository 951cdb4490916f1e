"""The source key is remembered by the files' stamps (issue 22: a cold command stats the sources and
code instead of hashing them) and never outlives a change to any of them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from milia_kg.release import cache
from milia_kg.release.folders import Sources


@pytest.fixture()
def quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, and files count as settled 50 ms after their last change (not 2 s)."""
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_QUIET_NS", 50_000_000)
    monkeypatch.setattr(cache, "_KEYS", cache._key_memo())
    return tmp_path / "cache" / "source-keys.json"


def _fresh(sources: Sources) -> str:
    """The key computed from the bytes, with no memo."""
    memo = cache._KEYS
    cache._KEYS = cache._key_memo()
    try:
        cache._KEYS.get = lambda key: None  # type: ignore[method-assign]
        cache._KEYS.put = lambda *args: None  # type: ignore[method-assign]
        return cache.source_key("fast", sources)
    finally:
        cache._KEYS = memo


def test_a_remembered_key_is_the_hashed_one(mini_sources: tuple[Path, Path], quiet: Path) -> None:
    sources = Sources(*mini_sources)
    time.sleep(0.1)
    key = cache.source_key("fast", sources)
    assert quiet.is_file() and [v[1] for v in json.loads(quiet.read_text()).values()] == [key]
    assert cache.source_key("fast", sources) == key == _fresh(sources)


@pytest.mark.parametrize("edit", ["same size, time put back", "appended", "replaced by rename"])
def test_any_change_gives_the_new_key(edit: str, mini_sources: tuple[Path, Path], quiet: Path) -> None:
    ontology, data = mini_sources
    sources = Sources(ontology, data)
    time.sleep(0.1)
    before = cache.source_key("fast", sources)
    facts = data / "facts.ttl"
    text, info = facts.read_text(encoding="utf-8"), facts.stat()
    time.sleep(0.05)
    if edit == "same size, time put back":
        assert "adapalene" in text
        facts.write_text(text.replace("adapalene", "adapalenf"), encoding="utf-8")
        os.utime(facts, ns=(info.st_atime_ns, info.st_mtime_ns))
    elif edit == "appended":
        facts.write_text(text + "\n# a comment\n", encoding="utf-8")
    else:
        (data / "new.tmp").write_text(text.replace("adapalene", "adapalenf"), encoding="utf-8")
        (data / "new.tmp").replace(facts)
    after = cache.source_key("fast", sources)
    assert after != before and after == _fresh(sources)


def test_files_changed_just_before_are_not_remembered(mini_sources: tuple[Path, Path], quiet: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Two writes of the same size within one clock tick look alike: a key of files that changed in the
    last moments is computed again next time, not remembered."""
    monkeypatch.setattr(cache, "_QUIET_NS", 3600 * 10**9)
    cache.source_key("fast", Sources(*mini_sources))
    assert not quiet.exists()


@pytest.mark.parametrize(("added", "covered"), [
    ("nested/deeper/more.ttl", True), (".hidden.ttl", False), ("__pycache__/facts.cpython-311.pyc", False),
], ids=["nested", "hidden", "pycache"])
def test_the_key_covers_every_source_file_but_hidden_and_bytecode(added: str, covered: bool,
                                                                  mini_sources: tuple[Path, Path], quiet: Path) -> None:
    """The folders are listed with os.scandir (issue 22); a file in a nested folder is a new key, a
    hidden file or Python's bytecode is not, remembered or hashed afresh."""
    ontology, data = mini_sources
    sources = Sources(ontology, data)
    time.sleep(0.1)
    before = cache.source_key("fast", sources)
    (data / added).parent.mkdir(parents=True, exist_ok=True)
    (data / added).write_text("# a file\n", encoding="utf-8")
    time.sleep(0.1)
    after = cache.source_key("fast", sources)
    assert (after != before) is covered
    assert after == _fresh(sources) == cache.source_key("fast", sources)
