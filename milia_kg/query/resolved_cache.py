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
from collections.abc import Mapping
from pathlib import Path

from milia_kg.base.kept_records import KeptRecords
from milia_kg.vocab import QUERY_PREFIXES

__all__ = ["MAX_KEPT", "forget", "kept_key", "kept_value", "lookup", "query_prefixes", "remember"]

#: Values kept per content key at most (in memory and in its file); the oldest are dropped first.
MAX_KEPT = 4096


def _file(content: str) -> Path:
    from milia_kg.release.cache import cache_dir

    return cache_dir() / f"resolved-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:40]}.json"


@functools.lru_cache(maxsize=16)
def _kept(content: str) -> KeptRecords:
    """The values kept under ``content`` (their file is read once per process)."""
    return KeptRecords(functools.partial(_file, content), MAX_KEPT, valid=lambda value: isinstance(value, str))


def query_prefixes(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The prefixes a resolver reads CURIEs with: the query prefixes and ``extra``, each namespace
    under its first prefix (curies wants a bijection)."""
    found: dict[str, str] = {}
    for prefix, ns in {**QUERY_PREFIXES, **(extra or {})}.items():
        if prefix and ns not in found.values():
            found[prefix] = ns
    return found


def kept_key(content_key: str, extra: Mapping[str, str] | None = None) -> str:
    """What a resolver of the graph of ``content_key``, reading CURIEs with :func:`query_prefixes`
    of ``extra``, keeps its values under (the ``content`` of :func:`lookup` and :func:`remember`)."""
    return json.dumps([content_key, sorted(query_prefixes(extra).items())])


def kept_value(content: str, value: object) -> str | None:
    """The IRI an entity parameter's ``value`` was resolved to under ``content`` (as a resolver
    looks it up: its text, stripped), ``None`` if it was not kept."""
    text = value if isinstance(value, str) else str(value)
    return lookup(content, text.strip())


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
