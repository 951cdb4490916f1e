"""The terms of the OBO products, read from the triples of ``milia-kg.owl``.

One model (:class:`Frame`) feeds both writers of :mod:`milia_kg.release.obo_products` (OBO 1.4 and
OBO Graphs JSON), so the two files hold the same terms, names, definitions, synonyms and edges.
What OBO can say is taken as the OWL-to-OBO mapping does (``robot convert``): named classes of the
project and of OBO ontologies become ``[Term]`` frames, object properties ``[Typedef]`` frames;
``rdfs:subClassOf`` a named class is ``is_a``, a subclass of ``P some C`` is ``relationship: P C``.
The class-level facts (``mkg:PrimaryMilia mkg:hasSite mkg:Eyelid``, hedged on the page, so not
``some`` restrictions) and the SKOS mappings are ``property_value`` lines. Individuals (statements,
sources), the bibliographic classes (bibo, foaf) and the defined classes' logical definitions are
left to the OWL file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Literal, URIRef

from milia_kg import vocab
from milia_kg.release import obo_vocab

__all__ = ["Frame", "Synonym", "frames", "term_curie"]

_SCOPES: dict[object, str] = {obo_vocab.HAS_EXACT_SYNONYM: "EXACT", obo_vocab.HAS_RELATED_SYNONYM: "RELATED",
           obo_vocab.OIO.hasBroadSynonym: "BROAD", obo_vocab.OIO.hasNarrowSynonym: "NARROW"}
#: IAO:0100001 term replaced by, OBO's ``replaced_by``.
_REPLACED_BY = URIRef(f"{vocab.OBO}IAO_0100001")
_MAPPINGS = tuple(SKOS[name] for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))

Triple = tuple[object, object, object]


@dataclass(frozen=True)
class Synonym:
    """One synonym: its text, OBO scope (``EXACT``, ``RELATED``...) and the xrefs of its source."""

    text: str
    scope: str
    xrefs: tuple[str, ...] = ()


@dataclass
class Frame:
    """A ``[Term]`` (``kind="term"``) or ``[Typedef]`` of the OBO products; ids are CURIEs."""

    id: str
    iri: str
    kind: str
    name: str | None = None
    definition: str | None = None
    definition_xrefs: tuple[str, ...] = ()
    synonyms: list[Synonym] = field(default_factory=list)
    xrefs: list[str] = field(default_factory=list)
    is_a: list[str] = field(default_factory=list)
    relationships: list[tuple[str, str]] = field(default_factory=list)
    #: (property CURIE, value CURIE): class-level facts and mappings
    property_values: list[tuple[str, str]] = field(default_factory=list)
    transitive: bool = False
    deprecated: bool = False
    #: ``IAO:0100001`` term replaced by (a former mkg: site, issue 20): OBO's ``replaced_by``
    replaced_by: list[str] = field(default_factory=list)


def term_curie(iri: str) -> str | None:
    """The CURIE of a term the OBO products hold (``mkg:PrimaryMilia``, ``HP:0001056``), else None.

    >>> term_curie(vocab.MKG + "PrimaryMilia"), term_curie(vocab.OBO + "HP_0001056"), term_curie("http://x.org/a")
    ('mkg:PrimaryMilia', 'HP:0001056', None)
    """
    if iri.startswith(vocab.MKG):
        local = iri.removeprefix(vocab.MKG)
        return f"mkg:{local}" if local and "/" not in local else None
    short = vocab.shorten(iri, {})
    return None if short.startswith("<") else short


def frames(triples: Iterable[Triple], curie_map: Mapping[str, str] = {}) -> list[Frame]:
    """Every term and typedef of ``triples`` (the OWL product's), sorted by id."""
    by_subject: dict[object, list[tuple[object, object]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    types = {(s, o) for s, pairs in by_subject.items() for p, o in pairs if p == RDF.type}
    object_properties = {s for s, o in types if o == OWL.ObjectProperty}
    axioms = _axiom_xrefs(by_subject)
    found: dict[str, Frame] = {}
    for subject in sorted(s for s in by_subject if isinstance(s, URIRef)):
        kind = "term" if (subject, OWL.Class) in types else "typedef" if subject in object_properties else None
        ident = term_curie(str(subject)) if kind else None
        if kind is None or ident is None:
            continue
        frame = Frame(id=ident, iri=str(subject), kind=kind, transitive=(subject, OWL.TransitiveProperty) in types)
        for p, o in sorted(by_subject[subject], key=lambda po: (str(po[0]), str(po[1]))):
            _read(frame, subject, p, o, by_subject, object_properties, axioms, curie_map)
        found[ident] = frame
    return [found[k] for k in sorted(found)]


def _axiom_xrefs(by_subject: Mapping[object, list[tuple[object, object]]]) -> dict[Triple, tuple[str, ...]]:
    """(source, property, target) -> the ``oboInOwl:hasDbXref`` values of its axioms."""
    result: dict[Triple, tuple[str, ...]] = {}
    for node, pairs in by_subject.items():
        values = dict(pairs)
        if isinstance(node, BNode) and values.get(RDF.type) == OWL.Axiom:
            key = (values.get(OWL.annotatedSource), values.get(OWL.annotatedProperty), values.get(OWL.annotatedTarget))
            xrefs = sorted(str(o) for p, o in pairs if p == obo_vocab.HAS_DBXREF)
            result[key] = tuple(sorted({*result.get(key, ()), *xrefs}))
    return result


def _read(frame: Frame, subject: URIRef, p: object, o: object,
          by_subject: Mapping[object, list[tuple[object, object]]], object_properties: set[object],
          axioms: Mapping[Triple, tuple[str, ...]], curie_map: Mapping[str, str]) -> None:
    """Fill ``frame`` from one triple of its subject."""
    if p == RDFS.label and frame.name is None:
        frame.name = str(o)
    elif p == obo_vocab.DEFINITION and frame.definition is None:
        frame.definition = str(o)
        frame.definition_xrefs = axioms.get((subject, p, o), ())
    elif p in _SCOPES and isinstance(o, Literal):
        frame.synonyms.append(Synonym(str(o), _SCOPES[p], axioms.get((subject, p, o), ())))
    elif p == obo_vocab.HAS_DBXREF:
        frame.xrefs.append(str(o))
    elif p == OWL.deprecated and str(o).lower() == "true":
        frame.deprecated = True
    elif p == _REPLACED_BY and isinstance(o, URIRef) and term_curie(str(o)):
        frame.replaced_by.append(str(term_curie(str(o))))
    elif p in (RDFS.subClassOf, RDFS.subPropertyOf) and isinstance(o, URIRef) and term_curie(str(o)):
        frame.is_a.append(str(term_curie(str(o))))
    elif p == RDFS.subClassOf and isinstance(o, BNode):
        restriction = dict(by_subject.get(o, []))
        prop, filler = restriction.get(OWL.onProperty), restriction.get(OWL.someValuesFrom)
        names = (term_curie(str(prop)), term_curie(str(filler)))
        if isinstance(prop, URIRef) and isinstance(filler, URIRef) and names[0] and names[1]:
            frame.relationships.append((names[0], names[1]))
    elif isinstance(o, URIRef) and (p in object_properties or p in _MAPPINGS):
        prop = "skos:" + str(p).removeprefix(vocab.SKOS) if p in _MAPPINGS else term_curie(str(p))
        value = term_curie(str(o)) or obo_vocab.curie(str(o), curie_map)
        if prop is not None:
            frame.property_values.append((prop, value))
