"""``milia-kg report``: the rule set of ROBOT's ``report``, over the OWL product or a merge.

Ontology engineers check an ontology with ``robot report`` before a release; ROBOT (Java) is not
needed for that here. The rules are ROBOT's default profile (``report_profile.txt`` of
ontodev/robot, read 2026-12-06), each at ROBOT's level, reimplemented over triples so that a merge
with the real HPO (170,000 triples) is checked in seconds without building an rdflib graph. The
output has ROBOT's TSV columns (``Level``, ``Rule Name``, ``Subject``, ``Property``, ``Value``).

=============================  =====  ===========================================================
rule                           level  a violation is
=============================  =====  ===========================================================
missing_ontology_title         ERROR  the ontology has no ``dcterms:title``
missing_ontology_description   ERROR  ... no ``dcterms:description``
missing_ontology_license       ERROR  ... no ``dcterms:license``
missing_label                  ERROR  a described, not deprecated IRI with no ``rdfs:label``
multiple_labels                ERROR  an IRI (not deprecated) with two different labels
duplicate_label                ERROR  two IRIs with the same label
label_whitespace               ERROR  a label with leading or trailing whitespace
label_formatting               ERROR  a label holding a newline or tab
multiple_definitions           ERROR  an IRI with two ``IAO:0000115`` definitions
duplicate_definition           ERROR  two IRIs with the same definition
misused_obsolete_label         ERROR  a label "obsolete ..." on an entity that is not deprecated
deprecated_class_reference     ERROR  a deprecated class as another's superclass or equivalent
deprecated_property_reference  ERROR  a deprecated property used in an assertion
annotation_whitespace          WARN   an annotation literal with leading or trailing whitespace
missing_definition             WARN   a described class or property (not an individual, not
                                      deprecated) without ``IAO:0000115`` or ``IAO:0000600``
duplicate_exact_synonym        WARN   two IRIs with the same exact synonym
missing_obsolete_label         WARN   a deprecated entity whose label does not start "obsolete"
invalid_xref                   WARN   an ``oboInOwl:hasDbXref`` value that is not a CURIE or URL
lowercase_definition           INFO   a definition starting with a lower-case letter
missing_superclass             INFO   a named class with no ``rdfs:subClassOf``
=============================  =====  ===========================================================

Left out: ``duplicate_scoped_synonym``, ``duplicate_label_synonym``, ``equivalent_pair``,
``multiple_asserted_superclasses``, ``multiple_equivalent_classes`` (need OWL class expressions).

>>> lit = Lit("primary milia")
>>> rows = run([("mkg:A", RDFS_LABEL, lit), ("mkg:B", RDFS_LABEL, lit)], ontology=None)
>>> sorted((r.level, r.rule, r.subject) for r in rows if r.rule == "duplicate_label")
[('ERROR', 'duplicate_label', 'mkg:A'), ('ERROR', 'duplicate_label', 'mkg:B')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milia_kg import vocab

__all__ = ["LEVELS", "RULES", "Lit", "Row", "from_oxigraph", "from_rdflib", "release_report", "run", "tsv"]

RDF_TYPE = f"{vocab.RDF}type"
RDFS_LABEL = f"{vocab.RDFS}label"
SUBCLASS = f"{vocab.RDFS}subClassOf"
DEFINITION = f"{vocab.OBO}IAO_0000115"
ELUCIDATION = f"{vocab.OBO}IAO_0000600"
DEPRECATED = f"{vocab.OWL}deprecated"
EXACT = f"{vocab.OBOINOWL}hasExactSynonym"
XREF = f"{vocab.OBOINOWL}hasDbXref"
OWL_CLASS, ONTOLOGY = f"{vocab.OWL}Class", f"{vocab.OWL}Ontology"
ANNOTATION_PROPERTY, NAMED_INDIVIDUAL = f"{vocab.OWL}AnnotationProperty", f"{vocab.OWL}NamedIndividual"
#: Predicates that do not make an entity "described" (ROBOT's missing_definition / missing_superclass).
_STRUCTURAL = {RDF_TYPE, f"{vocab.OWL}equivalentClass", f"{vocab.OWL}disjointWith", f"{vocab.OWL}equivalentProperty",
               f"{vocab.OWL}sameAs", f"{vocab.OWL}differentFrom", f"{vocab.OWL}inverseOf"}
_XREF = re.compile(r"^[A-Za-z0-9_.|-]*:\S+$")
#: The levels in report order.
LEVELS = ("ERROR", "WARN", "INFO")


@dataclass(frozen=True, order=True)
class Lit:
    """A literal: its lexical form (language and datatype do not matter to any rule)."""

    value: str


Term = str | Lit  # an IRI, a blank node ("_:..."), or a literal
Triple = tuple[str, str, Term]


@dataclass(frozen=True, order=True)
class Row:
    """One violation, as a row of ROBOT's report."""

    level: str
    rule: str
    subject: str
    property: str
    value: str


def from_rdflib(triples: Iterable[tuple[Any, Any, Any]]) -> Iterable[Triple]:
    """rdflib triples as the rules read them."""
    import rdflib

    def term(t: Any) -> Term:
        if isinstance(t, rdflib.Literal):
            return Lit(str(t))
        return f"_:{t}" if isinstance(t, rdflib.BNode) else str(t)

    for s, p, o in triples:
        yield str(term(s)), str(p), term(o)


def from_oxigraph(triples: Iterable[tuple[Any, Any, Any]]) -> Iterable[Triple]:
    """pyoxigraph triples as the rules read them."""
    import pyoxigraph

    def term(t: Any) -> Term:
        if isinstance(t, pyoxigraph.Literal):
            return Lit(t.value)
        return f"_:{t.value}" if isinstance(t, pyoxigraph.BlankNode) else t.value

    for s, p, o in triples:
        yield str(term(s)), p.value, term(o)


class _Index:
    """The triples, indexed the ways the rules ask."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.values: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.objects: dict[str, list[tuple[str, str]]] = defaultdict(list)  # object IRI -> (subject, predicate)
        self.predicate_uses: dict[str, list[str]] = defaultdict(list)
        for s, p, o in triples:
            self.values[s][p].append(o)
            if isinstance(o, str):
                self.objects[o].append((s, p))
            self.predicate_uses[p].append(s)
        self.deprecated = {s for s, props in self.values.items()
                           if any(isinstance(v, Lit) and v.value.lower() == "true" for v in props.get(DEPRECATED, []))}
        self.annotation_properties = {
            s for s, props in self.values.items() if ANNOTATION_PROPERTY in props.get(RDF_TYPE, [])
        }

    def types(self, s: str) -> list[Term]:
        return self.values[s].get(RDF_TYPE, [])

    def named(self) -> list[str]:
        return sorted(s for s in self.values if not s.startswith("_:"))

    def literals(self, s: str, p: str) -> list[str]:
        return [v.value for v in self.values[s].get(p, []) if isinstance(v, Lit)]

    def described(self, s: str, ignore: set[str]) -> bool:
        return any(p not in ignore for p in self.values[s])


Rule = Callable[[_Index, "str | None"], Iterable[tuple[str, str, str]]]  # -> (subject, property, value)


def _ontology_rule(prop: str) -> Rule:
    def rule(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
        if ontology is not None and not index.values[ontology].get(prop):
            yield ontology, prop, ""
    return rule


def _missing_label(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in index.named():
        if (not index.values[s].get(RDFS_LABEL) and ONTOLOGY not in index.types(s) and s not in index.deprecated
                and index.described(s, {RDF_TYPE})):
            yield s, RDFS_LABEL, ""


def _multiple(prop: str) -> Rule:
    def rule(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
        for s in index.named():
            values = sorted(set(index.literals(s, prop)))
            if len(values) > 1 and s not in index.deprecated:
                yield from ((s, prop, v) for v in values)
    return rule


def _duplicate(prop: str) -> Rule:
    def rule(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
        holders: dict[str, set[str]] = defaultdict(set)
        for s in index.named():
            for v in index.literals(s, prop):
                holders[v].add(s)
        for v, subjects in holders.items():
            if len(subjects) > 1:
                yield from ((s, prop, v) for s in subjects)
    return rule


def _label_text(test: Callable[[str], bool]) -> Rule:
    def rule(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
        for s in index.values:
            yield from ((s, RDFS_LABEL, v) for v in index.literals(s, RDFS_LABEL) if test(v))
    return rule


def _misused_obsolete_label(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in index.named():
        if s not in index.deprecated:
            yield from ((s, RDFS_LABEL, v) for v in index.literals(s, RDFS_LABEL) if v.lower().startswith("obsolete"))


def _missing_obsolete_label(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in sorted(index.deprecated):
        yield from ((s, RDFS_LABEL, v) for v in index.literals(s, RDFS_LABEL) if not v.lower().startswith("obsolete"))


def _deprecated_class_reference(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in sorted(index.deprecated):
        for subject, p in index.objects.get(s, []):
            if p in (SUBCLASS, f"{vocab.OWL}equivalentClass"):
                yield s, p, subject


def _deprecated_property_reference(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for p in sorted(index.deprecated):
        yield from ((p, p, s) for s in sorted(set(index.predicate_uses.get(p, []))) if s != p)


def _annotation_whitespace(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in index.named():
        for p in sorted(index.values[s]):
            if p in index.annotation_properties or p == RDFS_LABEL:
                yield from ((s, p, v) for v in index.literals(s, p) if v != v.strip())


def _missing_definition(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in index.named():
        types = index.types(s)
        if (index.values[s].get(DEFINITION) or index.values[s].get(ELUCIDATION) or ONTOLOGY in types
                or NAMED_INDIVIDUAL in types or s in index.deprecated or not index.described(s, _STRUCTURAL)):
            continue
        yield s, DEFINITION, ""


def _invalid_xref(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in index.values:
        yield from ((s, XREF, v) for v in index.literals(s, XREF) if not _XREF.match(v))


def _lowercase_definition(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in index.named():
        yield from ((s, DEFINITION, v) for v in index.literals(s, DEFINITION) if v[:1].islower())


def _missing_superclass(index: _Index, ontology: str | None) -> Iterable[tuple[str, str, str]]:
    for s in index.named():
        if (OWL_CLASS in index.types(s) and not index.values[s].get(SUBCLASS) and s not in index.deprecated
                and index.described(s, _STRUCTURAL)):
            yield s, SUBCLASS, ""


#: rule name -> (ROBOT level, check), in ROBOT's profile order within each level.
RULES: dict[str, tuple[str, Rule]] = {
    "missing_ontology_title": ("ERROR", _ontology_rule(f"{vocab.DCTERMS}title")),
    "missing_ontology_description": ("ERROR", _ontology_rule(f"{vocab.DCTERMS}description")),
    "missing_ontology_license": ("ERROR", _ontology_rule(f"{vocab.DCTERMS}license")),
    "missing_label": ("ERROR", _missing_label),
    "multiple_labels": ("ERROR", _multiple(RDFS_LABEL)),
    "duplicate_label": ("ERROR", _duplicate(RDFS_LABEL)),
    "label_whitespace": ("ERROR", _label_text(lambda v: v != v.strip())),
    "label_formatting": ("ERROR", _label_text(lambda v: "\n" in v or "\t" in v)),
    "multiple_definitions": ("ERROR", _multiple(DEFINITION)),
    "duplicate_definition": ("ERROR", _duplicate(DEFINITION)),
    "misused_obsolete_label": ("ERROR", _misused_obsolete_label),
    "deprecated_class_reference": ("ERROR", _deprecated_class_reference),
    "deprecated_property_reference": ("ERROR", _deprecated_property_reference),
    "annotation_whitespace": ("WARN", _annotation_whitespace),
    "missing_definition": ("WARN", _missing_definition),
    "duplicate_exact_synonym": ("WARN", _duplicate(EXACT)),
    "missing_obsolete_label": ("WARN", _missing_obsolete_label),
    "invalid_xref": ("WARN", _invalid_xref),
    "lowercase_definition": ("INFO", _lowercase_definition),
    "missing_superclass": ("INFO", _missing_superclass),
}


def run(triples: Iterable[Triple], ontology: str | None, prefixes: Mapping[str, str] = vocab.QUERY_PREFIXES,
        ) -> list[Row]:
    """Every violation of :data:`RULES` in ``triples``, ordered by level, rule, subject and value.

    :param ontology: the ontology whose header the ``missing_ontology_*`` rules check (None: skip).
    :param prefixes: shorten subjects, properties and IRI values to CURIEs (OBO IRIs as ``HP:0001056``).
    """
    index = _Index(triples)

    def short(term: str) -> str:
        return term if not term.startswith(("http://", "https://")) else vocab.shorten(term, prefixes).strip("<>")

    rows = {
        Row(level, name, short(s), short(p), short(v) if v.startswith(("http://", "https://")) else v)
        for name, (level, rule) in RULES.items()
        for s, p, v in rule(index, ontology)
        if not s.startswith("_:")
    }
    rank = {level: i for i, level in enumerate(LEVELS)}
    names = list(RULES)
    return sorted(rows, key=lambda r: (rank[r.level], names.index(r.rule), r.subject, r.property, r.value))


def tsv(rows: Iterable[Row]) -> str:
    """ROBOT's TSV: a header and one line per violation (tabs and newlines in values as spaces)."""
    def clean(text: str) -> str:
        return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")

    lines = ["Level\tRule Name\tSubject\tProperty\tValue"]
    lines += ["\t".join(clean(x) for x in (r.level, r.rule, r.subject, r.property, r.value)) for r in rows]
    return "\n".join(lines) + "\n"


def release_report(files: Iterable[str | Path] = (), ontology_dir: str | Path | None = None,
                   data_dir: str | Path | None = None) -> list[Row]:
    """The report of ``milia-kg.owl`` (the OWL product of the sources), or of its merge with ``files``
    (as ``robot merge`` then ``robot report``: asserted, not reasoned, one ontology header checked).

    :raises RDFSyntaxError: if a source or a merged file cannot be read.
    """
    from milia_kg.formats import hpoa, read
    from milia_kg.release import owl_product, pipeline
    from milia_kg.release.folders import Sources

    asserted, mapping_set = pipeline.load_sources(Sources(ontology_dir, data_dir))
    curie_map = {} if mapping_set is None else dict(mapping_set.prefix_map)
    owl = owl_product.owl_triples(list(asserted), curie_map)
    ontology = owl_product.main_ontology(owl)
    triples: list[Triple] = list(from_rdflib(owl))
    for path in files:
        if hpoa.is_hpoa(Path(path)):
            import rdflib

            graph = rdflib.Graph()
            hpoa.parse_hpoa(Path(path), graph)
            triples.extend(from_rdflib(graph))
        else:
            triples.extend(from_oxigraph(read.read_oxigraph(path)[0]))
    return run(triples, None if ontology is None else str(ontology))
