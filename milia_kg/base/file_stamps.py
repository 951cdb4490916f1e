"""The stamp of some files: one digest of each file's name, device, inode, size, modification and
change times, so that work done on the files can be remembered across processes by stamp.

Why a stamp can stand for the bytes: a write, a rename or a replacement sets a file's change time
(``ctime``, which no user call sets back) to the present. So an equal stamp means the bytes seen
when it was taken, *if* no file had changed within a clock tick of it (git's "racy" entries): each
caller remembers a result only for files older than its own quiet time
(:mod:`milia_kg.release.cache`: the source key; :mod:`milia_kg.merge.stamps`: kept stores and merge
inputs).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["FileStamp", "stamp"]


class FileStamp(NamedTuple):
    """:attr:`digest` over every file's stat fields, and :attr:`times`: each file's modification and
    change times (a caller's quiet time may depend on how fine they are)."""

    digest: str
    times: tuple[int, ...]

    @property
    def newest(self) -> int:
        """The latest modification or change time among the files (0 for none)."""
        return max(self.times, default=0)


def stamp(files: Iterable[tuple[str, str | os.PathLike[str]]], *, salt: str = "",
          follow_links: bool = True) -> FileStamp | None:
    """The stamp of ``files``, each ``(name in the digest, path)``; ``None`` if one cannot be read."""
    digest = hashlib.sha256(salt.encode())
    times: list[int] = []
    read = os.stat if follow_links else os.lstat
    for name, path in files:
        try:
            st = read(path)
        except OSError:
            return None
        digest.update(f"{name}\0{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}\0".encode())
        times += (st.st_mtime_ns, st.st_ctime_ns)
    return FileStamp(digest.hexdigest(), tuple(times))
