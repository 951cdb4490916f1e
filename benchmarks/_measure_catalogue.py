"""Catalogue measurements, each run in its own process (through :mod:`benchmarks._spawn`).

``python -m benchmarks._measure_catalogue queries ENGINE SOURCE PASSES [BUDGET [SKIP,...]]`` opens a
:class:`milia_kg.KnowledgeGraph` on ``ENGINE`` (``oxigraph`` or ``rdflib``): the packaged reasoned
graph if ``SOURCE`` is ``project`` (``KnowledgeGraph.open``, from a warm cache), else the
N-Triples or Turtle file ``SOURCE`` (``KnowledgeGraph.from_file``). It runs every catalogue query
with the parameters of its header ``example``: a first pass, reported apart, then ``PASSES``
passes over the whole catalogue. A query stops being repeated once it has run for ``BUDGET``
seconds (default 20), so one very slow query does not hold up the run; queries named in
``SKIP`` are not run at all. It prints one JSON object::

    {"engine": ..., "load_seconds": ..., "triples": ...,
     "first_pass_seconds": ..., "pass_seconds": median whole-catalogue pass,
     "queries": {name: {"params": {...}, "rows": n, "first": s, "median": s,
                        "calls": timed calls after the first (0: the median is the first call),
                        "rows_key": sha256 of the sorted rows, "order_key": sha256 in order}}}

Times are in-process wall-clock seconds of ``kg.query(name, **params)``: parameter resolution,
the query, and the ``X_label`` lookup, as a Python caller sees it. The first call of a query
is reported apart; the first call with a label parameter also builds the label index.

``python -m benchmarks._measure_catalogue merge GENERATED.ttl OUT.nt`` merges the project's
asserted graph with ``GENERATED.ttl`` and reasons over the union with the fast reasoner (the
steps of :func:`milia_kg.merge.union.merged_graph`, what ``milia-kg query --merge`` does), then writes
the closure as N-Triples. It prints ``{"parse_seconds", "reason_seconds", "write_seconds",
"asserted", "triples"}`` (rdflib parse, :func:`milia_kg.reasoner.reason`, N-Triples output).
"""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
import time
from typing import Any

__all__ = ["main", "merge", "queries"]


def _key(row: dict[str, Any]) -> str:
    return repr(sorted(row.items()))  # as tests/query/test_backends.py compares engines


def _digest(keys: list[str]) -> str:
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


def queries(
    engine: str, source: str, passes: int, budget: float = 20.0, skip: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Run the catalogue on one engine; return the record described in the module docstring."""
    import rdflib  # noqa: F401  imported before the clock starts, as the runner's other tasks do

    from milia_kg import KnowledgeGraph
    from milia_kg.query.catalogue import load_catalogue

    catalogue = {name: q for name, q in load_catalogue().items() if name not in skip}
    start = time.perf_counter()
    kg = KnowledgeGraph.open(engine=engine) if source == "project" else KnowledgeGraph.from_file(source, engine=engine)
    load_seconds = time.perf_counter() - start
    triples = len(kg.backend.store) if engine == "oxigraph" else len(kg.graph)  # type: ignore[attr-defined]

    record: dict[str, dict[str, Any]] = {}
    start = time.perf_counter()
    for name, query in catalogue.items():
        params = dict(query.example)
        began = time.perf_counter()
        rows = kg.query(query, **params)
        keys = [_key(row) for row in rows]
        record[name] = {
            "params": params, "rows": len(rows), "first": time.perf_counter() - began,
            "rows_key": _digest(sorted(keys)), "order_key": _digest(keys),
        }  # fmt: skip
    first_pass = time.perf_counter() - start

    samples: dict[str, list[float]] = {name: [] for name in catalogue}
    pass_times = []
    for _ in range(passes):
        start, complete = time.perf_counter(), True
        for name, query in catalogue.items():
            if record[name]["first"] + sum(samples[name]) >= budget:
                complete = False  # this query has had its time: its median rests on fewer calls
                continue
            began = time.perf_counter()
            kg.query(query, **record[name]["params"])
            samples[name].append(time.perf_counter() - began)
        if complete:
            pass_times.append(time.perf_counter() - start)
    for name, times in samples.items():
        record[name]["calls"] = len(times)
        record[name]["median"] = statistics.median(times) if times else record[name]["first"]
    return {
        "engine": engine,
        "load_seconds": load_seconds,
        "triples": triples,
        "first_pass_seconds": first_pass,
        # one pass over the catalogue; the sum of the medians if some query ran out of budget
        "pass_seconds": statistics.median(pass_times) if pass_times else sum(r["median"] for r in record.values()),
        "queries": record,
    }


def merge(generated: str, out: str) -> dict[str, Any]:
    """Merge, reason and write the closure (see the module docstring)."""
    from milia_kg import reasoner as reasoning
    from milia_kg.merge.union import parse_external
    from milia_kg.release import sources

    # The steps of milia_kg.merge.union.merged_graph, timed one by one.
    start = time.perf_counter()
    graph = sources.load_asserted()
    parse_external(generated, graph)
    parse_seconds = time.perf_counter() - start
    start = time.perf_counter()
    closure = reasoning.reason(graph, reasoner="fast").closure
    reason_seconds = time.perf_counter() - start
    start = time.perf_counter()
    closure.serialize(out, format="nt", encoding="utf-8")
    return {
        "parse_seconds": parse_seconds, "reason_seconds": reason_seconds,
        "write_seconds": time.perf_counter() - start, "asserted": len(graph), "triples": len(closure),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``queries ENGINE SOURCE PASSES [BUDGET [SKIP,...]]`` or ``merge GENERATED OUT``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["queries"] and 4 <= len(args) <= 6:
        budget = float(args[4]) if len(args) > 4 else 20.0
        skip = frozenset(filter(None, args[5].split(","))) if len(args) > 5 else frozenset()
        result = queries(args[1], args[2], int(args[3]), budget, skip)
    elif args[:1] == ["merge"] and len(args) == 3:
        result = merge(args[1], args[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
