"""Checksums of a kept store's files, written when it is built and checked on every open.

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


def check(folder: Path, listed: object) -> str | None:
    """Why ``folder`` does not hold the files of ``listed`` (a :func:`manifest`), or ``None``.

    Sizes first, for every file; then the hashes.
    """
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
