"""Content negotiation and serialisation for the SPARQL 1.1 Protocol served by :mod:`milia_kg.serve.app`.

Results keep their RDF terms as the store holds them (IRIs, blank nodes, literals with their
datatype or language tag). SPARQL JSON, the default and by far the most asked for, is written here
straight from the engine's cells (:func:`select_json`): building rdflib terms and a
:class:`rdflib.query.Result` for it took two thirds of a query worker's own CPU per request
(issue 22, target 1). rdflib writes SPARQL XML and CSV and the graph formats. TSV is
written here (:func:`tsv_term`): SPARQL 1.1 Query Results CSV and TSV Formats, section 3, encodes
each term as in Turtle/SPARQL, so a literal's tab, newline, carriage return, quote and backslash
are escaped (``\\t``, ``\\n``, ``\\r``, ``\\"``, ``\\\\``) and never break a row; rdflib's own
``n3()`` writes a multi-line literal between triple quotes with its newlines raw, which a TSV
reader splits into rows.

>>> pick("text/csv;q=0.5, application/sparql-results+json", SELECT_TYPES)
'application/sparql-results+json'
>>> pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", SELECT_TYPES)
'application/xml'
>>> pick("image/png", SELECT_TYPES) is None
True
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

import rdflib
from rdflib.query import Result

from milia_kg import vocab

__all__ = [
    "ASK_TYPES",
    "FORMAT_ALIASES",
    "GRAPH_ALIASES",
    "GRAPH_TYPES",
    "SELECT_TYPES",
    "pick",
    "requested_format",
    "select_json",
    "serialize_ask",
    "serialize_graph",
    "serialize_select",
    "tsv_term",
    "warm_up",
]

#: Media types of SELECT results, the first the default; value: the rdflib serializer (or ``tsv``).
SELECT_TYPES: Mapping[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: Media types of an ASK answer (CSV and TSV define none).
ASK_TYPES: Mapping[str, str] = {k: v for k, v in SELECT_TYPES.items() if v in ("json", "xml")}
#: Media types of CONSTRUCT/DESCRIBE graphs; value: the rdflib graph serializer.
GRAPH_TYPES: Mapping[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
#: ``?format=`` short names (for a browser's address bar) -> a media type.
FORMAT_ALIASES: Mapping[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}

#: ``format=``/``output=`` names of graph (CONSTRUCT/DESCRIBE) formats, as SPARQL clients send them
#: (SPARQLWrapper: ``xml``, ``rdf+xml``, ``turtle``, ``n3``, ``json-ld``); N3 is answered in Turtle,
#: which is N3.
GRAPH_ALIASES: Mapping[str, str] = {
    "xml": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
}


def requested_format(values: Sequence[str], offered: Mapping[str, str], aliases: Mapping[str, str]) -> str | None:
    """The offered media type named by the first usable ``format=``/``output=`` value (a short name or
    a media type; a client may send several, SPARQLWrapper sends ``tsv`` and its media type), or
    ``None`` if none names an offered one. Empty values are ignored.

    >>> requested_format(["tsv", "text/tab-separated-values"], SELECT_TYPES, FORMAT_ALIASES)
    'text/tab-separated-values'
    >>> requested_format(["xml"], GRAPH_TYPES, GRAPH_ALIASES), requested_format(["png"], GRAPH_TYPES, GRAPH_ALIASES)
    ('application/rdf+xml', None)
    """
    for value in values:
        name = value.strip().lower()
        media = aliases.get(name, name)
        if media in offered:
            return media
    return None


def _accepted(header: str) -> list[tuple[float, int, str]]:
    """``(q, order, range)`` for each media range of an ``Accept`` header, parameters dropped."""
    ranges = []
    for order, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((q, order, media.lower()))
    return ranges


def pick(accept: str | None, offered: Mapping[str, str]) -> str | None:
    """The offered media type an ``Accept`` header prefers (the first offered for none or ``*/*``),
    or ``None`` if it accepts none of them.

    >>> pick("text/csv;q=0.5, application/sparql-results+json", SELECT_TYPES)
    'application/sparql-results+json'
    """
    types = tuple(offered)
    if accept is not None and len(accept) > _MEMO_ACCEPT:
        return _preferred(accept, types)
    return _remembered(accept, types)


#: ``Accept`` headers up to this long have their choice remembered (:func:`_remembered`).
_MEMO_ACCEPT = 512


@functools.lru_cache(maxsize=256)
def _remembered(accept: str | None, types: tuple[str, ...]) -> str | None:
    """:func:`_preferred`, remembered: a client sends the same ``Accept`` header on every request."""
    return _preferred(accept, types)


def _preferred(accept: str | None, types: tuple[str, ...]) -> str | None:
    """The choice of :func:`pick` among ``types``."""
    if not accept or not accept.strip():
        return types[0]
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for q, order, media in _accepted(accept):
        for rank, offer in enumerate(types):
            major = offer.split("/")[0]
            if media in (offer, "*/*", f"{major}/*"):
                # an exact match beats a wildcard of the same q; then the header's order, then ours
                specific = 0 if media == offer else 1
                key = (-q, specific, order * 100 + rank)
                if best is None or key < best:
                    best, chosen = key, offer
    return chosen


_XSD_STRING = f"{vocab.XSD}string"


def _json_term(cell: Sequence[str]) -> str:
    """One bound cell ``(kind, value[, datatype, language])`` as a SPARQL JSON term object."""
    kind, value = cell[0], encode_basestring(cell[1])
    if kind == "uri":
        return '{"type":"uri","value":' + value + "}"
    if kind == "bnode":
        return '{"type":"bnode","value":' + value + "}"
    datatype, language = cell[2], cell[3]
    if language:
        return '{"type":"literal","value":' + value + ',"xml:lang":' + encode_basestring(language) + "}"
    if datatype in (None, _XSD_STRING):
        return '{"type":"literal","value":' + value + "}"
    return '{"type":"literal","value":' + value + ',"datatype":' + encode_basestring(datatype) + "}"


def select_json(variables: Sequence[str], rows: Iterable[Sequence[Sequence[str] | None]]) -> bytes:
    """SELECT results as SPARQL 1.1 Query Results JSON, from rows of cells as the engine gives them
    (:func:`~milia_kg.query.backends.oxigraph_store.term_cell`; ``None`` unbound, left out of its
    row): a plain literal and an ``xsd:string`` one carry no datatype, a language-tagged one its
    ``xml:lang``, as rdflib writes them. Lexical forms are kept as stored.

    >>> select_json(["s", "label"], [(("uri", "https://w3id.org/milia-kg/Nose"), ("literal", "nose", None, "en")),
    ...                              (("bnode", "b1"), None)]).decode()
    '{"head":{"vars":["s","label"]},"results":{"bindings":[{"s":{"type":"uri","value":"https://w3id.org/milia-kg/Nose"},\
"label":{"type":"literal","value":"nose","xml:lang":"en"}},{"s":{"type":"bnode","value":"b1"}}]}}'
    """
    names = [encode_basestring(v) + ":" for v in variables]
    bindings = ",".join(
        "{" + ",".join(name + _json_term(cell) for name, cell in zip(names, row, strict=True) if cell is not None) + "}"
        for row in rows
    )
    head = json.dumps({"vars": list(variables)}, ensure_ascii=False, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + bindings + "]}}").encode("utf-8")


#: Characters a TSV literal escapes (SPARQL 1.1 CSV/TSV section 3.2; Turtle ECHAR).
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_term(node: rdflib.term.Node | None) -> str:
    r"""One TSV cell: an IRI in ``<>``, a blank node ``_:label``, a literal quoted with its escapes and
    its language tag or datatype; empty when unbound.

    >>> print(tsv_term(rdflib.Literal('a\tb\nc \\ "d"', lang="en")))
    "a\tb\nc \\ \"d\""@en
    >>> tsv_term(rdflib.Literal(2)), tsv_term(rdflib.URIRef("https://w3id.org/milia-kg/Nose")), tsv_term(None)
    ('"2"^^<http://www.w3.org/2001/XMLSchema#integer>', '<https://w3id.org/milia-kg/Nose>', '')
    """
    if node is None:
        return ""
    if isinstance(node, rdflib.Literal):
        quoted = '"' + str(node).translate(_TSV_ESCAPES) + '"'
        if node.language:
            return f"{quoted}@{node.language}"
        if node.datatype is not None and str(node.datatype) != f"{vocab.XSD}string":
            return f"{quoted}^^<{node.datatype}>"
        return quoted
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return f"<{node}>"


def serialize_select(variables: list[str], rows: list[tuple[Any, ...]], fmt: str) -> bytes:
    """SELECT results (rows of rdflib terms or ``None``) as SPARQL JSON, XML, CSV or TSV."""
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    result = Result("SELECT")
    result.vars = [rdflib.Variable(v) for v in variables]
    result.bindings = [
        {rdflib.Variable(v): t for v, t in zip(variables, row, strict=True) if t is not None} for row in rows
    ]
    return result.serialize(format=fmt, encoding="utf-8")  # type: ignore[return-value]  # rdflib: bytes with encoding


def serialize_ask(answer: bool, fmt: str) -> bytes:
    """An ASK answer as SPARQL JSON or XML."""
    result = Result("ASK")
    result.askAnswer = answer
    return result.serialize(format=fmt, encoding="utf-8")  # type: ignore[return-value]  # rdflib: bytes with encoding


def serialize_graph(graph: rdflib.Graph, fmt: str) -> bytes:
    """A CONSTRUCT/DESCRIBE graph as Turtle, N-Triples, JSON-LD or RDF/XML."""
    return graph.serialize(format=fmt, encoding="utf-8")


def warm_up() -> None:
    """Load every serializer plugin once, before requests arrive: rdflib imports its plugins on
    first use, and two threads importing them at once saw half-initialised modules (measured:
    ``AttributeError: partially initialized module 'rdflib'`` under the load test)."""
    for fmt in set(SELECT_TYPES.values()):
        serialize_select(["x"], [(rdflib.Literal(1),)], fmt)
    for fmt in set(ASK_TYPES.values()):
        serialize_ask(True, fmt)
    graph = rdflib.Graph()
    graph.add((rdflib.URIRef("urn:x:s"), rdflib.URIRef("urn:x:p"), rdflib.Literal("o", lang="en")))
    for fmt in GRAPH_TYPES.values():
        serialize_graph(graph, fmt)
