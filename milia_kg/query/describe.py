"""What the graph says of one term, for an entity page: label, definition and the quotes behind it,
synonyms, direct super- and subclasses, every fact with its provenance (qualifier, population,
condition, quote, source), mappings; and the term's concise bounded description as a graph.

Read from the local graph (:attr:`~milia_kg.query.kg.KnowledgeGraph.graph`); rdflib is imported by
that property, not here. A fact is a triple with an ``owl:Axiom`` carrying ``mkg:quote``
(docs/data-model.md); a triple between two terms without one is listed as inferred.

>>> from milia_kg.query.kg import KnowledgeGraph
>>> entity = describe(KnowledgeGraph.open(), "https://w3id.org/milia-kg/PrimaryMilia")
>>> entity.label, [s.label for s in entity.superclasses]
('primary milia', ['milia'])
>>> [(f.predicate_label, f.object_label, f.qualifier) for f in entity.facts if f.question == "body_sites"][:2]
[('has site', 'cheek', 'often'), ('has site', 'eyelid', 'often')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from milia_kg import vocab
from milia_kg.errors import ParameterError

if TYPE_CHECKING:
    import rdflib

    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["MAPPING_PREDICATES", "QUESTION_OF", "Entity", "Fact", "Link", "bounded_description", "describe",
           "is_described", "term_iri"]

#: Predicate (local name in ``mkg:``) -> the catalogue query that asks about it: an entity page
#: groups facts under that query's question. Predicates not here are grouped under their label.
QUESTION_OF: dict[str, str] = {
    "hasSite": "body_sites",
    "occursIn": "populations",
    "hasCourse": "course",
    "hasOnset": "onset",
    "hasEpidemiology": "epidemiology",
    "hasCause": "causes",
    "developsAfter": "causes",
    "associatedWith": "causes",
    "notAssociatedWith": "causes",
    "treatedWithMedication": "treatments",
    "treatedWithProcedure": "treatments",
    "hasManagementApproach": "treatments",
    "availability": "treatments",
    "performedBy": "treatments",
    "hasPreventionMeasure": "prevention",
    "preventability": "prevention",
    "hasHomeCareMeasure": "home_care",
    "hasHomeCareActionToAvoid": "home_care",
    "hasActionToAvoid": "avoid",
    "avoidBecause": "avoid",
    "hasRisk": "avoid",
    "hasFeature": "symptoms",
    "hasCareSeekingAdvice": "care_seeking",
    "seeProvider": "care_seeking",
    "diagnosedBy": "diagnosis",
    "confusedWith": "differential",
    "suggestsSubtype": "subtypes_to_consider",
}
#: SKOS mapping predicates (the SSSOM set's triples), shown as mappings rather than facts.
MAPPING_PREDICATES = tuple(vocab.SKOS + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch",
                                                    "relatedMatch"))
_RDFS_LABEL = vocab.RDFS + "label"
_SUBCLASS = vocab.RDFS + "subClassOf"
_DEFINITION = vocab.SKOS + "definition"
_ALT_LABEL = vocab.SKOS + "altLabel"
#: The OBO annotation vocabulary a merged ontology (HPO, UBERON) uses for the same: read too, so a
#: merged term's page shows its definition and synonyms.
_OBO_DEFINITION = vocab.OBO + "IAO_0000115"
_OBO_SYNONYMS = tuple(vocab.OBOINOWL + p for p in ("hasExactSynonym", "hasRelatedSynonym", "hasBroadSynonym",
                                                   "hasNarrowSynonym"))
_PREF_LABEL = vocab.SKOS + "prefLabel"
_TYPE = vocab.RDF + "type"
_NOT_FACTS = {_RDFS_LABEL, _SUBCLASS, _DEFINITION, _ALT_LABEL, _PREF_LABEL, _TYPE, *MAPPING_PREDICATES,
              _OBO_DEFINITION, *_OBO_SYNONYMS,
              vocab.OWL + "equivalentClass", vocab.OWL + "disjointWith"}


@dataclass(frozen=True)
class Link:
    """A term to link to: its IRI, CURIE and label (the CURIE when it has none)."""

    iri: str
    curie: str
    label: str


@dataclass(frozen=True)
class Fact:
    """One stated fact and its provenance; ``question`` is a catalogue query name or ``""``."""

    subject: Link
    predicate: str
    predicate_label: str
    object: Link | None  # an IRI object; None for a literal
    value: str  # the object's label, or the literal
    question: str
    quote: str = ""
    qualifier: str = ""
    populations: tuple[Link, ...] = ()  # every population the axiom names ("older children and adults")
    when: str = ""
    source: Link | None = None
    source_url: str = ""

    @property
    def object_label(self) -> str:
        return self.value


@dataclass
class Entity:
    """Everything an entity page shows."""

    iri: str
    curie: str
    label: str
    types: list[Link] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    definition_quotes: list[tuple[str, Link | None, str]] = field(default_factory=list)  # quote, source, url
    synonyms: list[str] = field(default_factory=list)
    superclasses: list[Link] = field(default_factory=list)
    subclasses: list[Link] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)  # the term as subject
    mentions: list[Fact] = field(default_factory=list)  # the term as object
    inferred: list[tuple[str, Link]] = field(default_factory=list)  # (predicate label, object), no axiom
    mappings: list[tuple[str, Link]] = field(default_factory=list)  # (SKOS predicate local name, target)


def term_iri(reference: str) -> str:
    """The IRI of a CURIE (``mkg:PrimaryMilia``, ``HP:0001056``), an IRI, or a bare ``mkg:`` local name.

    >>> term_iri("mkg:PrimaryMilia"), term_iri("PrimaryMilia")
    ('https://w3id.org/milia-kg/PrimaryMilia', 'https://w3id.org/milia-kg/PrimaryMilia')
    >>> term_iri("HP:0001056")
    'http://purl.obolibrary.org/obo/HP_0001056'

    :raises ParameterError: for text that is none of these.
    """
    import re

    text = reference.strip()
    if re.match(r"https?://[^\s<>\"{}|\\^`]+\Z", text):
        return text
    if re.match(r"[A-Za-z][A-Za-z0-9_-]*\Z", text):
        return vocab.MKG + text
    if vocab.CURIE.match(text) and ":" in text:
        expanded = vocab.expand(text)
        if expanded:
            return expanded
        obo = vocab.OBO_ID.match(text)
        if obo:  # an OBO library CURIE (HP:0001056) -> its PURL
            return f"{vocab.OBO}{obo.group(1)}_{obo.group(2)}"
    raise ParameterError("term", reference, "not a CURIE (mkg:PrimaryMilia), an IRI or an mkg: local name")


def is_described(kg: KnowledgeGraph, iri: str) -> bool:
    """Whether ``iri`` is the subject of a triple, asked of the engine (no rdflib graph is built).

    :raises ParameterError: for a string that is no valid IRI.
    """
    import pyoxigraph as ox

    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise ParameterError("term", iri, "not a valid IRI") from None
    return kg.backend.ask("ASK WHERE { ?s ?p ?o }", {"s": node})


def _local_graph(kg: KnowledgeGraph) -> Any:
    """What the pages read one term's neighbourhood from: the Oxigraph store itself on that engine
    (:class:`~milia_kg.query.store_view.StoreView`, no rdflib copy of a whole kept store), else the
    rdflib graph.

    :raises MiliaKGError: for a remote endpoint (no local graph).
    """
    store = getattr(kg.backend, "store", None)
    if store is None:
        return kg.graph
    from milia_kg.query.store_view import StoreView

    return StoreView(store)


class _Reader:
    """Label and link lookups over one rdflib graph."""

    def __init__(self, graph: Any) -> None:
        import rdflib

        self.graph, self.rdflib = graph, rdflib

    def ref(self, iri: str) -> Any:
        return self.rdflib.URIRef(iri)

    def label(self, node: Any) -> str:
        labels = [o for o in self.graph.objects(node, self.ref(_RDFS_LABEL)) if isinstance(o, self.rdflib.Literal)]
        english = sorted(str(o) for o in labels if (o.language or "en").startswith("en"))
        if english:
            return english[0]
        if isinstance(node, self.rdflib.Literal):
            return str(node)
        return vocab.shorten(str(node)).strip("<>")

    def link(self, node: Any) -> Link:
        return Link(str(node), vocab.shorten(str(node)).strip("<>"), self.label(node))

    def named(self, nodes: Iterable[Any]) -> list[Any]:
        return [n for n in nodes if isinstance(n, self.rdflib.URIRef)]

    def text(self, node: Any, predicate: str) -> str:
        values = sorted(str(v) for v in self.graph.objects(node, self.ref(predicate)))
        return values[0] if values else ""


def _direct(reader: _Reader, term: Any, up: bool) -> list[Link]:
    """The direct named super- (``up``) or subclasses of ``term`` in a reasoned (transitively
    closed) graph: those with no other one in between; equivalents and ``owl:Thing`` left out.

    Each related class's own superclasses are read once (not every pair compared): the HPO's root has
    about 19,000 subclasses, whose pairs would be 360 million lookups."""
    sub = reader.ref(_SUBCLASS)
    graph = reader.graph
    related = set(reader.named(graph.objects(term, sub) if up else graph.subjects(sub, term)))
    related -= {term, reader.ref(vocab.OWL + "Thing"), reader.ref(vocab.OWL + "Nothing")}
    # equivalent (mutual subclass) terms are not above or below
    related = {r for r in related if not ((r, sub, term) in graph and (term, sub, r) in graph)}
    # strictly_above[r]: the related classes r is strictly under (an equivalent of r is not above it)
    above = {r: {o for o in graph.objects(r, sub) if o in related and o != r} for r in related}
    strictly_above = {r: {o for o in found if r not in above.get(o, ())} for r, found in above.items()}
    if up:  # a superclass with another related class strictly under it is not direct
        indirect = {o for found in strictly_above.values() for o in found}
        direct = [r for r in related if r not in indirect]
    else:  # a subclass strictly under another related class is not direct
        direct = [r for r in related if not strictly_above[r]]
    return sorted((reader.link(d) for d in direct), key=lambda link: (link.label.lower(), link.iri))


def _facts(reader: _Reader, term: Any, as_subject: bool) -> tuple[list[Fact], set[tuple[Any, Any, Any]]]:
    """Facts with an axiom about ``term`` (as subject or object), and the triples they cover."""
    owl, rdflib = vocab.OWL, reader.rdflib
    graph = reader.graph
    position = reader.ref(owl + ("annotatedSource" if as_subject else "annotatedTarget"))
    facts, covered = [], set()
    for axiom in graph.subjects(position, term):
        quote = reader.text(axiom, vocab.MKG + "quote")
        subject = graph.value(axiom, reader.ref(owl + "annotatedSource"))
        predicate = graph.value(axiom, reader.ref(owl + "annotatedProperty"))
        target = graph.value(axiom, reader.ref(owl + "annotatedTarget"))
        if not quote or predicate is None or str(predicate) in _NOT_FACTS or subject is None or target is None:
            continue
        covered.add((subject, predicate, target))
        named = reader.named(graph.objects(axiom, reader.ref(vocab.MKG + "inPopulation")))
        populations = sorted((reader.link(p) for p in named), key=lambda link: (link.label, link.iri))
        source = graph.value(axiom, reader.ref(vocab.DCTERMS + "source"))
        local = str(predicate)[len(vocab.MKG):] if str(predicate).startswith(vocab.MKG) else ""
        facts.append(Fact(
            subject=reader.link(subject), predicate=str(predicate), predicate_label=reader.label(predicate),
            object=reader.link(target) if isinstance(target, rdflib.URIRef) else None,
            value=reader.label(target), question=QUESTION_OF.get(local, ""), quote=quote,
            qualifier=reader.text(axiom, vocab.MKG + "qualifier"),
            populations=tuple(populations),
            when=reader.text(axiom, vocab.MKG + "applicableWhen"),
            source=reader.link(source) if isinstance(source, rdflib.URIRef) else None,
            source_url=reader.text(source, f"{vocab.BIBO}uri") if source is not None else "",
        ))
    facts.sort(key=lambda f: (f.question or "~", f.predicate_label, f.subject.label, f.value, f.quote))
    return facts, covered


def describe(kg: KnowledgeGraph, iri: str) -> Entity | None:
    """What the local graph of ``kg`` says of ``iri``, or ``None`` if it is the subject of nothing.

    :raises MiliaKGError: for a remote endpoint (no local graph).
    """
    reader = _Reader(_local_graph(kg))
    graph, rdflib = reader.graph, reader.rdflib
    term = reader.ref(iri)
    if (term, None, None) not in graph:
        return None
    entity = Entity(iri, vocab.shorten(iri).strip("<>"), reader.label(term))
    entity.types = sorted((reader.link(t) for t in reader.named(graph.objects(term, reader.ref(_TYPE)))
                           if str(t).startswith(vocab.MKG)), key=lambda link: link.label)
    entity.definitions = sorted({str(d) for p in (_DEFINITION, _OBO_DEFINITION)
                                 for d in graph.objects(term, reader.ref(p))})
    entity.synonyms = sorted({str(s) for p in (_ALT_LABEL, *_OBO_SYNONYMS) for s in graph.objects(term, reader.ref(p))})
    entity.superclasses = _direct(reader, term, up=True)
    entity.subclasses = _direct(reader, term, up=False)
    source_of = reader.ref(vocab.OWL + "annotatedSource")
    for axiom in graph.subjects(source_of, term):
        if str(graph.value(axiom, reader.ref(vocab.OWL + "annotatedProperty"))) == _DEFINITION:
            source = graph.value(axiom, reader.ref(vocab.DCTERMS + "source"))
            for quote in sorted(str(q) for q in graph.objects(axiom, reader.ref(vocab.MKG + "quote"))):
                entity.definition_quotes.append((
                    quote, reader.link(source) if isinstance(source, rdflib.URIRef) else None,
                    reader.text(source, f"{vocab.BIBO}uri") if source is not None else ""))
    entity.definition_quotes.sort(key=lambda q: q[0])
    entity.facts, covered = _facts(reader, term, as_subject=True)
    entity.mentions, _ = _facts(reader, term, as_subject=False)
    for predicate, target in graph.predicate_objects(term):
        if str(predicate) in MAPPING_PREDICATES and isinstance(target, rdflib.URIRef):
            entity.mappings.append((str(predicate)[len(vocab.SKOS):], reader.link(target)))
        elif (str(predicate).startswith(vocab.MKG) and isinstance(target, rdflib.URIRef)
              and (term, predicate, target) not in covered and str(target).startswith(vocab.MKG)):
            entity.inferred.append((reader.label(predicate), reader.link(target)))
    entity.mappings.sort(key=lambda m: (m[0], m[1].curie))
    entity.inferred.sort(key=lambda i: (i[0], i[1].label))
    return entity


def bounded_description(kg: KnowledgeGraph, iri: str) -> rdflib.Graph:
    """The term's concise bounded description: its triples, the blank nodes they reach (restrictions,
    lists), the ``owl:Axiom`` annotations of its facts (quote, qualifier, population, source), and
    the ``rdfs:label`` of every IRI these name. Empty if the term is the subject of nothing."""
    import rdflib

    graph = _local_graph(kg)
    term = rdflib.URIRef(iri)
    out = rdflib.Graph()
    for prefix, namespace in vocab.QUERY_PREFIXES.items():
        out.bind(prefix, namespace)
    pending: list[Any] = [term]
    pending += list(graph.subjects(rdflib.URIRef(vocab.OWL + "annotatedSource"), term))
    seen: set[Any] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in graph.predicate_objects(node):
            out.add((node, predicate, value))
            if isinstance(value, rdflib.BNode):
                pending.append(value)
    label = rdflib.URIRef(_RDFS_LABEL)
    named = {n for triple in list(out) for n in triple if isinstance(n, rdflib.URIRef) and n != term}
    for node in named:
        for value in graph.objects(node, label):
            out.add((node, label, value))
    return out
