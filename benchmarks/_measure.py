"""One benchmark measurement, run in its own process so that peak memory is its own.

``python -m benchmarks._measure TASK FILE LOOKUP_IRI`` prints one JSON object:
``{"task": ..., "seconds": {name: seconds}, "counts": {name: n}, "peak_mb": ...}``.
Times are wall-clock seconds of the measured step only (parsing for the reasoning
tasks is done first and not counted); ``peak_mb`` is the process's maximum
resident set size (``resource.getrusage``), which includes the parsed graph. The runner
starts this module through :mod:`benchmarks._spawn`, so the figure is this process's own.

Tasks:

- ``rdflib``: parse the Turtle file into an ``rdflib.Graph``; run the 2-hop join;
  look a label up 50 times unprepared and 50 times prepared (medians).
- ``oxigraph``: the same on a ``pyoxigraph.Store``.
- ``owlrl`` / ``fast``: parse with rdflib, then ``milia_kg.reasoner.infer`` with
  that reasoner (inferred triples as an ``rdflib.Graph``, noise stripped).
- ``fast-oxigraph``: parse into a pyoxigraph store, run the fast engine on
  pyoxigraph terms and add the inferred triples to the store.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["JOIN", "LOOKUP", "main", "measure"]

JOIN = """
PREFIX mkg: <https://w3id.org/milia-kg/>
PREFIX obo: <http://purl.obolibrary.org/obo/>
SELECT ?condition ?whole WHERE { ?condition mkg:hasSite ?site . ?site obo:BFO_0000050 ?whole }
"""
LOOKUP = "SELECT ?label WHERE { <%s> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
_LOOKUPS = 50


def _timed(step: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = step()
    return time.perf_counter() - start, value


def _median_of(step: Callable[[], Any], times: int = _LOOKUPS) -> float:
    return statistics.median(_timed(step)[0] for _ in range(times))


def _rdflib(path: str, iri: str) -> tuple[dict[str, float], dict[str, int]]:
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    seconds, graph = _timed(lambda: rdflib.Graph().parse(path, format="turtle"))
    join_seconds, rows = _timed(lambda: list(graph.query(JOIN)))
    lookup = LOOKUP % iri
    prepared = prepareQuery("SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    subject = rdflib.URIRef(iri)
    return (
        {
            "parse": seconds,
            "join": join_seconds,
            "lookup": _median_of(lambda: list(graph.query(lookup))),
            "lookup_prepared": _median_of(lambda: list(graph.query(prepared, initBindings={"s": subject}))),
        },
        {"triples": len(graph), "join_rows": len(rows)},
    )


def _oxigraph(path: str, iri: str) -> tuple[dict[str, float], dict[str, int]]:
    import pyoxigraph

    store = pyoxigraph.Store()
    seconds, _ = _timed(lambda: store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE))
    join_seconds, rows = _timed(lambda: list(store.query(JOIN)))
    lookup = LOOKUP % iri
    return (
        {"parse": seconds, "join": join_seconds, "lookup": _median_of(lambda: list(store.query(lookup)))},
        {"triples": len(store), "join_rows": len(rows)},
    )


def _reasoner(path: str, reasoner: str) -> tuple[dict[str, float], dict[str, int]]:
    import rdflib

    from milia_kg.reasoner import infer

    graph = rdflib.Graph().parse(path, format="turtle")
    seconds, inferred = _timed(lambda: infer(graph, reasoner=reasoner))
    return {"reason": seconds}, {"triples": len(graph), "inferred": len(inferred)}


def _fast_oxigraph(path: str) -> tuple[dict[str, float], dict[str, int]]:
    import pyoxigraph

    from milia_kg.reasoner import BUILTIN_NAMESPACES as builtin
    from milia_kg.reasoner.fast import reason

    store = pyoxigraph.Store()
    store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE)

    same_as = pyoxigraph.NamedNode("http://www.w3.org/2002/07/owl#sameAs")

    def kept(s: Any, p: Any, o: Any) -> bool:  # milia_kg.reasoner.is_noise, on pyoxigraph terms
        if isinstance(s, pyoxigraph.Literal) or (p == same_as and s == o):
            return False
        return not (isinstance(s, pyoxigraph.NamedNode) and s.value.startswith(builtin))

    def step() -> Any:
        result = reason(((q.subject, q.predicate, q.object) for q in store), terms="oxigraph")
        store.extend(pyoxigraph.Quad(s, p, o) for s, p, o in result.inferred if kept(s, p, o))
        return result

    seconds, result = _timed(step)
    return {"reason": seconds}, {"triples": result.asserted_count, "inferred": len(result.inferred)}


def measure(task: str, path: str, iri: str) -> dict[str, Any]:
    """Run one task on one file and return its record (see the module docstring)."""
    import owlrl  # noqa: F401  imported up front: neither engine's time includes imports

    import milia_kg.reasoner.fast  # noqa: F401
    if task == "rdflib":
        seconds, counts = _rdflib(path, iri)
    elif task == "oxigraph":
        seconds, counts = _oxigraph(path, iri)
    elif task in ("owlrl", "fast"):
        seconds, counts = _reasoner(path, task)
    elif task == "fast-oxigraph":
        seconds, counts = _fast_oxigraph(path)
    else:
        raise ValueError(f"unknown task {task!r}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"task": task, "seconds": seconds, "counts": counts, "peak_mb": round(peak_kb / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``TASK FILE LOOKUP_IRI``; prints the record as JSON."""
    task, path, iri = argv if argv is not None else sys.argv[1:]
    print(json.dumps(measure(task, path, iri)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
