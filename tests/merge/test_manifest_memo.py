"""A kept store found whole is not hashed again, in this process or a later one (issue 22: a repeated
merged query hashed its 50 MB on every run), the input's hash is remembered the same way, and any
change to one of the files is still found."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from milia_kg.base.kept_records import KeptRecords
from milia_kg.merge import manifest, stamps
from milia_kg.merge import store as kept_store

Listed = dict[str, dict[str, object]]


@pytest.fixture(autouse=True)
def memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private memo file; files count as settled 50 ms after their last change (not 100 ms)."""
    path = tmp_path / "cache" / "kept-checks.json"
    monkeypatch.setattr(stamps, "MEMO", KeptRecords(lambda: path, 256, valid=stamps.MEMO.valid))
    monkeypatch.setattr(stamps, "FINE_QUIET_NS", 50_000_000)
    return path


def _new_process() -> None:
    """Drop this process's copy of the memo, so the next use reads the file as a new process would."""
    stamps.MEMO.forget()


@pytest.fixture()
def store(tmp_path: Path) -> tuple[Path, Listed]:
    """A folder of two files, settled, and its list."""
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "000009.sst").write_bytes(b"data" * 100)
    (folder / "CURRENT").write_bytes(b"MANIFEST-000005\n")
    time.sleep(0.1)
    return folder, manifest.manifest(folder)


def _hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = manifest._digest

    def counted(path: Path) -> str:
        calls.append(path.name)
        return real(path)

    monkeypatch.setattr(manifest, "_digest", counted)
    return calls


def _flip_keeping_size_and_time(path: Path) -> None:
    info = path.stat()
    time.sleep(0.05)
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def test_a_whole_store_is_hashed_once_across_processes(store: tuple[Path, Listed], monkeypatch: pytest.MonkeyPatch,
                                                       memo: Path) -> None:
    folder, listed = store
    calls = _hashes(monkeypatch)
    assert manifest.check(folder, listed) is None and manifest.check(folder, listed) is None
    _new_process()
    assert manifest.check(folder, listed) is None
    assert calls == ["000009.sst", "CURRENT"] and memo.is_file()


def test_a_flipped_byte_is_found_in_a_later_process(store: tuple[Path, Listed]) -> None:
    folder, listed = store
    assert manifest.check(folder, listed) is None
    _flip_keeping_size_and_time(folder / "000009.sst")
    _new_process()
    assert manifest.check(folder, listed) == "000009.sst does not match its checksum"


def test_a_flipped_byte_is_found_in_the_same_process(store: tuple[Path, Listed]) -> None:
    folder, listed = store
    assert manifest.check(folder, listed) is None
    _flip_keeping_size_and_time(folder / "CURRENT")
    assert manifest.check(folder, listed) == "CURRENT does not match its checksum"


def test_another_list_is_checked_again(store: tuple[Path, Listed], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, listed = store
    assert manifest.check(folder, listed) is None
    forged = {**listed, "CURRENT": {"bytes": 16, "sha256": "0" * 64}}
    assert manifest.check(folder, forged) == "CURRENT does not match its checksum"


def test_files_changed_just_before_are_hashed_again(store: tuple[Path, Listed], monkeypatch: pytest.MonkeyPatch,
                                                    memo: Path) -> None:
    folder, listed = store
    monkeypatch.setattr(stamps, "FINE_QUIET_NS", 3600 * 10**9)
    calls = _hashes(monkeypatch)
    assert manifest.check(folder, listed) is None and manifest.check(folder, listed) is None
    assert calls == ["000009.sst", "CURRENT"] * 2 and not memo.exists()


def _settle() -> None:
    """Wait for the builder's thread that remembers its store once the files are quiet."""
    for thread in threading.enumerate():
        if thread.name == "milia-kg-settle":
            thread.join(10)


def _sleeps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads that sleep in the manifest module."""
    who: list[str] = []
    real = time.sleep

    def counted(seconds: float) -> None:
        who.append(threading.current_thread().name)
        real(seconds)

    monkeypatch.setattr(manifest.time, "sleep", counted)
    return who


def test_the_builder_remembers_the_store_where_it_moves_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built, target = tmp_path / "tmp-store", tmp_path / "store"
    built.mkdir()
    (built / "000009.sst").write_bytes(b"data" * 100)
    sleeping = _sleeps(monkeypatch)
    listed = manifest.manifest(built, remember_as=target)
    built.rename(target)
    calls = _hashes(monkeypatch)
    assert manifest.check(target, listed) is None and calls == []  # the builder's own query: not hashed again
    _settle()
    assert sleeping == ["milia-kg-settle"]  # the quiet time waited out in the thread, not before the query
    _new_process()
    monkeypatch.setattr(manifest, "_BUILT", {})
    assert manifest.check(target, listed) is None and calls == []  # another process: remembered on disk
    _flip_keeping_size_and_time(target / "000009.sst")
    assert manifest.check(target, listed) == "000009.sst does not match its checksum"


def test_a_store_changed_before_it_settled_is_not_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             memo: Path) -> None:
    built, target = tmp_path / "tmp-store", tmp_path / "store"
    built.mkdir()
    (built / "000009.sst").write_bytes(b"data" * 100)
    listed = manifest.manifest(built, remember_as=target)
    built.rename(target)
    (target / "000009.sst").write_bytes(b"date" * 100)  # same size, a new change time
    _settle()
    assert not memo.exists()
    assert manifest.check(target, listed) == "000009.sst does not match its checksum"  # this process too


@pytest.mark.parametrize(("times", "quiet"), [
    ([1_700_000_000_000_000_000, 1_700_000_002_000_000_000], 2_000_000_000),
    ([1_700_000_000_000_000_000, 1_700_000_000_004_000_000], 50_000_000),  # the fine time, as patched
])
def test_whole_second_file_times_need_two_quiet_seconds(times: list[int], quiet: int) -> None:
    assert stamps.quiet_ns(times) == quiet


def test_the_input_hash_is_remembered_until_the_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "input.obo"
    source.write_bytes(b"format-version: 1.4\n")
    time.sleep(0.1)
    first = kept_store._file_digest(source)
    _new_process()
    opened: list[Path] = []
    real_open = Path.open

    def counted(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", counted)
    assert kept_store._file_digest(source) == first and opened == []
    _flip_keeping_size_and_time(source)
    _new_process()
    import hashlib

    assert kept_store._file_digest(source) == hashlib.sha256(source.read_bytes()).hexdigest() != first
