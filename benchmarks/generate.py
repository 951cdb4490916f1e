"""Generate a synthetic graph of N triples that scales milia-kg's own modelling patterns.

The graph is built from the project's patterns (docs/design.md), replicated over
*families* of conditions so that reasoning work grows with the graph rather than
with its square:

- a shared TBox: the project's category classes and properties with domains,
  ranges, sub-properties, inverses, transitive part-of, a symmetric property, a
  functional property, the chain ``hasSite o BFO_0000050 -> hasSite``, and one
  defined class over the shared category ``SkinDamage``;
- an anatomy of site classes (grows with N) with a part-of tree, each edge
  reified as an ``owl:Axiom`` citing UBERON;
- per family: a condition under a condition group, six subtypes, three defined
  subtypes (``owl:equivalentClass`` of an ``owl:intersectionOf`` with an
  ``owl:someValuesFrom`` or ``owl:hasValue`` restriction on family-specific
  fillers), disjointness, labels and definitions, class-level facts (punning:
  sites, populations, causes, treatments with availability, onset, features,
  confused-with) each reified once as an ``owl:Axiom`` with quote, qualifier,
  population and source, an epidemiology statement with decimal bounds, and
  patient-case instances with blank-node findings for the defined classes to classify.

Output is Turtle with one triple per line; the same ``(n, seed)`` gives the same bytes.

>>> text = generate_turtle(2_000, seed=1)
>>> import rdflib
>>> n = len(rdflib.Graph().parse(data=text, format="turtle"))
>>> abs(n - 2_000) <= 200
True
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["generate_turtle", "main", "parse_size", "write_turtle"]

PREFIXES = {
    "mkg": "https://w3id.org/milia-kg/",
    "g": "https://w3id.org/milia-kg/synthetic/",
    "obo": "http://purl.obolibrary.org/obo/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
QUALIFIERS = ("usually", "often", "sometimes", "mostly, but not exclusively", "rare", "unusual", "can be permanent")
WORDS = ["small", "white", "cysts", "appear", "on", "the", "skin", "when", "dead", "skin", "cells", "get", "trapped", "under", "the", "surface", "and", "often", "go", "away", "on", "their", "own", "within", "weeks", "or", "months", "although", "some", "forms", "can", "be", "permanent"]
SUBTYPES = ("Neonatal", "Primary", "Eruptive")
CATEGORY_CLASSES = (
    "Condition", "AnatomicalSite", "Population", "OnsetPattern", "CauseOrRiskFactor", "ClinicalFeature",
    "CourseOutcome", "Treatment", "HealthcareProvider", "EpidemiologyStatement", "Availability",
)  # fmt: skip
SUBCATEGORIES = (
    ("AgeGroup", "Population"), ("Cause", "CauseOrRiskFactor"), ("SkinDamage", "Cause"),
    ("Medication", "Treatment"), ("Procedure", "Treatment"), ("Infant", "AgeGroup"), ("Adult", "AgeGroup"),
    ("Child", "AgeGroup"), ("Dermatologist", "HealthcareProvider"),
)  # fmt: skip
#: property: (domain, range, super-properties)
PROPERTIES = {
    "hasSite": ("Condition", "AnatomicalSite", ("obo:RO_0004026",)),
    "occursIn": ("Condition", "Population", ()),
    "hasOnset": ("Condition", "OnsetPattern", ()),
    "hasCauseOrRiskFactor": ("Condition", "CauseOrRiskFactor", ()),
    "hasCause": (None, None, ("mkg:hasCauseOrRiskFactor",)),
    "developsAfter": (None, None, ("mkg:hasCause",)),
    "linkedTo": (None, None, ("mkg:hasCauseOrRiskFactor",)),
    "hasFeature": ("Condition", "ClinicalFeature", ("obo:RO_0002200",)),
    "hasCourse": ("Condition", "CourseOutcome", ()),
    "hasTreatmentOption": ("Condition", "Treatment", ()),
    "treatedWithMedication": (None, "Medication", ("mkg:hasTreatmentOption", "obo:RO_0002302")),
    "treatedWithProcedure": (None, "Procedure", ("mkg:hasTreatmentOption",)),
    "availability": ("Medication", "Availability", ()),
    "performedBy": ("Procedure", "HealthcareProvider", ()),
    "confusedWith": ("Condition", "Condition", ()),
    "hasEpidemiology": ("Condition", "EpidemiologyStatement", ()),
    "aboutPopulation": ("EpidemiologyStatement", "Population", ()),
}
#: Patient cases per family.
_CASES = 8
#: Approximate triples per family, used to size the anatomy before the families are written.
_PER_FAMILY = 400


def parse_size(text: str) -> int:
    """``"10k"`` -> 10000, ``"1m"`` -> 1000000, ``"2500"`` -> 2500.

    >>> parse_size("1m"), parse_size("3k"), parse_size("750")
    (1000000, 3000, 750)
    """
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


class _Writer:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.lines: list[str] = [f"@prefix {p}: <{iri}> ." for p, iri in PREFIXES.items()]
        self.count = 0
        self.bnodes = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .")
        self.count += 1

    def bnode(self) -> str:
        self.bnodes += 1
        return f"_:b{self.bnodes}"

    @staticmethod
    def text(value: str, lang: str | None = "en") -> str:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'

    def sentence(self, subject: str) -> str:
        words = self.rnd.sample(WORDS, 9)
        return f"{subject} {' '.join(words)}."

    def entity(self, iri: str, parents: tuple[str, ...], label: str) -> None:
        self.t(iri, "rdf:type", "owl:Class")
        for parent in parents:
            self.t(iri, "rdfs:subClassOf", parent)
        self.t(iri, "rdfs:label", self.text(label))
        self.t(iri, "skos:definition", self.text(self.sentence(label.capitalize())))

    def fact(self, s: str, p: str, o: str, population: str | None = None, source: str = "mkg:source-synthetic") -> None:
        """A class-level edge plus its owl:Axiom provenance."""
        self.t(s, p, o)
        axiom = self.bnode()
        self.t(axiom, "rdf:type", "owl:Axiom")
        self.t(axiom, "owl:annotatedSource", s)
        self.t(axiom, "owl:annotatedProperty", p)
        self.t(axiom, "owl:annotatedTarget", o)
        self.t(axiom, "mkg:quote", self.text(self.sentence("Milia"), lang=None))
        if self.rnd.random() < 0.5:
            self.t(axiom, "mkg:qualifier", self.text(self.rnd.choice(QUALIFIERS), lang=None))
        if population:
            self.t(axiom, "mkg:inPopulation", population)
        self.t(axiom, "dcterms:source", source)

    def defined_class(self, iri: str, genus: str, prop: str, filler: str, has_value: bool = False) -> None:
        """``iri owl:equivalentClass (genus and (prop some/value filler))``."""
        restriction, intersection, first, second = (self.bnode() for _ in range(4))
        self.t(restriction, "rdf:type", "owl:Restriction")
        self.t(restriction, "owl:onProperty", prop)
        self.t(restriction, "owl:hasValue" if has_value else "owl:someValuesFrom", filler)
        self.t(intersection, "rdf:type", "owl:Class")
        self.t(intersection, "owl:intersectionOf", first)
        self.t(first, "rdf:first", genus)
        self.t(first, "rdf:rest", second)
        self.t(second, "rdf:first", restriction)
        self.t(second, "rdf:rest", "rdf:nil")
        self.t(iri, "owl:equivalentClass", intersection)


def _tbox(w: _Writer) -> None:
    w.t("<https://w3id.org/milia-kg/synthetic>", "rdf:type", "owl:Ontology")
    for name in ("quote", "qualifier", "inPopulation"):
        w.t(f"mkg:{name}", "rdf:type", "owl:AnnotationProperty")
    w.t("mkg:quote", "rdfs:subPropertyOf", "prov:value")
    w.t("mkg:source-synthetic", "rdfs:label", w.text("synthetic source"))
    w.t("mkg:source-synthetic", "dcterms:date", '"2018-10-22"^^xsd:date')
    for name in CATEGORY_CLASSES:
        w.entity(f"mkg:{name}", (), name.lower())
    for name, parent in SUBCATEGORIES:
        w.entity(f"mkg:{name}", (f"mkg:{parent}",), name.lower())
    w.t("mkg:Condition", "owl:disjointWith", "mkg:AnatomicalSite")
    w.t("mkg:Medication", "owl:disjointWith", "mkg:Procedure")
    for part, whole in (("BFO_0000050", "BFO_0000051"),):
        for prop in (part, whole):
            w.t(f"obo:{prop}", "rdf:type", "owl:ObjectProperty")
            w.t(f"obo:{prop}", "rdf:type", "owl:TransitiveProperty")
        w.t(f"obo:{part}", "owl:inverseOf", f"obo:{whole}")
    for name, (domain, range_, supers) in PROPERTIES.items():
        w.t(f"mkg:{name}", "rdf:type", "owl:ObjectProperty")
        w.t(f"mkg:{name}", "rdfs:label", w.text(name))
        if domain:
            w.t(f"mkg:{name}", "rdfs:domain", f"mkg:{domain}")
        if range_:
            w.t(f"mkg:{name}", "rdfs:range", f"mkg:{range_}")
        for sup in supers:
            w.t(f"mkg:{name}", "rdfs:subPropertyOf", sup)
    w.t("mkg:hasSite", "owl:inverseOf", "mkg:isSiteOf")
    w.t("mkg:confusedWith", "rdf:type", "owl:SymmetricProperty")
    w.t("mkg:availability", "rdf:type", "owl:FunctionalProperty")
    chain, rest = w.bnode(), w.bnode()
    w.t("mkg:hasSite", "owl:propertyChainAxiom", chain)
    w.t(chain, "rdf:first", "mkg:hasSite")
    w.t(chain, "rdf:rest", rest)
    w.t(rest, "rdf:first", "obo:BFO_0000050")
    w.t(rest, "rdf:rest", "rdf:nil")
    for name in ("lowerBoundPercent", "upperBoundPercent"):
        w.t(f"mkg:{name}", "rdf:type", "owl:DatatypeProperty")
        w.t(f"mkg:{name}", "rdf:type", "owl:FunctionalProperty")
        w.t(f"mkg:{name}", "rdfs:range", "xsd:decimal")
    for value in ("over-the-counter", "prescription"):
        w.t(f"mkg:{value}", "rdf:type", "mkg:Availability")
        w.t(f"mkg:{value}", "rdfs:label", w.text(value))
    w.t("mkg:over-the-counter", "owl:differentFrom", "mkg:prescription")
    w.entity("mkg:SecondaryCondition", ("mkg:Condition",), "secondary condition")
    w.defined_class("mkg:SecondaryCondition", "mkg:Condition", "mkg:developsAfter", "mkg:SkinDamage")


def _anatomy(w: _Writer, n_sites: int) -> list[str]:
    sites = ["g:site-0"]
    w.entity(sites[0], ("mkg:AnatomicalSite",), "body")
    for i in range(1, n_sites):
        site, parent = f"g:site-{i}", sites[(i - 1) // 4]
        w.entity(site, ("mkg:AnatomicalSite",), f"body site {i}")
        w.fact(site, "obo:BFO_0000050", parent, source="<http://purl.obolibrary.org/obo/uberon.owl>")
        sites.append(site)
    return sites


def _family(w: _Writer, k: int, sites: list[str]) -> Callable[[int], None]:
    """Write family ``k``; return a function that adds its ``i``-th patient case."""
    rnd = w.rnd
    cond, group = f"g:Condition-{k}", f"g:ConditionGroup-{k // 25}"
    if k % 25 == 0:
        w.entity(group, ("mkg:Condition",), f"condition group {k // 25}")
    w.entity(cond, (group,), f"condition {k}")
    w.t(cond, "skos:altLabel", w.text(f"condition number {k}"))
    damage, feature, onset = f"g:Damage-{k}", f"g:Feature-{k}", f"g:Onset-{k}"
    w.entity(damage, ("mkg:SkinDamage",), f"skin damage {k}")
    w.entity(feature, ("mkg:ClinicalFeature",), f"feature {k}")
    w.entity(onset, ("mkg:OnsetPattern",), f"onset {k}")
    disorder = f"g:disorder-{k}"
    w.t(disorder, "rdf:type", "mkg:CauseOrRiskFactor")
    w.t(disorder, "rdfs:label", w.text(f"inherited disorder {k}"))
    subtypes = {name: f"g:{name}-{k}" for name in (*SUBTYPES, "Secondary", "EnPlaque", "Juvenile")}
    for name, iri in subtypes.items():
        w.entity(iri, (cond,), f"{name.lower()} condition {k}")
    w.defined_class(subtypes["Secondary"], cond, "mkg:developsAfter", damage)
    w.defined_class(subtypes["EnPlaque"], cond, "mkg:hasFeature", feature)
    w.defined_class(subtypes["Juvenile"], cond, "mkg:linkedTo", disorder, has_value=True)
    w.t(subtypes["Primary"], "owl:disjointWith", subtypes["Secondary"])
    for iri in (cond, *subtypes.values()):
        for site in rnd.sample(sites, 2):
            w.fact(iri, "mkg:hasSite", site, population=rnd.choice(("mkg:Infant", "mkg:Adult", None)))
    w.fact(cond, "mkg:occursIn", rnd.choice(("mkg:Infant", "mkg:Adult", "mkg:Child")))
    w.fact(subtypes["Secondary"], "mkg:developsAfter", damage)
    w.fact(subtypes["EnPlaque"], "mkg:hasFeature", feature)
    w.fact(cond, "mkg:hasOnset", onset)
    if k:
        w.fact(cond, "mkg:confusedWith", f"g:Condition-{k - 1}")
    medication, procedure = f"g:Medication-{k}", f"g:Procedure-{k}"
    w.entity(medication, ("mkg:Medication",), f"medication {k}")
    w.entity(procedure, ("mkg:Procedure",), f"procedure {k}")
    w.t(medication, "mkg:availability", rnd.choice(("mkg:over-the-counter", "mkg:prescription")))
    w.fact(procedure, "mkg:performedBy", "mkg:Dermatologist")
    w.fact(cond, "mkg:treatedWithMedication", medication)
    w.fact(cond, "mkg:treatedWithProcedure", procedure)
    epi = f"g:epi-{k}"
    w.t(epi, "rdf:type", "mkg:EpidemiologyStatement")
    w.t(epi, "mkg:aboutPopulation", "mkg:Infant")
    w.t(epi, "mkg:lowerBoundPercent", f'"{rnd.randint(1, 40)}"^^xsd:decimal')
    w.t(epi, "mkg:upperBoundPercent", f'"{rnd.randint(41, 90)}"^^xsd:decimal')
    w.fact(cond, "mkg:hasEpidemiology", epi)
    def add_case(i: int) -> None:
        case = f"g:case-{k}-{i}"
        w.t(case, "rdf:type", cond)
        w.t(case, "rdfs:label", w.text(f"patient case {k}-{i}", lang=None))
        w.t(case, "mkg:hasSite", rnd.choice(sites))
        kind = i % 3
        if kind == 0:
            finding = w.bnode()
            w.t(case, "mkg:developsAfter", finding)
            w.t(finding, "rdf:type", damage)
        elif kind == 1:
            finding = w.bnode()
            w.t(case, "mkg:hasFeature", finding)
            w.t(finding, "rdf:type", feature)
        else:
            w.t(case, "mkg:linkedTo", disorder)

    for i in range(_CASES):
        add_case(i)
    return add_case


def _lines(n_triples: int, seed: int) -> Iterator[str]:
    w = _Writer(random.Random(seed))
    _tbox(w)
    families = max(1, n_triples // _PER_FAMILY)
    sites = _anatomy(w, max(12, min(2_000, families * 2)))
    before = w.count
    add_case = _family(w, 0, sites)
    family_size, k = w.count - before, 1
    while w.count + family_size <= n_triples:
        add_case = _family(w, k, sites)
        k += 1
    i = _CASES
    while w.count < n_triples:  # top up with patient cases of the last family
        add_case(i)
        i += 1
    yield from w.lines


def generate_turtle(n_triples: int, seed: int = 42) -> str:
    """A Turtle document of ``n_triples`` triples or a few more (at least the shared TBox)."""
    return "\n".join(_lines(n_triples, seed)) + "\n"


def write_turtle(path: str | Path, n_triples: int, seed: int = 42) -> Path:
    """Write :func:`generate_turtle` to ``path`` and return it."""
    path = Path(path)
    path.write_text(generate_turtle(n_triples, seed), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.generate SIZE [--seed N] [--out FILE]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="number of triples, e.g. 10k, 100k, 1m")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", help="output file (default: stdout)")
    args = parser.parse_args(argv)
    text = generate_turtle(parse_size(args.size), args.seed)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
