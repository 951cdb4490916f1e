"""The class hierarchy's closure loaded while the merge reasons (issue 22, target 5): exactly the
triples scm-cls and scm-sco give, each one in the reasoned closure, within the merge's limits."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from milia_kg import vocab
from milia_kg.errors import MergeSizeError, MergeTimeoutError
from milia_kg.merge import loading
from milia_kg.merge.asserted import merged_asserted
from milia_kg.merge.foreseen import Foreseen
from milia_kg.reasoner import on_oxigraph
from milia_kg.reasoner.budget import Budget

FIXTURES = Path(__file__).parents[1] / "fixtures"
SLICES = [FIXTURES / "uberon-intersection-slice.obo", FIXTURES / "obo-slice.obo"]
EX = "http://example.org/"
SCO, EQ = ox.NamedNode(vocab.RDFS + "subClassOf"), ox.NamedNode(vocab.OWL + "equivalentClass")
TYPE, CLASS, THING = (ox.NamedNode(vocab.RDF + "type"), ox.NamedNode(vocab.OWL + "Class"),
                      ox.NamedNode(vocab.OWL + "Thing"))


def n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def lines(seen: Foreseen, size: int = 25_000) -> set[tuple[str, str, str]]:
    """The foreseen triples as the loader gets them, each line split in three."""
    found = [tuple(line[:-2].split(" ")) for chunk in seen.chunks(size) for line in chunk.decode().splitlines()]
    assert len(found) == len(set(found))  # each once
    return set(found)  # type: ignore[arg-type]


def test_a_diamond_with_classes() -> None:
    """a < b, a < c, b < d, c < d; a and d are owl:Class; owl:Nothing's own subclass is noise."""
    asserted = [(n("a"), SCO, n("b")), (n("a"), SCO, n("c")), (n("b"), SCO, n("d")), (n("c"), SCO, n("d")),
                (n("a"), TYPE, CLASS), (n("d"), TYPE, CLASS), (ox.NamedNode(vocab.OWL + "Nothing"), SCO, n("a"))]
    s, e, t = f"<{vocab.RDFS}subClassOf>", f"<{vocab.OWL}equivalentClass>", f"<{vocab.OWL}Thing>"
    assert lines(Foreseen(asserted), size=2) == {  # the asserted edges are not repeated
        (f"<{EX}a>", s, f"<{EX}d>"), (f"<{EX}a>", s, f"<{EX}a>"), (f"<{EX}a>", s, t), (f"<{EX}a>", e, f"<{EX}a>"),
        (f"<{EX}d>", s, f"<{EX}d>"), (f"<{EX}d>", s, t), (f"<{EX}d>", e, f"<{EX}d>"),
    }


def test_a_cycle_reaches_every_member() -> None:
    asserted = [(n("a"), SCO, n("b")), (n("b"), SCO, n("c")), (n("c"), SCO, n("a")), (n("x"), SCO, n("a"))]
    s = f"<{vocab.RDFS}subClassOf>"
    assert lines(Foreseen(asserted)) == {
        (f"<{EX}a>", s, f"<{EX}a>"), (f"<{EX}a>", s, f"<{EX}c>"), (f"<{EX}b>", s, f"<{EX}b>"),
        (f"<{EX}b>", s, f"<{EX}a>"), (f"<{EX}c>", s, f"<{EX}c>"), (f"<{EX}c>", s, f"<{EX}b>"),
        (f"<{EX}x>", s, f"<{EX}b>"), (f"<{EX}x>", s, f"<{EX}c>"),
    }


def test_blank_nodes_and_literals_are_left_to_the_reasoner() -> None:
    restriction = ox.BlankNode("r")
    asserted = [(n("a"), SCO, restriction), (restriction, SCO, n("b")), (n("a"), SCO, ox.Literal("b"))]
    seen = Foreseen(asserted)
    assert lines(seen) == set() and len(seen) == 0
    assert seen.known() == {SCO.value: {}, EQ.value: {}}


def test_on_real_slices_asserted_foreseen_and_the_rest_are_the_closure() -> None:
    asserted, _ = merged_asserted(SLICES)
    seen = Foreseen(asserted)
    whole = {(str(s), str(p), str(o)) for s, p, o in on_oxigraph.closure(asserted)}
    foreseen = lines(seen)
    assert foreseen and foreseen <= whole  # every foreseen triple is in the closure ...
    rest = on_oxigraph.beyond(asserted, seen.known())
    inferred = whole - {(str(s), str(p), str(o)) for s, p, o in asserted}
    assert len(rest) < len(inferred)  # ... some inferred triples were foreseen ...
    kept = {(str(s), str(p), str(o)) for s, p, o in [*asserted, *rest]} | foreseen
    assert kept == whole  # ... and none is lost: asserted + foreseen + the rest = the closure, blank nodes too
    assert any(p == SCO for _, p, _ in rest)  # subclass triples the two rules alone do not give stay


def test_a_deep_hierarchy_stops_at_the_merge_limits() -> None:
    chain = [(n(f"c{i}"), SCO, n(f"c{i - 1}")) for i in range(1, 3_000)]  # closes to 4.5 million triples
    with pytest.raises(MergeSizeError) as caught:
        Foreseen(chain, Budget.start(max_triples=100_000))
    assert caught.value.max_triples == 100_000
    with pytest.raises(MergeTimeoutError):
        Foreseen(chain, Budget.start(seconds=0.0, max_triples=0))
    assert len(Foreseen(chain[:299], Budget.start(max_triples=300 * 299 // 2))) == 300 * 299 // 2  # 300 classes


def test_loaded_lines_reach_the_store() -> None:
    store = ox.Store()
    loader = loading.Loader(store)
    loader.load_lines(iter([f"<{EX}a> <{EX}p> <{EX}b> .\n".encode(), f"<{EX}b> <{EX}p> <{EX}c> .\n".encode()]))
    loader.finish()
    assert {(q.subject, q.object) for q in store} == {(n("a"), n("b")), (n("b"), n("c"))}
