"""Validation: SHACL shapes plus ROBOT-report-style QC checks.

Four kinds of rules, registered in one table (:data:`RULES`) that ``build`` and
``validate`` both run, one report:

* **SHACL** (``ontology/shapes.ttl``, SHACL Core with SPARQL-based constraints) over the
  asserted plus inferred graph, run by pyshacl with no inference of its own (the graph
  is already reasoned); one rule per node shape;
* **QC checks**, one SPARQL file per rule in ``queries/checks/NAME-violation.rq``, run
  over the asserted graph: a check passes when it returns no rows; each row names an
  ``?entity`` and a ``?value`` (further columns are shown in the message);
* **quote-not-in-seed**, in Python: every ``mkg:quote`` must be a verbatim substring of
  the seed text (whitespace normalised);
* **sssom-mapping-set**: every row of ``data/mappings.sssom.tsv`` is well formed and maps
  a subject the graph declares.

Both SPARQL parts run on Oxigraph: the rdflib graphs are copied into an in-memory
pyoxigraph store (:class:`milia_kg.formats.terms.TermMap`, blank nodes keep their ids), the
checks run there with the store's own ``query`` (they are trusted: no limits needed), and pyshacl is
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
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SH

from milia_kg import vocab
from milia_kg.base import resources
from milia_kg.errors import MiliaKGError
from milia_kg.formats.terms import TermMap
from milia_kg.formats.turtle import parse_turtle
from milia_kg.release.folders import PACKAGED, Sources

if TYPE_CHECKING:
    from milia_kg.formats.sssom import MappingSet

__all__ = [
    "MAPPING_RULE",
    "QUOTE_RULE",
    "RULES",
    "RuleFamily",
    "RuleInput",
    "SideInputs",
    "ValidationReport",
    "ValidationResult",
    "check_purpose",
    "check_quotes",
    "describe",
    "prepare_shacl",
    "rule_names",
    "run_check",
    "run_checks",
    "run_shacl",
    "short",
    "side_inputs",
    "validate",
]

MKG = rdflib.Namespace(vocab.MKG)

#: Rule name of the Python quote check.
QUOTE_RULE = "quote-not-in-seed"
#: Rule name of the SSSOM mapping-set check.
MAPPING_RULE = "sssom-mapping-set"

_IRI = re.compile(r"https?://[^\s<>\"{}|^`]+[^\s<>\"{}|^`.,;:)]")

def short(term: object) -> str:
    """Render an RDF term for a person: a CURIE where a known prefix fits.

    >>> short(URIRef("https://w3id.org/milia-kg/PrimaryMilia"))
    'mkg:PrimaryMilia'
    >>> short(Literal("face", lang="en"))
    '"face"@en'
    """
    if isinstance(term, URIRef):
        return vocab.shorten(str(term), vocab.REPORT_PREFIXES, style="report")
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

    def adding(self, results: Sequence[ValidationResult]) -> ValidationReport:
        """This report with ``results`` of rules it lists (run apart, see :func:`validate`'s ``defer``)."""
        return ValidationReport([*self.results, *results], self.rules_run)


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


def describe(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
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
    (no inference, SHACL Core), on an Oxigraph copy of the data."""
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


def _memoise_sparql_check() -> None:
    """Make pyshacl check a SPARQL constraint's text once, not once per focus node.

    pyshacl re-runs its pre-binding checks (nine regular expressions over the query text, no
    MINUS, VALUES, SERVICE...) before every focus node; on the project's shapes that is most of
    the SHACL time. The outcome depends only on the text and on which variables may be
    pre-bound, so it is cached on those; a failing check is not cached and raises every time.
    This reaches into pyshacl's internals, so where a pyshacl release moves them the step is
    skipped: validation is then slower, never different.
    """
    try:
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

        check = SPARQLQueryHelper.check_invalid_sparql
    except (ImportError, AttributeError):
        return
    if getattr(check, "memoised", False):
        return
    passed: set[tuple[str, bool, tuple[str, ...]]] = set()

    def memoised(self: SPARQLQueryHelper, sparql_text: str, valuenode: object = None, extravars: object = None) -> bool:
        key = (sparql_text, valuenode is not None, tuple(sorted(extravars or ())))  # type: ignore[call-overload]  # pyshacl: str names
        if key not in passed:
            check(self, sparql_text, valuenode=valuenode, extravars=extravars)
            passed.add(key)
        return True

    memoised.memoised = True  # type: ignore[attr-defined]  # a marker on the function object
    SPARQLQueryHelper.check_invalid_sparql = memoised  # type: ignore[method-assign]  # the patch, on purpose


def prepare_shacl() -> None:
    """Import pyshacl and patch it as :func:`run_shacl` does, ahead of the data (about 0.15 s, mostly
    rdflib's SPARQL parser): ``build`` does it in its validation child while the parent parses and
    reasons."""
    import pyshacl  # noqa: F401  # the import is the point

    _memoise_sparql_check()


def _shacl_on_store(
    store: ox.Store, terms: TermMap, shapes: rdflib.Graph, data: Callable[[], rdflib.Graph]
) -> list[ValidationResult]:
    """pyshacl over ``store`` (which it may change: give it a private copy); ``data()`` is the
    rdflib graph that the terms of the report are described in, built only if there is a report.
    SHACL-AF is off: the shapes are SHACL Core, and run here as any SHACL processor runs them."""
    import pyshacl

    _memoise_sparql_check()
    _conforms, results, _text = pyshacl.validate(
        store,  # type: ignore[arg-type]  # pyshacl reads pyoxigraph stores natively; its hints omit them
        shacl_graph=shapes,
        inference="none",
        advanced=False,
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


def _store(graph: rdflib.Graph | ox.Store, terms: TermMap) -> ox.Store:
    return graph if isinstance(graph, ox.Store) else terms.store([graph])


def _solutions(store: ox.Store, name: str, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Variables and rows of a trusted QC check (no row cap, no deadline: the checks are ours);
    an engine error becomes one line naming the check."""
    try:
        result = store.query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise MiliaKGError(f"QC check {name}: not a SELECT query")
        return [v.value for v in result.variables], [tuple(row) for row in result]
    except (SyntaxError, OSError, RuntimeError, ValueError, TypeError) as error:
        raise MiliaKGError(f"QC check {name}: invalid SPARQL: {' '.join(str(error).split())[:300]}") from None


def run_check(
    graph: rdflib.Graph | ox.Store, name: str, query: str, *, terms: TermMap | None = None
) -> list[ValidationResult]:
    """Run one QC check on Oxigraph; each returned row is a problem of rule ``name`` minus ``-violation``.

    :param graph: an rdflib graph (copied into a new store) or a store holding its copy.
    :param terms: the map that copied the graph into the store, if one did.
    :raises MiliaKGError: if the check is not a valid SPARQL ``SELECT`` query.
    """
    terms = TermMap() if terms is None else terms
    store = _store(graph, terms)
    rule = name.removesuffix("-violation")
    purpose = check_purpose(query)
    variables, rows = _solutions(store, name, query)
    found = []
    for row in rows:
        bindings = {var: terms.from_ox(cell) for var, cell in zip(variables, row, strict=True) if cell is not None}
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
    graph: rdflib.Graph | ox.Store,
    checks: dict[str, Traversable | Path] | None = None,
    *,
    terms: TermMap | None = None,
) -> list[ValidationResult]:
    """Run every QC check (default: the packaged ``queries/checks/*-violation.rq``) on one
    Oxigraph copy of ``graph``."""
    checks = resources.check_files() if checks is None else checks
    terms = TermMap() if terms is None else terms
    store = _store(graph, terms)
    found: list[ValidationResult] = []
    for name, path in sorted(checks.items()):
        found += run_check(store, name, path.read_text(encoding="utf-8"), terms=terms)
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


# ---------------------------------------------------------------- the rule registry


@dataclass(frozen=True)
class RuleInput:
    """What the rules look at: the reasoned graph and the side inputs of the sources.

    :ivar mapping_set: the SSSOM mapping set the asserted graph was loaded with, if any.
    """

    asserted: rdflib.Graph
    inferred: rdflib.Graph
    shapes: rdflib.Graph
    seed: str
    checks: Mapping[str, Traversable | Path]
    mapping_set: MappingSet | None = None


@dataclass(frozen=True)
class RuleFamily:
    """Rules that run together (one pyshacl call, one Oxigraph copy): their names, and how to run them."""

    names: Callable[[RuleInput], list[str]]
    run: Callable[[RuleInput], list[ValidationResult]]


def _shacl_rules(given: RuleInput) -> list[ValidationResult]:
    return run_shacl([given.asserted, given.inferred], given.shapes)


def _mapping_rule(given: RuleInput) -> list[ValidationResult]:
    """A bad SSSOM row (undeclared prefix, malformed CURIE, unknown predicate, missing justification)
    or a mapping of a subject the graph does not declare is a violation naming the row."""
    mapping_set = given.mapping_set
    if mapping_set is None:
        return []
    problems = [*mapping_set.problems, *mapping_set.check_subjects(given.asserted)]
    return [ValidationResult(MAPPING_RULE, *mapping_set.locate(problem)) for problem in problems]


#: Every validation rule, by family, in one table (as sssom-py's validators): ``milia-kg build`` and
#: ``milia-kg validate`` both run exactly these through :func:`validate`, so they report the same rules.
RULES: dict[str, RuleFamily] = {
    "shacl": RuleFamily(
        lambda given: sorted(short(s) for s in given.shapes.subjects(RDF.type, SH.NodeShape)), _shacl_rules
    ),
    "qc-checks": RuleFamily(
        lambda given: sorted(name.removesuffix("-violation") for name in given.checks),
        lambda given: run_checks(given.asserted, dict(given.checks)),
    ),
    QUOTE_RULE: RuleFamily(lambda given: [QUOTE_RULE], lambda given: check_quotes(given.asserted, given.seed)),
    MAPPING_RULE: RuleFamily(lambda given: [MAPPING_RULE], _mapping_rule),
}


def rule_names(given: RuleInput) -> list[str]:
    """The names of the rules :data:`RULES` holds for these inputs, in report order."""
    return [name for family in RULES.values() for name in family.names(given)]


# ---------------------------------------------------------------- entry points


@dataclass(frozen=True)
class SideInputs:
    """What the rules read besides the graph: the SHACL shapes, the seed text and the QC checks."""

    shapes: rdflib.Graph
    seed: str
    checks: dict[str, Traversable | Path]


def side_inputs(sources: Sources = PACKAGED) -> SideInputs:
    """The shapes from the sources' ``shapes.ttl`` and the seed text from their ``source/`` where they
    exist there, else the packaged ones; the packaged QC checks (read before the graph exists by ``build``).

    :raises RDFSyntaxError: if the shapes file is not valid Turtle.
    """
    return SideInputs(_shapes(sources), _seed(sources), dict(resources.check_files()))


def _shapes(sources: Sources) -> rdflib.Graph:
    shapes_path = resources.shapes_file(sources.ontology_dir)
    return parse_turtle(shapes_path if shapes_path.is_file() else resources.shapes_file())


def _seed(sources: Sources) -> str:
    has_seed = resources.data_dir(sources.data_dir).joinpath(resources.SEED_FILE).is_file()
    return resources.seed_text(sources.data_dir if has_seed else None)


def validate(
    asserted: rdflib.Graph,
    inferred: rdflib.Graph,
    *,
    sources: Sources = PACKAGED,
    shapes: rdflib.Graph | None = None,
    seed: str | None = None,
    checks: dict[str, Traversable | Path] | None = None,
    mapping_set: MappingSet | None = None,
    defer: Collection[str] = (),
) -> ValidationReport:
    """Validate a reasoned graph with every rule of :data:`RULES`: SHACL over asserted + inferred,
    QC checks and quotes over asserted, the SSSOM rule over ``mapping_set``.

    :param sources: take the shapes from its ``shapes.ttl`` and the seed text from its ``source/``
        where they exist there, else the packaged ones.
    :param shapes: the SHACL shapes (default: from ``sources``).
    :param seed: the seed text (default: from ``sources``).
    :param checks: QC check files by name (default: the packaged ones).
    :param mapping_set: the mapping set the asserted graph was loaded with (none: nothing to check).
    :param defer: families of :data:`RULES` (``"qc-checks"``) that the caller runs itself and adds to
        the report (:meth:`ValidationReport.adding`): their rules are listed as run, their results are
        not here. ``build`` runs the QC checks in its parent process so that both processes end together.
    :returns: the report; it never raises on a violation.
    :raises RDFSyntaxError: if the shapes file is not valid Turtle.
    """
    shapes = _shapes(sources) if shapes is None else shapes
    seed = _seed(sources) if seed is None else seed
    checks = resources.check_files() if checks is None else checks
    given = RuleInput(asserted, inferred, shapes, seed, checks, mapping_set)
    unknown = set(defer) - set(RULES)
    if unknown:
        raise ValueError(f"no rule family {sorted(unknown)}")
    results = [result for name, family in RULES.items() if name not in defer for result in family.run(given)]
    return ValidationReport(results, rules_run=rule_names(given))
