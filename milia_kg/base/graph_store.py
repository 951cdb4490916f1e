"""The rdflib store of the graphs the pipeline makes (the asserted graph, the inferred one, the closure)
and of those the release is written from and validated on.

Why: each of these graphs is one plain graph, never a named graph of a dataset, so rdflib's
``SimpleMemory`` (no named-graph bookkeeping) holds them as well as its default ``Memory`` does: the
same triples, the same prefixes (its ``bind`` is Memory's), the same answers to every pattern, at
about half the cost per triple added and less per triple read. Loading and reasoning over the
project's sources took 180 ms of CPU with ``Memory`` and 127 ms with it (issue 22). Only the order
in which a whole graph is iterated differs (by subject), which no product depends on: the release
sorts every triple and labels blank nodes from content.
"""

from __future__ import annotations

__all__ = ["STORE"]

#: The ``store`` argument of ``rdflib.Graph`` for the pipeline's graphs.
STORE = "SimpleMemory"
