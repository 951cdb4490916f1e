"""Term adapters and vocabulary for the fast OWL 2 RL engine (private).

The engine works on integers.  An adapter tells it how to recognise the kind of
an RDF term of some library (rdflib or pyoxigraph), how to build an IRI term, and
how to read a literal's lexical form, datatype and language tag.  Only the adapter knows the
term library; everything else in ``milia_kg.reasoner`` sees integer ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from milia_kg import vocab
from milia_kg.base.records import FrozenRecord

__all__ = ["ADAPTERS", "BNODE", "IRI", "LITERAL", "TermAdapter", "V"]

#: Term kinds, as stored per id by the engine.
IRI, BNODE, LITERAL = 0, 1, 2

RDF_NS = vocab.RDF
RDFS_NS = vocab.RDFS
OWL_NS = vocab.OWL
XSD_NS = vocab.XSD
XSD_STRING = XSD_NS + "string"


class V:
    """IRIs of the vocabulary the rules look at (plain strings)."""

    TYPE = RDF_NS + "type"
    FIRST = RDF_NS + "first"
    REST = RDF_NS + "rest"
    NIL = RDF_NS + "nil"
    RDF_PROPERTY = RDF_NS + "Property"
    SCO = RDFS_NS + "subClassOf"
    SPO = RDFS_NS + "subPropertyOf"
    DOMAIN = RDFS_NS + "domain"
    RANGE = RDFS_NS + "range"
    DATATYPE = RDFS_NS + "Datatype"
    THING = OWL_NS + "Thing"
    NOTHING = OWL_NS + "Nothing"
    CLASS = OWL_NS + "Class"
    OBJECT_PROPERTY = OWL_NS + "ObjectProperty"
    DATATYPE_PROPERTY = OWL_NS + "DatatypeProperty"
    ANNOTATION_PROPERTY = OWL_NS + "AnnotationProperty"
    FUNCTIONAL = OWL_NS + "FunctionalProperty"
    INVERSE_FUNCTIONAL = OWL_NS + "InverseFunctionalProperty"
    SYMMETRIC = OWL_NS + "SymmetricProperty"
    TRANSITIVE = OWL_NS + "TransitiveProperty"
    IRREFLEXIVE = OWL_NS + "IrreflexiveProperty"
    ASYMMETRIC = OWL_NS + "AsymmetricProperty"
    SAME_AS = OWL_NS + "sameAs"
    DIFFERENT_FROM = OWL_NS + "differentFrom"
    ALL_DIFFERENT = OWL_NS + "AllDifferent"
    MEMBERS = OWL_NS + "members"
    DISTINCT_MEMBERS = OWL_NS + "distinctMembers"
    EQUIVALENT_CLASS = OWL_NS + "equivalentClass"
    EQUIVALENT_PROPERTY = OWL_NS + "equivalentProperty"
    INVERSE_OF = OWL_NS + "inverseOf"
    CHAIN = OWL_NS + "propertyChainAxiom"
    DISJOINT_WITH = OWL_NS + "disjointWith"
    ALL_DISJOINT_CLASSES = OWL_NS + "AllDisjointClasses"
    PROPERTY_DISJOINT_WITH = OWL_NS + "propertyDisjointWith"
    ALL_DISJOINT_PROPERTIES = OWL_NS + "AllDisjointProperties"
    COMPLEMENT_OF = OWL_NS + "complementOf"
    INTERSECTION_OF = OWL_NS + "intersectionOf"
    UNION_OF = OWL_NS + "unionOf"
    ONE_OF = OWL_NS + "oneOf"
    ON_PROPERTY = OWL_NS + "onProperty"
    ON_CLASS = OWL_NS + "onClass"
    SOME_VALUES_FROM = OWL_NS + "someValuesFrom"
    ALL_VALUES_FROM = OWL_NS + "allValuesFrom"
    HAS_VALUE = OWL_NS + "hasValue"
    MAX_CARDINALITY = OWL_NS + "maxCardinality"
    MAX_QUALIFIED_CARDINALITY = OWL_NS + "maxQualifiedCardinality"
    HAS_KEY = OWL_NS + "hasKey"
    SOURCE_INDIVIDUAL = OWL_NS + "sourceIndividual"
    ASSERTION_PROPERTY = OWL_NS + "assertionProperty"
    TARGET_INDIVIDUAL = OWL_NS + "targetIndividual"
    TARGET_VALUE = OWL_NS + "targetValue"


class TermAdapter(FrozenRecord):
    """How the engine reads and builds terms of one RDF library.

    :param iri: builds an IRI term from a string.
    :param kind: returns :data:`IRI`, :data:`BNODE` or :data:`LITERAL` for a term.
    :param datatype: a literal's datatype IRI as a string, or ``None`` for a plain
        or language-tagged literal (rdflib's view, which owlrl follows).
    :param text: a literal's lexical form, an IRI or a blank-node label.
    :param language: a literal's language tag, or ``None`` (for datatype clashes).
    """

    _fields = ("iri", "kind", "datatype", "text", "language")
    iri: Callable[[str], Any]
    kind: Callable[[Any], int]
    datatype: Callable[[Any], str | None]
    text: Callable[[Any], str]
    language: Callable[[Any], str | None]

    def __init__(self, iri: Callable[[str], Any], kind: Callable[[Any], int], datatype: Callable[[Any], str | None],
                 text: Callable[[Any], str], language: Callable[[Any], str | None]) -> None:
        self._set(iri=iri, kind=kind, datatype=datatype, text=text, language=language)


def _language(term: Any) -> str | None:
    return term.language or None  # the same attribute on rdflib and pyoxigraph literals


def _kind_by(literal: type, blank: type) -> Callable[[Any], int]:
    """The ``kind`` of a term library whose literal and blank-node classes these are (else an IRI)."""

    def kind(term: Any) -> int:
        if isinstance(term, literal):
            return LITERAL
        if isinstance(term, blank):
            return BNODE
        return IRI

    return kind


def _rdflib_adapter() -> TermAdapter:
    from rdflib import BNode, Literal, URIRef

    kind = _kind_by(Literal, BNode)

    def datatype(term: Any) -> str | None:
        return None if term.datatype is None else str(term.datatype)

    return TermAdapter(URIRef, kind, datatype, str, _language)


def _oxigraph_adapter() -> TermAdapter:
    from pyoxigraph import BlankNode, Literal, NamedNode

    kind = _kind_by(Literal, BlankNode)

    def datatype(term: Any) -> str | None:
        # pyoxigraph gives plain literals xsd:string and tagged ones rdf:langString;
        # rdflib (and so owlrl) sees no datatype on either.
        if term.language is not None:
            return None
        value = term.datatype.value
        return None if value == XSD_STRING else value

    return TermAdapter(NamedNode, kind, datatype, lambda term: term.value, _language)


#: Adapter factories by name.
ADAPTERS: dict[str, Callable[[], TermAdapter]] = {
    "rdflib": _rdflib_adapter,
    "oxigraph": _oxigraph_adapter,
}
