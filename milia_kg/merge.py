"""Merge the graph with external ontologies (HPO, UBERON, MONDO... files) and reason over the union.

The union goes through :func:`milia_kg.pipeline.run`, like every other producer of the graph.
OBO ontologies state part-of as existential restrictions; :func:`milia_kg.reasoning.reason` turns
them into class-level edges before OWL 2 RL closes them, so the merged part-of hierarchy is
queryable with the same patterns as milia-kg's own facts.

>>> merged = merged_graph([])            # no external file: the project graph alone
>>> (MKG.NeonatalMilia, MKG.hasSite, MKG.Face) in merged
True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import rdflib

from milia_kg import hpoa, loading, pipeline, rdf_formats
from milia_kg._reasoners import DEFAULT_REASONER
from milia_kg.errors import RDFSyntaxError

__all__ = ["MKG", "merged_graph", "parse_external"]

MKG = loading.MKG

def parse_external(path: str | Path, graph: rdflib.Graph) -> None:
    """Parse one external ontology file into ``graph``; the format is told from the file's content
    (see :mod:`milia_kg.rdf_formats`), so an OWL/XML or OBO file named ``.owl`` is not misread.

    :raises UnsupportedFormatError: for OWL/XML, OBO or OWL functional syntax (not read yet).
    :raises RDFSyntaxError: if the file is missing, empty or cannot be parsed (naming the line if known).
    """
    path = Path(path)
    if hpoa.is_hpoa(path):  # an HPO annotation table, not RDF: converted by milia_kg.hpoa
        hpoa.parse_hpoa(path, graph)
        return
    fmt = rdf_formats.detect(path)
    if fmt == "turtle":
        loading.parse_turtle(path, graph)
        return
    try:
        graph.parse(path, format=fmt)
    except OSError as error:
        raise RDFSyntaxError(path, None, error.strerror or str(error)) from error
    except Exception as error:  # noqa: BLE001 - rdflib's parsers raise arbitrary types on bad input
        raise rdf_formats.parse_error(path, fmt, error) from error


def merged_graph(external: Iterable[str | Path], reasoner: str = DEFAULT_REASONER) -> rdflib.Graph:
    """The asserted graph plus the ``external`` files, reasoned (see :func:`milia_kg.reasoning.reason`).

    :raises RDFSyntaxError: if a file cannot be parsed.
    :raises InconsistencyError: if the union is inconsistent.
    """
    graph = rdflib.Graph()
    for path in external:
        parse_external(path, graph)
    return pipeline.run(extra_graphs=[graph], reasoner=reasoner, validate=False).closure
