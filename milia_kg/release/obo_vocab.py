"""OBO annotation vocabulary beside the SKOS of the sources, for OBO tools (oaklib, ROBOT, pronto).

SPARQL users read ``skos:definition``, ``skos:altLabel`` and ``skos:exactMatch``; OBO tools read
``IAO:0000115``, ``oboInOwl:has*Synonym`` and ``oboInOwl:hasDbXref`` and see nothing without them.
The release products for OBO tools (``milia-kg.owl``, ``.obo``, ``.json``) get both, derived here
from the SKOS, so the sources keep one wording:

- ``skos:definition`` -> ``IAO:0000115``; the definition's provenance axiom (``dcterms:source``,
  ``mkg:quote``) is copied onto the new one, plus ``oboInOwl:hasDbXref`` with the source's address
  (``bibo:uri``), which is where an OBO definition names its source.
- ``skos:altLabel`` -> ``oboInOwl:hasExactSynonym`` when the page states it as a name of the thing
  (its axiom quotes the page: "also known as", "another name for", "one is called") or it is the
  label's plural or singular ("eyelids" for "eyelid"); every other alternative label is only
  ``oboInOwl:hasRelatedSynonym`` ("biopsy" for skin biopsy, "sunscreen" for a measure): the sources
  do not say the two mean the same, so no more is claimed.
- ``skos:exactMatch`` -> ``oboInOwl:hasDbXref`` with the CURIE (close, broad and narrow matches
  are not cross-references of the same thing; they stay SKOS).
- ``oboInOwl:id`` (``mkg:PrimaryMilia``) on the project's classes and properties, which pronto and
  the OBO format use as the term's identifier.

>>> [is_number_variant(a, b) for a, b in (("eyelids", "eyelid"), ("babies", "baby"), ("biopsy", "skin biopsy"))]
[True, True, False]
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Literal, URIRef

from milia_kg import vocab

__all__ = [
    "DEFINITION",
    "HAS_DBXREF",
    "HAS_EXACT_SYNONYM",
    "HAS_RELATED_SYNONYM",
    "OBO_ID",
    "curie",
    "is_number_variant",
    "obo_annotations",
]

OIO = rdflib.Namespace(vocab.OBOINOWL)
DEFINITION = URIRef(f"{vocab.OBO}IAO_0000115")
HAS_EXACT_SYNONYM = OIO.hasExactSynonym
HAS_RELATED_SYNONYM = OIO.hasRelatedSynonym
HAS_DBXREF = OIO.hasDbXref
OBO_ID = OIO.id
#: The annotation properties this module writes, with the labels their ontologies give them.
LABELS = {
    DEFINITION: "definition",
    HAS_EXACT_SYNONYM: "has_exact_synonym",
    HAS_RELATED_SYNONYM: "has_related_synonym",
    HAS_DBXREF: "database_cross_reference",
    OBO_ID: "id",
}
BIBO_URI = URIRef(f"{vocab.BIBO}uri")
#: ``mkg:quote``: the verbatim words of the page an axiom rests on.
QUOTE = URIRef(f"{vocab.MKG}quote")
DCTERMS_SOURCE = rdflib.DCTERMS.source
# Looked up once: an attribute of rdflib's namespaces is a Python call, and these are read once per triple.
_TYPE, _LABEL = RDF.type, RDFS.label
_DEFINITION_SKOS, _ALT_LABEL, _EXACT_MATCH = SKOS.definition, SKOS.altLabel, SKOS.exactMatch
#: The annotations of a source axiom copied onto the OBO one (provenance; the rest is structure).
_AXIOM_STRUCTURE = {RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget}

Triple = tuple[object, object, object]


def is_number_variant(alternative: str, label: str) -> bool:
    """Whether ``alternative`` is ``label`` in the other grammatical number (English ``-s``, ``-es``,
    ``-y``/``-ies``; Latin ``-um``/``-a`` as in milium/milia)."""
    a, b = alternative.strip().lower(), label.strip().lower()
    for one, other in ((a, b), (b, a)):
        if other in (f"{one}s", f"{one}es") or (one.endswith("y") and other == f"{one[:-1]}ies"):
            return True
        if one.endswith("um") and other == f"{one[:-2]}a":
            return True
    return False


def curie(iri: str, curie_map: Mapping[str, str]) -> str:
    """An OBO-style CURIE for ``iri`` (``HP:0001056``), by ``curie_map`` otherwise, else the IRI.

    The ``curie_map`` prefix of the longest namespace wins, as in ``curies.Converter.compress``; the
    one shortener (:func:`milia_kg.vocab.shorten`) writes it, so a build never imports curies (and
    pydantic) for a few cross-references.  A local part outside ``[\\w.-]*`` stays an IRI.

    >>> curie("http://snomed.info/id/37719003", {"SNOMEDCT": "http://snomed.info/id/", "sn": "http://snomed.info/"})
    'SNOMEDCT:37719003'
    """
    short = vocab.shorten(iri, {})
    if not short.startswith("<"):
        return short
    if not curie_map:
        return iri
    return _shortener(tuple(curie_map.items()))(iri)


@functools.cache
def _shortener(curie_map: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    """``iri`` -> CURIE by ``curie_map``, longest namespace first (one table per map, not per call)."""
    table = dict(sorted(curie_map, key=lambda item: -len(item[1])))

    def shorten(iri: str) -> str:
        short = vocab.shorten(iri, table, style="report")
        return iri if short.startswith("<") else short

    return shorten


def _bnode(*parts: object) -> BNode:
    """A blank node labelled from content, so two builds write the same file."""
    return BNode("obo" + hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()[:24])


def obo_annotations(triples: Iterable[Triple], curie_map: Mapping[str, str] = {}) -> list[Triple]:
    """The OBO triples to add to ``triples`` (which are not changed); see the module docstring."""
    triples = list(triples)
    axioms: dict[tuple[object, object, object], list[BNode]] = defaultdict(list)
    by_subject: dict[object, list[tuple[object, object]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    for node, pairs in by_subject.items():
        values = dict(pairs)
        if isinstance(node, BNode) and values.get(_TYPE) == OWL.Axiom:
            axioms[(values.get(OWL.annotatedSource), values.get(OWL.annotatedProperty),
                    values.get(OWL.annotatedTarget))].append(node)
    addresses = {s: o for s, p, o in triples if p == BIBO_URI}
    labels = {s: str(o) for s, p, o in triples if p == _LABEL}
    #: exact synonyms an imported term already has (UBERON's "upper arm"): the page's same wording is exact too
    exact_already = {(s, str(o)) for s, p, o in triples if p == HAS_EXACT_SYNONYM}
    added: list[Triple] = []

    def annotate(source: Triple, target: Triple) -> None:
        """``target`` plus a copy of each provenance axiom of ``source`` (and the sources' addresses)."""
        added.append(target)
        for axiom in axioms.get(source, []):
            node = _bnode(*target, axiom)
            added.extend([(node, _TYPE, OWL.Axiom), (node, OWL.annotatedSource, target[0]),
                          (node, OWL.annotatedProperty, target[1]), (node, OWL.annotatedTarget, target[2])])
            for p, o in by_subject[axiom]:
                if p in _AXIOM_STRUCTURE:
                    continue
                added.append((node, p, o))
                if p == DCTERMS_SOURCE and o in addresses:
                    added.append((node, HAS_DBXREF, Literal(str(addresses[o]))))

    for s, p, o in triples:
        if not isinstance(s, URIRef):
            continue
        if p == _DEFINITION_SKOS:
            annotate((s, p, o), (s, DEFINITION, o))
        elif p == _ALT_LABEL:
            stated = any(q == QUOTE for a in axioms.get((s, p, o), []) for q, _ in by_subject[a])
            exact = stated or is_number_variant(str(o), labels.get(s, "")) or (s, str(o)) in exact_already
            annotate((s, p, o), (s, HAS_EXACT_SYNONYM if exact else HAS_RELATED_SYNONYM, o))
        elif p == _EXACT_MATCH and isinstance(o, URIRef):
            added.append((s, HAS_DBXREF, Literal(curie(str(o), curie_map))))
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    own = sorted(
        {s for s, p, o in triples if p == _TYPE and o in kinds and isinstance(s, URIRef) and s.startswith(vocab.MKG)}
    )
    added.extend((s, OBO_ID, Literal(f"mkg:{str(s).removeprefix(vocab.MKG)}")) for s in own)
    used = {p for _, p, _ in added}
    for prop, label in LABELS.items():
        if prop in used:
            added.extend([(prop, _TYPE, OWL.AnnotationProperty), (prop, _LABEL, Literal(label))])
    return added
