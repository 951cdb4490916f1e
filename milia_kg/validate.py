"""Validation: SHACL shapes plus ROBOT-report-style QC checks.

Three kinds of rules, one report:

* **SHACL** (``ontology/shapes.ttl``) over the asserted plus inferred graph, run by
  pyshacl with no inference of its own (the graph is already reasoned) and SHACL-AF
  SPARQL targets enabled;
* **QC checks**, one SPARQL file per rule in ``queries/checks/NAME-violation.rq``, run
  over the asserted graph: a check passes when it returns no rows; each row names an
  ``?entity`` and a ``?value`` (further columns are shown in the message);
* **quote-not-in-seed**, in Python: every ``mkg:quote`` must be a verbatim substring of
  the seed text (whitespace normalised).

Both SPARQL parts run on Oxigraph: the rdflib graphs are copied into an in-memory
pyoxigraph store (:class:`milia_kg._oxterms.TermMap`, blank nodes keep their ids), the
checks run there through :class:`milia_kg.backends.OxigraphBackend`, and pyshacl is
given the store itself, so its SPARQL targets and constraints are evaluated by Oxigraph
instead of being parsed and run by rdflib once per focus node.  Same shapes, same
checks, same report; about a hundred times faster.

>>> import rdflib
>>> g = rdflib.Graph().parse(format="turtle", data='''
...     @prefix mkg: <https://w3id.org/milia-kg/> .
...     [] mkg:quote "Milia are small,   white or whitish cysts" .
...     [] mkg:quote "Milia are large" .''')
>>> [r.value for r in check_quotes(g, "Milia are small, white or whitish cysts on the skin.")]
['Milia are large']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SH

from milia_kg import _resources
from milia_kg._reasoners import DEFAULT_REASONER
from milia_kg._oxterms import TermMap
from milia_kg.backends import OxigraphBackend
from milia_kg.errors import MiliaKGError
from milia_kg.loading import MKG, parse_turtle

__all__ = [
    "QUOTE_RULE",
    "ValidationReport",
    "ValidationResult",
    "check_purpose",
    "check_quotes",
    "run_check",
    "run_checks",
    "run_shacl",
    "describe",
    "short",
    "validate",
    "validate_sources",
]

#: Rule name of the Python quote check.
QUOTE_RULE = "quote-not-in-seed"
#: Rule name of the SSSOM mapping-set check.
MAPPING_RULE = "sssom-mapping-set"

_IRI = re.compile(r"https?://[^\s<>\"{}|^`]+[^\s<>\"{}|^`.,;:)]")

_SHORT = {
    "mkg": str(MKG),
    "mkgsh": f"{MKG}shapes/",
    "obo": "http://purl.obolibrary.org/obo/",
    "owl": str(rdflib.OWL),
    "rdf": str(RDF),
    "rdfs": str(rdflib.RDFS),
    "skos": str(rdflib.SKOS),
    "dcterms": str(rdflib.DCTERMS),
    "xsd": str(rdflib.XSD),
    "sh": str(SH),
}


def short(term: object) -> str:
    """Render an RDF term for a person: a CURIE where a known prefix fits.

    >>> short(URIRef("https://w3id.org/milia-kg/PrimaryMilia"))
    'mkg:PrimaryMilia'
    >>> short(Literal("face", lang="en"))
    '"face"@en'
    """
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in _SHORT.items():
            local = text.removeprefix(namespace)
            if local != text and re.fullmatch(r"[\w.-]*", local):
                return f"{prefix}:{local}"
        return f"<{text}>"
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, rdflib.BNode):
        return "[]"
    return str(term)


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One problem: which rule, which entity, what is wrong.

    :ivar rule: the shape (``mkgsh:TermShape-label``) or check (``missing-label``) that failed.
    :ivar entity: the focus entity, as a CURIE or ``<IRI>`` (``[]`` for a blank node).
    :ivar message: what is wrong, for a person.
    :ivar value: the offending value, if any.
    """

    rule: str
    entity: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.entity}: {self.message}{value} [rule {self.rule}]"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`.

    >>> ValidationReport().conforms
    True
    >>> print(ValidationReport([ValidationResult("missing-label", "mkg:Nose", "no rdfs:label")]).text())
    validation failed: 1 problem
      mkg:Nose: no rdfs:label [rule missing-label]
    """

    results: Sequence[ValidationResult] = field(default_factory=tuple)
    rules_run: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "results", tuple(sorted(set(self.results))))
        object.__setattr__(self, "rules_run", tuple(self.rules_run))

    @property
    def conforms(self) -> bool:
        """``True`` when no rule found a problem."""
        return not self.results

    def text(self) -> str:
        """A readable report: one line per problem naming the entity and the rule."""
        if self.conforms:
            return f"validation passed: {len(self.rules_run)} rules, no problems"
        n = len(self.results)
        lines = [f"validation failed: {n} problem{'s' if n != 1 else ''}"]
        lines += [f"  {result}" for result in self.results]
        return "\n".join(lines)

    __str__ = text


# ---------------------------------------------------------------- SHACL


def _shape_name(results: rdflib.Graph, shapes: rdflib.Graph, node: rdflib.term.Node) -> str:
    constraint = results.value(node, SH.sourceConstraint)
    if isinstance(constraint, URIRef):  # a named SPARQL-based constraint
        return short(constraint)
    shape = results.value(node, SH.sourceShape)
    if isinstance(shape, rdflib.BNode):  # an anonymous property shape: name it by its node shape and path
        parent = shapes.value(None, SH.property, shape)
        path = shapes.value(shape, SH.path)
        return f"{short(parent)}/{short(path)}"
    return short(shape)


def describe(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """Like :func:`short`, but a blank-node ``owl:Axiom`` is named by the triple it annotates.

    >>> g = rdflib.Graph().parse(format="turtle", data='''
    ...     @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix mkg: <https://w3id.org/milia-kg/> .
    ...     [] owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:hasSite ; owl:annotatedTarget mkg:Face .''')
    >>> describe(g, next(g.subjects()))
    'axiom on (mkg:Milia mkg:hasSite mkg:Face)'
    """
    if isinstance(node, rdflib.BNode):
        OWL = rdflib.OWL
        parts = [graph.value(node, p) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)]
        if all(part is not None for part in parts):
            return "axiom on (" + " ".join(short(part) for part in parts) + ")"
    return short(node)


def run_shacl(graph: rdflib.Graph | Sequence[rdflib.Graph], shapes: rdflib.Graph) -> list[ValidationResult]:
    """Validate ``graph`` (or the union of several graphs) against ``shapes`` with pyshacl
    (no inference, SHACL-AF enabled), on an Oxigraph copy of the data."""
    graphs = [graph] if isinstance(graph, rdflib.Graph) else list(graph)
    terms = TermMap()
    store = terms.store(graphs)

    def union() -> rdflib.Graph:
        if len(graphs) == 1:
            return graphs[0]
        merged = rdflib.Graph()
        for part in graphs:
            merged += part
        return merged

    return _shacl_on_store(store, terms, shapes, union)


def _shacl_on_store(
    store: ox.Store, terms: TermMap, shapes: rdflib.Graph, data: Callable[[], rdflib.Graph]
) -> list[ValidationResult]:
    """pyshacl over ``store`` (which it may change: give it a private copy); ``data()`` is the
    rdflib graph that the terms of the report are described in, built only if there is a report."""
    import pyshacl

    _conforms, results, _text = pyshacl.validate(
        store,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=False,
        inplace=True,
    )
    nodes = sorted(results.subjects(RDF.type, SH.ValidationResult))
    if not nodes:
        return []
    graph = data()
    found = []
    for node in nodes:
        component = results.value(node, SH.sourceConstraintComponent)
        message = results.value(node, SH.resultMessage) or short(component)
        value = terms.from_ox(results.value(node, SH.value))
        found.append(
            ValidationResult(
                rule=_shape_name(results, shapes, node),
                entity=describe(graph, terms.from_ox(results.value(node, SH.focusNode))),
                message=_IRI.sub(lambda m: short(URIRef(m.group(0))), str(message)),
                value=None if value is None else describe(graph, value),
            )
        )
    return found


# ---------------------------------------------------------------- SPARQL QC checks


def check_purpose(query: str) -> str:
    """The purpose stated in a check's leading ``# purpose:`` comment.

    >>> check_purpose("# purpose: every class has a label.\\nSELECT ...")
    'every class has a label.'
    """
    lines = query.splitlines()
    first = lines[0] if lines else ""
    match = re.match(r"#\s*purpose:\s*(.+)", first)
    if not match:
        raise ValueError("a check must start with a '# purpose: ...' comment")
    purpose = [match.group(1).strip()]
    for line in lines[1:]:  # continuation lines of the purpose, up to a line saying "Passes"
        text = line.removeprefix("#").strip()
        if not line.startswith("#") or text.startswith("Passes") or not text:
            break
        purpose.append(text)
    return " ".join(purpose)


def _backend(graph: rdflib.Graph | OxigraphBackend, terms: TermMap) -> OxigraphBackend:
    return graph if isinstance(graph, OxigraphBackend) else OxigraphBackend(terms.store([graph]))


def run_check(
    graph: rdflib.Graph | OxigraphBackend, name: str, query: str, *, terms: TermMap | None = None
) -> list[ValidationResult]:
    """Run one QC check on Oxigraph; each returned row is a problem of rule ``name`` minus ``-violation``.

    :param graph: an rdflib graph (copied into a new store) or a backend holding its copy.
    :param terms: the map that copied the graph into the backend's store, if one did.
    :raises MiliaKGError: if the check is not a valid SPARQL ``SELECT`` query.
    """
    terms = TermMap() if terms is None else terms
    backend = _backend(graph, terms)
    rule = name.removesuffix("-violation")
    purpose = check_purpose(query)
    try:
        variables, rows = backend.solutions(query)
    except MiliaKGError as error:
        raise MiliaKGError(f"QC check {name}: {error}") from None
    found = []
    for row in rows:
        bindings = {var: terms.from_ox(cell) for var, cell in zip(variables, row) if cell is not None}
        entity = bindings.pop("entity", None)
        value = bindings.pop("value", None)
        extra = "".join(f"; {var}: {short(val)}" for var, val in sorted(bindings.items()))
        found.append(
            ValidationResult(
                rule=rule,
                entity=short(entity),
                message=f"violates: {purpose}{extra}",
                value=None if value is None else short(value),
            )
        )
    return found


def run_checks(
    graph: rdflib.Graph | OxigraphBackend,
    checks: dict[str, Traversable | Path] | None = None,
    *,
    terms: TermMap | None = None,
) -> list[ValidationResult]:
    """Run every QC check (default: the packaged ``queries/checks/*-violation.rq``) on one
    Oxigraph copy of ``graph``."""
    checks = _resources.check_files() if checks is None else checks
    terms = TermMap() if terms is None else terms
    backend = _backend(graph, terms)
    found: list[ValidationResult] = []
    for name, path in sorted(checks.items()):
        found += run_check(backend, name, path.read_text(encoding="utf-8"), terms=terms)
    return found


def _normalise(text: str) -> str:
    return " ".join(text.split())


def check_quotes(graph: rdflib.Graph, seed: str) -> list[ValidationResult]:
    """Every ``mkg:quote`` literal must be a substring of ``seed``, whitespace normalised."""
    haystack = _normalise(seed)
    found = []
    for subject, quote in graph.subject_objects(MKG.quote):
        if _normalise(str(quote)) not in haystack:
            source = graph.value(subject, rdflib.OWL.annotatedSource)
            found.append(
                ValidationResult(
                    rule=QUOTE_RULE,
                    entity=short(source if source is not None else subject),
                    message="the quote is not a verbatim substring of the seed text",
                    value=str(quote),
                )
            )
    return found


# ---------------------------------------------------------------- entry points


def validate(
    asserted: rdflib.Graph,
    inferred: rdflib.Graph,
    *,
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    shapes: rdflib.Graph | None = None,
    seed: str | None = None,
    checks: dict[str, Traversable | Path] | None = None,
) -> ValidationReport:
    """Validate a reasoned graph: SHACL over asserted + inferred, QC checks and quotes over asserted.

    :param ontology_dir: take the shapes from ``ONTOLOGY_DIR/shapes.ttl`` if that file exists.
    :param data_dir: take the seed text from ``DATA_DIR/source/`` if it exists there.
    :param shapes: the SHACL shapes (default: from ``ontology_dir``, else the packaged ones).
    :param seed: the seed text (default: from ``data_dir``, else the packaged one).
    :param checks: QC check files by name (default: the packaged ones).
    :returns: the report; it never raises on a violation.
    :raises RDFSyntaxError: if the shapes file is not valid Turtle.
    """
    if shapes is None:
        shapes_path = _resources.shapes_file(ontology_dir)
        shapes = parse_turtle(shapes_path if shapes_path.is_file() else _resources.shapes_file())
    if seed is None:
        has_seed = _resources.data_dir(data_dir).joinpath(_resources.SEED_FILE).is_file()
        seed = _resources.seed_text(data_dir if has_seed else None)
    checks = _resources.check_files() if checks is None else checks
    terms = TermMap()
    store = terms.store([asserted])
    results = run_checks(OxigraphBackend(store), checks, terms=terms)  # the checks see the asserted graph
    results += check_quotes(asserted, seed)
    terms.add(store, inferred)  # SHACL sees asserted + inferred
    results += _shacl_on_store(store, terms, shapes, lambda: asserted + inferred)
    shape_names = sorted(short(s) for s in shapes.subjects(RDF.type, SH.NodeShape))
    return ValidationReport(results, rules_run=[*shape_names, *sorted(checks), QUOTE_RULE])


def validate_sources(
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    reasoner: str = DEFAULT_REASONER,
) -> ValidationReport:
    """Load, reason over and validate the sources (default: the packaged ones).

    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises InconsistencyError: if the reasoned graph is inconsistent.
    """
    from milia_kg import reasoning
    from milia_kg.loading import load_asserted

    asserted = load_asserted(ontology_dir, data_dir, mappings=False)
    mapping_results = _load_mappings(asserted, data_dir)
    inferred = reasoning.reason(asserted, reasoner=reasoner).inferred
    report = validate(asserted, inferred, ontology_dir=ontology_dir, data_dir=data_dir)
    return ValidationReport([*report.results, *mapping_results], rules_run=[*report.rules_run, MAPPING_RULE])


def _load_mappings(asserted: rdflib.Graph, data_dir: str | Path | None) -> list[ValidationResult]:
    """Check the SSSOM mapping set row by row and add it to ``asserted`` when it is clean.

    A bad row (undeclared prefix, malformed CURIE, unknown predicate, missing justification) or a
    mapping of a subject the graph does not declare is a violation naming the row.
    """
    from milia_kg import mappings

    path = _resources.mappings_file(data_dir)
    if path is None:
        return []
    mapping_set = mappings.read_sssom(path)
    problems = [*mapping_set.problems, *mapping_set.check_subjects(asserted)]
    mappings.add_to_graph(mapping_set, asserted, strict=False)
    return [ValidationResult(MAPPING_RULE, mapping_set.source, problem) for problem in problems]
