"""Read a Turtle file with Oxigraph's parser into an rdflib graph, to the same triples and prefixes as
rdflib's own parser gives.

Why: loading the sources is on the critical path of every ``build`` (issue 22); Oxigraph's parser
(Rust) and a term conversion take about half the time of rdflib's. Where the two parsers could
differ, the file is left to rdflib (:func:`milia_kg.formats.turtle.parse_turtle`), which also
reports every syntax error as before:

* an explicit ``^^xsd:string`` (Oxigraph cannot tell it from a plain literal; rdflib keeps it);
* a language tag with a capital letter (Oxigraph lower-cases it; rdflib keeps it);
* a prefix bound twice in the file, two prefixes for one namespace, or a prefix the graph binds to
  another namespace (rdflib's result then depends on the order of the declarations, which Oxigraph
  does not report).

rdflib binds a file's prefixes after its triples, each with ``Graph.bind(prefix, namespace)``; so
does :func:`parse_into`.

>>> import rdflib
>>> from milia_kg.base import resources
>>> source = resources.ontology_files()[0]
>>> ours, theirs = rdflib.Graph(), rdflib.Graph()
>>> _ = parse_into(source, ours), theirs.parse(source, format="turtle", publicID=BASE_IRI)
>>> from rdflib.compare import isomorphic
>>> isomorphic(ours, theirs), sorted(ours.namespaces()) == sorted(theirs.namespaces())
(True, True)
"""

from __future__ import annotations

import re
from importlib.resources.abc import Traversable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from milia_kg.formats.terms import to_rdflib
from milia_kg.formats.turtle import BASE_IRI, parse_turtle

__all__ = ["parse_into"]

#: A datatype that may be xsd:string (``^^xsd:string``, ``^^<...#string>``, any prefix): rdflib's then.
_MAYBE_STRING_TYPE = re.compile(rb"\^\^\s*\S*string")
#: A language tag with a capital letter after a closing quote: rdflib's then.
_CAPITAL_LANGUAGE = re.compile(rb"[\"']@[A-Za-z0-9-]*[A-Z]")
#: A prefix declaration (or something like one in a comment or string: then rdflib reads the file), its name.
_PREFIX_DECLARATION = re.compile(rb"(?:@prefix|(?<![\w:@])(?i:prefix))\s+([^\s:<]*):")


def parse_into(source: Traversable | Path, graph: rdflib.Graph) -> rdflib.Graph:
    """Add the triples of the Turtle file ``source`` to ``graph`` and bind its prefixes, as
    :func:`~milia_kg.formats.turtle.parse_turtle` does (which reads it where Oxigraph's reading could
    differ, see the module's note).

    :raises RDFSyntaxError: if the file is not valid Turtle (message ``FILE:LINE: reason``) or cannot be read.
    """
    try:
        data = source.read_bytes()
    except OSError:
        return parse_turtle(source, graph)  # which reports it
    if _MAYBE_STRING_TYPE.search(data) or _CAPITAL_LANGUAGE.search(data):
        return parse_turtle(source, graph)
    try:
        parser = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=BASE_IRI, without_named_graphs=True,
                          rename_blank_nodes=True)
        quads = list(parser)
    except (SyntaxError, ValueError):
        return parse_turtle(source, graph)  # rdflib's verdict and its error message, as before
    order = _declared_in_order(data, parser.prefixes, graph)
    if order is None:
        return parse_turtle(source, graph)
    terms: dict[object, rdflib.term.Node] = {}

    def term(node: object) -> rdflib.term.Node:
        found = terms.get(node)
        if found is None:
            found = terms[node] = to_rdflib(node)  # blank nodes keep the labels Oxigraph gave them anew
        return found

    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
    for prefix, namespace in order:
        graph.bind(prefix, namespace)
    return graph


def _declared_in_order(data: bytes, prefixes: dict[str, str], graph: rdflib.Graph) -> list[tuple[str, str]] | None:
    """``prefixes`` (Oxigraph's, sorted by name) in the order the file declares them, as rdflib binds
    them; ``None`` where rdflib's binding could differ: a prefix declared twice (or the declarations
    not found as parsed), two prefixes for one namespace, a prefix or namespace ``graph`` binds otherwise."""
    names = [match.group(1).decode("utf-8", "replace") for match in _PREFIX_DECLARATION.finditer(data)]
    if len(names) != len(set(names)) or set(names) != set(prefixes) or len(set(prefixes.values())) != len(prefixes):
        return None
    bound = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    taken = {namespace: prefix for prefix, namespace in bound.items()}
    if not all(bound.get(prefix, namespace) == namespace and taken.get(namespace, prefix) == prefix
               for prefix, namespace in prefixes.items()):
        return None
    return [(name, prefixes[name]) for name in names]
