"""The asserted triples of a merge, as pyoxigraph terms: the packaged sources', then each file's.

Why its own module: the packaged sources' triples and the merge's CURIE prefixes are kept in the
cache (:func:`milia_kg.release.cache.source_file`), so a merge of OBO files, which fastobo reads
straight into pyoxigraph terms (:func:`milia_kg.formats.read.read_oxigraph`), neither imports rdflib
(0.11 s of a first ``--merge hp.obo``) nor parses the sources (0.08 s). The other formats are read
with rdflib, as :func:`milia_kg.merge.union.merged_graph` reads them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from milia_kg.base import files
from milia_kg.formats import read
from milia_kg.formats.hpoa_table import is_hpoa
from milia_kg.release import cache

if TYPE_CHECKING:
    import rdflib

    from milia_kg.reasoner.budget import Budget

__all__ = ["merged_asserted"]


def merged_asserted(external: Iterable[str | Path], step: Callable[[str], None] | None = None,
                    budget: Budget | None = None, sink: Callable[[list[tuple[Any, Any, Any]]], object] | None = None,
                    ) -> tuple[list[tuple[Any, Any, Any]], dict[str, str]]:
    """The asserted triples of :func:`milia_kg.merge.union.merged_triples` (the packaged sources',
    then each file's), and the CURIE prefixes the merged graph binds; ``step("reasoning")`` is
    called last, as the reasoning is next. ``sink`` is handed every triple too, as soon as read: a
    kept store loads the packaged ones and an OBO file's first frames while the file is parsed.

    :raises RDFSyntaxError: if a file cannot be parsed.
    :raises MergeTimeoutError: past the ``budget``'s deadline.
    """
    from milia_kg.formats.obo import PREFIXES

    kept = _packaged()
    triples = [(t.subject, t.predicate, t.object)
               for t in ox.parse(kept["ntriples"].encode(), format=ox.RdfFormat.N_TRIPLES)]
    if sink is not None:
        sink(triples)
    bound_by_file: list[dict[str, str]] = []
    for path in external:
        if budget is not None:
            budget.check_time()
        if step is not None:
            step(f"parsing {Path(path).name}")
        if is_hpoa(Path(path)):
            found, bound = _hpoa(Path(path))
            if sink is not None:
                sink(found)
        else:
            found, bound = read.read_oxigraph(path, sink)
        triples.extend(found)
        bound_by_file.append(bound)
    if step is not None:
        step("reasoning")
    if not bound_by_file:
        prefixes = kept["prefixes"]
    elif all(bound == PREFIXES for bound in bound_by_file):  # OBO files only: known without rdflib
        prefixes = kept["obo_prefixes"]
    else:
        prefixes = _merged_prefixes(_sources_graph(), bound_by_file)
    if budget is not None:
        budget.check_time()
    return triples, prefixes


def _hpoa(path: Path) -> tuple[list[tuple[Any, Any, Any]], dict[str, str]]:
    """An HPO annotation table's triples as pyoxigraph terms, and the prefixes it binds."""
    import rdflib

    from milia_kg.formats import hpoa
    from milia_kg.formats.terms import TermMap

    graph = rdflib.Graph()
    hpoa.parse_hpoa(path, graph)
    convert = TermMap().to_ox
    return [(convert(s), convert(p), convert(o)) for s, p, o in graph], {str(p): str(n) for p, n in graph.namespaces()}


def _packaged() -> dict[str, Any]:
    """The kept record of the packaged sources: their asserted triples as N-Triples, and the merged
    graph's prefixes with no file bound and with an OBO file's (built once per state of the sources)."""
    path = cache.source_file("asserted", "json", _build_packaged)
    return dict(json.loads(files.read_owned(path, files.MAX_RDF_FILE_BYTES)))


def _build_packaged() -> bytes:
    from milia_kg.formats.obo import PREFIXES
    from milia_kg.formats.terms import TermMap

    graph = _sources_graph()
    convert = TermMap().to_ox
    ntriples = "".join(f"{convert(s)} {convert(p)} {convert(o)} .\n" for s, p, o in graph)  # pyoxigraph's own N-Triples
    record = {"ntriples": ntriples, "prefixes": _merged_prefixes(graph, []),
              "obo_prefixes": _merged_prefixes(graph, [PREFIXES])}
    return json.dumps(record, sort_keys=True).encode()


def _sources_graph() -> rdflib.Graph:
    from milia_kg.release import pipeline

    return pipeline.load_sources(validate=False)[0]


def _merged_prefixes(asserted: rdflib.Graph, bound_by_file: list[dict[str, str]]) -> dict[str, str]:
    """The CURIE prefixes of the union, as :func:`milia_kg.release.pipeline.run` binds an extra
    graph's (never overriding the sources'; into ``asserted``), then as the merged graph's closure
    binds them: rdflib's defaults first."""
    import rdflib

    for bound in bound_by_file:
        for prefix, namespace in bound.items():
            asserted.bind(prefix, namespace, override=False)
    bindings = rdflib.Graph()
    for prefix, namespace in asserted.namespaces():
        bindings.bind(prefix, namespace)
    return {str(p): str(n) for p, n in bindings.namespaces() if p}
