"""Parse the Turtle sources into the asserted graph, and reason over it.

The asserted graph is the union of every Turtle file of ``ontology/`` (the
shapes excepted), ``ontology/imports/`` and ``data/``.  A syntax error in any of
them becomes an :class:`~milia_kg.errors.RDFSyntaxError` naming the file and
line.

>>> g = parse_turtle_text('@prefix mkg: <https://w3id.org/milia-kg/> . mkg:A a mkg:B .', "x.ttl")
>>> len(g)
1
>>> parse_turtle_text('mkg:A a mkg:B .', "x.ttl")
Traceback (most recent call last):
...
milia_kg.errors.RDFSyntaxError: x.ttl:1: Bad syntax (Prefix "mkg:" not bound); ... (column 1)
"""

from __future__ import annotations

import re
from importlib.resources.abc import Traversable
from pathlib import Path

import rdflib
from rdflib.plugins.parsers.notation3 import BadSyntax

from milia_kg import _resources, vocab
from milia_kg.errors import RDFSyntaxError
from milia_kg.reasoner import DEFAULT_REASONER

__all__ = [
    "ASSERTED_GRAPH",
    "BASE_IRI",
    "INFERRED_GRAPH",
    "MKG",
    "load_asserted",
    "load_dataset",
    "make_dataset",
    "parse_turtle",
    "parse_turtle_text",
]

#: The project namespace.
MKG = rdflib.Namespace(vocab.MKG)
#: Base IRI for relative references in source files, so that they never depend on where the files lie.
BASE_IRI = str(MKG)
#: Named graph of the asserted triples in :func:`load_dataset`.
ASSERTED_GRAPH = rdflib.URIRef(vocab.ASSERTED_GRAPH)
#: Named graph of the inferred triples in :func:`load_dataset`.
INFERRED_GRAPH = rdflib.URIRef(vocab.INFERRED_GRAPH)

_LINE = re.compile(r"at line (\d+)")
_OX_LOCATION = re.compile(r"^Parser error (?:at|between) line \d+[^:]*: ")
_OX_LINE_SUFFIX = re.compile(r"\s*\(line \d+\)$")


def _oxigraph_error(data: bytes) -> tuple[int, str] | None:
    """Ask pyoxigraph where ``data`` stops being Turtle: ``(line, message)``, or ``None``.

    rdflib's Turtle parser reports a wrong line at the end of a file and raises bare
    ``IndexError`` on some truncated input; oxigraph's errors carry a precise position.
    """
    import pyoxigraph

    try:
        for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE, base_iri=BASE_IRI):
            pass
    except SyntaxError as error:
        message = _OX_LINE_SUFFIX.sub("", _OX_LOCATION.sub("", str(error)))
        column = f" (column {error.offset})" if error.offset else ""
        return (error.lineno or 1), f"{message}{column}"
    return None


def _syntax_error(display: str, data: bytes, error: Exception) -> RDFSyntaxError:
    located = _oxigraph_error(data)
    if located is not None:
        line, message = located
        why = f"Bad syntax ({error._why}); " if isinstance(error, BadSyntax) else ""
        return RDFSyntaxError(display, line, f"{why}{message}")
    if isinstance(error, BadSyntax):
        found = _LINE.search(str(error))
        return RDFSyntaxError(display, int(found.group(1)) if found else None, f"Bad syntax ({error._why})")
    text = str(error) or type(error).__name__
    found = _LINE.search(text)
    return RDFSyntaxError(display, int(found.group(1)) if found else None, text.splitlines()[0])


def parse_turtle_text(text: str | bytes, display: str, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Parse Turtle ``text`` into ``graph`` (a new graph if ``None``).

    :param display: the file name to show in an error message.
    :raises RDFSyntaxError: if ``text`` is not valid Turtle.
    """
    graph = rdflib.Graph() if graph is None else graph
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        graph.parse(data=data, format="turtle", publicID=BASE_IRI)
    except Exception as error:
        raise _syntax_error(display, data, error) from error
    return graph


def parse_turtle(source: Traversable | Path, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Parse the Turtle file ``source`` into ``graph`` (a new graph if ``None``).

    :raises RDFSyntaxError: if the file is not valid Turtle (message ``FILE:LINE: reason``)
        or cannot be read.
    """
    try:
        data = source.read_bytes()
    except OSError as error:
        raise RDFSyntaxError(source, None, error.strerror or str(error)) from error
    return parse_turtle_text(data, str(source), graph)


def load_asserted(
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    *,
    mappings: bool = True,
) -> rdflib.Graph:
    """Parse every ontology, import and data Turtle file into one graph.

    :param ontology_dir: a folder to use instead of the packaged ``ontology/``.
    :param data_dir: a folder to use instead of the packaged ``data/``.
    :param mappings: add the SKOS triples of ``data/mappings.sssom.tsv`` (see :mod:`milia_kg.mappings`).
    :raises RDFSyntaxError: if a file is not valid Turtle.
    :raises MappingError: if the mapping set has a bad row.
    :raises MiliaKGError: if a folder does not exist.

    >>> g = load_asserted()
    >>> (MKG.Condition, rdflib.RDF.type, rdflib.OWL.Class) in g
    True
    """
    graph = rdflib.Graph(bind_namespaces="core")
    graph.bind("mkg", MKG)
    for source in (*_resources.ontology_files(ontology_dir), *_resources.data_files(data_dir)):
        parse_turtle(source, graph)
    sssom = _resources.mappings_file(data_dir) if mappings else None
    if sssom is not None:
        from milia_kg import mappings as sssom_mappings

        sssom_mappings.add_to_graph(sssom_mappings.read_sssom(sssom), graph)
    return graph


def make_dataset(asserted: rdflib.Graph, inferred: rdflib.Graph) -> rdflib.Dataset:
    """Put ``asserted`` and ``inferred`` into the named graphs :data:`ASSERTED_GRAPH` and
    :data:`INFERRED_GRAPH` of a new dataset whose default graph is their union."""
    dataset = rdflib.Dataset(default_union=True)
    for prefix, namespace in asserted.namespaces():
        dataset.bind(prefix, namespace, override=False)
    for name, graph in ((ASSERTED_GRAPH, asserted), (INFERRED_GRAPH, inferred)):
        target = dataset.graph(name)
        for triple in graph:
            target.add(triple)
    return dataset


def load_dataset(
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    reasoner: str = DEFAULT_REASONER,
) -> rdflib.Dataset:
    """Load the asserted graph, reason over it (:func:`milia_kg.pipeline.run`, no validation),
    and return both as named graphs.

    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises InconsistencyError: if the reasoned graph is inconsistent.
    """
    from milia_kg import pipeline

    result = pipeline.run(ontology_dir, data_dir, reasoner=reasoner, validate=False)
    return make_dataset(result.asserted, result.inferred)
