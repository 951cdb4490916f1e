"""Merge the graph with external ontologies (HPO, UBERON, MONDO... files) and reason over the union.

The union goes through :func:`milia_kg.release.pipeline.run`, like every other producer of the graph.
OBO ontologies state part-of as existential restrictions; :func:`milia_kg.reasoner.reason` turns
them into class-level edges before OWL 2 RL closes them, so the merged part-of hierarchy is
queryable with the same patterns as milia-kg's own facts.

:func:`merged_graph` returns an rdflib graph (the API, the ``owlrl`` reasoner).  The kept stores of
``--merge`` (:mod:`milia_kg.merge.store`) are filled from
:func:`milia_kg.merge.asserted.merged_asserted` instead (:func:`merged_triples` adds the reasoning,
for exports): the same union and reasoning step on
pyoxigraph terms end to end (OBO read by fastobo straight into pyoxigraph terms,
:mod:`milia_kg.reasoner.on_oxigraph`), with no rdflib graph of the union, which with a real
release (the HPO) took most of the time and memory of a first merge.

>>> merged = merged_graph([])            # no external file: the project graph alone
>>> (MKG.NeonatalMilia, MKG.hasSite, rdflib.URIRef(vocab.OBO + "UBERON_0001456")) in merged  # the face
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rdflib

from milia_kg import vocab
from milia_kg.formats import hpoa, read
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.release import pipeline

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget

__all__ = ["MKG", "merged_graph", "merged_triples", "parse_external"]

MKG = rdflib.Namespace(vocab.MKG)

def parse_external(path: str | Path, graph: rdflib.Graph) -> None:
    """Parse one external ontology file into ``graph``; the format is told from the file's content
    (see :mod:`milia_kg.formats.read`), so an OWL/XML or OBO file named ``.owl`` is not misread.

    :raises UnsupportedFormatError: for OWL Manchester syntax.
    :raises RDFSyntaxError: if the file is missing, empty, in no known format or cannot be parsed.
    """
    if hpoa.is_hpoa(Path(path)):  # an HPO annotation table, not RDF: converted by milia_kg.formats.hpoa
        hpoa.parse_hpoa(Path(path), graph)
        return
    read.read(path, graph)


def merged_graph(external: Iterable[str | Path], reasoner: str = DEFAULT_REASONER,
                 step: Callable[[str], None] | None = None, budget: Budget | None = None) -> rdflib.Graph:
    """The asserted graph plus the ``external`` files, reasoned (see :func:`milia_kg.reasoner.reason`).

    :param step: called with what is being done before each file is parsed and before reasoning
        (a progress bar, see :mod:`milia_kg.base.progress`).
    :param budget: the merge's limits (:mod:`milia_kg.reasoner.budget`); on this path (rdflib, any
        reasoner) the deadline is checked between files and the size after reasoning.
    :raises RDFSyntaxError: if a file cannot be parsed.
    :raises InconsistencyError: if the union is inconsistent.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``.
    """
    graph = rdflib.Graph()
    for path in external:
        if budget is not None:
            budget.check_time()
        if step is not None:
            step(f"parsing {Path(path).name}")
        parse_external(path, graph)
    if budget is not None:
        budget.check_time()
    if step is not None:
        step("reasoning")
    asserted = len(graph)
    closure = pipeline.run(extra_graphs=[graph], reasoner=reasoner, validate=False).closure
    if budget is not None:
        budget.check_time()
        cap = budget.cap(asserted)
        if cap is not None and len(closure) > cap:
            raise budget.over_size(cap)
    return closure


def merged_triples(external: Iterable[str | Path], step: Callable[[str], None] | None = None,
                   budget: Budget | None = None) -> tuple[list[tuple[Any, Any, Any]], dict[str, str]]:
    """:func:`merged_graph` with the fast reasoner, as pyoxigraph triples (duplicates possible; the
    asserted ones first), and the CURIE prefixes the merged graph binds.

    :param budget: the merge's limits, checked between files and while reasoning.
    :raises RDFSyntaxError: if a file cannot be parsed.
    :raises InconsistencyError: if the union is inconsistent.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget``.
    """
    from milia_kg.merge.asserted import merged_asserted
    from milia_kg.reasoner import on_oxigraph

    triples, prefixes = merged_asserted(external, step, budget)
    return on_oxigraph.closure(triples, budget), prefixes
