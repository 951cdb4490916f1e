"""Turtle written byte for byte as rdflib's ``TurtleSerializer`` writes it, from a list of triples.

Why: rdflib's serializer asks its store for every subject's properties, every list cell and every
name it shortens (``store.triples``, ``store.value``, ``compute_qname``); on the release's
4,400 triples the three Turtle files took about 0.3 s of CPU, with the graphs built only to be
serialised. This writer runs the same algorithm over dictionaries built once from the triples:
the same order of subjects (``rdfs:Class`` members, then named subjects, then blank nodes by how
often they are referenced), ``rdf:type`` and ``rdfs:label`` first, blank nodes used once written
inline as ``[ ... ]``, well-formed RDF lists as ``( ... )``, the same prefixed names (rdflib's own
namespace manager shortens them) and literals written by rdflib's own method. One difference: where
several unbound namespaces need generated prefixes (``ns1:``, ``ns2:``), rdflib numbers them in its
store's set order (which follows the hash seed), this writer in the order of the triples.
tests/release/test_writers.py holds the bytes equal to rdflib's on the release and on edge
cases, so the files stay what users already read.

>>> from rdflib import Literal, URIRef
>>> ex = "http://example.org/"
>>> text = turtle([(URIRef(ex + "a"), URIRef(ex + "p"), Literal(1))], {"ex": ex})
>>> text.decode().splitlines()  # xsd: is declared: a datatype was shortened on the way, as in rdflib
['@prefix ex: <http://example.org/> .', '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .', '', 'ex:a ex:p 1 .', '']
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

__all__ = ["turtle"]

_SUBJECT, _VERB, _OBJECT = 0, 1, 2
_INDENT = "    "
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")  # as rdflib's serializer: a lone % in a local name is escaped
#: rdflib's ``RecursiveSerializer.predicateOrder``: these come first, the rest sorted.
_FIRST_PREDICATES = (RDF.type, RDFS.label)
# Terms compared by set membership: a hash and one comparison instead of rdflib's ``==`` on each node.
_TYPE, _NIL, _FIRST, _REST, _CLASS = RDF.type, RDF.nil, RDF.first, RDF.rest, RDFS.Class
_IS_TYPE, _IS_NIL = frozenset([_TYPE]), frozenset([_NIL])


def namespace_graph(prefixes: Mapping[str, str]) -> Graph:
    """An empty graph with ``prefixes`` bound over rdflib's core ones, as the release's graphs were
    serialised: its namespace manager shortens IRIs exactly as rdflib's serializer did."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in sorted(prefixes.items()):
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


class _Writer:
    """One document: the state rdflib's ``TurtleSerializer`` keeps, over prebuilt indexes."""

    def __init__(self, triples: Iterable[tuple[Any, Any, Any]], graph: Graph) -> None:
        self.graph = graph
        self.properties: dict[Any, dict[Any, list[Any]]] = {}
        self.references: defaultdict[Any, int] = defaultdict(int)
        self.namespaces: dict[str, Any] = {}
        self.rewrite: dict[str, str] = {}
        self.names: dict[tuple[Any, bool], str] = {}
        self.serialized: set[Any] = set()
        self.depth = 0
        self.out: list[str] = []
        for s, p, o in triples:
            self.properties.setdefault(s, {}).setdefault(p, []).append(o)
            self.references[o] += 1
            for position, node in ((_SUBJECT, s), (_VERB, p), (_OBJECT, o)):
                if position == _VERB and node in _IS_TYPE:
                    continue
                self.pname(node, position == _VERB)
                if isinstance(node, Literal) and node.datatype:
                    self.pname(node.datatype, False)

    # -------------------------------------------------------------- names

    def add_namespace(self, prefix: str, namespace: Any) -> str:
        if (prefix > "" and prefix[0] == "_") or self.namespaces.get(prefix, namespace) != namespace:
            if prefix not in self.rewrite:
                renamed = "p" + prefix
                while renamed in self.namespaces:
                    renamed = "p" + renamed
                self.rewrite[prefix] = renamed
            prefix = self.rewrite.get(prefix, prefix)
        if prefix in self.namespaces and self.namespaces[prefix] != namespace:
            raise ValueError(f"prefix {prefix}: bound to {self.namespaces[prefix]}, not {namespace}")
        self.namespaces[prefix] = namespace
        return prefix

    def pname(self, node: Any, generate: bool) -> str | None:
        """``prefix:local`` for an IRI, or ``None``; a name once found is kept (rdflib finds it again)."""
        if not isinstance(node, URIRef):
            return None
        found = self.names.get((node, generate))
        if found is not None:
            return found
        prefix: str | None
        try:
            prefix, namespace, local = self.graph.compute_qname(node, generate=generate)
        except Exception:  # as rdflib: no prefix for it (or not an IRI it can split)
            prefix = self.graph.store.prefix(node)
            if prefix is None:
                return None
            namespace, local = node, ""
        local = _PERCENT.sub("\\%", local.replace("(", r"\(").replace(")", r"\)"))
        if local.endswith("."):
            return None
        name = f"{self.add_namespace(prefix, namespace)}:{local}"
        self.names[(node, generate)] = name
        return name

    def label(self, node: Any, position: int) -> str:
        if node in _IS_NIL:
            return "()"
        if position == _VERB and node in _IS_TYPE:
            return "a"
        if isinstance(node, Literal):
            return node._literal_n3(use_plain=True, qname_callback=lambda dt: self.pname(dt, False))  # as rdflib writes
        return self.pname(node, position == _VERB) or node.n3()

    # -------------------------------------------------------------- layout

    def value(self, node: Any, predicate: Any) -> Any:
        objects = self.properties.get(node, {}).get(predicate)
        return objects[0] if objects else None

    def valid_list(self, node: Any) -> bool:
        if self.value(node, _FIRST) is None:
            return False
        while node:
            if node not in _IS_NIL and sum(len(o) for o in self.properties.get(node, {}).values()) != 2:
                return False
            node = self.value(node, _REST)
        return True

    def path(self, node: Any, position: int, newline: bool = False) -> None:
        if self.squared(node, position, newline):
            return
        if position != _SUBJECT and not newline:
            self.out.append(" ")
        self.out.append(self.label(node, position))

    def squared(self, node: Any, position: int, newline: bool) -> bool:
        """A blank node used once, written where it is used: ``( ... )`` or ``[ ... ]``."""
        if not isinstance(node, BNode) or node in self.serialized or self.references[node] > 1 or position == _SUBJECT:
            return False
        if not newline:
            self.out.append(" ")
        if self.valid_list(node):
            self.out.append("(")
            self.depth += 1
            while node:
                item = self.value(node, _FIRST)
                if item is not None:
                    self.path(item, _OBJECT)
                    self.serialized.add(node)
                node = self.value(node, _REST)
            self.depth -= 1
            self.out.append(" )")
        else:
            self.serialized.add(node)
            self.depth += 2
            self.out.append("[")
            self.depth -= 1
            self.predicate_list(node)
            self.out.append(" ]")
            self.depth -= 1
        return True

    def predicate_list(self, subject: Any, newline: bool = False) -> None:
        properties = self.properties.get(subject, {})
        for objects in properties.values():
            objects.sort()
        ordered = [p for p in _FIRST_PREDICATES if p in properties]
        ordered += sorted(p for p in properties if p not in _FIRST_PREDICATES)
        for index, predicate in enumerate(ordered):
            if index:
                self.out.append(" ;\n" + _INDENT * (self.depth + 1))
            self.path(predicate, _VERB, newline=newline if index == 0 else True)
            self.object_list(properties[predicate])

    def object_list(self, objects: list[Any]) -> None:
        self.depth += 1  # rdflib means one level for several objects only, but its `and 0 or 1` gives 1 always
        self.path(objects[0], _OBJECT)
        for obj in objects[1:]:
            self.out.append(",\n" + _INDENT * (self.depth + 1))
            self.path(obj, _OBJECT, newline=True)
        self.depth -= 1

    def statement(self, subject: Any) -> None:
        self.serialized.add(subject)
        if self.references[subject] == 0 and isinstance(subject, BNode):
            self.out.append("\n" + _INDENT * self.depth + "[]")
        else:
            self.out.append("\n" + _INDENT * self.depth)
            self.path(subject, _SUBJECT)
        self.predicate_list(subject)
        self.out.append(" .")

    def document(self) -> bytes:
        top = sorted(s for s, props in self.properties.items() if _CLASS in props.get(_TYPE, ()))
        seen = set(top)
        rest = sorted((isinstance(s, BNode), self.references[s], s) for s in self.properties if s not in seen)
        self.out += [f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(self.namespaces.items())]
        for subject in [*top, *(s for _, _, s in rest)]:
            if subject in self.serialized:
                continue
            self.statement(subject)
            self.out.append("\n")
        return ("".join(self.out) + "\n").encode("utf-8", "replace")


def turtle(triples: Iterable[tuple[Any, Any, Any]], prefixes: Mapping[str, str]) -> bytes:
    """The Turtle rdflib writes for a graph of ``triples`` (added in the order given) with ``prefixes``
    bound (:func:`namespace_graph`): the same bytes, UTF-8."""
    return _Writer(triples, namespace_graph(prefixes)).document()
