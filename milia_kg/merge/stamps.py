"""Work on files remembered across processes by the files' stamps, so a repeated ``--merge`` query
neither hashes its input again nor checks every file of its kept store again (issue 22: 0.05 s of a
0.12 s query).

A stamp is the device, inode, size, modification and change times of each file. A write, a rename or
a replacement sets a file's change time (``ctime``, which no user call sets back) to the present, so
an equal stamp means the bytes seen when the stamp was taken, *if* the files had settled by then:
times advance in clock ticks, and a second write within the tick of the first would leave the stamp
as it was (git's "racy" entries). So a result is remembered only for files none of which changed in
the :func:`quiet_ns` before the stamp was taken: 100 ms where the file system keeps sub-second times
(ten times the coarsest kernel tick), 2 s where it keeps whole seconds (FAT keeps two). Results are
kept in ``<cache dir>/kept-checks.json`` (:class:`milia_kg.base.kept_records.KeptRecords`), by slot.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from milia_kg.base import file_stamps
from milia_kg.base.kept_records import KeptRecords

__all__ = ["MEMO", "MEMO_FILE", "Stamp", "quiet_ns", "recall", "remember", "stamp"]

#: How long files must have been unchanged, on a file system with sub-second times.
FINE_QUIET_NS = 100_000_000
#: The same where every time is a whole second (one-second or two-second clocks).
COARSE_QUIET_NS = 2_000_000_000


class Stamp:
    """The stamp of some files, taken at :attr:`taken`: :attr:`digest` over their stat fields,
    :attr:`newest` the latest modification or change time among them."""

    __slots__ = ("digest", "newest", "quiet", "taken")

    def __init__(self, digest: str, newest: int, quiet: int, taken: int) -> None:
        self.digest, self.newest, self.quiet, self.taken = digest, newest, quiet, taken

    def settled(self) -> bool:
        """Whether no file changed within the quiet time before the stamp (its result may be kept)."""
        return self.newest < self.taken - self.quiet


def quiet_ns(times: Iterable[int]) -> int:
    """:data:`FINE_QUIET_NS`, or :data:`COARSE_QUIET_NS` if every time is a whole second."""
    return COARSE_QUIET_NS if all(t % 1_000_000_000 == 0 for t in times) else FINE_QUIET_NS


def stamp(paths: Iterable[Path], salt: str = "") -> Stamp | None:
    """The stamp of ``paths`` (not following links, :func:`milia_kg.base.file_stamps.stamp`), or
    ``None`` if one cannot be read."""
    taken = time.time_ns()
    found = file_stamps.stamp(((path.name, path) for path in paths), salt=salt, follow_links=False)
    if found is None:
        return None
    return Stamp(found.digest, found.newest, quiet_ns(found.times), taken)


def _valid(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(x, str) for x in value)


#: The memo's file in the cache folder.
MEMO_FILE = "kept-checks.json"


def _memo_file() -> Path:
    from milia_kg.release import cache

    return cache.cache_dir() / MEMO_FILE


#: ``slot -> [stamp digest, result]``; a few hundred slots, the oldest go first.
MEMO = KeptRecords(_memo_file, 256, valid=_valid)


def recall(slot: str, now: Stamp | None) -> str | None:
    """The result remembered for ``slot`` under the stamp ``now``, or ``None``."""
    if now is None:
        return None
    kept = MEMO.get(slot)
    return kept[1] if kept is not None and kept[0] == now.digest else None


def remember(slot: str, before: Stamp | None, result: str) -> None:
    """Keep ``result``, found from files stamped ``before`` (taken before the work), if they had
    settled then: a change during the work gets a later time, so the stamp no longer matches."""
    if before is None or not before.settled():
        return
    if MEMO.get(slot) != [before.digest, result]:
        MEMO.put(slot, [before.digest, result])
