"""The on-disk cache of the reasoned graph, so that no command reasons at start-up.

The reasoned graph (asserted + inferred triples) is written once as N-Triples to
``<cache dir>/reasoned-<reasoner>-<key>.nt``. The key is a SHA-256 over the names and bytes of
every packaged source file (everything below ``ontology/`` and ``data/``, so a new kind of
source such as a mapping table is covered too), of the package's own modules (the loader and
the reasoner live there: a code change costs one rebuild, never a wrong graph), the reasoner
name and the package version. A changed source gives a new key, so a stale file is never read:
the graph is rebuilt. The key is remembered in ``<cache dir>/source-keys.json`` with a stamp of every
file (inode, size, modification and change times): while no file changed, a cold command stats them
instead of reading and hashing them (see :func:`_stamp`). Files of other keys (an older source, or
another installed version of the package sharing the folder) are removed only once unused for
:data:`UNUSED_GRACE_S` (a week): every use touches the file it reads, so two versions side by side
never delete each other's cache while either is in use. Files are written to a temporary name and
moved into place with :func:`os.replace`, so no reader sees half a file.

A damaged file is never served: beside the closure lies ``<name>.sha256``, a JSON record of its
SHA-256, byte count and triple count, written after the closure (so a closure without a matching
record is never trusted). On open the closure is checked against it; a mismatch (a truncated,
emptied, poisoned or garbled file, a missing record) means the graph is rebuilt, with one warning
``milia-kg: warning: cache FILE was damaged; rebuilt`` logged to the ``milia_kg`` logger (stderr
when logging is not configured).

What is computed once from the reasoned graph (the decision-support classifier's schema module) is
cached beside it by :func:`derived_file`, as ``<kind>-<reasoner>-<key>.<suffix>`` under the same key,
with the same checksum record (SHA-256 and byte count) and the same treatment of a damaged file.

The cache folder is ``$MILIA_KG_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/milia-kg``, else
``~/.cache/milia-kg``. If it cannot be written, the graph is built in a private temporary folder
instead, removed when the process exits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milia_kg.base import file_stamps, files, resources
from milia_kg.base.kept_records import KeptRecords
from milia_kg.errors import InputFileError
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.release.folders import PACKAGED, Sources

if TYPE_CHECKING:  # importlib.resources and logging are not for a cold command that only reads
    from importlib.resources.abc import Traversable

__all__ = ["cache_dir", "derived_file", "queried_obo_vocabulary", "reasoned_graph_file", "sidecar", "source_file",
           "source_key"]

#: Seconds a cached file of another key must go unused before it is removed.
UNUSED_GRACE_S = 7 * 24 * 3600
#: Private folders used when the cache folder cannot be written; each is removed at exit.
_PRIVATE_DIRS: list[Any] = []  # tempfile.TemporaryDirectory, imported when needed (start-up time)

def _warn(message: str, *args: object) -> None:
    """A warning on the package's logger (stderr when logging is not configured)."""
    import logging

    logging.getLogger("milia_kg").warning(message, *args)


def cache_dir() -> Path:
    """The folder of the cache (not created here)."""
    env = os.environ.get("MILIA_KG_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "milia-kg"


def _version() -> str:
    import milia_kg

    version = getattr(milia_kg, "__version__", None)
    if version:
        return str(version)
    from importlib import metadata

    try:
        return metadata.version("milia-kg")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def source_key(
    reasoner: str,
    sources: Sources | None = None,
) -> str:
    """The SHA-256 hex digest that names the cached reasoned graph of these sources (``None``: the
    packaged ones).

    :raises MiliaKGError: if a source folder is missing.
    """
    ontology_dir, data_dir = (None, None) if sources is None else (sources.ontology_dir, sources.data_dir)
    digest = hashlib.sha256()
    for tag, value in (("reasoner", reasoner), ("version", _version())):
        digest.update(f"{tag}\0{value}\0".encode())
    here = resources.PACKAGE_ROOT  # the whole package: a change to the reasoner must rebuild the closure
    folders = (resources.ontology_dir(ontology_dir), resources.data_dir(data_dir))
    entries = [*_walk("ontology", folders[0]), *_walk("data", folders[1]), *_code_files(here)]
    slot = f"{digest.hexdigest()}:{here}:{folders[0]}:{folders[1]}"
    started = time.time_ns()
    stamp, newest = _stamp(entries)
    known = _KEYS.get(slot)  # [stamp, key]
    if stamp is not None and known is not None and known[0] == stamp:
        return str(known[1])
    for name, entry in entries:
        data = _read(entry)
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    key = digest.hexdigest()
    if stamp is not None and newest < started - _QUIET_NS:
        _KEYS.put(slot, [stamp, key])
    return key


#: A key is remembered only if no file changed in this many nanoseconds before it was computed: file
#: times advance in clock ticks, so two writes of the same size within one tick look alike (git's
#: "racy" entries); a file this old that is written again gets a later change time.
_QUIET_NS = 2_000_000_000


def _stamp(entries: list[Entry]) -> tuple[str | None, int]:
    """The stamp of every file (:func:`milia_kg.base.file_stamps.stamp`) and the newest of their
    times; ``None`` if one is not a file on disk (a zipped install: hashed every time)."""
    if not all(isinstance(entry, str | Path) for _, entry in entries):
        return None, 0
    found = file_stamps.stamp(entries)  # type: ignore[arg-type]  # every entry is a path, checked above
    return (None, 0) if found is None else (found.digest, found.newest)


def _key_memo_file() -> Path:
    return cache_dir() / "source-keys.json"


def _key_memo() -> KeptRecords:
    """The source keys computed before, by sources and code (the slot), each with the stamp of the
    files then (:func:`_stamp`), kept in ``<cache dir>/source-keys.json``: a cold command stats the ~150
    files instead of reading and hashing them (8-18 ms of a 90 ms cold query, issue 22). A few source
    trees and versions are kept; the oldest go first."""
    return KeptRecords(_key_memo_file, 32, valid=lambda v: isinstance(v, list) and len(v) == 2
                       and all(isinstance(x, str) for x in v))


_KEYS = _key_memo()

#: A file the key covers: its name in the key, and the file (a path on disk as text, or a
#: :class:`~importlib.resources.abc.Traversable` of a zipped install).
Entry = tuple[str, "str | Traversable"]


def _walk(prefix: str, folder: Traversable) -> list[Entry]:
    """Every file below ``folder`` (hidden ones and ``__pycache__`` aside), by relative name."""
    if isinstance(folder, Path):
        return sorted(_scan(prefix, str(folder)), key=lambda item: item[0])
    found: list[Entry] = []
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        name = f"{prefix}/{entry.name}"
        if entry.is_dir():
            found.extend(_walk(name, entry))
        elif entry.is_file():
            found.append((name, entry))
    return sorted(found, key=lambda item: item[0])


def _scan(prefix: str, folder: str) -> Iterator[tuple[str, str]]:
    """:func:`_walk` of a folder on disk, read with :func:`os.scandir` as text: pathlib's objects made
    the stamp of a cold command (about 150 files) take 2-3 ms (issue 22)."""
    with os.scandir(folder) as found:
        for entry in found:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            name = f"{prefix}/{entry.name}"
            if entry.is_dir():
                yield from _scan(name, entry.path)
            elif entry.is_file():
                yield name, entry.path


def _code_files(root: Path) -> list[Entry]:
    """Every ``*.py`` file below the package's ``root``, as ``code/<path>``, sorted by path (as
    ``sorted(root.rglob("*.py"))``: symbolic links to folders are not followed)."""
    found: list[tuple[tuple[str, ...], str]] = []

    def scan(parts: tuple[str, ...], folder: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    scan((*parts, entry.name), entry.path)
                elif entry.name.endswith(".py") and entry.is_file():
                    found.append(((*parts, entry.name), entry.path))

    scan((), str(root))
    return [("code/" + "/".join(parts), path) for parts, path in sorted(found)]


def _read(entry: str | Traversable) -> bytes:
    if isinstance(entry, str):
        with open(entry, "rb") as stream:
            return stream.read()
    return entry.read_bytes()


def _reason(reasoner: str, sources: Sources | None) -> tuple[bytes, int]:
    """Reason over the sources; return asserted + inferred triples as N-Triples, and their count."""
    from milia_kg.release import pipeline

    sources = PACKAGED if sources is None else sources
    closure = pipeline.run(sources, reasoner=reasoner, validate=False).closure
    for triple in queried_obo_vocabulary(closure):
        closure.add(triple)
    return closure.serialize(format="nt", encoding="utf-8"), len(closure)


def queried_obo_vocabulary(closure: Iterable[tuple[Any, Any, Any]]) -> list[tuple[Any, Any, Any]]:
    """The OBO definitions and synonyms (``IAO:0000115``, ``oboInOwl:hasExactSynonym``/``hasRelatedSynonym``)
    of the graph's terms, as plain triples, for the graph every query and ``milia-kg serve`` read, so
    that OBO clients (oaklib over ``sparql:``) see definitions and aliases (issue 20). Only the triples:
    their provenance axioms, which would repeat the quotes the catalogue queries list, stay in the OWL
    product (:mod:`milia_kg.release.obo_vocab`)."""
    from rdflib import URIRef

    from milia_kg.release import obo_vocab

    kept = {obo_vocab.DEFINITION, obo_vocab.HAS_EXACT_SYNONYM, obo_vocab.HAS_RELATED_SYNONYM}
    return [(s, p, o) for s, p, o in obo_vocab.obo_annotations(closure) if p in kept and isinstance(s, URIRef)]


def sidecar(path: Path) -> Path:
    """The checksum record that vouches for the closure file ``path``."""
    return path.with_name(f"{path.name}.sha256")


def _record(data: bytes, triples: int | None) -> dict[str, object]:
    record: dict[str, object] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if triples is not None:
        record["triples"] = triples
    return record


def _untrusted(path: Path) -> str | None:
    """Why ``path``, if it exists, is no file of milia-kg's own: a symlink, a device or FIFO, a file
    of another user or writable by others (:func:`milia_kg.base.files.check_owned`); else ``None``."""
    try:
        info = os.lstat(path)
    except OSError:
        return None  # missing: damaged, not untrusted
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    try:
        files.check_owned(path, info)
    except InputFileError as error:
        return error.reason
    return None


#: Files this process found sound, by path: the (device, inode, size, modification time, owner, mode)
#: of the file and of its record then. A file checked once is not read and hashed again while neither
#: changed (a cold ``milia-kg classify`` opens the graph twice: for the engine and the classifier).
_CHECKED: dict[tuple[Path, bool], tuple[tuple[int, ...], ...]] = {}


def _signature(target: Path) -> tuple[tuple[int, ...], ...] | None:
    try:
        stats = [os.lstat(p) for p in (target, sidecar(target))]
    except OSError:
        return None
    return tuple((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_uid, st.st_mode) for st in stats)


def _problem(target: Path, counted: bool = True) -> str | None:
    """:func:`_check`, remembered for a file that has not changed since it was found sound."""
    before = _signature(target)
    if before is not None and _CHECKED.get((target, counted)) == before:
        return None
    problem = _check(target, counted)
    if problem is None and before is not None:  # a change after the signature only forces a new check
        _CHECKED[(target, counted)] = before
    return problem


def _check(target: Path, counted: bool = True) -> str | None:
    """Why ``target`` cannot be served (``"damaged"``, or ``"refused (...)"``), ``None`` if it matches
    its checksum record (if ``counted``, one N-Triples line per triple).  Both files are read with
    the bounded, regular-file-only reader: a link to ``/dev/zero`` or a FIFO never hangs."""
    for path in (target, sidecar(target)):
        reason = _untrusted(path)
        if reason is not None:
            return f"refused ({path.name}: {reason})"
    try:
        record = files.read_json(files.read_owned(sidecar(target), files.MAX_RECORD_BYTES), sidecar(target))
        data = files.read_owned(target, files.MAX_RDF_FILE_BYTES)
    except InputFileError:
        return "damaged"
    if not counted:
        return None if record == _record(data, None) else "damaged"
    if not isinstance(record.get("triples"), int):
        return "damaged"
    lines = sum(1 for line in data.splitlines() if line.strip())
    return None if lines == record["triples"] and record == _record(data, record["triples"]) else "damaged"


def _trusted_folder(folder: Path) -> Path:
    """``folder``, or a private one (with a warning) if it exists and another user could write it."""
    try:
        info = os.stat(folder)
    except OSError:
        return folder  # created by this process when written
    try:
        files.check_owned(folder, info)
    except InputFileError as error:
        _warn("milia-kg: warning: cache folder %s refused (%s); using a private one", folder, error.reason)
        return _private_folder()
    return folder


def _store(target: Path, data: bytes, triples: int | None) -> None:
    """Write the closure, then its record: a reader trusts the closure only once both are in place."""
    from milia_kg.base import atomic  # tempfile, shutil, signal: not for a cold command that only reads

    atomic.write_file(target, data)
    atomic.write_file(sidecar(target), json.dumps(_record(data, triples), sort_keys=True).encode() + b"\n")


def _private_folder() -> Path:
    """A temporary folder for a cache that cannot be written, removed when the process exits."""
    import tempfile

    folder = tempfile.TemporaryDirectory(prefix="milia-kg-", ignore_cleanup_errors=True)
    _PRIVATE_DIRS.append(folder)
    return Path(folder.name)


def reasoned_graph_file(
    reasoner: str = DEFAULT_REASONER,
    sources: Sources | None = None,
    directory: str | Path | None = None,
) -> Path:
    """Return the N-Triples file of the reasoned graph of the sources, building it if needed.

    :param reasoner: the reasoner that produced (or will produce) the inferred triples.
    :param sources: folders to use instead of the packaged ones (``None``: the packaged ones).
    :param directory: the cache folder (default: :func:`cache_dir`).
    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises InconsistencyError: if the reasoned graph is inconsistent.
    :raises MiliaKGError: for an unknown reasoner or a missing source folder.
    """
    key = source_key(reasoner, sources)
    folder = _trusted_folder(Path(directory) if directory is not None else cache_dir())
    stem = f"reasoned-{reasoner}-"
    return _kept_or_built(folder / f"{stem}{key}.nt", f"{stem}*.nt*", lambda: _reason(reasoner, sources),
                          counted=True)


def source_file(kind: str, suffix: str, build: Callable[[], bytes], reasoner: str = DEFAULT_REASONER) -> Path:
    """Return the file of what ``build()`` computes from the packaged sources alone, building it if
    needed: ``<kind>-<reasoner>-<key>.<suffix>`` under the sources' key, with a checksum record and
    the reasoned graph's treatment of a damaged file, but never reasoning (a merge needs the asserted
    triples, not the closure).

    :raises MiliaKGError: as ``build`` does.
    """
    stem = f"{kind}-{reasoner}-"
    target = _trusted_folder(cache_dir()) / f"{stem}{source_key(reasoner)}.{suffix}"
    return _kept_or_built(target, f"{stem}*.{suffix}*", lambda: (build(), None), counted=False)


def _kept_or_built(target: Path, stale_pattern: str, build: Callable[[], tuple[bytes, int | None]],
                   counted: bool) -> Path:
    """``target`` if it is there and matches its checksum record (marked as used), else what ``build``
    returns (its bytes and, if ``counted``, its triple count) stored there by :func:`_settle`."""
    problem = _problem(target, counted) if _present(target) else None
    if _present(target) and problem is None:
        return used(target)
    data, triples = build()
    return _settle(target.parent, stale_pattern, target, problem, data, triples)


def _present(target: Path) -> bool:
    """Whether the file or its record is there (as anything, a dangling link included)."""
    return any(os.path.lexists(p) for p in (target, sidecar(target)))


def _settle(folder: Path, stale_pattern: str, target: Path, problem: str | None, data: bytes,
            triples: int | None) -> Path:
    """Store a rebuilt file (in a private folder if the cache cannot be written); then warn if it was
    damaged or refused and remove the stale files of the same kind.  Returns where it was stored."""
    try:
        _store(target, data, triples)
    except OSError:
        # The cache folder cannot be written (read-only home, full disk): use a private one.
        target = _private_folder() / target.name
        _store(target, data, triples)
        return target
    if problem is not None:
        _warn("milia-kg: warning: cache %s was %s; rebuilt", target, problem)
    for stale in folder.glob(stale_pattern):
        if stale not in (target, sidecar(target)) and unused(stale):
            stale.unlink(missing_ok=True)
    return target


def used(path: Path) -> Path:
    """Mark ``path`` and its checksum record as in use now (their modification times), so
    :func:`unused` spares them; returns ``path``."""
    for each in (path, sidecar(path)):
        with contextlib.suppress(OSError):  # a read-only cache still serves; it is only not marked
            os.utime(each)
    return path


def unused(path: Path) -> bool:
    """Whether ``path`` has gone unused for :data:`UNUSED_GRACE_S` (a missing path counts as unused)."""
    try:
        return time.time() - path.stat().st_mtime > UNUSED_GRACE_S
    except OSError:
        return True


def marshal_salt() -> str:
    """The ``salt`` of a :func:`derived_file` written with :mod:`marshal`, whose format is the
    interpreter's own: its cache tag and marshal's version, so another Python never reads the file."""
    import marshal

    return f"{sys.implementation.cache_tag}-{marshal.version}"


def derived_file(
    kind: str, suffix: str, build: Callable[[Path], bytes], reasoner: str = DEFAULT_REASONER,
    directory: str | Path | None = None, salt: str = "", graph: Path | None = None,
) -> Path:
    """Return the file of what ``build(reasoned graph file)`` computes, building it if needed.

    It lies beside the reasoned graph of the packaged sources as ``<kind>-<reasoner>-<key>.<suffix>``
    (the graph's key, so it is rebuilt whenever the graph is), with a checksum record; a damaged
    file is rebuilt with the same warning as the graph.  ``salt`` names what else the file depends
    on that the key does not cover (the digest of the query texts of a cached query output), as
    ``<kind>-<reasoner>-<key>-<salt>.<suffix>``.  ``graph`` is the reasoned graph file when the
    caller already found it (:func:`reasoned_graph_file` of these arguments), else it is found here.

    :raises MiliaKGError: as :func:`reasoned_graph_file`, or as ``build`` does.
    """
    graph = graph or reasoned_graph_file(reasoner, directory=directory)
    key = graph.name.removeprefix(f"reasoned-{reasoner}-").removesuffix(".nt")
    stem = f"{kind}-{reasoner}-"
    target = graph.parent / f"{stem}{key}{'-' + salt if salt else ''}.{suffix}"
    return _kept_or_built(target, f"{stem}*.{suffix}*", lambda: (build(graph), None), counted=False)

