"""Tell an ontology file's format from its content, not its suffix, and word rdflib's parse errors.

OBO releases are ``.owl`` files in RDF/XML, but so, by name, are OWL/XML exports, and people save
OBO text or OWL functional syntax under ``.owl`` too.  rdflib's RDF/XML parser reads an OWL/XML
file as a few junk triples without complaint, and fails on the others with an uncaught
``SAXParseException``.  :func:`detect` reads the first bytes instead:

* XML whose root is ``rdf:RDF``, or that binds the RDF namespace, is RDF/XML; XML whose root is
  ``Ontology`` in the OWL namespace (and that does not bind RDF) is OWL/XML;
* ``format-version:`` or a ``[Term]``/``[Typedef]``/``[Instance]`` stanza is OBO;
* ``Prefix(`` / ``Ontology(`` is OWL functional syntax, ``Prefix:`` / ``Ontology:`` Manchester;
* a JSON object whose first key is ``"graphs"`` is OBO Graphs JSON (ROBOT and the OBO releases
  write that key first), any other JSON object or array is JSON-LD; any other text is N-Triples
  (``.nt``) or Turtle (``.ttl``, or a suffix of the formats above), since the text alone does not
  tell them from prose;
* gzip is told by its magic bytes; the decompressed head is sniffed the same way (the ``.gz``
  suffix aside).

The one format that is recognised but not read (Manchester syntax: no maintained Python reader)
raises :class:`~milia_kg.errors.UnsupportedFormatError` with a ROBOT command that converts it.

>>> sniff(b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', ".owl")
'RDF/XML'
>>> sniff(b'<Ontology xmlns="http://www.w3.org/2002/07/owl#" ontologyIRI="http://x.org/o"/>', ".owl")
'OWL/XML'
>>> sniff(b"format-version: 1.2\\n", ".owl"), sniff(b"Prefix(:=<http://x.org/>)", ".owl")
('OBO', 'OWL functional syntax')
>>> sniff(b'{ "graphs" : [ { "id" : "http://purl.obolibrary.org/obo/hp.json" } ] }', ".json")
'OBO Graphs JSON'
"""

from __future__ import annotations

import re
import xml.sax
import zlib
from pathlib import Path
from typing import Literal

from milia_kg import vocab
from milia_kg.base import files
from milia_kg.errors import InputFileError, RDFSyntaxError, UnsupportedFormatError

__all__ = [
    "HORNED_PARSERS",
    "RDFLIB_PARSERS",
    "READABLE",
    "TURTLE_SUFFIXES",
    "UNSUPPORTED",
    "detect",
    "parse_error",
    "read_source",
    "sniff",
]

RDF_NS = vocab.RDF
OWL_NS = vocab.OWL

#: The formats that are read, with their rdflib parser.
RDFLIB_PARSERS: dict[str, str] = {"RDF/XML": "xml", "Turtle": "turtle", "N-Triples": "nt", "JSON-LD": "json-ld"}
#: py-horned-owl's name of the OWL syntaxes it reads (and rewrites as RDF/XML for rdflib).
HORNED_PARSERS: dict[str, Literal["owx", "ofn"]] = {"OWL/XML": "owx", "OWL functional syntax": "ofn"}
#: Every format that is read: rdflib's, fastobo's (OBO) and py-horned-owl's.
READABLE: tuple[str, ...] = (*RDFLIB_PARSERS, "OBO", "OBO Graphs JSON", *HORNED_PARSERS)
#: Recognised formats that are not read.
UNSUPPORTED: tuple[str, ...] = ("OWL Manchester syntax",)

#: Suffixes under which text that is not recognised otherwise is read as Turtle.
TURTLE_SUFFIXES: tuple[str, ...] = (".ttl", ".owl", ".rdf", ".xml", ".n3", ".jsonld")

#: How much of a file is read to tell its format (an XML prolog with a long DOCTYPE fits).
HEAD_BYTES = 65536

_XML_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.S)
_XML_ROOT = re.compile(r"<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)([^>]*)>?", re.S)
_ENTITY = re.compile(r"""<!ENTITY\s+([\w.-]+)\s+["']([^"']*)["']""")
_OBO = re.compile(r"\A(?:format-version|data-version|ontology):|^\[(?:Term|Typedef|Instance)\]\s*$", re.M)
_XML_START = re.compile(r"<(?:\?xml|!--|!DOCTYPE|[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?[\s/>])")  # not <http://...>
_JSON_START = re.compile(r"\{|\[\s*[{\]]")
_OBO_GRAPHS = re.compile(r'\{\s*"graphs"\s*:\s*\[')
_FUNCTIONAL = re.compile(r"\A(?:#[^\n]*\n|\s)*(?:Prefix|Ontology)\s*\(")
_MANCHESTER = re.compile(r"\A(?:#[^\n]*\n|\s)*(?:Prefix|Ontology):")
_RDFLIB_LOCATION = re.compile(r"^\S*?:(\d+):(\d+): ")  # "file:///x.owl:4:50: message"
_GZIP = b"\x1f\x8b"


def _xml_root(text: str) -> tuple[str, str | None, str]:
    """The root element's local name, its namespace (``None`` if unbound) and its attributes."""
    entities = dict(_ENTITY.findall(text))
    prolog = _XML_PROLOG.match(text)
    while prolog and prolog.end():
        text = text[prolog.end():]
        prolog = _XML_PROLOG.match(text)
    root = _XML_ROOT.match(text.lstrip())
    if root is None:
        return "", None, ""
    prefix, local, attributes = root.groups()
    attributes = re.sub(r"&([\w.-]+);", lambda m: entities.get(m.group(1), m.group(0)), attributes)
    name = f"xmlns:{prefix}" if prefix else "xmlns"
    declared = re.search(rf"""(?:^|\s){re.escape(name)}\s*=\s*["']([^"']*)["']""", attributes)
    return local, declared.group(1) if declared else None, attributes


def sniff(head: bytes, suffix: str = "") -> str:
    """The format of a file that starts with ``head``: a key of :data:`RDFLIB_PARSERS`, a member of
    :data:`UNSUPPORTED`, ``"empty"``, ``"gzip"``, ``"XML"`` for XML that is neither RDF nor OWL/XML,
    or ``"unknown"`` for other text under a suffix that is not an RDF one.

    :param suffix: the file's suffix; it only tells N-Triples (``.nt``) from Turtle from unknown text.
    """
    if head.startswith(_GZIP):
        return "gzip"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text:
        return "empty"
    if _XML_START.match(text):
        local, namespace, attributes = _xml_root(text)
        if local == "Ontology" and namespace == OWL_NS and RDF_NS not in attributes:
            return "OWL/XML"
        if (local == "RDF" and namespace == RDF_NS) or RDF_NS in attributes:
            return "RDF/XML"
        return "XML"
    if _OBO.search(text):
        return "OBO"
    if _FUNCTIONAL.match(text):
        return "OWL functional syntax"
    if _MANCHESTER.match(text):
        return "OWL Manchester syntax"
    if _OBO_GRAPHS.match(text):
        return "OBO Graphs JSON"
    if _JSON_START.match(text):
        return "JSON-LD"
    if suffix.lower() == ".nt":
        return "N-Triples"
    return "Turtle" if suffix.lower() in TURTLE_SUFFIXES else "unknown"


def _refuse(path: Path, found: str, suffix: str) -> None:
    """Raise the one-line error for a format in none of :data:`READABLE`."""
    if found in UNSUPPORTED:
        target = path.with_suffix(".ttl" if path.suffix != ".ttl" else ".converted.ttl")
        hint = f"convert it to RDF/XML or Turtle first, e.g. with ROBOT: robot convert --input {path} --output {target}"
        raise UnsupportedFormatError(path, found, hint)
    if found == "empty":
        raise RDFSyntaxError(path, None, "empty file, no ontology to merge")
    if found == "gzip":
        raise RDFSyntaxError(path, None, "gzip-compressed twice; decompress it first (gunzip)")
    if found == "XML":
        raise RDFSyntaxError(path, None, "XML, but neither RDF/XML (rdf:RDF root) nor OWL/XML (owl:Ontology root)")
    if found == "unknown":
        raise RDFSyntaxError(path, None, f"unknown RDF format {suffix!r}: not XML, JSON, OBO or OWL syntax "
                             "by content; name Turtle .ttl and N-Triples .nt")


def _gunzip(path: Path, data: bytes, limit: int) -> bytes:
    """``data`` decompressed, every member of it, refused past ``limit`` bytes in all (a small gzip
    bomb must not fill memory).

    Why every member: bgzip and ``cat a.gz b.gz`` write several, and reading only the first one
    answered with part of the file and no error. NUL padding after the last member is skipped, as
    gzip(1) does; anything else after it is refused.

    :raises InputFileError: if the content is larger than ``limit``.
    :raises RDFSyntaxError: if it is not readable gzip or has bytes after the gzip stream.
    """
    out = bytearray()
    rest, member = data, 0
    while True:
        member += 1
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, limit + 1 - len(out))
        except zlib.error as error:
            raise RDFSyntaxError(path, None, f"gzip-compressed but not readable (member {member}): "
                                 f"{error}") from error
        if len(out) > limit:
            raise InputFileError(path, f"larger than {limit} bytes once decompressed")
        if not inflater.eof:
            raise RDFSyntaxError(path, None, "gzip-compressed but not readable: the stream is truncated")
        rest = inflater.unused_data
        if not rest.strip(b"\0"):
            return bytes(out)
        if not rest.startswith(_GZIP):
            offset = len(data) - len(rest)
            raise RDFSyntaxError(path, None, f"gzip-compressed but {len(rest)} bytes of something else "
                                 f"follow the gzip stream (at byte {offset})")


def read_source(path: Path) -> tuple[str, bytes]:
    """The format of ``path`` (a member of :data:`READABLE`, told from its content) and its bytes,
    decompressed if the file is gzip-compressed.

    The file is read bounded (:func:`milia_kg.base.files.read_limited`: a regular file, at most
    :data:`milia_kg.base.files.MAX_RDF_FILE_BYTES`, also once decompressed).

    :raises UnsupportedFormatError: for OWL Manchester syntax.
    :raises RDFSyntaxError: if the file cannot be read or decompressed, is empty or unknown XML.
    :raises InputFileError: if it is not a regular file or is too large.
    """
    data = files.read_limited(path, files.MAX_RDF_FILE_BYTES)
    suffix = path.suffix
    if data.startswith(_GZIP):
        data = _gunzip(path, data, files.MAX_RDF_FILE_BYTES)
        suffix = Path(path.stem).suffix
    found = sniff(data[:HEAD_BYTES], suffix)
    _refuse(path, found, suffix)
    return found, data


def detect(path: Path) -> str:
    """The format of ``path`` (see :func:`read_source`).

    :raises UnsupportedFormatError: for OWL Manchester syntax.
    :raises RDFSyntaxError: if the file cannot be read, is empty or unknown XML.
    """
    return read_source(path)[0]


def parse_error(path: Path, fmt: str, error: Exception) -> RDFSyntaxError:
    """Word an rdflib parser's ``error`` on ``path`` as one line naming the file and, if known, the line."""
    if isinstance(error, xml.sax.SAXParseException):
        return RDFSyntaxError(path, error.getLineNumber(), f"not well-formed RDF/XML ({error.getMessage()})")
    text = " ".join(str(error).split()) or type(error).__name__
    located = _RDFLIB_LOCATION.match(text)
    if located:
        return RDFSyntaxError(path, int(located.group(1)), text[located.end():])
    name = next((k for k, v in RDFLIB_PARSERS.items() if v == fmt), fmt)
    line = getattr(error, "lineno", None) if isinstance(error, SyntaxError) else None
    return RDFSyntaxError(path, line, f"not valid {name}: {text}")
