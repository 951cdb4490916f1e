"""Read one external ontology file, in any format of :data:`milia_kg.formats.sniff.READABLE`, into RDF.

Each format goes to a maintained parser: rdflib for RDF/XML, Turtle, N-Triples and JSON-LD;
fastobo for OBO 1.4 and OBO Graphs JSON (then :mod:`milia_kg.formats.obo` applies the OBO-to-OWL
mapping); py-horned-owl for OWL/XML and OWL functional syntax (it writes the ontology back as
RDF/XML, which rdflib reads).
The format is told from the content (:func:`milia_kg.formats.sniff.read_source`), gzip included;
XML and JSON-LD are checked first (:mod:`milia_kg.formats.guards`: no entity expansion, no external
DTD, no remote context), so reading never expands without end nor fetches.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milia_kg.errors import RDFSyntaxError
from milia_kg.formats import guards, sniff

if TYPE_CHECKING:  # rdflib only for the formats it reads: OBO goes from fastobo to pyoxigraph
    import rdflib

__all__ = ["read", "read_oxigraph"]

_OBO_FORMATS = ("OBO", "OBO Graphs JSON")
#: What fastobo raises on a bad document: SyntaxError, and ValueError, TypeError or OSError for
#: bytes that are no OBO graph or no UTF-8.
_FASTOBO_ERRORS = (SyntaxError, ValueError, TypeError, OSError)


class _FastoboDocument:
    """An OBO file as fastobo reads it: its header, then its frames as they are parsed
    (:func:`fastobo.iter` on other threads) or, for OBO Graphs JSON, from the loaded document;
    fastobo's errors, at any frame, become :class:`RDFSyntaxError`."""

    def __init__(self, path: Path, fmt: str, data: bytes) -> None:
        import fastobo

        self.path, self.fmt = path, fmt
        try:
            if fmt == "OBO":
                self._frames = fastobo.iter(io.BytesIO(data))
                self.header = self._frames.header()
            else:
                doc = fastobo.load_graph(io.BytesIO(data))
                self._frames, self.header = iter(doc), doc.header
        except _FASTOBO_ERRORS as error:
            raise self._error(error) from error

    def _error(self, error: Exception) -> RDFSyntaxError:
        if isinstance(error, SyntaxError):
            return RDFSyntaxError(self.path, error.lineno, f"not valid {self.fmt}: {' '.join(str(error.msg).split())}")
        return RDFSyntaxError(self.path, None, f"not valid {self.fmt}: {' '.join(str(error).split())}")

    def __iter__(self) -> Iterator[Any]:
        frames = self._frames
        while True:
            try:
                frame = next(frames, None)
            except _FASTOBO_ERRORS as error:
                raise self._error(error) from error
            if frame is None:
                return
            yield frame


def _obo(path: Path, fmt: str, data: bytes, graph: rdflib.Graph) -> None:
    from milia_kg.formats.obo import translate

    translate(_FastoboDocument(path, fmt, data), graph)


def read_oxigraph(path: str | Path, sink: Callable[[list[tuple[Any, Any, Any]]], object] | None = None,
                  ) -> tuple[list[tuple[Any, Any, Any]], dict[str, str]]:
    """The triples of the ontology file ``path`` as pyoxigraph terms, and the prefixes it binds;
    ``sink`` is handed the triples too (a chunk at a time as an OBO file is translated, all at once
    for the other formats), never a triple the returned list lacks.

    OBO goes from fastobo straight to pyoxigraph terms (:func:`milia_kg.formats.obo.translate_oxigraph`);
    the other formats are read by :func:`read` and copied over.

    :raises UnsupportedFormatError: for OWL Manchester syntax.
    :raises RDFSyntaxError: as :func:`read`.
    """
    from milia_kg.formats.obo import PREFIXES, translate_oxigraph

    path = Path(path)
    fmt, data = sniff.read_source(path)
    if fmt in _OBO_FORMATS:
        return translate_oxigraph(_FastoboDocument(path, fmt, data), sink), dict(PREFIXES)
    import rdflib

    from milia_kg.formats.terms import TermMap

    graph = rdflib.Graph()
    _read_data(path, fmt, data, graph)
    convert = TermMap().to_ox
    triples = [(convert(s), convert(p), convert(o)) for s, p, o in graph]
    if sink is not None:
        sink(triples)
    return triples, {str(p): str(n) for p, n in graph.namespaces()}


def _horned(path: Path, fmt: str, data: bytes) -> bytes:
    """OWL/XML or functional syntax rewritten as RDF/XML by py-horned-owl."""
    import pyhornedowl

    try:
        ontology = pyhornedowl.open_ontology_from_string(data.decode("utf-8"), sniff.HORNED_PARSERS[fmt])
        return ontology.save_to_string("owl").encode("utf-8")
    except (ValueError, UnicodeDecodeError) as error:
        reason = " ".join(str(error).split())[:300]
        raise RDFSyntaxError(path, None, f"not valid {fmt}: {reason}") from error


def read(path: str | Path, graph: rdflib.Graph) -> str:
    """Parse the ontology file ``path`` into ``graph``; return the format it was read as.

    :raises UnsupportedFormatError: for OWL Manchester syntax.
    :raises RDFSyntaxError: if the file is missing, empty, in no known format or cannot be parsed
        (naming the line if known).
    """
    path = Path(path)
    fmt, data = sniff.read_source(path)
    _read_data(path, fmt, data, graph)
    return fmt


def _read_data(path: Path, fmt: str, data: bytes, graph: rdflib.Graph) -> str:
    """Parse ``data``, the content of ``path`` in format ``fmt``, into ``graph``."""
    if fmt in _OBO_FORMATS:
        _obo(path, fmt, data, graph)
        return fmt
    if fmt == "Turtle":
        from milia_kg.formats import turtle

        turtle.parse_turtle_text(data, str(path), graph)
        return fmt
    if fmt in ("RDF/XML", "OWL/XML"):  # before any XML parser expands or fetches anything
        guards.check_rdfxml(data, path)
    elif fmt == "JSON-LD":
        guards.check_jsonld(data, path)
    if fmt in sniff.HORNED_PARSERS:
        data = _horned(path, fmt, data)
    parser = sniff.RDFLIB_PARSERS["RDF/XML" if fmt in sniff.HORNED_PARSERS else fmt]
    try:
        graph.parse(data=data, format=parser, publicID=path.resolve().as_uri())
    except Exception as error:
        raise sniff.parse_error(path, parser, error) from error
    return fmt
