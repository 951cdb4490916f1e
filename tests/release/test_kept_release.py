"""A build from unchanged inputs copies the release kept in the cache (issue 22, target 6): the same
bytes and summary as a build from the sources; a changed source or a damaged copy builds again."""

from __future__ import annotations

from pathlib import Path

import pytest

from milia_kg.release.build import BuildSummary, build


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _facts(summary: BuildSummary) -> tuple[object, ...]:
    return (summary.triples_asserted, summary.triples_inferred, dict(summary.entities),
            summary.validation.conforms, tuple(summary.validation.rules_run), summary.files)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(folder))
    return folder


def test_unchanged_inputs_copy_the_kept_release(tmp_path: Path, mini_sources: tuple[Path, Path], cache: Path) -> None:
    ontology, data = mini_sources
    fresh = build(tmp_path / "fresh", ontology_dir=ontology, data_dir=data, reuse=False)
    copied = build(tmp_path / "copied", ontology_dir=ontology, data_dir=data)
    assert (fresh.reused, copied.reused) == (False, True)
    assert _files(tmp_path / "copied") == _files(tmp_path / "fresh")
    assert _facts(copied) == _facts(fresh)
    assert "inputs unchanged" in copied.text()
    assert [p.name.split("-")[:2] for p in cache.glob("release-*")] == [["release", "fast"]]


def test_a_changed_source_builds_again(tmp_path: Path, mini_sources: tuple[Path, Path], cache: Path) -> None:
    ontology, data = mini_sources
    build(tmp_path / "before", ontology_dir=ontology, data_dir=data)
    tbox = ontology / "milia-kg.ttl"
    text = tbox.read_text(encoding="utf-8")
    assert '"condition"@en' in text
    tbox.write_text(text.replace('"condition"@en', '"disorder"@en'), encoding="utf-8")
    after = build(tmp_path / "after", ontology_dir=ontology, data_dir=data)
    nt = (tmp_path / "after" / "milia-kg.nt").read_text(encoding="utf-8")
    assert not after.reused
    assert '"disorder"@en' in nt and '"condition"@en' not in nt
    again = build(tmp_path / "again", ontology_dir=ontology, data_dir=data)
    assert again.reused and _files(tmp_path / "again") == _files(tmp_path / "after")


@pytest.mark.parametrize("damage", ["edited", "removed", "added", "record"])
def test_a_damaged_copy_is_not_served(
    damage: str, tmp_path: Path, mini_sources: tuple[Path, Path], cache: Path
) -> None:
    ontology, data = mini_sources
    build(tmp_path / "fresh", ontology_dir=ontology, data_dir=data, reuse=False)
    (kept,) = cache.glob("release-*")
    if damage == "edited":
        (kept / "milia-kg.nt").write_bytes(b"<http://x/a> <http://x/b> <http://x/c> .\n")
    elif damage == "removed":
        (kept / "void.ttl").unlink()
    elif damage == "added":
        (kept / "extra.ttl").write_text("# not from a build\n", encoding="utf-8")
    else:
        (kept / ".summary.json").write_text("{", encoding="utf-8")
    rebuilt = build(tmp_path / "rebuilt", ontology_dir=ontology, data_dir=data)
    assert not rebuilt.reused
    assert _files(tmp_path / "rebuilt") == _files(tmp_path / "fresh")
    assert build(tmp_path / "copied", ontology_dir=ontology, data_dir=data).reused  # kept anew
