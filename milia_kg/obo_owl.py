"""The OBO 1.4 to OWL mapping, applied to a document that :mod:`fastobo` parsed.

fastobo (Rust) parses OBO 1.4 and OBO Graphs JSON into one syntax tree; this module only maps
that tree to RDF as the OBO 1.4 specification's OWL mapping prescribes (the mapping the OWL API
and ROBOT apply).  fastobo's own OWL export writes functional syntax with abbreviated IRIs that
no available reader accepts on real releases (``obo:hp.obo#inheres_in``), so it is not used.

=========================  ==================================================================
OBO clause                 OWL
=========================  ==================================================================
``[Term]`` / ``[Typedef]``  ``owl:Class`` / ``owl:ObjectProperty`` (``owl:AnnotationProperty``
                           if ``is_metadata_tag``)
``name``, ``def``          ``rdfs:label``, ``IAO:0000115``
``is_a``                   ``rdfs:subClassOf`` (``rdfs:subPropertyOf`` in a Typedef)
``relationship: R X``      ``rdfs:subClassOf [owl:onProperty R; owl:someValuesFrom X]``
``intersection_of``        ``owl:equivalentClass [owl:intersectionOf (G [R some X] ...)]``
``union_of``               ``owl:equivalentClass [owl:unionOf (...)]``
``equivalent_to``,         ``owl:equivalentClass``, ``owl:disjointWith``
``disjoint_from``
``synonym`` (scope)        ``oboInOwl:has{Exact,Related,Broad,Narrow}Synonym``
``xref``, ``alt_id``       ``oboInOwl:hasDbXref``, ``oboInOwl:hasAlternativeId``
``subset``, ``namespace``  ``oboInOwl:inSubset``, ``oboInOwl:hasOBONamespace``
``is_obsolete: true``      ``owl:deprecated true``; ``replaced_by`` ``IAO:0100001``;
                           ``consider`` ``oboInOwl:consider``
``is_transitive`` ...      ``owl:TransitiveProperty``, ``SymmetricProperty``,
                           ``ReflexiveProperty``, ``AsymmetricProperty``, ``FunctionalProperty``,
                           ``InverseFunctionalProperty``
``inverse_of``, ``domain``, ``owl:inverseOf``, ``rdfs:domain``, ``rdfs:range``
``range``
``holds_over_chain P Q``,  ``owl:propertyChainAxiom (P Q)``, ``(self R)``
``transitive_over R``
``property_value``         an annotation (literal or IRI)
=========================  ==================================================================

Identifiers: ``PREFIX:LOCAL`` is ``http://purl.obolibrary.org/obo/PREFIX_LOCAL`` unless the header
declares an ``idspace``; a Typedef with an unprefixed id (``part_of``) and a prefixed xref
(``BFO:0000050``) is that xref's IRI, as in every OBO release; other unprefixed ids are
``http://purl.obolibrary.org/obo/ONTOLOGY#id``.  Axiom annotations (the xrefs of a ``def``, the
qualifiers in braces) and ``[Instance]`` frames are not carried over.

>>> import fastobo
>>> g = rdflib.Graph()
>>> translate(fastobo.loads('''[Term]
... id: UBERON:0000004
... name: nose
... relationship: part_of UBERON:0001456
...
... [Typedef]
... id: part_of
... xref: BFO:0000050
... is_transitive: true
... '''), g)
>>> print(g.serialize(format="turtle").split("\\n\\n", 1)[1].strip())
obo:UBERON_0000004 a owl:Class ;
    rdfs:label "nose" ;
    oboInOwl:id "UBERON:0000004" ;
    rdfs:subClassOf [ a owl:Restriction ;
            owl:onProperty obo:BFO_0000050 ;
            owl:someValuesFrom obo:UBERON_0001456 ] .
<BLANKLINE>
obo:BFO_0000050 a owl:ObjectProperty,
        owl:TransitiveProperty ;
    oboInOwl:hasDbXref "BFO:0000050" ;
    oboInOwl:id "BFO:0000050" ;
    oboInOwl:shorthand "part_of" .
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import fastobo
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef
from rdflib.collection import Collection

from milia_kg import vocab

__all__ = ["OBO", "OBO_IN_OWL", "translate"]

OBO = rdflib.Namespace(vocab.OBO)
OBO_IN_OWL = rdflib.Namespace(vocab.OBOINOWL)

_XSD = vocab.XSD
_DEFINITION = OBO.IAO_0000115
_REPLACED_BY = OBO.IAO_0100001
_SYNONYMS = {
    "EXACT": OBO_IN_OWL.hasExactSynonym, "RELATED": OBO_IN_OWL.hasRelatedSynonym,
    "BROAD": OBO_IN_OWL.hasBroadSynonym, "NARROW": OBO_IN_OWL.hasNarrowSynonym,
}
#: Boolean Typedef clauses -> (attribute holding the value, the OWL property type).
_CHARACTERISTICS = {
    "is_transitive": ("transitive", OWL.TransitiveProperty),
    "is_symmetric": ("symmetric", OWL.SymmetricProperty),
    "is_reflexive": ("reflexive", OWL.ReflexiveProperty),
    "is_asymmetric": ("asymmetric", OWL.AsymmetricProperty),
    "is_functional": ("functional", OWL.FunctionalProperty),
    "is_inverse_functional": ("inverse_functional", OWL.InverseFunctionalProperty),
}
#: Clauses whose value is a plain string, mapped to an annotation property.
_STRINGS = {"name": ("name", RDFS.label), "namespace": ("namespace", OBO_IN_OWL.hasOBONamespace),
            "created_by": ("creator", OBO_IN_OWL.created_by)}


class _Translator:
    """Maps one document's identifiers to IRIs and its frames to triples."""

    def __init__(self, doc: Any, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.add = graph.add
        self.idspaces: dict[str, str] = {}
        self.ontology = "unknown"
        self.iris: dict[str, URIRef] = {}
        for clause in doc.header:
            tag = clause.raw_tag()
            if tag == "idspace":
                self.idspaces[str(clause.prefix)] = str(clause.url)
            elif tag == "ontology":
                self.ontology = str(clause.ontology)
        self.shorthands = self._shorthands(doc)

    def _shorthands(self, doc: Iterable[Any]) -> dict[str, URIRef]:
        """Unprefixed Typedef ids with a prefixed xref: ``part_of`` -> ``obo:BFO_0000050``."""
        found: dict[str, URIRef] = {}
        for frame in doc:
            if isinstance(frame, fastobo.typedef.TypedefFrame) and isinstance(frame.id, fastobo.id.UnprefixedIdent):
                for clause in frame:
                    if clause.raw_tag() == "xref" and isinstance(clause.xref.id, fastobo.id.PrefixedIdent):
                        found[str(frame.id)] = self._prefixed(clause.xref.id)
                        break
        return found

    def _prefixed(self, ident: Any) -> URIRef:
        prefix, local = str(ident.prefix), str(ident.local)
        base = self.idspaces.get(prefix)
        return URIRef(base + local if base else f"{OBO}{prefix}_{local}")

    def iri(self, ident: Any) -> URIRef:
        """The IRI of an OBO identifier (memoised: a release repeats each id many times)."""
        key = str(ident)
        found = self.iris.get(key)
        if found is None:
            if isinstance(ident, fastobo.id.PrefixedIdent):
                found = self._prefixed(ident)
            elif isinstance(ident, fastobo.id.UnprefixedIdent):
                found = self.shorthands.get(key) or URIRef(f"{OBO}{self.ontology}#{key}")
            else:
                found = URIRef(key)
            self.iris[key] = found
        return found

    def _list(self, items: list[rdflib.term.Node]) -> BNode:
        head = BNode()
        Collection(self.graph, head, items)
        return head

    def _some(self, relation: Any, filler: Any) -> BNode:
        restriction = BNode()
        self.add((restriction, RDF.type, OWL.Restriction))
        self.add((restriction, OWL.onProperty, self.iri(relation)))
        self.add((restriction, OWL.someValuesFrom, self.iri(filler)))
        return restriction

    def _class_expression(self, subject: URIRef, kind: URIRef, members: list[rdflib.term.Node]) -> None:
        expression = BNode()
        self.add((expression, RDF.type, OWL.Class))
        self.add((expression, kind, self._list(members)))
        self.add((subject, OWL.equivalentClass, expression))

    def common(self, subject: URIRef, clause: Any, tag: str) -> bool:
        """Clauses shared by Terms and Typedefs; ``False`` if ``clause`` is not one of them."""
        if tag in _STRINGS:
            attribute, predicate = _STRINGS[tag]
            self.add((subject, predicate, Literal(str(getattr(clause, attribute)))))
        elif tag == "def":
            self.add((subject, _DEFINITION, Literal(str(clause.definition))))
        elif tag == "synonym":
            synonym = clause.synonym
            scope = _SYNONYMS.get(str(synonym.scope), OBO_IN_OWL.hasRelatedSynonym)
            self.add((subject, scope, Literal(str(synonym.desc))))
        elif tag == "xref":
            self.add((subject, OBO_IN_OWL.hasDbXref, Literal(str(clause.xref.id))))
        elif tag == "alt_id":
            self.add((subject, OBO_IN_OWL.hasAlternativeId, Literal(str(clause.alt_id))))
        elif tag == "subset":
            self.add((subject, OBO_IN_OWL.inSubset, self.iri(clause.subset)))
        elif tag == "is_obsolete":
            if clause.obsolete:
                self.add((subject, OWL.deprecated, Literal(True)))
        elif tag == "replaced_by":
            self.add((subject, _REPLACED_BY, self.iri(clause.term)))
        elif tag == "consider":
            self.add((subject, OBO_IN_OWL.consider, Literal(str(clause.term))))
        elif tag == "creation_date":
            self.add((subject, OBO_IN_OWL.creation_date, Literal(str(clause.date))))
        elif tag == "property_value":
            self.property_value(subject, clause.property_value)
        else:
            return False
        return True

    def property_value(self, subject: URIRef, value: Any) -> None:
        predicate = self.iri(value.relation)
        if isinstance(value, fastobo.pv.LiteralPropertyValue):
            datatype = self.iri(value.datatype)
            if str(datatype).startswith(f"{OBO}xsd_"):  # xsd: is a well-known prefix, rarely declared
                datatype = URIRef(_XSD + str(value.datatype.local))
            string = datatype == URIRef(_XSD + "string")
            literal = Literal(str(value.value)) if string else Literal(str(value.value), datatype=datatype)
            self.add((subject, predicate, literal))
        else:
            self.add((subject, predicate, self.iri(value.value)))

    def term(self, frame: Any) -> None:
        subject = self.iri(frame.id)
        self.add((subject, RDF.type, OWL.Class))
        self.add((subject, OBO_IN_OWL.id, Literal(str(frame.id))))
        intersection: list[rdflib.term.Node] = []
        union: list[rdflib.term.Node] = []
        for clause in frame:
            tag = clause.raw_tag()
            if self.common(subject, clause, tag):
                continue
            if tag == "is_a":
                self.add((subject, RDFS.subClassOf, self.iri(clause.term)))
            elif tag == "relationship":
                self.add((subject, RDFS.subClassOf, self._some(clause.typedef, clause.term)))
            elif tag == "intersection_of":
                relation = clause.typedef
                intersection.append(self.iri(clause.term) if relation is None else self._some(relation, clause.term))
            elif tag == "union_of":
                union.append(self.iri(clause.term))
            elif tag == "equivalent_to":
                self.add((subject, OWL.equivalentClass, self.iri(clause.term)))
            elif tag == "disjoint_from":
                self.add((subject, OWL.disjointWith, self.iri(clause.term)))
        if intersection:
            self._class_expression(subject, OWL.intersectionOf, intersection)
        if union:
            self._class_expression(subject, OWL.unionOf, union)

    def typedef(self, frame: Any) -> None:
        subject = self.iri(frame.id)
        clauses = list(frame)
        metadata = any(c.raw_tag() == "is_metadata_tag" and c.metadata_tag for c in clauses)
        self.add((subject, RDF.type, OWL.AnnotationProperty if metadata else OWL.ObjectProperty))
        self.add((subject, OBO_IN_OWL.id, Literal(self._curie(subject, frame.id))))
        if isinstance(frame.id, fastobo.id.UnprefixedIdent) and str(frame.id) in self.shorthands:
            self.add((subject, OBO_IN_OWL.shorthand, Literal(str(frame.id))))
        for clause in clauses:
            tag = clause.raw_tag()
            if self.common(subject, clause, tag):
                continue
            handler = self._typedef_handlers.get(tag)
            if handler is not None:
                handler(self, subject, clause)

    @staticmethod
    def _curie(subject: URIRef, ident: Any) -> str:
        text = str(subject)
        if text.startswith(str(OBO)) and "_" in text and "#" not in text:
            prefix, _, local = text[len(OBO):].partition("_")
            return f"{prefix}:{local}"
        return str(ident)

    def _characteristic(self, subject: URIRef, clause: Any) -> None:
        attribute, kind = _CHARACTERISTICS[clause.raw_tag()]
        if getattr(clause, attribute):
            self.add((subject, RDF.type, kind))

    def _chain(self, subject: URIRef, first: URIRef, last: URIRef) -> None:
        self.add((subject, OWL.propertyChainAxiom, self._list([first, last])))

    _typedef_handlers: ClassVar[dict[str, Callable[[_Translator, URIRef, Any], object]]] = {
        **dict.fromkeys(_CHARACTERISTICS, _characteristic),
        "is_a": lambda self, s, c: self.add((s, RDFS.subPropertyOf, self.iri(c.typedef))),
        "inverse_of": lambda self, s, c: self.add((s, OWL.inverseOf, self.iri(c.typedef))),
        "domain": lambda self, s, c: self.add((s, RDFS.domain, self.iri(c.domain))),
        "range": lambda self, s, c: self.add((s, RDFS.range, self.iri(c.range))),
        "holds_over_chain": lambda self, s, c: self._chain(s, self.iri(c.first), self.iri(c.last)),
        "equivalent_to_chain": lambda self, s, c: self._chain(s, self.iri(c.first), self.iri(c.last)),
        "transitive_over": lambda self, s, c: self._chain(s, s, self.iri(c.typedef)),
        "equivalent_to": lambda self, s, c: self.add((s, OWL.equivalentProperty, self.iri(c.typedef))),
        "disjoint_from": lambda self, s, c: self.add((s, OWL.propertyDisjointWith, self.iri(c.typedef))),
    }

    def header(self, doc: Any) -> None:
        ontology = URIRef(f"{OBO}{self.ontology}.owl")
        self.add((ontology, RDF.type, OWL.Ontology))
        for clause in doc.header:
            if clause.raw_tag() == "data-version":
                self.add((ontology, OWL.versionInfo, Literal(str(clause.version))))


def translate(doc: Any, graph: rdflib.Graph) -> None:
    """Add the OWL triples of the fastobo document ``doc`` to ``graph``."""
    translator = _Translator(doc, graph)
    graph.bind("obo", OBO)
    graph.bind("oboInOwl", OBO_IN_OWL)
    if any(c.raw_tag() == "ontology" for c in doc.header):
        translator.header(doc)
    for frame in doc:
        if isinstance(frame, fastobo.term.TermFrame):
            translator.term(frame)
        elif isinstance(frame, fastobo.typedef.TypedefFrame):
            translator.typedef(frame)
