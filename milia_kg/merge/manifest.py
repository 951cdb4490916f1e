"""Checksums of a kept store's files, written when it is built and checked when a process opens it.

Why: one flipped byte in an Oxigraph ``.sst`` file made a query allocate 23.7 GB, and a truncated
or missing file gave a traceback (issue 23); RocksDB does not verify its files when it opens them
read-only. So every file Oxigraph wrote is listed with its size and SHA-256 in the store's marker,
and a store whose files do not match is refused before Oxigraph opens it. Sizes are compared first
(a truncated or missing file costs one ``lstat``); the hash reads the files once, in 1 MiB blocks,
at about 1 GB/s (a 20,000-triple store is 2 MB: 2 ms).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "000009.sst").write_bytes(b"data")
>>> listed = manifest(folder)
>>> check(folder, listed) is None
True
>>> _ = (folder / "000009.sst").write_bytes(b"date")
>>> check(folder, listed)
'000009.sst does not match its checksum'
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

from milia_kg.merge import stamps

__all__ = ["IGNORED", "check", "manifest"]

#: Files Oxigraph (RocksDB) writes or rewrites on its own: the lock and its information logs.
IGNORED = ("LOCK", "LOG")
_BLOCK = 1 << 20


def _listed(name: str, marker: str) -> bool:
    return name != marker and name not in IGNORED and not name.startswith("LOG.old")


def _digest(path: Path) -> str:
    """The SHA-256 of a regular file, never through a link and never blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as source:
        if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        digest = hashlib.sha256()
        while block := source.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def manifest(folder: Path, marker: str = "", remember_as: Path | None = None) -> dict[str, dict[str, Any]]:
    """``{name: {"bytes": size, "sha256": hex}}`` for every file of ``folder`` but ``marker`` and
    :data:`IGNORED`.

    :param remember_as: where the builder moves ``folder`` (a move keeps its files' stamps): the
        files are remembered as a whole store there (:mod:`milia_kg.merge.stamps`), so neither the
        builder's own query nor the next process hashes them again (0.05 s of the HPO's kept store):
        at once in this process, and for the others by a thread once the files have been quiet long
        enough (:data:`stamps.FINE_QUIET_NS` after they were written: the first ``--merge`` query
        used to wait that out, 0.1 s, before it could open the store).
    """
    paths = [path for path in sorted(folder.iterdir())
             if path.is_file() and not path.is_symlink() and _listed(path.name, marker)]
    before = stamps.stamp(paths) if remember_as is not None else None  # before hashing: a later write shows
    out = {path.name: {"bytes": path.stat().st_size, "sha256": _digest(path)} for path in paths}
    if remember_as is not None and before is not None:
        slot, whole = _slot(remember_as), _whole(out)
        _BUILT[slot] = (before.digest, whole)
        if before.quiet > stamps.FINE_QUIET_NS:
            return out  # whole-second file times (2 s to wait): the next process will remember them
        threading.Thread(target=_remember_when_settled, args=(slot, Path(remember_as), [p.name for p in paths],
                                                               before, whole),
                         name="milia-kg-settle", daemon=False).start()  # the process waits for it to end
    return out


#: The stores this process built: slot -> (the stamp digest of their files when hashed, the result).
_BUILT: dict[str, tuple[str, str]] = {}


def _remember_when_settled(slot: str, folder: Path, names: list[str], before: stamps.Stamp, result: str) -> None:
    """Remember ``result`` for the files ``names`` of ``folder`` once their quiet time has passed,
    if their stamp is still the one taken before they were hashed (nothing, if the folder was not
    moved there or a file changed)."""
    wait = before.newest + before.quiet - time.time_ns()
    if wait > 0:
        time.sleep(wait / 1e9 + 0.001)
    now = stamps.stamp([folder / name for name in names])
    if now is not None and now.digest == before.digest:
        stamps.remember(slot, now, result)


def _built_here(slot: str, now: stamps.Stamp) -> str | None:
    """The result for a store this process built, while its files keep the stamp they were hashed with."""
    built = _BUILT.get(slot)
    return built[1] if built is not None and built[0] == now.digest else None


def _slot(folder: Path) -> str:
    return f"store:{os.path.abspath(folder)}"


def _whole(listed: object) -> str:
    """The result remembered for a store found whole: names the list it was checked against."""
    return "whole:" + hashlib.sha256(repr(sorted(listed.items(), key=str)).encode()).hexdigest() \
        if isinstance(listed, dict) else ""


def _names(folder: Path, listed: dict[Any, Any]) -> list[Path]:
    return [folder / str(name) for name in sorted(listed, key=str)]


def check(folder: Path, listed: object) -> str | None:
    """Why ``folder`` does not hold the files of ``listed`` (a :func:`manifest`), or ``None``; a store
    found whole before (by any process, :mod:`milia_kg.merge.stamps`), or built by this one, is not
    hashed again while no file of it changed.

    Sizes first, for every file; then the hashes.
    """
    before = stamps.stamp(_names(folder, listed)) if isinstance(listed, dict) and listed else None
    slot = _slot(folder)
    if before is not None and _whole(listed) in (stamps.recall(slot, before), _built_here(slot, before)):
        return None
    problem = _check(folder, listed)
    if problem is None:
        stamps.remember(slot, before, _whole(listed))
    return problem


def _check(folder: Path, listed: object) -> str | None:
    if not isinstance(listed, dict) or not listed:
        return "no list of its files"
    for name, record in listed.items():
        if not isinstance(name, str) or "/" in name or name in ("", ".", "..") or not isinstance(record, dict):
            return f"a bad entry {str(name)[:80]!r} in the list of its files"
        try:
            info = os.lstat(folder / name)
        except FileNotFoundError:
            return f"{name} is missing"
        except OSError as error:
            return f"{name} cannot be read ({error.strerror})"
        if not stat.S_ISREG(info.st_mode):
            return f"{name} is not a regular file"
        if info.st_size != record.get("bytes"):
            return f"{name} has {info.st_size} bytes, not {record.get('bytes')} (truncated or changed)"
    for name, record in listed.items():
        try:
            if _digest(folder / name) != record.get("sha256"):
                return f"{name} does not match its checksum"
        except OSError as error:
            return f"{name} cannot be read ({error.strerror or error})"
    return None
