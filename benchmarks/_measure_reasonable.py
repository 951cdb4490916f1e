"""Reasoning from a file, parse included, against the peer ``reasonable`` (issue 22, target 2).

``python -m benchmarks._measure_reasonable TASK FILE`` prints one JSON object:
``{"seconds": ..., "parse_seconds": ..., "asserted": ..., "output": ...}``. The clock starts after
the imports and stops when the output is a Python list, so both sides do the same work for a
caller: read the Turtle file, reason, hand back the triples.

- ``reasonable``: ``reasonable.PyReasoner().load_file(FILE)`` then ``reason()``, which returns the
  whole closure (asserted + inferred) as tuples of strings.
- ``fast``: ``pyoxigraph.parse`` of the file, its triples handed to
  ``milia_kg.reasoner.fast.reason(..., terms="oxigraph")`` as they are read: the inferred triples as pyoxigraph
  terms (owlrl's closure minus the input), the asserted ones being the caller's already.

The closures differ: ``reasonable`` has no property chains and misses subsumptions through
restriction fillers (docs/benchmarks.md); the fast engine derives owlrl's.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

__all__ = ["fast", "main", "reasonable"]


def reasonable(path: str) -> dict[str, Any]:
    """The peer: load and reason with ``reasonable`` (raises ImportError if it is not installed)."""
    import reasonable as peer

    start = time.perf_counter()
    reasoner = peer.PyReasoner()
    reasoner.load_file(path)
    parsed = time.perf_counter()
    output = reasoner.reason()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "parse_seconds": parsed - start, "asserted": None, "output": len(output)}


def fast(path: str) -> dict[str, Any]:
    """The fast engine on pyoxigraph terms, parsing the file with pyoxigraph."""
    import pyoxigraph as ox

    from milia_kg.reasoner.fast import reason

    start = time.perf_counter()
    quads = ox.parse(path=path, format=ox.RdfFormat.TURTLE)  # read as the engine interns them
    result = reason(((q.subject, q.predicate, q.object) for q in quads), terms="oxigraph")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "parse_seconds": None, "asserted": result.asserted_count,
            "output": len(result.inferred)}


def main(argv: list[str] | None = None) -> int:
    """Run one task on one file; print its JSON record."""
    task, path = (argv if argv is not None else sys.argv[1:])[:2]
    record = {"reasonable": reasonable, "fast": fast}[task](path)
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
