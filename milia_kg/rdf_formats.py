"""Tell an ontology file's format from its content, not its suffix, and word rdflib's parse errors.

OBO releases are ``.owl`` files in RDF/XML, but so, by name, are OWL/XML exports, and people save
OBO text or OWL functional syntax under ``.owl`` too.  rdflib's RDF/XML parser reads an OWL/XML
file as a few junk triples without complaint, and fails on the others with an uncaught
``SAXParseException``.  :func:`detect` reads the first bytes instead:

* XML whose root is ``rdf:RDF``, or that binds the RDF namespace, is RDF/XML; XML whose root is
  ``Ontology`` in the OWL namespace (and that does not bind RDF) is OWL/XML;
* ``format-version:`` or a ``[Term]``/``[Typedef]``/``[Instance]`` stanza is OBO;
* ``Prefix(`` / ``Ontology(`` is OWL functional syntax, ``Prefix:`` / ``Ontology:`` Manchester;
* a JSON object or array is JSON-LD; any other text is N-Triples (``.nt``) or Turtle (``.ttl``,
  or a suffix of the formats above), since the text alone does not tell them from prose.

Formats that are recognised but not read (OWL/XML, OBO, functional and Manchester syntax) raise
:class:`~milia_kg.errors.UnsupportedFormatError` with a ROBOT command that converts them.

>>> sniff(b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', ".owl")
'RDF/XML'
>>> sniff(b'<Ontology xmlns="http://www.w3.org/2002/07/owl#" ontologyIRI="http://x.org/o"/>', ".owl")
'OWL/XML'
>>> sniff(b"format-version: 1.2\\n", ".owl"), sniff(b"Prefix(:=<http://x.org/>)", ".owl")
('OBO', 'OWL functional syntax')
"""

from __future__ import annotations

import re
import xml.sax
from pathlib import Path

from milia_kg import vocab
from milia_kg.errors import RDFSyntaxError, UnsupportedFormatError

__all__ = ["RDFLIB_PARSERS", "TURTLE_SUFFIXES", "UNSUPPORTED", "detect", "parse_error", "sniff"]

RDF_NS = vocab.RDF
OWL_NS = vocab.OWL

#: The formats that are read, with their rdflib parser.
RDFLIB_PARSERS: dict[str, str] = {"RDF/XML": "xml", "Turtle": "turtle", "N-Triples": "nt", "JSON-LD": "json-ld"}
#: Recognised formats that are not read yet.
UNSUPPORTED: tuple[str, ...] = ("OWL/XML", "OBO", "OWL functional syntax", "OWL Manchester syntax")

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
    if _JSON_START.match(text):
        return "JSON-LD"
    if suffix.lower() == ".nt":
        return "N-Triples"
    return "Turtle" if suffix.lower() in TURTLE_SUFFIXES else "unknown"


def detect(path: Path, data: bytes | None = None) -> str:
    """The rdflib parser for ``path``, told from its first bytes (those of ``data`` if the file
    was read already).

    :raises UnsupportedFormatError: for OWL/XML, OBO, functional or Manchester syntax.
    :raises RDFSyntaxError: if the file cannot be read, is empty, compressed or unknown XML.
    """
    if data is not None:
        head = data[:HEAD_BYTES]
    else:
        try:
            with path.open("rb") as stream:
                head = stream.read(HEAD_BYTES)
        except OSError as error:
            raise RDFSyntaxError(path, None, error.strerror or str(error)) from error
    found = sniff(head, path.suffix)
    if found in UNSUPPORTED:
        target = path.with_suffix(".ttl" if path.suffix != ".ttl" else ".converted.ttl")
        hint = f"convert it to RDF/XML or Turtle first, e.g. with ROBOT: robot convert --input {path} --output {target}"
        raise UnsupportedFormatError(path, found, hint)
    if found == "empty":
        raise RDFSyntaxError(path, None, "empty file, no ontology to merge")
    if found == "gzip":
        raise RDFSyntaxError(path, None, "gzip-compressed; decompress it first (gunzip)")
    if found == "XML":
        raise RDFSyntaxError(path, None, "XML, but neither RDF/XML (rdf:RDF root) nor OWL/XML (owl:Ontology root)")
    if found == "unknown":
        raise RDFSyntaxError(path, None, f"unknown RDF format {path.suffix!r}: not XML, JSON-LD, OBO or OWL syntax "
                             "by content; name Turtle .ttl and N-Triples .nt")
    return RDFLIB_PARSERS[found]


def parse_error(path: Path, fmt: str, error: Exception) -> RDFSyntaxError:
    """Word an rdflib parser's ``error`` on ``path`` as one line naming the file and, if known, the line."""
    if isinstance(error, xml.sax.SAXParseException):
        return RDFSyntaxError(path, error.getLineNumber(), f"not well-formed RDF/XML ({error.getMessage()})")
    text = " ".join(str(error).split()) or type(error).__name__
    located = _RDFLIB_LOCATION.match(text)
    if located:
        return RDFSyntaxError(path, int(located.group(1)), text[located.end():])
    name = next((k for k, v in RDFLIB_PARSERS.items() if v == fmt), fmt)
    return RDFSyntaxError(path, None, f"not valid {name}: {text}")
