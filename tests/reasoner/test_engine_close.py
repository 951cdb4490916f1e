"""The fast engine is freed as soon as :func:`milia_kg.reasoner.fast.reason` returns, without a garbage
collection (issue 22, target 5: the HPO merge's engine cost 0.46-0.54 s of collection)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from rdflib import OWL, RDF, RDFS, Namespace

from milia_kg.reasoner import fast
from milia_kg.reasoner._engine import Engine

EX = Namespace("http://example.org/")
TRIPLES = [(EX.a, RDF.type, EX.B), (EX.B, RDFS.subClassOf, EX.C), (EX.p, RDF.type, OWL.TransitiveProperty),
           (EX.a, EX.p, EX.b), (EX.b, EX.p, EX.c)]


def test_reason_leaves_no_engine_for_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[weakref.ref[Any]] = []

    class Watched(Engine):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            made.append(weakref.ref(self))

    monkeypatch.setattr(fast, "Engine", Watched)
    gc.collect()
    gc.disable()
    try:
        result = fast.reason(TRIPLES)
        assert len(made) == 1 and made[0]() is None  # freed by reference counting alone
    finally:
        gc.enable()
    assert (EX.a, RDF.type, EX.C) in result.inferred and (EX.a, EX.p, EX.c) in result.inferred


def test_an_engine_not_closed_waits_for_a_collection() -> None:
    """The cycle :meth:`Engine.close` breaks is real: without it, only the collector frees the engine."""
    from milia_kg.reasoner._terms import ADAPTERS

    gc.collect()
    gc.disable()
    try:
        engine = Engine(ADAPTERS["rdflib"]())
        engine.run(engine.load(TRIPLES))
        ref = weakref.ref(engine)
        del engine
        assert ref() is not None
        gc.collect()
        assert ref() is None
    finally:
        gc.enable()
