"""Deterministic serialisation: stable blank-node labels and sorted output.

Two builds of the same sources must be byte-identical, whatever the hash seed of
the Python process.  Blank nodes get labels derived from the graph's content
(:func:`milia_kg.release.canonical.bnode_labels`), computed once over the asserted and
inferred triples together so that a blank node has the same label in every artifact;
triples are added to fresh graphs in sorted order and N-Triples and JSON-LD output
are sorted explicitly.  rdflib writes Turtle, N-Triples and JSON-LD (its Turtle nests blank nodes
as ``[ ]`` and lists as ``( )``, which the OWL axioms need to stay readable; pyoxigraph's writers
do neither); RDF/XML is written here (:func:`write_rdfxml`) for the OWL API's reader.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import rdflib
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.plugins.serializers.turtle import TurtleSerializer

from milia_kg.base.graph_store import STORE
from milia_kg.release.canonical import bnode_labels

__all__ = [
    "canonical_split",
    "sort_triples",
    "sorted_graph",
    "write_jsonld",
    "write_ntriples",
    "write_rdfxml",
    "write_turtle",
]


def _key(term: rdflib.term.Node) -> tuple[int, str]:
    return (isinstance(term, BNode), term.n3())


def _sorted(triples: Iterable[tuple]) -> list[tuple]:
    """Sorted by the :func:`_key` of subject, predicate and object, each term's key made once:
    ``URIRef.n3()`` checks the IRI's characters on every call, and the release's 9,000 sorted
    triples hold about 3,000 terms."""
    keys: dict[rdflib.term.Node, tuple[int, str]] = {}

    def key(term: rdflib.term.Node) -> tuple[int, str]:
        found = keys.get(term)
        if found is None:
            found = keys[term] = _key(term)
        return found

    return sorted(triples, key=lambda t: (key(t[0]), key(t[1]), key(t[2])))


def canonical_split(asserted: Graph, inferred: Graph) -> tuple[list[tuple], list[tuple]]:
    """Relabel blank nodes from content, consistently across both graphs.

    One labelling covers both graphs (whether a triple is asserted or inferred is
    part of what labels its blank nodes), so a blank node has one label everywhere.

    :returns: sorted asserted triples and sorted inferred triples.
    """
    labels = bnode_labels([asserted, inferred])

    def label(term: rdflib.term.Node) -> rdflib.term.Node:
        return labels.get(term, term) if isinstance(term, BNode) else term

    def relabel(graph: Graph) -> list[tuple]:
        return _sorted((label(s), p, label(o)) for s, p, o in graph)

    return relabel(asserted), relabel(inferred)


def sort_triples(triples: Iterable[tuple]) -> list[tuple]:
    """``triples`` in the release's order: by subject, predicate and object, named terms before blank
    nodes, each by its N-Triples text."""
    return _sorted(triples)


def sorted_graph(triples: Iterable[tuple], prefixes: Mapping[str, str], *, presorted: bool = False) -> Graph:
    """A new graph with ``prefixes`` bound and ``triples`` added in sorted order.

    :param presorted: ``triples`` are in that order already (from :func:`sort_triples` or
        :func:`canonical_split`): not sorted again (the sort keys cost more than the sort).
    """
    # rdflib's store without named-graph bookkeeping: half the time per triple added, and its writers
    # read it a little faster; the products are the same bytes (tests/release/test_build.py)
    graph = Graph(store=STORE, bind_namespaces="core")
    for prefix, namespace in sorted(prefixes.items()):
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.addN((s, p, o, graph) for s, p, o in (triples if presorted else _sorted(triples)))
    return graph


class _NamesOnceTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, each IRI's prefixed name worked out once per document.

    Its ``get_pname`` splits an IRI, escapes the local name and registers the prefix on every call,
    about seven calls per triple; the answer for an IRI never changes within a document (the prefix it
    registers stays registered), so it is kept: 37 % less CPU per file (issue 22), the same bytes.
    """

    def reset(self) -> None:
        super().reset()
        self._pnames: dict[tuple[rdflib.term.Node, bool], str | None] = {}

    def get_pname(self, uri: rdflib.term.Node, gen_prefix: bool = True) -> str | None:
        key = (uri, gen_prefix)
        try:
            return self._pnames[key]
        except KeyError:
            found = self._pnames[key] = super().get_pname(uri, gen_prefix)
            return found


def write_turtle(graph: Graph, path: Path) -> None:
    """Turtle by rdflib's writer (as ``graph.serialize(format="turtle")``), which sorts subjects,
    predicates and objects."""
    stream = io.BytesIO()
    _NamesOnceTurtleSerializer(graph).serialize(stream, encoding="utf-8")
    path.write_bytes(stream.getvalue())


def write_ntriples(graph: Graph, path: Path) -> None:
    """N-Triples, one triple per line, lines sorted."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    path.write_text("".join(f"{line}\n" for line in sorted(set(lines)) if line.strip()), encoding="utf-8")


_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*$")


def _split_predicate(iri: str, namespaces: Iterable[str]) -> tuple[str, str]:
    """Split an IRI into a namespace (a known one if possible) and an XML NCName local part.

    >>> _split_predicate("http://purl.obolibrary.org/obo/RO_0004026", ["http://purl.obolibrary.org/obo/"])
    ('http://purl.obolibrary.org/obo/', 'RO_0004026')
    >>> _split_predicate("http://example.org/x#has-part", [])
    ('http://example.org/x#', 'has-part')
    """
    for namespace in sorted(namespaces, key=len, reverse=True):
        if iri.startswith(namespace) and _NCNAME.match(iri[len(namespace) :]):
            return namespace, iri[len(namespace) :]
    match = _NCNAME.search(iri)
    if match is None or match.start() == 0:
        raise ValueError(f"cannot write predicate <{iri}> in RDF/XML: it does not end in an XML name")
    return iri[: match.start()], iri[match.start() :]


def write_rdfxml(triples: list[tuple], prefixes: Mapping[str, str], path: Path,
                 typed_nodes: Sequence[URIRef] = ()) -> None:
    """Striped RDF/XML, one element per subject, subjects and properties sorted.

    rdflib's own RDF/XML serializers order namespaces and subjects by hash, so their
    output changes from one process to the next; this writer is deterministic.

    :param typed_nodes: types (first found wins) written as the subject's element, as the OWL API
        writes ``<owl:Class rdf:about=...>``, instead of ``rdf:Description`` with an ``rdf:type``
        child: pronto reads only such typed elements. The triples are the same either way.
    """
    by_namespace = {ns: prefix for prefix, ns in sorted(prefixes.items())}
    by_namespace[str(RDF)] = "rdf"
    qnames: dict[str, str] = {}
    used: dict[str, str] = {"rdf": str(RDF)}
    element: dict[rdflib.term.Node, str] = {}
    types = {(s, o) for s, p, o in triples if p == RDF.type}
    for s in {s for s, _ in types}:
        found = next((t for t in typed_nodes if (s, t) in types), None)
        if found is not None:
            element[s] = str(found)
    triples = [(s, p, o) for s, p, o in triples if not (p == RDF.type and element.get(s) == str(o))]
    for predicate in sorted({str(p) for _, p, _ in triples} | set(element.values())):
        namespace, local = _split_predicate(predicate, by_namespace)
        if namespace not in by_namespace:
            by_namespace[namespace] = f"ns{sum(1 for v in by_namespace.values() if v.startswith('ns')) + 1}"
        prefix = by_namespace[namespace]
        used[prefix] = namespace
        qnames[predicate] = f"{prefix}:{local}"

    def node_attribute(term: rdflib.term.Node) -> str:
        if isinstance(term, BNode):
            return f"rdf:nodeID={quoteattr(str(term))}"
        return f"rdf:about={quoteattr(str(term))}"

    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"  xmlns:{prefix}={quoteattr(ns)}" for prefix, ns in sorted(used.items())]
    lines[-1] += ">"
    by_subject: dict[rdflib.term.Node, list[tuple]] = {s: [] for s in element}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))
    for s in sorted(by_subject, key=_key):
        tag = qnames[element[s]] if s in element else "rdf:Description"
        if not by_subject[s]:  # a typed node and nothing else: a declaration
            lines.append(f"  <{tag} {node_attribute(s)}/>")
            continue
        lines.append(f"  <{tag} {node_attribute(s)}>")
        for p, o in sorted(by_subject[s], key=lambda po: (_key(po[0]), _key(po[1]))):
            name = qnames[str(p)]
            if isinstance(o, BNode):
                lines.append(f"    <{name} rdf:nodeID={quoteattr(str(o))}/>")
            elif isinstance(o, URIRef):
                lines.append(f"    <{name} rdf:resource={quoteattr(str(o))}/>")
            else:
                attribute = ""
                if o.language:
                    attribute = f" xml:lang={quoteattr(o.language)}"
                elif o.datatype is not None:
                    attribute = f" rdf:datatype={quoteattr(str(o.datatype))}"
                lines.append(f"    <{name}{attribute}>{escape(str(o))}</{name}>")
        lines.append(f"  </{tag}>")
    lines.append("</rdf:RDF>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _normalise_jsonld(value: object, in_list: bool = False) -> object:
    if isinstance(value, dict):
        return {k: _normalise_jsonld(v, in_list=(k == "@list")) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):  # a tuple is an array too, as JSON writes it
        items = [_normalise_jsonld(v) for v in value]
        if in_list:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _node_key(node: object) -> tuple[str, str]:
    ident = node.get("@id", "") if isinstance(node, dict) else ""  # nodes of "@graph" are objects
    return (str(ident), json.dumps(node, sort_keys=True, ensure_ascii=False))


def write_jsonld(graph: Graph, context: Mapping[str, str], path: Path) -> None:
    """Compact JSON-LD with ``context`` inline; nodes, keys and value arrays sorted
    (``@list`` arrays keep their order).

    The document is rdflib's JSON-LD writer's own (``from_rdf``, called with the arguments its
    ``serialize(format="json-ld", auto_compact=True)`` passes), taken as the object it writes as JSON
    rather than as that text parsed back (the text and parse were about a third of the step).
    """
    from rdflib.plugins.serializers.jsonld import from_rdf

    # ``use_native_types=(False,)`` is what rdflib's serializer passes (a one-item tuple, so true):
    # the same document, hence the same bytes, as before
    document = from_rdf(graph, context_data=dict(context), base=None, use_native_types=(False,),
                        use_rdf_type=False, auto_compact=True)
    if isinstance(document, dict) and "@graph" not in document:  # a single node: wrap it
        ctx = document.pop("@context", dict(context))
        document = {"@context": ctx, "@graph": [document]}
    elif isinstance(document, list):
        document = {"@context": dict(context), "@graph": document}
    nodes = sorted((_normalise_jsonld(n) for n in document["@graph"]), key=_node_key)
    result = {"@context": dict(sorted(context.items())), "@graph": nodes}
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
