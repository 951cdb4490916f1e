"""Parameter values already resolved, kept per graph content key, in memory and on disk.

A label parameter is resolved by a regular-expression query over every label of the graph; on the
HPO merged in, that is 0.16 s of a 0.26 s cold ``--merge hp.obo`` query, and 46% of warm
``classify_many`` (issue 22). The graphs it is asked of do not change under a given content key:
the packaged graph's key is its cache file's name (the sources' cache key, code included), a kept
store's is its merge key (a kept store is never changed). So a value once resolved under a key is
kept, in this process and in ``<cache dir>/resolved-<digest>.json``, the digest naming the key and
the CURIE prefixes. A changed source or store has another key and starts empty: nothing stale is
served. Failures are never kept (they raise, naming the parameter). An unreadable or damaged file
counts as empty; a cache folder that cannot be written only keeps values in memory.

>>> remember("example-key", "face", "https://w3id.org/milia-kg/Face")
>>> lookup("example-key", "face")
'https://w3id.org/milia-kg/Face'
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from milia_kg.base import files
from milia_kg.errors import InputFileError

__all__ = ["MAX_KEPT", "forget", "lookup", "remember"]

#: Values kept per content key at most (in memory and in its file); the oldest are dropped first.
MAX_KEPT = 4096


def _file(content: str) -> Path:
    from milia_kg.release.cache import cache_dir

    return cache_dir() / f"resolved-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:40]}.json"


@functools.lru_cache(maxsize=16)
def _kept(content: str) -> dict[str, str]:
    """The values kept under ``content``: read from its file once per process."""
    path = _file(content)
    try:  # a file of the cache: bounded, regular, our own (a link to /dev/zero or a FIFO never hangs)
        data = files.read_json(files.read_owned(path, files.MAX_RECORD_BYTES), path)
    except InputFileError:
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def lookup(content: str, text: str) -> str | None:
    """The IRI ``text`` was resolved to under ``content``, or ``None``."""
    return _kept(content).get(text)


def remember(content: str, text: str, iri: str) -> None:
    """Keep ``text`` -> ``iri`` under ``content``, in memory and in its file."""
    kept = _kept(content)
    kept[text] = iri
    while len(kept) > MAX_KEPT:
        del kept[next(iter(kept))]
    from milia_kg.base import atomic  # tempfile and shutil: imported only when a value is new

    try:
        atomic.write_file(_file(content), json.dumps(kept, ensure_ascii=False).encode("utf-8"))
    except OSError:
        return  # a read-only cache: the value stays kept in this process


def forget() -> None:
    """Drop this process's copies, so the next look-up reads the files again (as a new process)."""
    _kept.cache_clear()
