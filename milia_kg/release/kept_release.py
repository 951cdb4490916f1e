"""A copy of the last release built from each set of inputs, so an unchanged ``milia-kg build`` copies it.

Why: a build is deterministic (byte-identical across processes, tests/release/test_build.py), yet
reasoning, validating and writing the products through rdflib's serialisers took 1.3 s of a 1.7 s
build (issue 22, target 6). A release built from the same inputs is the same release, so it is kept
in ``<cache dir>/release-<reasoner>-<key>/`` and copied to ``--out`` instead.

The key is a SHA-256 over everything a release is made from: the reasoned graph's key
(:func:`milia_kg.release.cache.source_key`: the ontology and data folders, the package's code, the
version and the reasoner), every file of the queries folder (the QC checks validate the build) and
the case-profile schema (published verbatim). A changed input gives another key, so a stale release
is never copied. Only a build that validated is kept (a failing build raises before writing).

Beside the files lies ``.summary.json``: the build's counts and rules, and the SHA-256 and size of
every file. A kept release is served only when every file matches it; otherwise (a file edited,
truncated, missing, a symlink, another user's) the release is built again and kept anew.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from milia_kg.base import atomic, files, resources
from milia_kg.errors import InputFileError
from milia_kg.release import cache
from milia_kg.release.folders import Sources

__all__ = ["SUMMARY", "KeptRelease", "find", "keep", "release_key", "write"]

#: The record of a kept release, inside its folder (hidden: never copied to ``--out``).
SUMMARY = ".summary.json"
#: The largest kept file read back (the whole release is a few MB).
_MAX_FILE = 512 * 1024 * 1024


@dataclass(frozen=True)
class KeptRelease:
    """What the build that made a kept release reported: its triple counts, entities and rules."""

    triples_asserted: int
    triples_inferred: int
    entities: dict[str, int]
    rules_run: tuple[str, ...]
    files: tuple[str, ...]


def _tree(folder: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Every file below ``folder`` by relative name, sorted (hidden ones and ``__pycache__`` aside)."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            yield from _tree(entry, f"{prefix}{entry.name}/")
        elif entry.is_file():
            yield f"{prefix}{entry.name}", entry


def release_key(reasoner: str, sources: Sources) -> str:
    """The SHA-256 hex digest naming the release built from these inputs (see the module's text)."""
    digest = hashlib.sha256(f"release\0{cache.source_key(reasoner, sources)}\0".encode())
    for name, entry in _tree(resources.queries_dir()):
        data = entry.read_bytes()
        digest.update(f"queries/{name}\0{len(data)}\0".encode())
        digest.update(data)
    schema = resources.case_profile_schema()
    digest.update(f"schema\0{len(schema)}\0".encode())
    digest.update(schema)
    return digest.hexdigest()


def _folder(reasoner: str, key: str) -> Path:
    return cache.cache_dir() / f"release-{reasoner}-{key}"


def _read(folder: Path) -> tuple[KeptRelease, dict[str, bytes]] | None:
    """The kept release in ``folder`` if every file matches its record, else ``None``."""
    try:
        record = files.read_json(files.read_owned(folder / SUMMARY, files.MAX_RECORD_BYTES), folder / SUMMARY)
        sums = record["sha256"]
        content: dict[str, bytes] = {}
        for name, digest in sums.items():
            path = folder / name
            if ".." in Path(name).parts or path.is_symlink() or path.parent.is_symlink():
                return None
            data = files.read_owned(path, _MAX_FILE)
            if hashlib.sha256(data).hexdigest() != digest:
                return None
            content[name] = data
        kept = KeptRelease(
            triples_asserted=int(record["triples_asserted"]),
            triples_inferred=int(record["triples_inferred"]),
            entities={str(k): int(v) for k, v in record["entities"].items()},
            rules_run=tuple(str(r) for r in record["rules_run"]),
            files=tuple(str(f) for f in record["files"]),
        )
    except (InputFileError, OSError, KeyError, TypeError, ValueError, AttributeError):
        return None
    on_disk = {name for name, _ in _tree(folder)}
    return (kept, content) if on_disk == set(content) else None


def find(reasoner: str, key: str) -> tuple[KeptRelease, dict[str, bytes]] | None:
    """The kept release of the inputs of ``key`` (:func:`release_key`) and its files' bytes by relative
    name; ``None`` if there is none or it does not match its record."""
    folder = _folder(reasoner, key)
    found = _read(folder) if folder.is_dir() and not folder.is_symlink() else None
    if found is not None:
        cache.used(folder / SUMMARY)
    return found


def write(tmp: Path, content: dict[str, bytes]) -> None:
    """Write the files of a kept release (:func:`find`) into the folder ``tmp``."""
    for name, data in sorted(content.items()):
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def keep(built: Path, kept: KeptRelease, reasoner: str, key: str) -> None:
    """Keep a copy of the release just written to ``built`` from the inputs of ``key`` (taken before
    they were read; a failure to write is no error: the next build builds again); releases of other
    keys unused for a week are removed."""
    target = _folder(reasoner, key)
    try:
        with atomic.folder_beside(target) as tmp:
            sums: dict[str, str] = {}
            for name, entry in _tree(built):
                data = entry.read_bytes()
                (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                (tmp / name).write_bytes(data)
                sums[name] = hashlib.sha256(data).hexdigest()
            record = {**asdict(kept), "sha256": sums}
            (tmp / SUMMARY).write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")
            os.chmod(tmp, 0o700)
    except OSError:
        return
    for stale in target.parent.glob(f"release-{reasoner}-*"):
        if stale != target and stale.is_dir() and not stale.is_symlink() and cache.unused(stale / SUMMARY):
            shutil.rmtree(stale, ignore_errors=True)
