"""Read a file given by a user without hanging or exhausting memory.

A path may name a device (``/dev/zero``), a FIFO or a symlink to either: reading one never ends
or blocks forever. So the path is resolved, must be a regular file, and its size is checked
before anything is read; at most ``limit`` bytes are ever read, in case it grows meanwhile.

>>> read_limited("/dev/zero", 10)
Traceback (most recent call last):
...
milia_kg.errors.InputFileError: /dev/zero: not a regular file
>>> decode_utf8(b"caf\\xe9", "notes.txt")
Traceback (most recent call last):
...
milia_kg.errors.InputFileError: notes.txt: not UTF-8 (byte 3)
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from milia_kg.errors import InputFileError

__all__ = [
    "MAX_QUERY_FILE_BYTES", "MAX_RDF_FILE_BYTES", "MAX_RECORD_BYTES", "check_owned", "decode_utf8", "read_json",
    "read_limited", "read_owned",
]

#: Largest SPARQL query file read (``milia-kg sparql FILE``): 1 MiB.
MAX_QUERY_FILE_BYTES = 2**20
#: Largest RDF file merged (``--merge``): 512 MiB (rdflib needs about 20 times that in memory).
MAX_RDF_FILE_BYTES = 512 * 2**20
#: Largest record milia-kg reads back from its own files (a store's marker, a checksum record): 4 MiB.
MAX_RECORD_BYTES = 4 * 2**20


def check_regular(path: str | Path, limit: int) -> Path:
    """Return ``path`` resolved, after checking it is a regular file of at most ``limit`` bytes.

    :raises InputFileError: if it is missing, not a regular file (after symlinks) or too large.
    """
    try:
        info = os.stat(path)  # follows symlinks
    except OSError as error:
        raise InputFileError(path, error.strerror or str(error)) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(path, "not a regular file")
    if info.st_size > limit:
        raise InputFileError(path, f"too large ({info.st_size} bytes; the limit is {limit} bytes)")
    return Path(path).resolve()


def check_owned(path: str | Path, info: os.stat_result | None = None) -> None:
    """Refuse a cache file or folder another user could have written, as ssh and pip do: one
    owned by another user, or writable by others.  Why: a forged closure with a matching checksum
    record, or a kept store swapped for another, would be served as milia-kg's own.

    :raises InputFileError: naming the owner or the mode.
    """
    if info is None:
        try:
            info = os.lstat(path)
        except OSError as error:
            raise InputFileError(path, error.strerror or str(error)) from None
    if info.st_uid != os.geteuid():
        raise InputFileError(path, f"owned by another user (uid {info.st_uid}, not {os.geteuid()})")
    if info.st_mode & stat.S_IWOTH:
        raise InputFileError(path, f"writable by other users (mode {stat.filemode(info.st_mode)})")


def read_owned(path: str | Path, limit: int) -> bytes:
    """The bytes of a file milia-kg wrote itself (a cache file, a store's marker): as
    :func:`read_limited`, and not a symlink, and :func:`check_owned`.

    :raises InputFileError: if it is a symlink, not regular, too large, not owned or unreadable.
    """
    try:
        info = os.lstat(path)
    except OSError as error:
        raise InputFileError(path, error.strerror or str(error)) from None
    if stat.S_ISLNK(info.st_mode):
        raise InputFileError(path, "a symbolic link, where milia-kg writes a file")
    check_owned(path, info)
    return _read(path, Path(path), limit, os.O_NOFOLLOW, owned=True)


def read_json(data: bytes, display: object, kind: type = dict) -> Any:
    """``data`` parsed as JSON, a ``kind`` (an object by default): a record read back from disk.

    :raises InputFileError: if it is not UTF-8 JSON of that kind, or nested too deep to parse.
    """
    try:
        value = json.loads(decode_utf8(data, display))
    except RecursionError:
        raise InputFileError(display, "not a record: JSON nested too deep") from None
    except ValueError as error:
        raise InputFileError(display, f"not JSON ({' '.join(str(error).split())[:200]})") from None
    if not isinstance(value, kind):
        raise InputFileError(display, f"not a record: a JSON {type(value).__name__}, not {kind.__name__}")
    return value


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refused if it holds more than ``limit`` bytes.

    :raises InputFileError: if the file is not regular, too large or cannot be read.
    """
    return _read(path, check_regular(path, limit), limit, 0)


def _read(path: str | Path, resolved: Path, limit: int, flags: int, owned: bool = False) -> bytes:
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO after the check, open must not block.
        fd = os.open(resolved, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | flags)
        with os.fdopen(fd, "rb") as source:
            info = os.fstat(source.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputFileError(path, "not a regular file")
            if owned:
                check_owned(path, info)
            data = source.read(limit + 1)
    except OSError as error:
        raise InputFileError(path, error.strerror or str(error)) from None
    if len(data) > limit:
        raise InputFileError(path, f"too large (more than {limit} bytes)")
    return data


def decode_utf8(data: bytes, display: object) -> str:
    """``data`` decoded as UTF-8 (a leading BOM dropped).

    :raises InputFileError: naming ``display`` and the offset of the first bad byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(display, f"not UTF-8 (byte {error.start})") from None
