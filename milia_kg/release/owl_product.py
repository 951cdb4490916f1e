"""The triples of ``milia-kg.owl``: the asserted graph made one OWL 2 DL ontology.

The sources hold three ``owl:Ontology`` headers (the project's and one per import module). OWL API,
owlready2 and pronto take one of them as *the* ontology, not necessarily the project's, and pronto
gives up. As ``robot merge`` does, the imports are merged into the project's ontology: their headers
(and ``owl:imports``) are dropped, their axioms kept. Then the file is made OWL 2 DL as the OWL
API's ``OWL2DLProfile`` checks it: every class used (``bibo:Webpage``, ``foaf:Organization``...) is
declared, and annotation values that OWL 2 DL does not allow, RDF lists (``bibo:authorList``), are
left out of this product (``dcterms:creator`` and ``dcterms:bibliographicCitation`` still name the
authors; the Turtle, N-Triples and JSON-LD artifacts keep the lists).

>>> from rdflib import Literal
>>> mine, theirs = URIRef(PROJECT_ONTOLOGY), URIRef("https://example.org/imports/x")
>>> triples = [(mine, RDF.type, OWL.Ontology), (theirs, RDF.type, OWL.Ontology),
...            (theirs, RDFS.label, Literal("x")), (mine, OWL.imports, theirs)]
>>> merge_headers(triples) == [(mine, RDF.type, OWL.Ontology)]
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from rdflib import OWL, RDF, RDFS, BNode, URIRef

from milia_kg import vocab
from milia_kg.release import obo_vocab

__all__ = [
    "PROJECT_ONTOLOGY", "TYPED_NODES", "declare_classes", "drop_list_annotations", "main_ontology", "merge_headers",
    "owl_triples",
]

#: The project's ontology IRI (docs/design.md, "Namespaces and IRI policy").
PROJECT_ONTOLOGY = f"{vocab.MKG}ontology"

Triple = tuple[object, object, object]

#: The types written as elements (``<owl:Class rdf:about=...>``), first found wins: pronto reads only
#: the ontology header, classes, properties and axioms written so (see :func:`serialize.write_rdfxml`).
TYPED_NODES = (OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
               OWL.Axiom, OWL.Restriction, OWL.NamedIndividual, RDFS.Datatype, OWL.AllDisjointClasses)

#: Predicates whose subject and object are classes (IRIs among them need a declaration).
_CLASS_PAIRS = (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith)
#: Predicates whose object is a class expression.
_CLASS_OBJECTS = (RDF.type, OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass, RDFS.domain, RDFS.range,
                  OWL.complementOf)
#: Predicates whose object is an RDF list of classes.
_CLASS_LISTS = (OWL.unionOf, OWL.intersectionOf)
_BUILTINS = (vocab.RDF, vocab.RDFS, vocab.OWL, vocab.XSD)
# Looked up once: an attribute of rdflib's namespaces is a Python call, and these are read once per triple.
_TYPE, _FIRST, _REST, _NIL = RDF.type, RDF.first, RDF.rest, RDF.nil
_ONTOLOGY, _IMPORTS, _CLASS = OWL.Ontology, OWL.imports, OWL.Class
_ANNOTATION_PROPERTY, _DATATYPE = OWL.AnnotationProperty, RDFS.Datatype
#: rdf:type objects that say what kind of entity the subject is, not which class it belongs to.
_NOT_CLASSES = {OWL.Class, OWL.Ontology, OWL.Axiom, OWL.Restriction, OWL.NamedIndividual, OWL.AllDisjointClasses,
                RDFS.Datatype, RDF.List}


def main_ontology(triples: Iterable[Triple]) -> URIRef | None:
    """The project's ontology if declared, otherwise the first (sorted) ``owl:Ontology``."""
    ontologies = sorted(s for s, p, o in triples if p == _TYPE and o == _ONTOLOGY and isinstance(s, URIRef))
    if URIRef(PROJECT_ONTOLOGY) in ontologies:
        return URIRef(PROJECT_ONTOLOGY)
    return ontologies[0] if ontologies else None


def _reachable_bnodes(triples: list[Triple], roots: Iterable[object]) -> set[BNode]:
    """The blank nodes reachable from ``roots`` (a dropped header's values, a list's cells)."""
    by_subject: dict[object, list[object]] = defaultdict(list)
    for s, _, o in triples:
        by_subject[s].append(o)
    found: set[BNode] = set()
    todo = [r for r in roots if isinstance(r, BNode)]
    while todo:
        node = todo.pop()
        if node in found:
            continue
        found.add(node)
        todo.extend(o for o in by_subject[node] if isinstance(o, BNode))
    return found


def merge_headers(triples: list[Triple]) -> list[Triple]:
    """One ``owl:Ontology``: the other headers, their annotations and ``owl:imports`` dropped
    (``robot merge`` without ``--include-annotations``); every other triple kept."""
    main = main_ontology(triples)
    others = {s for s, p, o in triples if p == _TYPE and o == _ONTOLOGY and s != main}
    dropped = _reachable_bnodes(triples, [o for s, _, o in triples if s in others])
    return [
        (s, p, o) for s, p, o in triples
        if s not in others and s not in dropped and p != _IMPORTS
    ]


def drop_list_annotations(triples: list[Triple]) -> list[Triple]:
    """Annotation assertions whose value is an RDF list (``bibo:authorList``), and the lists, dropped:
    OWL 2 DL allows an IRI, a literal or an anonymous individual there, and a list's cells would be
    read as untyped individuals with undeclared ``rdf:first``/``rdf:rest`` properties."""
    annotation = {s for s, p, o in triples if p == _TYPE and o == _ANNOTATION_PROPERTY}
    heads = {o for s, p, o in triples if isinstance(o, BNode) and p in annotation}
    list_heads = heads & {s for s, p, _ in triples if p == _FIRST}
    cells = _reachable_bnodes(triples, list_heads)
    return [(s, p, o) for s, p, o in triples if s not in cells and o not in list_heads]


def _list_members(first: Mapping[object, object], rest: Mapping[object, object], head: object) -> list[object]:
    members, node = [], head
    while node in first:
        members.append(first[node])
        node = rest.get(node, _NIL)
    return members


def declare_classes(triples: list[Triple]) -> list[Triple]:
    """``C rdf:type owl:Class`` for every named class used but not declared (OWL 2 DL: every entity
    is declared), outside the RDF, RDFS, OWL and XSD vocabularies."""
    first = {s: o for s, p, o in triples if p == _FIRST}  # built once, not once per list
    rest = {s: o for s, p, o in triples if p == _REST}
    used: set[object] = set()
    for s, p, o in triples:
        if p in _CLASS_PAIRS:
            used.update((s, o))
        elif p in _CLASS_OBJECTS and o not in _NOT_CLASSES:
            used.add(o)
        elif p in _CLASS_LISTS:
            used.update(_list_members(first, rest, o))
    # rdfs:domain/range of a data property name datatypes, which are declared (or built in), not classes
    datatypes = {s for s, p, o in triples if p == _TYPE and o == _DATATYPE}
    declared = {s for s, p, o in triples if p == _TYPE and o in (_CLASS, _DATATYPE)}
    missing = sorted(
        c for c in used
        if isinstance(c, URIRef) and c not in declared and c not in datatypes and not str(c).startswith(_BUILTINS)
    )
    return [*triples, *((c, _TYPE, _CLASS) for c in missing)]


def owl_triples(asserted: Iterable[Triple], curie_map: Mapping[str, str] | None = None) -> list[Triple]:
    """The triples of ``milia-kg.owl``: one ontology header, every class declared, no list-valued
    annotation (see the module's docstring), and the OBO annotation vocabulary beside the SKOS
    (:mod:`milia_kg.release.obo_vocab`)."""
    triples = declare_classes(drop_list_annotations(merge_headers(list(asserted))))
    return [*triples, *obo_vocab.obo_annotations(triples, curie_map or {})]
