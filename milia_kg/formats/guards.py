"""Refuse RDF input that would make a parser fetch from the network or expand without end.

* RDF/XML: an entity that refers to other entities ("billion laughs": 759 bytes that
  expand to gigabytes), an external DTD or entity, or a parameter entity is refused; flat
  internal entities, which OBO releases declare for their namespaces, are accepted (they
  expand linearly). expat reads only the prolog (the check stops at the root element), so it
  costs nothing on large files.
* JSON-LD: rdflib fetches a ``@context`` (or ``@import``) given as a URL while parsing;
  a merged file must never make the process a request forger, so any context that is
  not inline is refused.

>>> check_jsonld(b'{"@context": "http://example.org/ctx", "@id": "x"}', "a.jsonld")
Traceback (most recent call last):
...
milia_kg.errors.RDFSyntaxError: a.jsonld: remote JSON-LD context 'http://example.org/ctx' refused (inline the context)
"""

from __future__ import annotations

import json
from typing import Any

from milia_kg.errors import RDFSyntaxError

__all__ = ["check_jsonld", "check_rdfxml"]


#: The longest replacement text an entity declaration may have.
MAX_ENTITY_VALUE = 4096


class _RootReached(Exception):
    """Raised at the root element: the prolog (the only place of a DTD) passed."""


class _Refused(Exception):
    """Raised at a declaration that could expand without end or make a parser fetch."""


def _refuse_external_doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
    if system_id or public_id:
        raise _Refused("XML external DTD refused")


def _check_entity(name: str, parameter: int, value: str | None, base: str | None, system_id: str | None,
                  public_id: str | None, notation: str | None) -> None:
    if value is None or system_id or public_id:
        raise _Refused(f"XML external entity {name!r} refused")
    if parameter:
        raise _Refused(f"XML parameter entity {name!r} refused")
    if "&" in value or "%" in value:
        raise _Refused(f"XML entity {name!r} refers to other entities (possible entity expansion attack)")
    if len(value) > MAX_ENTITY_VALUE:
        raise _Refused(f"XML entity {name!r} is longer than {MAX_ENTITY_VALUE} characters")


def _stop(*_: object) -> None:
    raise _RootReached


def check_rdfxml(data: bytes, display: object) -> None:
    """Refuse external DTDs and entities, and entities that refer to other entities, in ``data``
    (RDF/XML); flat internal entities (``<!ENTITY obo "http://purl.obolibrary.org/obo/">``, as
    OBO releases declare) expand linearly and are accepted.

    :raises RDFSyntaxError: naming ``display``.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_external_doctype
    parser.EntityDeclHandler = _check_entity
    parser.StartElementHandler = _stop
    try:
        parser.Parse(data, True)
    except _RootReached:
        return
    except _Refused as refused:
        raise RDFSyntaxError(display, parser.CurrentLineNumber, str(refused)) from None
    except expat.ExpatError as error:
        raise RDFSyntaxError(display, error.lineno, expat.errors.messages[error.code]) from None


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
