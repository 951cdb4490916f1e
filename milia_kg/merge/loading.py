"""Filling a kept store on the second core while the merge reads and reasons.

Why: pyoxigraph's ``Store.bulk_extend`` holds the interpreter lock while it loads (a thread spinning
beside it got 1% of its turns), so the HPO's 406,000 triples (about 2 s) could only follow the
reasoning. ``Store.bulk_load`` of N-Triples bytes releases the lock while it parses and writes. So a
merge hands its asserted triples to :class:`Loader` as they are read (an OBO file's as its frames
are translated) and the inferred ones after reasoning: the loads run in a thread, beside the
reading and the reasoning. The terms are written as N-Triples by pyoxigraph's own ``str`` (which
escapes as N-Triples requires), so the store holds the same terms as one filled with
``bulk_extend``. Oxigraph names the blank nodes of each document it loads anew, so every triple
with a blank node waits for one last batch (2,036 of the HPO merge's triples). Oxigraph reads the
chunks leniently (its IRIs are not checked again): every line is written by pyoxigraph from terms
it checked when they were made (or from their ``value``), and the check cost a tenth of the load's
CPU.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> a, b = ox.NamedNode("http://example.org/a"), ox.BlankNode("x1")
>>> loader = Loader(store)
>>> loader.load([(a, a, b)])
>>> loader.load([(b, a, ox.Literal('say "hi"', language="en"))])
>>> loader.finish()
>>> len(store), len({t for q in store for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)})
(2, 1)
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from milia_kg.errors import StoreError

__all__ = ["CHUNK", "Loader"]

#: Triples given to Oxigraph's bulk loader at a time. Oxigraph opens its store with
#: ``level0_file_num_compaction_trigger=2`` (the store's OPTIONS file), so each load but the first
#: sets off a compaction that rewrites what is loaded so far; each load also holds its chunk in memory.
#: The HPO merge's 406,370 triples loaded alone into a new store: 2.9-3.0 s of CPU in chunks of
#: 10,000 (about 27 MB held), 2.2 s in 25,000 (44 MB), 1.9 s in 50,000 (71 MB). The loads overlap the
#: reasoning's peak: the whole first merge, in-process, peaked at 245-248 MB in chunks of 10,000,
#: 263-276 MB in 25,000 and 293-303 MB in 50,000 (the target is 300 MB).
CHUNK = 25_000


#: The queue's mark for the last chunk: the triples with a blank node.
_HELD = "held"


class Loader:
    """Loads pyoxigraph triples into ``store`` (kept in ``folder``) in a thread, as N-Triples chunks
    of :data:`CHUNK` lines handed over through a queue.

    The asserted triples are queued as they are and written out by the thread, one chunk at a time,
    so their bytes never all wait beside the reasoning's peak; the inferred ones are written by the
    caller (idle by then) while the thread loads, at most ``ahead`` chunks in advance. In
    :meth:`finish` the caller loads chunks too: Oxigraph's bulk loads run side by side (each writes
    its own files), so the chunks left when the reasoning ends load on both cores.

    :meth:`finish` (or :meth:`close`, when the merge failed) must be called before the store is
    closed or its folder removed: the thread cannot be stopped part-way through a chunk.
    """

    def __init__(self, store: Any, folder: object = "the store") -> None:
        import pyoxigraph as ox

        self.store, self.folder = store, folder
        self._held: list[str] = []  # lines with a blank node, written by the caller
        self._held_here: list[str] = []  # the same, written by the thread
        self._bnode, self._format = ox.BlankNode, ox.RdfFormat.N_TRIPLES
        self._chunks: deque[Any] = deque()
        self._changed = threading.Condition()
        self._busy = 0  # chunks being written or loaded
        self._error: BaseException | None = None
        #: set by :meth:`close`: the chunks still queued are dropped
        self.abandoned = threading.Event()
        self._thread = threading.Thread(target=self._work, args=(self._held_here, True), name="milia-kg-load",
                                        daemon=False)
        self._thread.start()

    def load(self, triples: Sequence[tuple[Any, Any, Any]], ahead: int | None = None) -> None:
        """Hand ``triples`` to the thread; those with a blank node are kept for :meth:`finish`.

        :param ahead: write the chunks here, this many at most waiting for the thread (``None``: the
            thread writes them, so this returns at once: the asserted triples, before reasoning).
        :raises StoreError: if Oxigraph refused a chunk.
        """
        for start in range(0, len(triples), CHUNK):
            part = triples[start:start + CHUNK]
            self._put(part if ahead is None else self._encode(part, self._held), ahead)

    def load_lines(self, chunks: Iterable[bytes]) -> None:
        """Hand the thread N-Triples ``chunks`` without blank nodes, read as they are loaded (so
        they need not all wait in memory: the HPO's foreseen triples are 35 MB).

        :raises StoreError: if Oxigraph refused a chunk.
        """
        self._put(iter(chunks))

    def _encode(self, part: Sequence[tuple[Any, Any, Any]], held: list[str]) -> bytes:
        """The lines of ``part`` without a blank node; the others go to ``held`` (list
        comprehensions: a third of a loop's time)."""
        bnode = self._bnode
        held += [f"{s} {p} {o} .\n" for s, p, o in part if type(s) is bnode or type(o) is bnode]
        return "".join([f"{s} {p} {o} .\n" for s, p, o in part
                        if type(s) is not bnode and type(o) is not bnode]).encode()

    def _put(self, item: Any, ahead: int | None = None) -> None:
        with self._changed:
            while ahead is not None and len(self._chunks) >= ahead and self._thread.is_alive():
                self._changed.wait(1.0)
            self._chunks.append(item)
            self._changed.notify_all()
        if self._error is not None:
            self.close()
            self._raise()

    def _take(self, wait: bool) -> Any:
        """The next chunk to write or load (``None``: stop; with ``wait`` false, also when none is
        queued). The blank nodes' chunk is taken only once no other is busy: every line is in."""
        with self._changed:
            while True:
                if self._chunks:
                    item = self._chunks[0]
                    if item is None:
                        return None  # left for the other worker
                    if item is _HELD and self._busy:
                        self._changed.wait()
                        continue
                    if isinstance(item, Iterator):
                        chunk = None if self.abandoned.is_set() else next(item, None)
                        if chunk is None:  # done, or a failed merge (millions of triples may be left)
                            self._chunks.popleft()
                            self._changed.notify_all()
                            continue
                        item = chunk
                    else:
                        self._chunks.popleft()
                        self._changed.notify_all()
                    self._busy += 1
                    return item
                if not wait:
                    return None
                self._changed.wait()

    def _work(self, held: list[str], wait: bool) -> None:
        """Write and load chunks until told to stop (``wait`` false: until none is queued)."""
        while (item := self._take(wait)) is not None:
            try:
                if self._error is None and not self.abandoned.is_set():
                    if item is _HELD:
                        item = "".join(self._held + self._held_here).encode()
                    elif not isinstance(item, bytes):
                        item = self._encode(item, held)
                    if item:
                        self.store.bulk_load(item, format=self._format, lenient=True)
            except BaseException as error:  # handed to the merge's thread
                self._error = error
            finally:
                with self._changed:
                    self._busy -= 1
                    self._changed.notify_all()

    def finish(self) -> None:
        """Load the chunks left, beside the thread, then the triples with a blank node in one last
        chunk (Oxigraph names a document's blank nodes anew, so those of two chunks would never
        meet), and wait for every chunk.

        :raises StoreError: if Oxigraph refused a chunk.
        """
        self._put(_HELD)
        self._work(self._held, wait=False)
        self._end(abandon=False)
        self._raise()

    def close(self) -> None:
        """Drop the chunks not yet loaded and wait for the thread to leave the one it is loading
        (the merge failed; after :meth:`finish`, nothing is left)."""
        self._end(abandon=True)

    def _end(self, abandon: bool) -> None:
        if self._thread.is_alive():
            if abandon:
                self.abandoned.set()
            with self._changed:
                self._chunks.append(None)
                self._changed.notify_all()
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            error = self._error
            raise StoreError(self.folder, f"Oxigraph could not load the merge: {' '.join(str(error).split())[:300]}") \
                from error

