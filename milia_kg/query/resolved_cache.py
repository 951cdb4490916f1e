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
from pathlib import Path

from milia_kg.base.kept_records import KeptRecords

__all__ = ["MAX_KEPT", "forget", "lookup", "remember"]

#: Values kept per content key at most (in memory and in its file); the oldest are dropped first.
MAX_KEPT = 4096


def _file(content: str) -> Path:
    from milia_kg.release.cache import cache_dir

    return cache_dir() / f"resolved-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:40]}.json"


@functools.lru_cache(maxsize=16)
def _kept(content: str) -> KeptRecords:
    """The values kept under ``content`` (their file is read once per process)."""
    return KeptRecords(functools.partial(_file, content), MAX_KEPT, valid=lambda value: isinstance(value, str))


def lookup(content: str, text: str) -> str | None:
    """The IRI ``text`` was resolved to under ``content``, or ``None``."""
    found = _kept(content).get(text)
    return found if isinstance(found, str) else None


def remember(content: str, text: str, iri: str) -> None:
    """Keep ``text`` -> ``iri`` under ``content``, in memory and in its file."""
    _kept(content).put(text, iri)


def forget() -> None:
    """Drop this process's copies, so the next look-up reads the files again (as a new process)."""
    _kept.cache_clear()
