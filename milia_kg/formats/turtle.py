"""Turtle with located syntax errors: a file that is not Turtle becomes an
:class:`~milia_kg.errors.RDFSyntaxError` naming the file and line (pyoxigraph finds the position,
rdflib parses).

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

from milia_kg import vocab
from milia_kg.errors import RDFSyntaxError

__all__ = ["BASE_IRI", "parse_turtle", "parse_turtle_text"]

#: Base IRI for relative references in source files, so that they never depend on where the files lie.
BASE_IRI = vocab.MKG

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
