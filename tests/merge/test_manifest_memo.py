"""A kept store found whole is hashed once per process (issue 22: a repeated merged query checked it
twice), and any change to one of its files is still found."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from milia_kg.merge import manifest


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, dict[str, object]]]:
    """A folder of two files and its list; files count as settled 50 ms after their last change."""
    monkeypatch.setattr(manifest, "_QUIET_NS", 50_000_000)
    monkeypatch.setattr(manifest, "_WHOLE", {})
    (tmp_path / "000009.sst").write_bytes(b"data" * 100)
    (tmp_path / "CURRENT").write_bytes(b"MANIFEST-000005\n")
    time.sleep(0.1)
    return tmp_path, manifest.manifest(tmp_path)


def _hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = manifest._digest

    def counted(path: Path) -> str:
        calls.append(path.name)
        return real(path)

    monkeypatch.setattr(manifest, "_digest", counted)
    return calls


def test_a_whole_store_is_hashed_once(store: tuple[Path, dict[str, dict[str, object]]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder, listed = store
    calls = _hashes(monkeypatch)
    assert manifest.check(folder, listed) is None and manifest.check(folder, listed) is None
    assert calls == ["000009.sst", "CURRENT"]


def test_a_flipped_byte_is_found_after_a_whole_check(store: tuple[Path, dict[str, dict[str, object]]]) -> None:
    folder, listed = store
    assert manifest.check(folder, listed) is None
    sst = folder / "000009.sst"
    info = sst.stat()
    time.sleep(0.05)
    sst.write_bytes(b"date" + b"data" * 99)  # same size, modification time put back
    os.utime(sst, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert manifest.check(folder, listed) == "000009.sst does not match its checksum"


def test_files_changed_just_before_are_hashed_again(store: tuple[Path, dict[str, dict[str, object]]],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder, listed = store
    monkeypatch.setattr(manifest, "_QUIET_NS", 3600 * 10**9)
    calls = _hashes(monkeypatch)
    assert manifest.check(folder, listed) is None and manifest.check(folder, listed) is None
    assert calls == ["000009.sst", "CURRENT"] * 2
