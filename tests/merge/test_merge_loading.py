"""A kept store filled beside the reasoning (issue 22, target 5: the asserted triples load in a thread
while the merge reasons) holds exactly the merge's closure, blank nodes included, and a load that
fails is reported in one line after the thread has stopped."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from milia_kg.errors import StoreError
from milia_kg.merge import loading
from milia_kg.merge import store as kept_store
from milia_kg.merge.union import merged_triples

FIXTURES = Path(__file__).parents[1] / "fixtures"
SLICES = [FIXTURES / "uberon-intersection-slice.obo", FIXTURES / "obo-slice.obo"]


def _shape(store: Any) -> tuple[set[tuple[str, str, str]], Counter[tuple[tuple[str, str, str], ...]]]:
    """The triples among named terms, and each blank node's edges (a neighbouring blank node as
    ``_``): equal shapes with as many blank nodes mean the same graph up to their names, here."""
    named, edges = set(), defaultdict(list)
    for q in store:
        s, p, o = (str(t) for t in (q.subject, q.predicate, q.object))
        if isinstance(q.subject, ox.BlankNode):
            edges[s].append(("out", p, "_" if isinstance(q.object, ox.BlankNode) else o))
        if isinstance(q.object, ox.BlankNode):
            edges[o].append(("in", p, "_" if isinstance(q.subject, ox.BlankNode) else s))
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode):
            named.add((s, p, o))
    return named, Counter(tuple(sorted(e)) for e in edges.values())


@pytest.mark.parametrize("chunk", [loading.CHUNK, 7])
def test_the_store_holds_the_closure(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "CHUNK", chunk)  # 7: hundreds of chunks, blank nodes across them
    closure, _ = merged_triples(SLICES)
    expected = ox.Store()
    expected.extend(ox.Quad(s, p, o) for s, p, o in closure)
    assert any(isinstance(o, ox.BlankNode) for _, _, o in closure)  # restrictions: the hard case
    filled = ox.Store()
    kept_store.fill_merged(filled, SLICES)
    assert len(filled) == len(expected)
    assert _shape(filled) == _shape(expected)


def test_blank_nodes_of_two_loads_stay_one_node() -> None:
    a, b = ox.NamedNode("http://example.org/a"), ox.BlankNode("x1")
    store = ox.Store()
    loader = loading.Loader(store)
    loader.load([(a, a, b)])
    loader.load([(b, a, ox.Literal("one"))], ahead=1)
    loader.finish()
    nodes = {t for q in store for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    assert len(store) == 2 and len(nodes) == 1


class _Refusing:
    """A store whose bulk loader fails, as Oxigraph's would on a full disk."""

    def __init__(self) -> None:
        self.calls = 0

    def bulk_load(self, data: bytes, format: object, lenient: bool = False) -> None:
        self.calls += 1
        raise OSError("No space left on device\n(os error 28)")


def test_a_refused_load_is_one_line_after_the_thread_stopped(tmp_path: Path) -> None:
    store = _Refusing()
    loader = loading.Loader(store, tmp_path)
    named = ox.NamedNode("http://example.org/a")
    loader.load([(named, named, ox.Literal(str(i))) for i in range(3)])
    with pytest.raises(StoreError) as caught:
        loader.finish()
    assert str(caught.value) == (f"{tmp_path}: Oxigraph could not load the merge: No space left on device "
                                 "(os error 28)")
    assert store.calls == 1 and not loader._thread.is_alive()


@pytest.mark.parametrize("caller_froze", [False, True])
def test_collection_is_given_back_as_it_was(caller_froze: bool) -> None:
    """The merge turns collection off while it runs and gives it back on; it freezes nothing of its
    own, and objects a caller froze (a server before it forks) are left frozen (some may be freed
    meanwhile, so the count can only fall)."""
    import gc

    gc.collect()
    if caller_froze:
        gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        kept_store.fill_merged(ox.Store(), SLICES[:1])
        assert gc.isenabled() and gc.get_freeze_count() <= frozen
        assert (gc.get_freeze_count() > frozen // 2) == caller_froze
    finally:
        gc.unfreeze()


def test_a_failed_merge_drops_the_chunks_not_loaded() -> None:
    """A merge stopped by its time limit closes the loader: the foreseen closure still queued (a
    3,000-class chain's is 4.5 million triples) is dropped, not loaded before the error is shown."""
    import threading

    calls: list[bytes] = []
    started = threading.Event()

    class _Slow:
        def bulk_load(self, data: bytes, format: object, lenient: bool = False) -> None:
            calls.append(data)
            started.set()
            assert loader.abandoned.wait(10)  # the merge failed while this chunk loads

    loader = loading.Loader(_Slow())
    loader.load_lines(iter([b"chunk\n"] * 100))
    assert started.wait(10)
    loader.close()
    assert calls == [b"chunk\n"] and not loader._thread.is_alive()


class _Waiting:
    """A store whose bulk loader, in the loader's thread, waits until the caller has loaded a chunk:
    the chunks left at ``finish`` are shared between the two."""

    def __init__(self) -> None:
        import threading

        self.calls: list[tuple[str, bytes]] = []
        self.caller_loaded, self.thread_waits = threading.Event(), threading.Event()

    def bulk_load(self, data: bytes, format: object, lenient: bool = False) -> None:
        import threading

        name = threading.current_thread().name
        if name == "milia-kg-load" and b"_:" not in data:
            self.thread_waits.set()
            assert self.caller_loaded.wait(10), "the caller never loaded a chunk beside the thread"
        else:
            self.caller_loaded.set()
        self.calls.append((name, data))


def test_the_caller_loads_the_last_chunks_beside_the_thread_then_the_blank_nodes() -> None:
    store = _Waiting()
    loader = loading.Loader(store)
    a = ox.NamedNode("http://example.org/a")
    loader.load([(a, a, ox.BlankNode("b1"))])
    loader.load_lines(iter([f"<http://example.org/{i}> <http://example.org/p> \"{i}\" .\n".encode() for i in range(3)]))
    assert store.thread_waits.wait(10)  # the thread is loading the first chunk
    loader.finish()
    loaders = {name for name, data in store.calls if b"_:" not in data}
    assert loaders == {"milia-kg-load", "MainThread"}
    assert len(store.calls) == 4 and b"_:" in store.calls[-1][1]  # three chunks, then the blank nodes' last
    assert not loader._thread.is_alive()
