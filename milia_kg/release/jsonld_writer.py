"""``milia-kg.jsonld``: compact JSON-LD, the same document rdflib's serializer gives, from a list of triples.

Why: rdflib's JSON-LD serializer asks its store for each subject's properties and each object's
``rdf:first`` (16,500 store look-ups on the release) and its text was parsed back only to be sorted.
This module runs rdflib's conversion (``rdflib.plugins.serializers.jsonld.Converter`` with a context
of prefixes only) over dictionaries built once, and sorts the result as the release always has:
nodes by ``@id``, keys, and value arrays (``@list`` arrays keep their order). rdflib's own
``Context`` compacts the IRIs. Should a predicate be a context IRI itself (a term, which this
conversion does not model) or the context be empty, rdflib's serializer writes the document instead.
tests/release/test_writers.py holds the output equal to rdflib's.

>>> from rdflib import Literal, URIRef
>>> ex = "http://example.org/"
>>> print(document([(URIRef(ex + "a"), URIRef(ex + "n"), Literal(2))], {"ex": ex}))
{
  "@context": {
    "ex": "http://example.org/"
  },
  "@graph": [
    {
      "@id": "ex:a",
      "ex:n": 2
    }
  ]
}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring  # json's own string escaper (C)
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, URIRef
from rdflib.plugins.shared.jsonld.context import Context

__all__ = ["document", "normalise"]

#: rdflib's ``PLAIN_LITERAL_TYPES``: literals of these types become JSON numbers, booleans and strings.
_NATIVE = frozenset([XSD.boolean, XSD.integer, XSD.double, XSD.string])
_FIRST, _REST, _LIST, _NIL, _TYPE = RDF.first, RDF.rest, RDF.List, RDF.nil, RDF.type
_IS_NIL, _IS_TYPE = frozenset([_NIL]), frozenset([_TYPE])


def _dumps(value: Any, indent: str = "\n") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` for the JSON values a document holds, the
    same text: with an indent, ``json`` takes its pure-Python encoder, about three times slower."""
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        items = [f"{inner}{encode_basestring(str(k))}: {_dumps(v, inner)}" for k, v in value.items()]
        return "{" + ",".join(items) + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = indent + "  "
        return "[" + ",".join(inner + _dumps(v, inner) for v in value) + indent + "]"
    return json.dumps(value)  # numbers, booleans, null: as json writes them


def normalise(value: object, in_list: bool = False) -> object:
    """Keys sorted, and arrays sorted by their items' JSON, except ``@list`` arrays (an RDF list's order)."""
    if isinstance(value, dict):
        return {k: normalise(v, in_list=(k == "@list")) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [normalise(v) for v in value]
        if in_list:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


class _Converter:
    """rdflib's ``Converter.from_graph`` for a context of prefixes, over prebuilt indexes."""

    def __init__(self, triples: Iterable[tuple[Any, Any, Any]], context: Context) -> None:
        self.context = context
        self.properties: dict[Any, list[tuple[Any, Any]]] = {}
        self.objects: set[Any] = set()
        for s, p, o in triples:
            self.properties.setdefault(s, []).append((p, o))
            self.objects.add(o)
        self.nodes: dict[str, dict[str, Any]] = {}

    def first(self, node: Any) -> Any:
        for p, o in self.properties.get(node, ()):
            if p == _FIRST:
                return o
        return None

    def collection(self, node: Any) -> list[Any] | None:
        """The members of the RDF list ``node``, or ``None`` if it is not a well-formed list."""
        if node not in _IS_NIL and not self.first(node):
            return None
        members: list[Any] = []
        chain = {node}
        while node:
            if node in _IS_NIL:
                return members
            if isinstance(node, URIRef):
                return None
            first = rest = None
            for p, o in self.properties.get(node, ()):
                if not first and p == _FIRST:
                    first = o
                elif not rest and p == _REST:
                    rest = o
                elif p != _TYPE or o != _LIST:
                    return None
            members.append(first)
            node = rest
            if node in chain:
                return None
            chain.add(node)
        return None

    def subject(self, s: Any) -> dict[str, Any] | None:
        node_id: str = self.context.shrink_iri(s) if isinstance(s, URIRef) else s.n3()
        if node_id in self.nodes:
            return None
        node: dict[str, Any] = {self.context.id_key: node_id}
        self.nodes[node_id] = node
        for p, o in self.properties.get(s, ()):
            self.add(p, o, node)
        return node

    def add(self, p: Any, o: Any, s_node: dict[str, Any]) -> None:
        key: str = self.context.to_symbol(p) or str(p)  # never None: an IRI without a prefix is itself
        value: Any = None
        if p in _IS_TYPE:
            if isinstance(o, URIRef):
                value = self.context.to_symbol(o)
            key = self.context.type_key
        if value is None:
            value = self.raw(o)
        found = s_node.get(key)
        if found:  # as rdflib: a falsy first value (0, "", false) is replaced, not joined
            if not isinstance(found, list):
                found = [found]
            found.append(value)
            value = found
        s_node[key] = value

    def raw(self, o: Any) -> Any:
        members = self.collection(o)
        if members is not None:
            return {self.context.list_key: [self.raw(member) for member in members]}
        if isinstance(o, BNode):
            self.subject(o)
            return {self.context.id_key: o.n3()}
        if isinstance(o, URIRef):
            return {self.context.id_key: self.context.shrink_iri(o)}
        native = o.datatype in _NATIVE
        v = o.toPython() if native else str(o)
        if o.datatype:
            if native:
                return v
            return {self.context.type_key: self.context.to_symbol(o.datatype), self.context.value_key: v}
        if o.language and o.language != self.context.language:
            return {self.context.lang_key: o.language, self.context.value_key: v}
        return v

    def convert(self) -> list[dict[str, Any]]:
        for s in self.properties:
            if isinstance(s, URIRef) or (isinstance(s, BNode) and s not in self.objects):
                self.subject(s)
        return list(self.nodes.values())


def _rdflib_nodes(triples: list[tuple[Any, Any, Any]], context: Mapping[str, str]) -> list[Any]:
    """The nodes rdflib's serializer writes (the path for a context its conversion here does not model)."""
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    written = json.loads(graph.serialize(format="json-ld", context=dict(context), auto_compact=True))
    if isinstance(written, list):
        return written
    return written["@graph"] if "@graph" in written else [{k: v for k, v in written.items() if k != "@context"}]


def document(triples: Iterable[tuple[Any, Any, Any]], context: Mapping[str, str]) -> str:
    """The text of the JSON-LD document of ``triples`` with ``context`` (prefix -> namespace) inline."""
    triples = list(triples)
    namespaces = set(context.values())
    if not context or any(str(p) in namespaces for _, p, _ in triples):  # rdflib makes its own context of none
        nodes = _rdflib_nodes(triples, context)
    else:
        nodes = json.loads(json.dumps(_Converter(triples, Context(dict(context))).convert()))  # as rdflib's text
    def key(node: Any) -> tuple[str, str]:
        ident = str(node.get("@id", "")) if isinstance(node, dict) else ""
        return ident, json.dumps(node, sort_keys=True, ensure_ascii=False)

    ordered = sorted((normalise(n) for n in nodes), key=key)
    result = {"@context": dict(sorted(context.items())), "@graph": ordered}
    return _dumps(result) + "\n"
