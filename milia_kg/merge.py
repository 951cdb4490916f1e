"""Merge the graph with external ontologies (HPO, UBERON, MONDO... files) and reason over the union.

OBO ontologies state part-of as existential restrictions (``X SubClassOf part_of some Y``), which
OWL 2 RL cannot chain. As Ubergraph's relation-graph does, each such restriction on a relation of
:data:`EDGE_RELATIONS` is first materialised as a direct class-level edge (``X part_of Y``), the same
pattern milia-kg uses for its own facts; the reasoner then closes the edges (part-of is transitive).

>>> merged = merged_graph([])            # no external file: the project graph alone
>>> (MKG.NeonatalMilia, MKG.hasSite, MKG.Face) in merged
True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib import OWL, RDFS

from milia_kg import loading, reasoning
from milia_kg.errors import RDFSyntaxError

__all__ = ["EDGE_RELATIONS", "MKG", "materialise_edges", "merged_graph", "parse_external"]

MKG = loading.MKG
OBO = rdflib.Namespace("http://purl.obolibrary.org/obo/")
#: Relations whose existential restrictions become direct edges before reasoning.
EDGE_RELATIONS = (OBO.BFO_0000050,)

_FORMATS = {".ttl": "turtle", ".owl": "xml", ".rdf": "xml", ".xml": "xml", ".nt": "nt", ".jsonld": "json-ld"}


def parse_external(path: str | Path, graph: rdflib.Graph) -> None:
    """Parse one external ontology file into ``graph``; the format follows the file suffix.

    :raises RDFSyntaxError: if the file cannot be read or parsed, or its suffix is unknown.
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RDFSyntaxError(path, None, f"unknown RDF format {path.suffix!r} (use {', '.join(sorted(_FORMATS))})")
    if fmt == "turtle":
        loading.parse_turtle(path, graph)
        return
    try:
        graph.parse(path, format=fmt)
    except OSError as error:
        raise RDFSyntaxError(path, None, error.strerror or str(error)) from error
    except (SyntaxError, ValueError, rdflib.exceptions.Error) as error:  # type: ignore[attr-defined]
        raise RDFSyntaxError(path, None, str(error).splitlines()[0] if str(error) else type(error).__name__) from error


def materialise_edges(graph: rdflib.Graph, relations: Iterable[rdflib.URIRef] = EDGE_RELATIONS) -> int:
    """Add ``X R Y`` for every ``X rdfs:subClassOf [owl:onProperty R; owl:someValuesFrom Y]``.

    :returns: the number of edges added.
    """
    wanted = set(relations)
    edges = {
        (cls, relation, filler)
        for cls, restriction in graph.subject_objects(RDFS.subClassOf)
        if isinstance(cls, rdflib.URIRef)
        for relation in graph.objects(restriction, OWL.onProperty)
        if relation in wanted
        for filler in graph.objects(restriction, OWL.someValuesFrom)
        if isinstance(filler, rdflib.URIRef)
    }
    added = 0
    for edge in edges:
        if edge not in graph:
            graph.add(edge)
            added += 1
    return added


def merged_graph(external: Iterable[str | Path], reasoner: str = "fast") -> rdflib.Graph:
    """The asserted graph plus ``external`` files, with restriction edges materialised, reasoned.

    :raises RDFSyntaxError: if a file cannot be parsed.
    :raises InconsistencyError: if the union is inconsistent.
    """
    graph = loading.load_asserted()
    for path in external:
        parse_external(path, graph)
    materialise_edges(graph)
    inferred = reasoning.infer(graph, reasoner=reasoner)
    closure = graph + inferred
    reasoning.check_consistent(closure)
    return closure
