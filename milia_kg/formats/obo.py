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

The mapping is written once and emits terms of either library: rdflib (:func:`translate`, into an
``rdflib.Graph``) or pyoxigraph (:func:`translate_oxigraph`, a list of triples, for merges that
never build an rdflib graph of the whole union, see :mod:`milia_kg.merge.store`).

Identifiers: ``PREFIX:LOCAL`` is ``http://purl.obolibrary.org/obo/PREFIX_LOCAL`` unless the header
declares an ``idspace``; a Typedef with an unprefixed id (``part_of``) and a prefixed xref
(``BFO:0000050``) is that xref's IRI, as in every OBO release; other unprefixed ids are
``http://purl.obolibrary.org/obo/ONTOLOGY#id``.  Axiom annotations (the xrefs of a ``def``, the
qualifiers in braces) and ``[Instance]`` frames are not carried over.

>>> import fastobo, rdflib
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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import fastobo

from milia_kg import vocab
from milia_kg.base.interrupt import interruptible

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["OBO", "OBO_IN_OWL", "PREFIXES", "translate", "translate_oxigraph"]

OBO = vocab.OBO
OBO_IN_OWL = vocab.OBOINOWL

_XSD = vocab.XSD
_RDF, _RDFS, _OWL, _OIO = vocab.RDF, vocab.RDFS, vocab.OWL, vocab.OBOINOWL
_SYNONYMS = {"EXACT": "hasExactSynonym", "RELATED": "hasRelatedSynonym",
             "BROAD": "hasBroadSynonym", "NARROW": "hasNarrowSynonym"}
#: Boolean Typedef clauses -> (attribute holding the value, the OWL property type's local name).
_CHARACTERISTICS = {
    "is_transitive": ("transitive", "TransitiveProperty"),
    "is_symmetric": ("symmetric", "SymmetricProperty"),
    "is_reflexive": ("reflexive", "ReflexiveProperty"),
    "is_asymmetric": ("asymmetric", "AsymmetricProperty"),
    "is_functional": ("functional", "FunctionalProperty"),
    "is_inverse_functional": ("inverse_functional", "InverseFunctionalProperty"),
}
#: Clauses whose value is a plain string, mapped to an annotation property.
_STRINGS = {"name": ("name", _RDFS + "label"), "namespace": ("namespace", _OIO + "hasOBONamespace"),
            "created_by": ("creator", _OIO + "created_by")}


@dataclass(frozen=True)
class _Library:
    """How to build the terms of one RDF library: an IRI, a fresh blank node, a literal
    (lexical form and datatype IRI, ``None`` for a plain string)."""

    iri: Callable[[str], Any]
    bnode: Callable[[], Any]
    literal: Callable[[str, str | None], Any]


def _rdflib_library() -> _Library:
    """rdflib's terms, imported for :func:`translate` only (a merge reads OBO into pyoxigraph terms
    without rdflib, whose import took 0.11 s of a first ``--merge hp.obo``)."""
    from rdflib import BNode, Literal, URIRef

    def literal(text: str, datatype: str | None) -> Literal:
        """The literal as the file writes it: rdflib would rewrite ``...Z`` dateTimes as ``...+00:00``."""
        return Literal(text) if datatype is None else Literal(text, datatype=URIRef(datatype), normalize=False)

    return _Library(URIRef, BNode, literal)


def _oxigraph_library() -> _Library:
    import pyoxigraph as ox

    def literal(text: str, datatype: str | None) -> ox.Literal:
        return ox.Literal(text) if datatype is None else ox.Literal(text, datatype=ox.NamedNode(datatype))

    return _Library(ox.NamedNode, ox.BlankNode, literal)


class _Vocab:
    """The vocabulary terms the mapping writes, built once in the target library."""

    def __init__(self, lib: _Library) -> None:
        iri = lib.iri
        self.TYPE, self.FIRST, self.REST, self.NIL = (iri(_RDF + n) for n in ("type", "first", "rest", "nil"))
        self.LABEL, self.SCO, self.SPO = iri(_RDFS + "label"), iri(_RDFS + "subClassOf"), iri(_RDFS + "subPropertyOf")
        self.DOMAIN, self.RANGE = iri(_RDFS + "domain"), iri(_RDFS + "range")
        for name in ("Class", "ObjectProperty", "AnnotationProperty", "Restriction", "Ontology", "onProperty",
                     "someValuesFrom", "equivalentClass", "intersectionOf", "unionOf", "disjointWith",
                     "deprecated", "inverseOf", "propertyChainAxiom", "equivalentProperty",
                     "propertyDisjointWith", "versionInfo"):
            setattr(self, name, iri(_OWL + name))
        self.characteristics = {tag: (attribute, iri(_OWL + kind))
                                for tag, (attribute, kind) in _CHARACTERISTICS.items()}
        self.synonyms = {scope: iri(_OIO + name) for scope, name in _SYNONYMS.items()}
        self.strings = {tag: (attribute, iri(predicate)) for tag, (attribute, predicate) in _STRINGS.items()}
        for name in ("id", "hasDbXref", "hasAlternativeId", "inSubset", "consider", "creation_date", "shorthand"):
            setattr(self, "oio_" + name, iri(_OIO + name))
        self.DEFINITION, self.REPLACED_BY = iri(vocab.OBO + "IAO_0000115"), iri(vocab.OBO + "IAO_0100001")
        self.TRUE = lib.literal("true", _XSD + "boolean")

    def __getattr__(self, name: str) -> Any:  # the OWL names set above, for the type checker
        raise AttributeError(name)


class _Unresolved(Exception):
    """An unprefixed identifier met before the Typedefs that may name its IRI are all read."""


class _Translator:
    """Maps one document's identifiers to IRIs and its frames to triples of one term library.

    The frames are translated as they come (:func:`fastobo.iter` parses the next ones on other
    threads meanwhile: the HPO read and translated in 1.08 s, against 1.40 s loaded whole first,
    medians of nine runs). A Typedef's IRI can depend on its own ``xref``
    (``part_of`` is ``BFO:0000050``) and Typedefs usually come last, so a frame that names an
    unprefixed identifier, and every Typedef, waits until the document is read.
    """

    def __init__(self, header: Iterable[Any], lib: _Library) -> None:
        self.triples: list[tuple[Any, Any, Any]] = []
        self.add = self.triples.append
        self.lib = lib
        self.v = _Vocab(lib)
        self.idspaces: dict[str, str] = {}
        self.ontology = "unknown"
        self.iris: dict[str, Any] = {}
        self.header_clauses = list(header)
        for clause in self.header_clauses:
            tag = clause.raw_tag()
            if tag == "idspace":
                self.idspaces[str(clause.prefix)] = str(clause.url)
            elif tag == "ontology":
                self.ontology = str(clause.ontology)
        #: unprefixed Typedef ids with a prefixed xref (``part_of`` -> ``obo:BFO_0000050``); ``None``
        #: until every frame is read
        self.shorthands: dict[str, str] | None = None

    def _shorthand(self, frame: Any, found: dict[str, str]) -> None:
        """Note the IRI the Typedef ``frame`` gives its unprefixed id, if it does (its first prefixed xref)."""
        if isinstance(frame.id, fastobo.id.UnprefixedIdent):
            for clause in frame:
                if clause.raw_tag() == "xref" and isinstance(clause.xref.id, fastobo.id.PrefixedIdent):
                    found[str(frame.id)] = self._prefixed(clause.xref.id)
                    break

    def _prefixed(self, ident: Any) -> str:
        prefix, local = str(ident.prefix), str(ident.local)
        base = self.idspaces.get(prefix)
        return base + local if base else f"{OBO}{prefix}_{local}"

    def iri_text(self, ident: Any) -> str:
        """The IRI of an OBO identifier, as a string."""
        key = str(ident)
        if isinstance(ident, fastobo.id.PrefixedIdent):
            return self._prefixed(ident)
        if isinstance(ident, fastobo.id.UnprefixedIdent):
            if self.shorthands is None:
                raise _Unresolved(key)
            return self.shorthands.get(key) or f"{OBO}{self.ontology}#{key}"
        return key

    def iri(self, ident: Any) -> Any:
        """The IRI term of an OBO identifier (memoised: a release repeats each id many times)."""
        key = str(ident)
        found = self.iris.get(key)
        if found is None:
            found = self.iris[key] = self.lib.iri(self.iri_text(ident))
        return found

    def literal(self, text: str, datatype: str | None = None) -> Any:
        return self.lib.literal(text, datatype)

    def _list(self, items: list[Any]) -> Any:
        """An RDF collection of ``items`` (as rdflib's ``Collection`` writes it); its head."""
        v, add = self.v, self.add
        head = node = self.lib.bnode()
        for i, item in enumerate(items):
            add((node, v.FIRST, item))
            following = self.lib.bnode() if i + 1 < len(items) else v.NIL
            add((node, v.REST, following))
            node = following
        return head

    def _some(self, relation: Any, filler: Any) -> Any:
        v, restriction = self.v, self.lib.bnode()
        self.add((restriction, v.TYPE, v.Restriction))
        self.add((restriction, v.onProperty, self.iri(relation)))
        self.add((restriction, v.someValuesFrom, self.iri(filler)))
        return restriction

    def _class_expression(self, subject: Any, kind: Any, members: list[Any]) -> None:
        expression = self.lib.bnode()
        self.add((expression, self.v.TYPE, self.v.Class))
        self.add((expression, kind, self._list(members)))
        self.add((subject, self.v.equivalentClass, expression))

    def common(self, subject: Any, clause: Any, tag: str) -> bool:
        """Clauses shared by Terms and Typedefs; ``False`` if ``clause`` is not one of them."""
        v, add = self.v, self.add
        if tag in v.strings:
            attribute, predicate = v.strings[tag]
            add((subject, predicate, self.literal(str(getattr(clause, attribute)))))
        elif tag == "def":
            add((subject, v.DEFINITION, self.literal(str(clause.definition))))
        elif tag == "synonym":
            synonym = clause.synonym
            add((subject, v.synonyms.get(str(synonym.scope), v.synonyms["RELATED"]), self.literal(str(synonym.desc))))
        elif tag == "xref":
            add((subject, v.oio_hasDbXref, self.literal(str(clause.xref.id))))
        elif tag == "alt_id":
            add((subject, v.oio_hasAlternativeId, self.literal(str(clause.alt_id))))
        elif tag == "subset":
            add((subject, v.oio_inSubset, self.iri(clause.subset)))
        elif tag == "is_obsolete":
            if clause.obsolete:
                add((subject, v.deprecated, v.TRUE))
        elif tag == "replaced_by":
            add((subject, v.REPLACED_BY, self.iri(clause.term)))
        elif tag == "consider":
            add((subject, v.oio_consider, self.literal(str(clause.term))))
        elif tag == "creation_date":  # as written: ``str(clause.date)`` would be Python's "... 12:37:32+00:00"
            add((subject, v.oio_creation_date, self.literal(clause.raw_value())))
        elif tag == "property_value":
            self.property_value(subject, clause.property_value)
        else:
            return False
        return True

    def property_value(self, subject: Any, value: Any) -> None:
        predicate = self.iri(value.relation)
        if isinstance(value, fastobo.pv.LiteralPropertyValue):
            datatype = self.iri_text(value.datatype)
            if datatype.startswith(f"{OBO}xsd_"):  # xsd: is a well-known prefix, rarely declared
                datatype = _XSD + str(value.datatype.local)
            plain = datatype == _XSD + "string"
            self.add((subject, predicate, self.literal(str(value.value), None if plain else datatype)))
        else:
            self.add((subject, predicate, self.iri(value.value)))

    def term(self, frame: Any) -> None:
        v, add = self.v, self.add
        subject = self.iri(frame.id)
        add((subject, v.TYPE, v.Class))
        add((subject, v.oio_id, self.literal(str(frame.id))))
        intersection: list[Any] = []
        union: list[Any] = []
        for clause in frame:
            tag = clause.raw_tag()
            if self.common(subject, clause, tag):
                continue
            if tag == "is_a":
                add((subject, v.SCO, self.iri(clause.term)))
            elif tag == "relationship":
                add((subject, v.SCO, self._some(clause.typedef, clause.term)))
            elif tag == "intersection_of":
                relation = clause.typedef
                intersection.append(self.iri(clause.term) if relation is None else self._some(relation, clause.term))
            elif tag == "union_of":
                union.append(self.iri(clause.term))
            elif tag == "equivalent_to":
                add((subject, v.equivalentClass, self.iri(clause.term)))
            elif tag == "disjoint_from":
                add((subject, v.disjointWith, self.iri(clause.term)))
        if intersection:
            self._class_expression(subject, v.intersectionOf, intersection)
        if union:
            self._class_expression(subject, v.unionOf, union)

    def typedef(self, frame: Any) -> None:
        v = self.v
        subject = self.iri(frame.id)
        clauses = list(frame)
        metadata = any(c.raw_tag() == "is_metadata_tag" and c.metadata_tag for c in clauses)
        self.add((subject, v.TYPE, v.AnnotationProperty if metadata else v.ObjectProperty))
        self.add((subject, v.oio_id, self.literal(self._curie(self.iri_text(frame.id), frame.id))))
        if isinstance(frame.id, fastobo.id.UnprefixedIdent) and str(frame.id) in (self.shorthands or {}):
            self.add((subject, v.oio_shorthand, self.literal(str(frame.id))))
        for clause in clauses:
            tag = clause.raw_tag()
            if self.common(subject, clause, tag):
                continue
            handler = self._typedef_handlers.get(tag)
            if handler is not None:
                handler(self, subject, clause)

    @staticmethod
    def _curie(text: str, ident: Any) -> str:
        if text.startswith(str(OBO)) and "_" in text and "#" not in text:
            prefix, _, local = text[len(OBO):].partition("_")
            return f"{prefix}:{local}"
        return str(ident)

    def _characteristic(self, subject: Any, clause: Any) -> None:
        attribute, kind = self.v.characteristics[clause.raw_tag()]
        if getattr(clause, attribute):
            self.add((subject, self.v.TYPE, kind))

    def _chain(self, subject: Any, first: Any, last: Any) -> None:
        self.add((subject, self.v.propertyChainAxiom, self._list([first, last])))

    _typedef_handlers: ClassVar[dict[str, Callable[[_Translator, Any, Any], object]]] = {
        **dict.fromkeys(_CHARACTERISTICS, _characteristic),
        "is_a": lambda self, s, c: self.add((s, self.v.SPO, self.iri(c.typedef))),
        "inverse_of": lambda self, s, c: self.add((s, self.v.inverseOf, self.iri(c.typedef))),
        "domain": lambda self, s, c: self.add((s, self.v.DOMAIN, self.iri(c.domain))),
        "range": lambda self, s, c: self.add((s, self.v.RANGE, self.iri(c.range))),
        "holds_over_chain": lambda self, s, c: self._chain(s, self.iri(c.first), self.iri(c.last)),
        "equivalent_to_chain": lambda self, s, c: self._chain(s, self.iri(c.first), self.iri(c.last)),
        "transitive_over": lambda self, s, c: self._chain(s, s, self.iri(c.typedef)),
        "equivalent_to": lambda self, s, c: self.add((s, self.v.equivalentProperty, self.iri(c.typedef))),
        "disjoint_from": lambda self, s, c: self.add((s, self.v.propertyDisjointWith, self.iri(c.typedef))),
    }

    def header(self) -> None:
        ontology = self.lib.iri(f"{OBO}{self.ontology}.owl")
        self.add((ontology, self.v.TYPE, self.v.Ontology))
        for clause in self.header_clauses:
            if clause.raw_tag() == "data-version":
                self.add((ontology, self.v.versionInfo, self.literal(str(clause.version))))

    def document(self, frames: Iterable[Any], sink: Callable[[list[tuple[Any, Any, Any]]], object] | None = None,
                 chunk: int = 25_000) -> list[tuple[Any, Any, Any]]:
        """The triples of the header and ``frames``: those of the frames that wait for the
        Typedefs (see the class) come last. ``sink`` is handed them too, ``chunk`` at a time (the
        last one fewer) as frames are translated: a merge loads them into its store meanwhile."""
        if any(c.raw_tag() == "ontology" for c in self.header_clauses):
            self.header()
        waiting: list[Any] = []
        found: dict[str, str] = {}
        triples = self.triples
        handed = 0
        for count, frame in enumerate(frames, 1):
            if sink is not None and len(triples) - handed >= chunk:  # between frames: none is undone
                sink(triples[handed:handed + chunk])
                handed += chunk
            if isinstance(frame, fastobo.term.TermFrame):
                mark = len(triples)
                try:
                    self.term(frame)
                except _Unresolved:
                    del triples[mark:]
                    waiting.append(frame)
            elif isinstance(frame, fastobo.typedef.TypedefFrame):
                self._shorthand(frame, found)
                waiting.append(frame)
            if not count % 1024:  # compiled, this loop would hold Ctrl-C and other threads to its end
                interruptible()
        self.shorthands = found
        for frame in waiting:
            if isinstance(frame, fastobo.term.TermFrame):
                self.term(frame)
            else:
                self.typedef(frame)
        if sink is not None:
            for start in range(handed, len(triples), chunk):
                sink(triples[start:start + chunk])
        return triples


#: The prefixes a translated document binds.
PREFIXES = {"obo": vocab.OBO, "oboInOwl": vocab.OBOINOWL}


def translate(doc: Any, graph: Graph) -> None:
    """Add the OWL triples of the fastobo document ``doc`` (a ``header`` and its frames: loaded, or
    read as fastobo parses them by :mod:`milia_kg.formats.read`) to ``graph``."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.addN((s, p, o, graph) for s, p, o in _Translator(doc.header, _rdflib_library()).document(doc))


def translate_oxigraph(doc: Any, sink: Callable[[list[tuple[Any, Any, Any]]], object] | None = None,
                       chunk: int = 25_000) -> list[tuple[Any, Any, Any]]:
    """The OWL triples of the fastobo document ``doc`` (as for :func:`translate`; frames read as they
    are parsed are translated as they come) as pyoxigraph terms (the same triples as
    :func:`translate`, blank-node labels aside); handed to ``sink`` too, ``chunk`` at a time (the
    last fewer) as they are translated."""
    return _Translator(doc.header, _oxigraph_library()).document(doc, sink, chunk)
