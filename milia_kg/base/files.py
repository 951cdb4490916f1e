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

import os
import stat
from pathlib import Path

from milia_kg.errors import InputFileError

__all__ = ["MAX_QUERY_FILE_BYTES", "MAX_RDF_FILE_BYTES", "decode_utf8", "read_limited"]

#: Largest SPARQL query file read (``milia-kg sparql FILE``): 1 MiB.
MAX_QUERY_FILE_BYTES = 2**20
#: Largest RDF file merged (``--merge``): 512 MiB (rdflib needs about 20 times that in memory).
MAX_RDF_FILE_BYTES = 512 * 2**20


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


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refused if it holds more than ``limit`` bytes.

    :raises InputFileError: if the file is not regular, too large or cannot be read.
    """
    resolved = check_regular(path, limit)
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO after the check, open must not block.
        fd = os.open(resolved, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as source:
            if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
                raise InputFileError(path, "not a regular file")
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
