"""Refuse RDF input that would make a parser fetch from the network or expand without end.

* RDF/XML: a DTD that declares entities ("billion laughs": 759 bytes that expand to
  gigabytes) or names an external DTD is refused. :mod:`defusedxml` reads only the
  prolog (it stops at the root element), so the check costs nothing on large files.
* JSON-LD: rdflib fetches a ``@context`` (or ``@import``) given as a URL while parsing;
  a merged file must never make the process a request forger, so any context that is
  not inline is refused.

>>> check_jsonld(b'{"@context": "http://example.org/ctx", "@id": "x"}', "a.jsonld")
Traceback (most recent call last):
...
milia_kg.errors.RDFSyntaxError: a.jsonld: remote JSON-LD context 'http://example.org/ctx' refused (inline the context)
"""

from __future__ import annotations

import io
import json
import xml.sax
import xml.sax.handler
from typing import Any

from milia_kg.errors import RDFSyntaxError

__all__ = ["check_jsonld", "check_rdfxml"]


class _RootReached(Exception):
    """Raised at the root element: the prolog (the only place of a DTD) passed."""


class _ExternalDTD(Exception):
    """Raised at a ``<!DOCTYPE ... SYSTEM/PUBLIC ...>``: an external DTD a parser might fetch."""


class _DoctypeHandler(xml.sax.handler.LexicalHandler):
    def startDTD(self, name: str, public_id: str | None, system_id: str | None) -> None:  # noqa: N802
        if public_id or system_id:
            raise _ExternalDTD


class _StopAtRoot(xml.sax.handler.ContentHandler):
    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - SAX naming
        raise _RootReached

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:  # noqa: N802
        raise _RootReached


def check_rdfxml(data: bytes, display: object) -> None:
    """Refuse entity declarations and external DTDs in ``data`` (RDF/XML).

    :raises RDFSyntaxError: naming ``display``.
    """
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.expatreader import create_parser

    parser = create_parser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(_StopAtRoot())
    parser.setProperty(xml.sax.handler.property_lexical_handler, _DoctypeHandler())
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except _RootReached:
        return
    except (EntitiesForbidden, DTDForbidden):
        raise RDFSyntaxError(display, None, "XML entity declarations are not accepted (possible entity expansion attack)") from None
    except (ExternalReferenceForbidden, _ExternalDTD):
        raise RDFSyntaxError(display, None, "XML external DTD or entity refused") from None
    except xml.sax.SAXParseException as error:
        raise RDFSyntaxError(display, error.getLineNumber(), error.getMessage()) from None


def check_jsonld(data: bytes, display: object) -> None:
    """Refuse a JSON-LD document with a context that is not inline (a URL, or ``@import``).

    :raises RDFSyntaxError: naming ``display`` and the refused reference.
    """
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise RDFSyntaxError(display, getattr(error, "lineno", None), f"not JSON ({error})") from None
    _no_remote_context(document, display)


def _no_remote_context(node: Any, display: object) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "@context":
                    for context in value if isinstance(value, list) else [value]:
                        if isinstance(context, str):
                            raise RDFSyntaxError(
                                display, None, f"remote JSON-LD context {context[:200]!r} refused (inline the context)"
                            )
                elif key == "@import" and isinstance(value, str):
                    raise RDFSyntaxError(display, None, f"remote JSON-LD context {value[:200]!r} refused (@import)")
                stack.append(value)
