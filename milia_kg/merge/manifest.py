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
import time
from pathlib import Path
from typing import Any

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


def manifest(folder: Path, marker: str = "") -> dict[str, dict[str, Any]]:
    """``{name: {"bytes": size, "sha256": hex}}`` for every file of ``folder`` but ``marker`` and
    :data:`IGNORED`."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink() and _listed(path.name, marker):
            out[path.name] = {"bytes": path.stat().st_size, "sha256": _digest(path)}
    return out


#: Stores this process found whole, by folder: the stamp of their files then (:func:`_stamp`). Opening
#: a kept store checks it twice (finding it, then opening it): 0.08 s of a 0.24 s repeated HPO query.
_WHOLE: dict[Path, str] = {}
#: A store is remembered only if none of its files changed in this many nanoseconds before its check:
#: file times advance in clock ticks, so a change within the same tick would not show in the stamp.
_QUIET_NS = 2_000_000_000


def _stamp(folder: Path, listed: dict[Any, Any]) -> tuple[str, int] | None:
    """A digest of the list and of every listed file's device, inode, size, modification and change
    times (a write or a replacement sets the change time to the present), and the newest time."""
    stamp, newest = hashlib.sha256(repr(sorted(listed.items(), key=str)).encode()), 0
    for name in sorted(listed, key=str):
        try:
            st = os.lstat(folder / str(name))
        except OSError:
            return None
        stamp.update(f"{name}\0{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}\0".encode())
        newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
    return stamp.hexdigest(), newest


def check(folder: Path, listed: object) -> str | None:
    """Why ``folder`` does not hold the files of ``listed`` (a :func:`manifest`), or ``None``; a store
    found whole before by this process is not hashed again while no file of it changed.

    Sizes first, for every file; then the hashes.
    """
    started = time.time_ns()
    stamp = _stamp(folder, listed) if isinstance(listed, dict) and listed else None
    if stamp is not None and _WHOLE.get(folder) == stamp[0]:
        return None
    problem = _check(folder, listed)
    if problem is None and stamp is not None and stamp[1] < started - _QUIET_NS:
        _WHOLE[folder] = stamp[0]
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
