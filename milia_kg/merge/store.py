"""Merged graphs kept on disk as Oxigraph stores, so a merge is parsed and reasoned once.

A merge (``--merge FILE...``, :func:`milia_kg.merge.union.merged_graph`) of the packaged graph with
external ontologies is written to a persistent :class:`pyoxigraph.Store` in the cache folder
(:func:`milia_kg.release.cache.cache_dir`), named by a key over the *content* of every input file (in any
order), the packaged sources, the package's code and the reasoner (:func:`milia_kg.release.cache.source_key`).
The next query on the same merge opens that store read-only: no parsing, no reasoning, no loading.
Building a store removes the kept stores of older sources or code (as the packaged graph's cache does).

A kept store is a folder holding Oxigraph's files, the merge's labels (:mod:`milia_kg.merge.labels`,
fast merges) and ``milia-kg-store.json`` (the key, the reasoner, the inputs, the triple count of a
store built with ``merge --out`` (``null`` in the cache's: counting scans the store), the CURIE
prefixes of the merge and the size and SHA-256 of each of the other files,
:mod:`milia_kg.merge.manifest`); a folder without that file, or whose files do not match it, is
not opened: ``--store DIR`` refuses it in one line, a kept store of the cache is rebuilt with a
warning.  The marker is read bounded (:mod:`milia_kg.base.files`); a kept store of the
cache must also be a real folder (no link) of this user that others cannot write, as ssh and pip
require of their files.  Stores are built in a temporary folder beside the target, under an exclusive
``fcntl.flock`` on a lock file, then moved into place with :func:`os.replace`: a concurrent first
call waits for the lock and opens the finished store, and no reader ever sees half a store.

``milia-kg merge FILE... --out DIR`` builds one explicitly; ``--store DIR`` queries it.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import itertools
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milia_kg.base import atomic, progress
from milia_kg.base import files as user_files
from milia_kg.errors import InputFileError, RDFSyntaxError, StoreError
from milia_kg.merge import labels, loading, manifest, stamps
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.release import cache

if TYPE_CHECKING:
    from milia_kg.query.kg import KnowledgeGraph
    from milia_kg.reasoner.budget import Budget

__all__ = ["MARKER", "build_store", "fill_merged", "kept_store", "merge_key", "open_merged", "open_store"]

#: The file that makes a folder a milia-kg store (written last, inside the temporary folder).
MARKER = "milia-kg-store.json"
_LAYOUT = 2  # bump when the folder's layout changes (2: the checksums of its files)


def _file_digest(path: Path) -> str:
    """The SHA-256 of a merge input, read only if it is a regular file of bounded size (a symlink
    to ``/dev/zero`` or a FIFO must not hang the key computation); remembered by the file's stamp
    (:mod:`milia_kg.merge.stamps`: the HPO's 10 MB took 10 ms of every repeated query)."""
    resolved = user_files.check_regular(path, user_files.MAX_RDF_FILE_BYTES)
    before = stamps.stamp([resolved])
    slot = f"input:{resolved}"
    kept = stamps.recall(slot, before)
    if kept is not None:
        return kept
    try:
        with resolved.open("rb") as stream:
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError as error:
        raise RDFSyntaxError(path, None, error.strerror or str(error)) from error
    stamps.remember(slot, before, digest)
    return digest


def merge_key(files: Iterable[str | Path], reasoner: str = DEFAULT_REASONER) -> str:
    """The SHA-256 hex digest naming the kept store of this merge: the inputs' contents (as a set),
    the packaged sources, code and reasoner (:func:`milia_kg.release.cache.source_key`) and the layout.

    :raises RDFSyntaxError: if an input file cannot be read.
    """
    digest = hashlib.sha256(f"layout\0{_LAYOUT}\0".encode())
    digest.update(cache.source_key(reasoner).encode())  # the packaged sources, code and reasoner
    for file_digest in sorted({_file_digest(Path(f)) for f in files}):
        digest.update(f"\0input\0{file_digest}".encode())
    return digest.hexdigest()


def _log() -> Any:
    import logging

    return logging.getLogger("milia_kg")


def _cache_problem(folder: Path) -> str | None:
    """Why the kept store ``folder`` of the cache cannot be used (``None`` if it can): not a real
    folder of this user that others cannot write, or a marker or files that do not hold."""
    try:
        info = os.lstat(folder)
        if stat.S_ISLNK(info.st_mode):
            return "a symbolic link"
        if not stat.S_ISDIR(info.st_mode):
            return "not a folder"
        user_files.check_owned(folder, info)
        meta = _read_meta(folder, user_files.read_owned)
    except (InputFileError, StoreError) as error:
        return str(error.reason)
    return manifest.check(folder, meta.get("files"))


def _discard(folder: Path) -> None:
    """Remove a refused kept store (a link is unlinked, never followed)."""
    if folder.is_symlink() or not folder.is_dir():
        folder.unlink(missing_ok=True)
    else:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file`` (created if needed) for the block."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write(files: Sequence[str | Path], reasoner: str, folder: Path, key: str, budget: Budget | None,
           target: Path, count: bool = True) -> None:
    """Merge, reason and load into a new store in the empty ``folder`` (to be moved to ``target``);
    write the marker last, with the store's triple count if ``count`` (counting scans the store:
    0.08 s of a first ``--merge hp.obo`` query, whose kept store no one asks the count of)."""
    import pyoxigraph as ox

    with progress.steps(len(files) + 2, "merge") as step:
        store = ox.Store(str(folder))
        if reasoner == "fast":  # on pyoxigraph terms end to end (see milia_kg.merge.union)
            prefixes, rows = fill_merged(store, files, folder, step=step, budget=budget)
            labels.write(folder, rows)
        else:
            from milia_kg.merge.union import merged_graph  # rdflib: not for the fast path

            graph = merged_graph(files, reasoner=reasoner, step=step, budget=budget)
            step("loading the store")
            store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
            prefixes = {str(p): str(ns) for p, ns in graph.namespaces() if p}
            del graph
        store.flush()
        triples = len(store) if count else None
        del store
    meta = {
        "files": manifest.manifest(folder, MARKER, remember_as=target),
        "layout": _LAYOUT, "key": key, "sources": cache.source_key(reasoner), "reasoner": reasoner, "triples": triples,
        "inputs": [{"name": Path(f).name, "sha256": _file_digest(Path(f))} for f in files],
        "prefixes": prefixes,
    }
    (folder / MARKER).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def fill_merged(store: Any, files: Sequence[str | Path], folder: object = "the store",
                step: Callable[[str], None] | None = None, budget: Budget | None = None,
                ) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Load the merge of the packaged graph with ``files``, reasoned with the fast engine
    (:func:`milia_kg.merge.asserted.merged_asserted`, :func:`milia_kg.reasoner.on_oxigraph.beyond`), into
    the empty Oxigraph ``store`` kept in ``folder``; return the merge's CURIE prefixes and the store's
    label rows (:func:`milia_kg.merge.labels.label_rows`, read while the last chunks load).

    The asserted triples (as they are read) and the class hierarchy's closure
    (:mod:`milia_kg.merge.foreseen`) load in a thread while the merge reads and reasons
    (:mod:`milia_kg.merge.loading`), the other inferred ones after;
    ``step`` is called as each stage starts. The store holds what the thread loaded when this
    returns or raises.

    :raises RDFSyntaxError, InconsistencyError, MergeSizeError, MergeTimeoutError: as
        :func:`milia_kg.merge.union.merged_triples`.
    """
    from milia_kg.merge.asserted import merged_asserted
    from milia_kg.merge.foreseen import Foreseen
    from milia_kg.reasoner import on_oxigraph

    loader = loading.Loader(store, folder)
    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic tuples and terms: collections only cost time (0.3 s of the HPO's)
    try:
        asserted, prefixes = merged_asserted(files, step=step, budget=budget, sink=loader.load)
        seen = Foreseen(asserted, budget)  # most of the inferred triples: loaded while the engine reasons
        loader.load_lines(seen.chunks(loading.CHUNK))
        rest = on_oxigraph.beyond(asserted, seen.known(), budget)
        if step is not None:
            step("loading the store")
        if budget is not None:
            budget.check_time()
        loader.load(rest, ahead=2)
        rows = labels.label_rows(itertools.chain(asserted, rest))  # the hierarchy foreseen holds none
        del asserted, rest
        loader.finish()
    finally:
        loader.close()  # drops the chunks not loaded; the folder is removed once the thread has left its chunk
        if collecting:
            gc.enable()
    return prefixes, rows


def _build_beside(files: Sequence[str | Path], reasoner: str, target: Path, key: str,
                  budget: Budget | None = None, count: bool = True) -> None:
    """Build in a temporary folder next to ``target``, then move it into place (an empty
    ``target`` folder is replaced); the temporary folder is removed on any failure (a limit of the
    ``budget`` too) or SIGTERM."""
    with atomic.folder_beside(target) as tmp:
        _write(files, reasoner, tmp, key, budget, target, count)


def _remove_stale(folder: Path, reasoner: str) -> None:
    """Remove the kept stores of another state of the packaged sources or code (no key of this
    version reaches them) once unused for a while: another installed version may still use them."""
    current = cache.source_key(reasoner)
    for store in folder.glob(f"merged-{reasoner}-*"):
        try:
            sources = _read_meta(store, user_files.read_owned).get("sources")
        except (InputFileError, StoreError):
            continue
        if sources != current and cache.unused(store / MARKER):
            shutil.rmtree(store, ignore_errors=True)


def kept_store(files: Sequence[str | Path], reasoner: str = DEFAULT_REASONER,
               directory: str | Path | None = None, budget: Budget | None = None) -> Path:
    """The kept store of the merge of ``files``, built on the first call (see the module docstring).

    :param directory: the cache folder (default: :func:`milia_kg.release.cache.cache_dir`); if it cannot
        be written, the store is built in a private temporary folder.
    :param budget: the limits of building it (:mod:`milia_kg.reasoner.budget`).
    :raises RDFSyntaxError: if a file cannot be read or parsed.
    :raises InconsistencyError: if the union is inconsistent.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``; nothing is kept.
    """
    key = merge_key(files, reasoner)
    folder = Path(directory) if directory is not None else cache.cache_dir()
    target = folder / f"merged-{reasoner}-{key}"
    if os.path.lexists(target) and _cache_problem(target) is None:
        cache.used(target / MARKER)
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        user_files.check_owned(folder)
        lock = folder / f".merged-{reasoner}-{key}.lock"
        try:
            with _locked(lock):
                problem = _cache_problem(target) if os.path.lexists(target) else "missing"
                if problem is not None:  # another process may have built it while we waited
                    if problem != "missing":
                        _log().warning("milia-kg: warning: kept store %s was refused (%s); rebuilt", target, problem)
                        _discard(target)
                    _build_beside(files, reasoner, target, key, budget, count=False)
                    _remove_stale(folder, reasoner)
        finally:
            lock.unlink(missing_ok=True)
    except (PermissionError, InputFileError) as error:  # cannot write, or another user could
        if isinstance(error, InputFileError):
            _log().warning("milia-kg: warning: cache folder %s refused (%s); using a private one",
                           folder, error.reason)
        target = Path(tempfile.mkdtemp(prefix="milia-kg-")) / target.name
        _build_beside(files, reasoner, target, key, budget, count=False)
    return target


def build_store(files: Sequence[str | Path], out: str | Path, reasoner: str = DEFAULT_REASONER,
                budget: Budget | None = None) -> Path:
    """Build the store of the merge of ``files`` at ``out`` (``milia-kg merge --out``).

    :raises StoreError: if ``out`` exists and is not an empty folder.
    :raises RDFSyntaxError: if a file cannot be read or parsed.
    :raises InconsistencyError: if the union is inconsistent.
    """
    out = Path(out)
    if out.exists() and not (out.is_dir() and not any(out.iterdir())):
        raise StoreError(out, "already exists; give a new or empty folder to --out")
    if not out.parent.is_dir():
        raise StoreError(out, f"parent folder {out.parent} does not exist")
    _build_beside(files, reasoner, out, merge_key(files, reasoner), budget)
    return out


def _read_meta(folder: Path, read: Any = user_files.read_limited) -> dict[str, Any]:
    """The store's marker, read with ``read`` (bounded; :func:`~milia_kg.base.files.read_owned` for
    the cache) and checked to be a record of this layout.

    :raises StoreError: naming the folder and what is wrong.
    """
    marker = folder / MARKER
    if not os.path.lexists(marker):
        raise StoreError(folder, f"not a milia-kg store (no {MARKER}; build one with 'milia-kg merge FILE... "
                         "--out DIR')")
    try:
        meta = user_files.read_json(read(marker, user_files.MAX_RECORD_BYTES), MARKER)
    except InputFileError as error:
        raise StoreError(folder, f"unreadable {MARKER}: {error.reason}") from None
    if meta.get("layout") != _LAYOUT:
        raise StoreError(folder, f"a store of another milia-kg version (layout {str(meta.get('layout'))[:20]!r}); "
                         "rebuild it")
    prefixes = meta.get("prefixes", {})
    if not isinstance(prefixes, dict) or not all(isinstance(v, str) for v in prefixes.values()):
        raise StoreError(folder, f"unreadable {MARKER}: its prefixes are not a map of strings")
    return meta


def _meta(folder: Path) -> dict[str, Any]:
    """The marker of the store ``folder``, after checking its files against it.

    :raises StoreError: if it is no store, or a damaged one.
    """
    if not folder.is_dir():
        raise StoreError(folder, "not a folder")
    meta = _read_meta(folder)
    problem = manifest.check(folder, meta.get("files"))
    if problem is not None:
        raise StoreError(folder, f"damaged: {problem}; rebuild it with 'milia-kg merge FILE... --out DIR'")
    return meta


def open_store(path: str | Path, engine: str = "oxigraph") -> KnowledgeGraph:
    """Query a kept store (read-only); with ``engine="rdflib"`` its triples are copied into rdflib.

    :raises StoreError: if ``path`` is not a milia-kg store or Oxigraph cannot open it.
    """
    import pyoxigraph as ox

    from milia_kg.query.backends.oxigraph_store import OxigraphBackend
    from milia_kg.query.kg import KnowledgeGraph, check_engine

    check_engine(engine)
    folder = Path(path)
    meta = _meta(folder)
    try:
        store = ox.Store.read_only(str(folder))
    except OSError as error:
        raise StoreError(folder, f"Oxigraph cannot open it: {' '.join(str(error).split())[:300]}") from None
    prefixes: dict[str, str] = meta.get("prefixes", {})

    def graph() -> Any:
        import rdflib

        loaded = rdflib.Graph()
        for prefix, namespace in prefixes.items():
            loaded.bind(prefix, namespace, override=True)
        return loaded.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")

    if engine == "rdflib":
        return KnowledgeGraph.from_graph(graph(), engine="rdflib")
    key = meta.get("key")  # over the content of every input: a kept store is never changed
    return KnowledgeGraph(OxigraphBackend(store), graph=graph, prefixes=prefixes,
                          content_key=f"store:{key}" if isinstance(key, str) and key else None,
                          labels=labels.reader(folder, meta.get("files") or {}))


def open_merged(
    files: Sequence[str | Path], reasoner: str = DEFAULT_REASONER, engine: str = "oxigraph",
    budget: Budget | None = None,
) -> KnowledgeGraph:
    """The merge of the packaged graph with ``files``, from its kept store (built on first use
    within ``budget``).

    :raises RDFSyntaxError: if a file cannot be read or parsed.
    :raises InconsistencyError: if the union is inconsistent.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``.
    """
    return open_store(kept_store(files, reasoner, budget=budget), engine=engine)
