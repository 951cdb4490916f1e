"""The SSSOM mapping set: read it, check it row by row, and turn it into SKOS triples.

``data/mappings.sssom.tsv`` is the single source of the cross-references: the graph's
``skos:exactMatch``/``closeMatch``/... triples are made from it when the graph is loaded, each with an
``owl:Axiom`` carrying the justification, the object label and the verification comment, so the file
and the graph cannot disagree. sssom-py (a heavy dependency) validates the file in the tests; this
module reads it with rdflib's namespace manager (a build never imports ``curies`` and its pydantic,
~0.09 s of CPU); :attr:`MappingSet.converter` builds the ``curies.Converter`` for those who ask.

>>> mapping_set = read_sssom_text('''#curie_map:
... #  mkg: https://w3id.org/milia-kg/
... #  HP: http://purl.obolibrary.org/obo/HP_
... #  skos: http://www.w3.org/2004/02/skos/core#
... #  semapv: https://w3id.org/semapv/vocab/
... #mapping_set_id: https://example.org/m.sssom.tsv
... #license: https://creativecommons.org/licenses/by/4.0/
... #mapping_date: 2026-11-27
... subject_id\\tpredicate_id\\tobject_id\\tobject_label\\tmapping_justification
... mkg:Milia\\tskos:closeMatch\\tHP:0001056\\tMilia\\tsemapv:ManualMappingCuration
... ''', "m.sssom.tsv")
>>> [(m.subject_id, m.predicate_id, m.object_iri) for m in mapping_set.mappings]
[('mkg:Milia', 'skos:closeMatch', 'http://purl.obolibrary.org/obo/HP_0001056')]
>>> read_sssom_text('#curie_map: {}\\nsubject_id\\tpredicate_id\\n', "bad.tsv").problems[0]
'bad.tsv: header: missing mapping_set_id, license, mapping_date'
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rdflib
import yaml
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from milia_kg import vocab
from milia_kg.base import files
from milia_kg.errors import InputFileError, MiliaKGError, PrefixMapError

if TYPE_CHECKING:
    from curies import Converter

__all__ = [
    "CODING_PREDICATES",
    "FHIR_SYSTEMS",
    "MAPPING_PREDICATES",
    "Coding",
    "Mapping",
    "MappingError",
    "MappingSet",
    "add_to_graph",
    "check_prefix_map",
    "codings",
    "read_sssom",
    "read_sssom_text",
]

MKG = rdflib.Namespace(vocab.MKG)

SSSOM = rdflib.Namespace(vocab.SSSOM)

#: The SKOS mapping predicates a row may use.
MAPPING_PREDICATES = frozenset(
    f"skos:{name}" for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
#: SSSOM prefix -> (FHIR ``Coding.system`` URI, whether the code keeps the CURIE prefix), for the
#: terminologies the decision-support layer codes with; where each URI was read is in
#: docs/identifier-verification.md ("FHIR code systems").  UMLS is left out: HL7's only UMLS
#: code-system record is retired.
FHIR_SYSTEMS: dict[str, tuple[str, bool]] = {
    "SNOMEDCT": ("http://snomed.info/sct", False),
    "ICD10CM": ("http://hl7.org/fhir/sid/icd-10-cm", False),
    "HP": ("http://human-phenotype-ontology.org", True),
    "MONDO": (f"{vocab.OBO}mondo.owl", True),  # the OBO PURL of MONDO's OWL file
    "OMIM": ("http://www.omim.org", False),
}

#: The SKOS predicates whose objects are codings of the subject (:func:`codings`).
CODING_PREDICATES = frozenset({"skos:exactMatch", "skos:closeMatch"})

_REQUIRED_HEADER = ("curie_map", "mapping_set_id", "license", "mapping_date")
_REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")


class MappingError(MiliaKGError, ValueError):
    """The mapping set has problems; :attr:`problems` lists each, naming its row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0])
        self.problems = problems

    def __str__(self) -> str:
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        return f"{self.problems[0]}{more}"


@dataclass(frozen=True)
class Mapping:
    """One row of the mapping set, with its CURIEs expanded."""

    row: int
    subject_id: str
    subject_iri: str
    predicate_id: str
    object_id: str
    object_iri: str
    object_label: str = ""
    mapping_justification: str = ""
    justification_iri: str = ""
    comment: str = ""


@dataclass
class MappingSet:
    """A parsed SSSOM file: metadata, the valid rows, and every problem found (empty when clean)."""

    source: str
    metadata: dict[str, Any]
    #: the ``curie_map``, checked by :func:`check_prefix_map`, sorted by prefix (as curies lists it)
    prefix_map: dict[str, str]
    mappings: list[Mapping] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @functools.cached_property
    def converter(self) -> Converter:
        """A ``curies.Converter`` over :attr:`prefix_map`, built (and curies imported) on first use."""
        return vocab.converter(self.prefix_map)

    def locate(self, problem: str) -> tuple[str, str]:
        """Split a problem into where it is (the file, and its row if any) and what is wrong, so a report
        that names the place once (a validation result's entity) does not name the file twice.

        >>> MappingSet("m.tsv", {}, {}).locate("m.tsv row 7: missing object_id")
        ('m.tsv row 7', 'missing object_id')
        >>> MappingSet("m.tsv", {}, {}).locate("m.tsv: curie_map: not a mapping")
        ('m.tsv', 'curie_map: not a mapping')
        """
        if not problem.startswith(self.source):
            return self.source, problem
        row, _, reason = problem[len(self.source):].partition(": ")
        return self.source + row, reason

    def check_subjects(self, graph: rdflib.Graph) -> list[str]:
        """Problems for rows whose subject the graph never declares (a mapping of nothing)."""
        return [
            f"{self.source} row {m.row}: subject {m.subject_id} is not in the graph"
            for m in self.mappings
            if (URIRef(m.subject_iri), RDF.type, None) not in graph
            and (URIRef(m.subject_iri), RDFS.label, None) not in graph
        ]


@dataclass(frozen=True)
class Coding:
    """A FHIR-style coding: ``system``, ``code``, ``display``, plus the SKOS predicate behind it."""

    system: str
    code: str
    display: str
    match: str


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    """A header key given twice in one mapping."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (PyYAML keeps the last silently,
    so a second ``HP:`` in ``curie_map`` would quietly replace the first namespace)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise _DuplicateKeyError(None, None, f"{key!r} given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def check_prefix_map(curie_map: object, source: str) -> dict[str, str]:
    """An SSSOM ``curie_map`` as a prefix -> namespace dict sorted by prefix, refused in one line when
    curies would refuse it.

    :raises PrefixMapError: if ``curie_map`` is not a prefix -> namespace mapping, or two prefixes share
        a namespace (curies' ``DuplicateURIPrefixes`` would escape as a traceback).

    >>> check_prefix_map({"HP": "http://x/", "HPO": "http://x/"}, "m.tsv")
    Traceback (most recent call last):
    milia_kg.errors.PrefixMapError: m.tsv: curie_map: prefixes 'HP' and 'HPO' share the namespace 'http://x/'
    """
    if not isinstance(curie_map, MappingABC):
        raise PrefixMapError(f"not a mapping of prefixes to namespaces but {type(curie_map).__name__}", source)
    bad = [str(k) for k, v in curie_map.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise PrefixMapError(f"no namespace IRI for prefix {', '.join(map(repr, bad))}", source)
    table = {str(k): v for k, v in curie_map.items()}
    by_namespace: dict[str, list[str]] = {}
    for prefix, namespace in table.items():
        by_namespace.setdefault(namespace, []).append(prefix)
    shared = [(ns, prefixes) for ns, prefixes in by_namespace.items() if len(prefixes) > 1]
    if shared:
        raise PrefixMapError("; ".join(
            f"prefixes {' and '.join(map(repr, prefixes))} share the namespace {ns!r}" for ns, prefixes in shared
        ), source)
    return dict(sorted(table.items()))


def _namespaces(prefix_map: dict[str, str]) -> rdflib.namespace.NamespaceManager:
    """The namespace manager that expands the rows' CURIEs (rdflib is loaded anyway; curies is not).

    Only prefixes a row's CURIE can have are bound (:data:`milia_kg.vocab.CURIE`; rdflib refuses some
    others, a prefix with a space for one).
    """
    manager = rdflib.Graph(bind_namespaces="none").namespace_manager
    for prefix, namespace in prefix_map.items():
        match = vocab.CURIE.match(f"{prefix}:")
        if prefix[:1].isalpha() and match is not None and match["prefix"] == prefix:
            manager.bind(prefix, namespace, override=True, replace=True)
    return manager


def _split(text: str) -> tuple[str, str]:
    header: list[str] = []
    body: list[str] = []
    for line in text.splitlines(keepends=True):
        (header if line.startswith("#") and not body else body).append(line)
    return "".join(line[1:] for line in header), "".join(body)


def _expand(namespaces: rdflib.namespace.NamespaceManager, curie: str, what: str, where: str,
            problems: list[str]) -> str | None:
    match = vocab.CURIE.match(curie)
    # a CURIE with a prefix that starts with a letter and a local part that does not start with ':'
    if match is None or not (match["prefix"] or "")[:1].isalpha() or match["local"][:1] in ("", ":"):
        problems.append(f"{where}: malformed CURIE in {what}: {curie!r}")
        return None
    try:
        return str(namespaces.expand_curie(curie))
    except ValueError:
        problems.append(f"{where}: undeclared prefix {curie.split(':', 1)[0]!r} in {what} {curie}")
        return None


def _read_row(
    number: int, row: dict[str, str], namespaces: rdflib.namespace.NamespaceManager, where: str,
    problems: list[str],
) -> Mapping | None:
    before = len(problems)
    cells = {key: (value or "").strip() for key, value in row.items() if key is not None}
    for column in _REQUIRED_COLUMNS:
        if not cells.get(column):
            problems.append(f"{where}: missing {column}")
    if len(problems) > before:
        return None
    if cells["predicate_id"] not in MAPPING_PREDICATES:
        allowed = ", ".join(sorted(MAPPING_PREDICATES))
        problems.append(f"{where}: unknown predicate {cells['predicate_id']!r} (use one of {allowed})")
    subject = _expand(namespaces, cells["subject_id"], "subject_id", where, problems)
    obj = _expand(namespaces, cells["object_id"], "object_id", where, problems)
    justification = _expand(namespaces, cells["mapping_justification"], "mapping_justification", where, problems)
    if justification and not cells["mapping_justification"].startswith("semapv:"):
        problems.append(f"{where}: mapping_justification must be a semapv: term, not {cells['mapping_justification']}")
    if subject is not None and subject == obj:  # a term reused as itself (the UBERON sites) maps to nothing
        problems.append(f"{where}: subject and object are the same term ({cells['subject_id']})")
    if len(problems) > before or subject is None or obj is None or justification is None:
        return None
    return Mapping(
        row=number,
        subject_id=cells["subject_id"],
        subject_iri=subject,
        predicate_id=cells["predicate_id"],
        object_id=cells["object_id"],
        object_iri=obj,
        object_label=cells.get("object_label", ""),
        mapping_justification=cells["mapping_justification"],
        justification_iri=justification,
        comment=cells.get("comment", ""),
    )


def read_sssom_text(text: str, source: str) -> MappingSet:
    """Parse SSSOM TSV ``text``; problems are collected (each naming its row), never raised."""
    header_text, body = _split(text)
    problems: list[str] = []
    try:
        metadata = yaml.load(header_text, Loader=_UniqueKeyLoader) or {}
    except yaml.YAMLError as error:  # no row can be read without the header's prefix map
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        if not isinstance(error, _DuplicateKeyError):
            reason = f"not YAML ({reason})"
        return MappingSet(source, {}, {}, problems=[f"{source}: header{where}: {reason}"])
    if not isinstance(metadata, dict):
        metadata = {}
        problems.append(f"{source}: header: not a YAML mapping")
    missing = [key for key in _REQUIRED_HEADER if not metadata.get(key) and key != "curie_map"]
    if "curie_map" not in metadata:
        missing.insert(0, "curie_map")
    if missing:
        problems.append(f"{source}: header: missing {', '.join(missing)}")
    try:
        prefix_map = check_prefix_map(metadata.get("curie_map") or {}, source)
    except PrefixMapError as error:  # no row can be read without a prefix map
        problems.append(str(error))
        return MappingSet(source, metadata, {}, problems=problems)
    mapping_set = MappingSet(source, metadata, prefix_map, problems=problems)
    namespaces = _namespaces(prefix_map)
    reader = csv.DictReader(io.StringIO(body), delimiter="\t")
    absent = [c for c in _REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if absent:
        problems.append(f"{source}: columns: missing {', '.join(absent)}")
        return mapping_set
    header_lines = header_text.count("\n") + 1  # the column line follows the header
    for offset, row in enumerate(reader, start=1):
        mapping = _read_row(header_lines + offset, row, namespaces, f"{source} row {header_lines + offset}", problems)
        if mapping is not None:
            mapping_set.mappings.append(mapping)
    return mapping_set


def read_sssom(path: Traversable | Path) -> MappingSet:
    """Parse the SSSOM file at ``path`` (see :func:`read_sssom_text`)."""
    name = getattr(path, "name", str(path))
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MappingError([f"{name}: {error.strerror or error}"]) from error
    try:  # one line naming the byte, not a UnicodeDecodeError traceback in every command
        text = files.decode_utf8(data, path)
    except InputFileError as error:
        raise MappingError([str(error)]) from None
    return read_sssom_text(text, name)


def add_to_graph(mapping_set: MappingSet, graph: rdflib.Graph, *, strict: bool = True) -> None:
    """Add each mapping as a SKOS triple with an ``owl:Axiom`` carrying its SSSOM metadata.

    :param strict: refuse a set with problems; ``False`` adds its valid rows (for a validation report).
    :raises MappingError: if ``strict`` and the set has problems (a broken file never half-loads).
    """
    if strict and mapping_set.problems:
        raise MappingError(mapping_set.problems)
    set_id = URIRef(str(mapping_set.metadata.get("mapping_set_id") or f"{MKG}{mapping_set.source}"))
    graph.bind("sssom", SSSOM)
    graph.add((set_id, RDF.type, SSSOM.MappingSet))
    graph.add((set_id, RDFS.label, Literal(f"milia-kg mapping set ({mapping_set.source})", lang="en")))
    if mapping_set.metadata.get("license"):
        graph.add((set_id, DCTERMS.license, URIRef(str(mapping_set.metadata["license"]))))
    description = mapping_set.metadata.get("mapping_set_description") or "Cross-references of milia-kg entities."
    graph.add((set_id, SKOS.definition, Literal(str(description), lang="en")))
    for m in mapping_set.mappings:
        subject, obj = URIRef(m.subject_iri), URIRef(m.object_iri)
        predicate: URIRef = SKOS[m.predicate_id.split(":", 1)[1]]
        graph.add((subject, predicate, obj))
        axiom = rdflib.BNode(f"mapping{m.row}")
        graph.add((axiom, RDF.type, OWL.Axiom))
        graph.add((axiom, OWL.annotatedSource, subject))
        graph.add((axiom, OWL.annotatedProperty, predicate))
        graph.add((axiom, OWL.annotatedTarget, obj))
        graph.add((axiom, SSSOM.mapping_justification, URIRef(m.justification_iri)))
        graph.add((axiom, SSSOM.object_id, Literal(m.object_id)))
        graph.add((axiom, DCTERMS.source, set_id))
        if m.object_label:
            graph.add((axiom, SSSOM.object_label, Literal(m.object_label)))
        if m.comment:
            graph.add((axiom, RDFS.comment, Literal(m.comment)))


def codings(mapping_set: MappingSet, subject_iri: str,
            matches: frozenset[str] = CODING_PREDICATES) -> list[Coding]:
    """FHIR codings of one entity in the terminologies of :data:`FHIR_SYSTEMS`, exact matches first.

    Only ``matches`` count: by default exact and close matches, since a broader or narrower code (HP's
    generic "Milia" for multiple eruptive milia) is not a coding of the entity itself.
    """
    order = {"skos:exactMatch": 0, "skos:closeMatch": 1, "skos:narrowMatch": 2, "skos:broadMatch": 3}
    found = []
    for m in mapping_set.mappings:
        prefix, _, local = m.object_id.partition(":")
        if m.subject_iri == subject_iri and prefix in FHIR_SYSTEMS and m.predicate_id in matches:
            system, curie = FHIR_SYSTEMS[prefix]
            found.append(Coding(system, m.object_id if curie else local, m.object_label, m.predicate_id))
    return sorted(found, key=lambda c: (order.get(c.match, 9), c.system, c.code))
