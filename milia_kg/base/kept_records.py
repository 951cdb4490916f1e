"""A bounded JSON object kept in one file of the cache folder, for values worth keeping across
processes (parsed query headers, resolved parameter values, source keys).

Read once per process through the guards of every cache file (:func:`milia_kg.base.files.read_owned`:
bounded, regular, our own; a link to ``/dev/zero`` or a FIFO never hangs), written whole beside and
moved into place (:func:`milia_kg.base.atomic.write_file`) each time an entry is added, the oldest
entries dropped past ``limit``. A file that cannot be read counts as empty, and entries whose value
``valid`` refuses are left out; a folder that cannot be written keeps new entries in this process only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from milia_kg.base import files
from milia_kg.errors import InputFileError

__all__ = ["KeptRecords"]


class KeptRecords:
    """The entries of the file ``path()``, asked once, when first used (and again after :meth:`forget`).

    :param limit: entries kept at most; the oldest go first.
    :param valid: which values read back are kept (a damaged or foreign entry is dropped).
    """

    def __init__(self, path: Callable[[], Path], limit: int, valid: Callable[[Any], bool] = lambda value: True) -> None:
        self.path, self.limit, self.valid = path, limit, valid
        self._read: tuple[Path, dict[str, Any]] | None = None

    def entries(self) -> dict[str, Any]:
        """The kept entries, read from the file on first use."""
        if self._read is None:
            path = self.path()
            try:
                data = files.read_json(files.read_owned(path, files.MAX_RECORD_BYTES), path)
            except InputFileError:
                data = {}
            self._read = (path, {k: v for k, v in data.items() if self.valid(v)})
        return self._read[1]

    def get(self, key: str) -> Any:
        """The value kept under ``key``, or ``None``."""
        return self.entries().get(key)

    def put(self, key: str, value: Any) -> None:
        """Keep ``key`` -> ``value``, in memory and in the file."""
        entries = self.entries()
        entries[key] = value
        while len(entries) > self.limit:
            del entries[next(iter(entries))]
        from milia_kg.base import atomic  # tempfile and shutil: imported only when a value is new

        assert self._read is not None  # set by entries()
        try:
            atomic.write_file(self._read[0], json.dumps(entries, ensure_ascii=False).encode("utf-8"))
        except OSError:
            return  # a read-only cache: the value stays kept in this process

    def forget(self) -> None:
        """Drop this process's copy, so the next use reads the file again (as a new process would)."""
        self._read = None
