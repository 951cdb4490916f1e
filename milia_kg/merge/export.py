"""``milia-kg merge FILE... --out merged.owl|.ttl|.nt``: the merged, reasoned graph as one file.

What ``robot merge`` then ``robot reason`` give an ontology engineer: the packaged graph, the given
ontologies and everything the reasoner adds, in one file, with one ontology header (the project's;
the inputs' headers and ``owl:imports`` are dropped, as ``robot merge`` does without
``--include-annotations``). The union is reasoned on pyoxigraph terms
(:func:`milia_kg.merge.union.merged_triples`, no rdflib graph of the union) and pyoxigraph's
serializer streams it to a temporary file beside ``out``, renamed into place when complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milia_kg import vocab
from milia_kg.errors import StoreError
from milia_kg.reasoner import DEFAULT_REASONER

if TYPE_CHECKING:
    from milia_kg.reasoner.budget import Budget

__all__ = ["EXPORT_SUFFIXES", "export", "is_export"]

#: File suffix -> pyoxigraph RdfFormat name.
EXPORT_SUFFIXES = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".owl": "RDF_XML", ".rdf": "RDF_XML"}
_PROJECT_ONTOLOGY = f"{vocab.MKG}ontology"


def is_export(out: str | Path) -> bool:
    """Whether ``--out`` names a file to export to (by its suffix) rather than a store folder.

    >>> is_export("merged.owl"), is_export("merged-store")
    (True, False)
    """
    return Path(out).suffix.lower() in EXPORT_SUFFIXES


def _one_header(triples: Sequence[tuple[Any, Any, Any]]) -> Iterator[Any]:
    """The triples as pyoxigraph ``Triple`` objects, each once, with only the project's ontology header."""
    import pyoxigraph as ox

    rdf_type, ontology = ox.NamedNode(f"{vocab.RDF}type"), ox.NamedNode(f"{vocab.OWL}Ontology")
    imports, mine = ox.NamedNode(f"{vocab.OWL}imports"), ox.NamedNode(_PROJECT_ONTOLOGY)
    others = {s for s, p, o in triples if p == rdf_type and o == ontology and s != mine}
    seen: set[tuple[Any, Any, Any]] = set()
    for triple in triples:
        s, p, _ = triple
        if s in others or p == imports or triple in seen:
            continue
        seen.add(triple)
        yield ox.Triple(*triple)


def export(files: Sequence[str | Path], out: str | Path, reasoner: str = DEFAULT_REASONER,
           step: Callable[[str], None] | None = None, budget: Budget | None = None) -> int:
    """Write the reasoned merge of the graph and ``files`` to ``out``; return the triples written.

    :raises StoreError: if ``out`` exists (it is never overwritten) or its folder does not.
    :raises RDFSyntaxError: if a file cannot be read or parsed.
    :raises InconsistencyError: if the union is inconsistent.
    :raises MergeSizeError, MergeTimeoutError: past the ``budget`` (:mod:`milia_kg.reasoner.budget`);
        ``out`` is then not written.
    """
    import pyoxigraph as ox

    from milia_kg.formats.terms import TermMap
    from milia_kg.merge.union import merged_graph, merged_triples

    out = Path(out)
    if out.exists():
        raise StoreError(out, "already exists; give a new file name to --out")
    if not out.parent.is_dir():
        raise StoreError(out, f"parent folder {out.parent} does not exist")
    if reasoner == "fast":
        closure, prefixes = merged_triples(files, step=step, budget=budget)
    else:
        graph = merged_graph(files, reasoner=reasoner, step=step, budget=budget)
        convert = TermMap().to_ox
        closure = [(convert(s), convert(p), convert(o)) for s, p, o in graph]
        prefixes = {str(p): str(ns) for p, ns in graph.namespaces() if p}
        del graph
    if step is not None:
        step(f"writing {out.name}")
    closure.sort(key=lambda t: (str(t[0]), str(t[1])))  # a subject's triples together (Turtle, RDF/XML)
    written = 0

    def counted(triples: Iterator[Any]) -> Iterator[Any]:
        nonlocal written
        for triple in triples:
            written += 1
            if budget is not None and not written % 100_000:
                budget.check_time()
            yield triple

    from milia_kg.base import atomic

    with atomic.file_beside(out, shared=True) as stream:  # a product: the mode a new file gets
        fmt = getattr(ox.RdfFormat, EXPORT_SUFFIXES[out.suffix.lower()])
        ox.serialize(counted(_one_header(closure)), stream, fmt, prefixes=prefixes)
    return written
