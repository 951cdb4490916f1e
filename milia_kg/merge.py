"""Merge the graph with external ontologies (HPO, UBERON, MONDO... files) and reason over the union.

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

from milia_kg import _files, _rdf_guards, loading, reasoning
from milia_kg.errors import RDFSyntaxError

__all__ = ["MKG", "merged_graph", "parse_external"]

MKG = loading.MKG

_FORMATS = {".ttl": "turtle", ".owl": "xml", ".rdf": "xml", ".xml": "xml", ".nt": "nt", ".jsonld": "json-ld"}


def parse_external(path: str | Path, graph: rdflib.Graph) -> None:
    """Parse one external ontology file into ``graph``; the format follows the file suffix.

    The file is read once, bounded (:func:`milia_kg._files.read_limited`), and checked
    before rdflib sees it: no XML entity declarations or external DTDs, no remote JSON-LD
    contexts (:mod:`milia_kg._rdf_guards`), so parsing never expands without end nor fetches.

    :raises RDFSyntaxError: if the file cannot be read or parsed, or its suffix is unknown.
    :raises InputFileError: if it is not a regular file (after symlinks) or is larger than
        :data:`milia_kg._files.MAX_RDF_FILE_BYTES`.
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RDFSyntaxError(path, None, f"unknown RDF format {path.suffix!r} (use {', '.join(sorted(_FORMATS))})")
    data = _files.read_limited(path, _files.MAX_RDF_FILE_BYTES)
    if fmt == "turtle":
        loading.parse_turtle_text(data, str(path), graph)
        return
    if fmt == "xml":
        _rdf_guards.check_rdfxml(data, path)
    elif fmt == "json-ld":
        _rdf_guards.check_jsonld(data, path)
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except OSError as error:
        raise RDFSyntaxError(path, None, error.strerror or str(error)) from error
    except (SyntaxError, ValueError, rdflib.exceptions.Error) as error:  # type: ignore[attr-defined]
        raise RDFSyntaxError(path, None, str(error).splitlines()[0] if str(error) else type(error).__name__) from error


def merged_graph(external: Iterable[str | Path], reasoner: str = "fast") -> rdflib.Graph:
    """The asserted graph plus the ``external`` files, reasoned (see :func:`milia_kg.reasoning.reason`).

    :raises RDFSyntaxError: if a file cannot be parsed.
    :raises InconsistencyError: if the union is inconsistent.
    """
    graph = loading.load_asserted()
    for path in external:
        parse_external(path, graph)
    return reasoning.reason(graph, reasoner=reasoner).closure
