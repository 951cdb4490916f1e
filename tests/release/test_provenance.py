"""Every clinical sentence of the seed is quoted by the graph, and every quote is the seed's own words."""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

MKG = Namespace("https://w3id.org/milia-kg/")

#: Sentences of the seed that carry no clinical fact: headings, questions, the review line and the
#: reference list (both kept in data/sources.ttl), and the publisher's boilerplate.
NON_CLINICAL = {
    "What are milia?",
    "Symptoms and Causes",
    "What are the different kinds of milia, and what causes them?",
    "Diagnosis and Tests",
    "How are milia diagnosed?",
    "Management and Treatment",
    "How are milia treated?",
    "Can milia be prevented?",
    "Outlook / Prognosis",
    "What is the outlook for people with milia?",
    "Living With",
    "When should I seek medical help for milia?",
    "Last reviewed by a Cleveland Clinic medical professional on 10/22/2018.",
    "Cleveland Clinic is a non-profit academic medical center.",
    "Advertising on our site helps support our mission.",
    "We do not endorse non-Cleveland Clinic products or services.",
    "Policy",
}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_sentences(seed: str) -> list[str]:
    """Split the seed into sentences: one per line, then at sentence-final punctuation."""
    sentences: list[str] = []
    for line in seed.splitlines():
        line = line.strip().lstrip("•").strip()
        if not line or "Accessed" in line or line.startswith(("Chapter 108", "Berk DR")):
            continue  # empty, or a reference of the reference list
        sentences += [s.strip() for s in re.split(r"(?:(?<=[.!?])|(?<=[.!?][”\"]))\s+(?=[A-Z“])", line) if s.strip()]
    return sentences


def _quotes(graph: Graph) -> set[str]:
    return {_normalise(str(q)) for q in graph.objects(None, MKG.quote)}




def _clinical_sentences() -> list[str]:
    from milia_kg.base import resources

    return [s for s in seed_sentences(resources.seed_text()) if s not in NON_CLINICAL]


@pytest.mark.parametrize("sentence", _clinical_sentences())
def test_every_clinical_sentence_is_quoted(sentence: str, asserted_graph: Graph) -> None:
    quotes = " | ".join(_quotes(asserted_graph))
    assert _normalise(sentence) in quotes, f"no provenance record quotes: {sentence!r}"


def test_non_clinical_sentences_exist_in_seed(seed_text: str) -> None:
    """The exclusion list must not hide a typo: each excluded sentence is really in the seed."""
    sentences = set(seed_sentences(seed_text))
    assert sentences >= NON_CLINICAL


def test_every_quote_is_verbatim_from_the_seed(asserted_graph: Graph, seed_text: str) -> None:
    seed = _normalise(seed_text)
    missing = sorted(q for q in _quotes(asserted_graph) if q not in seed)
    assert missing == []


def test_every_reference_is_cited_verbatim(asserted_graph: Graph, seed_text: str) -> None:
    citations = [str(c) for c in asserted_graph.objects(None, DCTERMS.bibliographicCitation)]
    assert len(citations) == 4  # the seed lists four references
    assert all(_normalise(c) in _normalise(seed_text) for c in citations)


def _fact_triples(graph: Graph) -> set[tuple[URIRef, URIRef, object]]:
    """Asserted clinical facts: a mkg: predicate with an IRI object, or the preventability statement."""
    facts = set()
    for s, p, o in graph:
        if not (isinstance(s, URIRef) and isinstance(p, URIRef) and str(p).startswith(str(MKG))):
            continue
        if isinstance(o, URIRef) or p == MKG.preventability:
            facts.add((s, p, o))
    return facts


def test_every_fact_has_an_axiom_with_quote_and_source(asserted_graph: Graph) -> None:
    annotated = set()
    for axiom in asserted_graph.subjects(RDF.type, OWL.Axiom):
        if (axiom, MKG.quote, None) in asserted_graph and (axiom, DCTERMS.source, None) in asserted_graph:
            annotated.add(
                (
                    asserted_graph.value(axiom, OWL.annotatedSource),
                    asserted_graph.value(axiom, OWL.annotatedProperty),
                    asserted_graph.value(axiom, OWL.annotatedTarget),
                )
            )
    statement_internals = {MKG.aboutPopulation, MKG.inRegion}  # parts of an n-ary statement node
    missing = sorted(
        (s, p, o) for s, p, o in _fact_triples(asserted_graph) - annotated if p not in statement_internals
    )
    assert missing == []


def test_every_axiom_annotates_an_asserted_triple(asserted_graph: Graph) -> None:
    """A reified axiom whose triple is missing would be provenance for nothing."""
    dangling = []
    for axiom in asserted_graph.subjects(RDF.type, OWL.Axiom):
        s = asserted_graph.value(axiom, OWL.annotatedSource)
        p = asserted_graph.value(axiom, OWL.annotatedProperty)
        o = asserted_graph.value(axiom, OWL.annotatedTarget)
        if (s, p, o) not in asserted_graph:
            dangling.append((s, p, o))
    assert dangling == []


@pytest.mark.parametrize(
    ("qualifier", "subject", "predicate", "obj"),
    [
        ("usually", "MiliaEnPlaque", "hasSite", "SkinBehindEar"),
        ("often", "PrimaryMilia", "hasSite", "obo:UBERON_0001711"),  # eyelid (issue 20: the UBERON term)
        ("often", "NeonatalMilia", "hasSite", "obo:UBERON_0000004"),  # nose
        ("sometimes", "MultipleEruptiveMilia", "hasFeature", "Itch"),
        ("sometimes", "JuvenileMilia", "hasOnset", "LaterOnset"),
        ("mostly, but not exclusively", "MiliaEnPlaque", "occursIn", "MiddleAgedWoman"),
        ("rare", "MultipleEruptiveMilia", "hasEpidemiology", "epi-multiple-eruptive-rare"),
        ("unusual", "MiliaEnPlaque", "hasEpidemiology", "epi-milia-en-plaque-unusual"),
        ("can be", "SecondaryMilia", "hasCourse", "Permanent"),
        ("can also be", "SqueezingOrScrapingMilia", "hasRisk", "PermanentScarring"),
        ("about half", "NeonatalMilia", "occursIn", "Infant"),
        ("about 40-50 percent", "Milia", "occursIn", "Newborn"),
        ("most cases cannot be prevented", "Milia", "preventability", None),
        ("commonly", "JuvenileMilia", "associatedWith", "InheritedDisorder"),
    ],
)
def test_qualifiers_survive(qualifier: str, subject: str, predicate: str, obj: str | None, asserted_graph: Graph) -> None:
    target = (Literal("most cases cannot be prevented", lang="en") if obj is None
              else URIRef("http://purl.obolibrary.org/obo/" + obj[4:]) if obj.startswith("obo:") else MKG[obj])
    found = {
        str(q)
        for axiom in asserted_graph.subjects(OWL.annotatedSource, MKG[subject])
        if asserted_graph.value(axiom, OWL.annotatedProperty) == MKG[predicate]
        and asserted_graph.value(axiom, OWL.annotatedTarget) == target
        for q in asserted_graph.objects(axiom, MKG.qualifier)
    }
    assert found == {qualifier}
