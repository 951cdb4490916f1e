"""Load, reason and validate, composed once.

Every producer of the reasoned graph (``build``, ``validate``, the query cache, ``--merge``
and :func:`load_dataset`) calls :func:`run`, so they load the same
triples in the same order, reason the same way and, when they validate, run the same
rules (:data:`milia_kg.release.validate.RULES`).

The SSSOM mapping set is read once. With ``validate=True`` a bad row becomes a result of
the ``sssom-mapping-set`` rule (its valid rows are loaded); without validation a bad row
raises :class:`~milia_kg.formats.sssom.MappingError`, so a broken file never half-loads.

>>> result = run(validate=False)
>>> face = rdflib.URIRef(vocab.OBO + "UBERON_0001456")  # reused from UBERON (issue 20)
>>> (MKG.NeonatalMilia, MKG.hasSite, face) in result.closure, result.report is None
(True, True)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import rdflib

from milia_kg import reasoner as reasoning
from milia_kg import vocab
from milia_kg.base import resources
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.release.folders import PACKAGED, Sources
from milia_kg.release.sources import ASSERTED_GRAPH, INFERRED_GRAPH, load_asserted

if TYPE_CHECKING:
    from milia_kg.formats.sssom import MappingSet
    from milia_kg.release.validate import SideInputs, ValidationReport

__all__ = [
    "PipelineRun", "load_dataset", "load_sources", "make_dataset", "run", "validate_sources", "validation_report",
]

MKG = rdflib.Namespace(vocab.MKG)


@dataclass(frozen=True)
class PipelineRun:
    """The outcome of :func:`run`.

    :ivar asserted: the sources' triples (Turtle files, mapping set, extra graphs).
    :ivar inferred: what reasoning added (see :func:`milia_kg.reasoner.reason`).
    :ivar closure: asserted plus inferred.
    :ivar mapping_set: the SSSOM mapping set, if the data folder has one.
    :ivar report: the validation report, or ``None`` when validation was not asked for.
    """

    asserted: rdflib.Graph
    inferred: rdflib.Graph
    closure: rdflib.Graph
    mapping_set: MappingSet | None
    report: ValidationReport | None


def load_sources(
    sources: Sources = PACKAGED, validate: bool = False,
) -> tuple[rdflib.Graph, MappingSet | None]:
    """The asserted graph of the sources (Turtle files and mapping set) and the mapping set, as
    :func:`run` loads them (merges on pyoxigraph terms start from it, see :mod:`milia_kg.merge.union`).

    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises MappingError: if ``validate`` is false and the mapping set has a bad row.
    """
    from milia_kg.formats import sssom

    asserted = load_asserted(sources.ontology_dir, sources.data_dir, mappings=False)
    sssom_file = resources.mappings_file(sources.data_dir)
    mapping_set = sssom.read_sssom(sssom_file) if sssom_file is not None else None
    if mapping_set is not None:
        sssom.add_to_graph(mapping_set, asserted, strict=not validate)
    return asserted, mapping_set


def run(
    sources: Sources = PACKAGED,
    extra_graphs: Iterable[rdflib.Graph] = (),
    reasoner: reasoning.Reasoner | str = DEFAULT_REASONER,
    validate: bool = True,
    *,
    validate_later: bool = False,
) -> PipelineRun:
    """Load the sources (default: the packaged ones) plus ``extra_graphs``, reason, and validate.

    :param extra_graphs: graphs added to the asserted graph before reasoning (external ontologies).
    :param validate: run every validation rule; the report is returned, never raised.
    :param validate_later: load as for validation (a bad mapping row is a rule's finding, not an
        error) but leave the report to the caller (:func:`validation_report`; ``build`` runs it
        beside writing the products).
    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises MappingError: if ``validate`` is false and the mapping set has a bad row.
    :raises InconsistencyError: if the reasoned graph is inconsistent.
    :raises ParameterError: for an unknown reasoner name.
    """
    asserted, mapping_set = load_sources(sources, validate or validate_later)
    for extra in extra_graphs:
        for prefix, namespace in extra.namespaces():
            asserted.bind(prefix, namespace, override=False)
        asserted += extra
    inferred, closure = reasoning.reason(asserted, reasoner=reasoner)  # type: ignore[arg-type]  # a str is checked there
    report = validation_report(asserted, inferred, sources, mapping_set) if validate and not validate_later else None
    return PipelineRun(asserted, inferred, closure, mapping_set, report)


def validation_report(
    asserted: rdflib.Graph,
    inferred: rdflib.Graph,
    sources: Sources,
    mapping_set: MappingSet | None,
    side: SideInputs | None = None,
    defer: Collection[str] = (),
) -> ValidationReport:
    """Every validation rule over a reasoned graph, as :func:`run` runs them (``build`` calls it apart,
    beside writing the products, with the ``side`` inputs it read from ``sources`` ahead of the graph);
    the report is returned, never raised. ``defer``: as :func:`milia_kg.release.validate.validate`'s."""
    from milia_kg.release.validate import validate as run_rules

    if side is None:
        return run_rules(asserted, inferred, sources=sources, mapping_set=mapping_set, defer=defer)
    return run_rules(asserted, inferred, sources=sources, shapes=side.shapes, seed=side.seed, checks=side.checks,
                     mapping_set=mapping_set, defer=defer)


def make_dataset(asserted: rdflib.Graph, inferred: rdflib.Graph) -> rdflib.Dataset:
    """Put ``asserted`` and ``inferred`` into the named graphs :data:`ASSERTED_GRAPH` and
    :data:`INFERRED_GRAPH` of a new dataset whose default graph is their union."""
    dataset = rdflib.Dataset(default_union=True)
    for prefix, namespace in asserted.namespaces():
        dataset.bind(prefix, namespace, override=False)
    for name, graph in ((ASSERTED_GRAPH, asserted), (INFERRED_GRAPH, inferred)):
        target = dataset.graph(name)
        for triple in graph:
            target.add(triple)
    return dataset


def load_dataset(
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    reasoner: str = DEFAULT_REASONER,
) -> rdflib.Dataset:
    """Load the asserted graph, reason over it (:func:`run`, no validation),
    and return both as named graphs.

    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises InconsistencyError: if the reasoned graph is inconsistent.
    """
    result = run(Sources(ontology_dir, data_dir), reasoner=reasoner, validate=False)
    return make_dataset(result.asserted, result.inferred)


def validate_sources(
    ontology_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    reasoner: str = DEFAULT_REASONER,
) -> ValidationReport:
    """Load, reason over and validate the sources (default: the packaged ones), as :func:`run`
    does for ``milia-kg validate``; the report is returned, never raised.

    :raises RDFSyntaxError: if a source file is not valid Turtle.
    :raises InconsistencyError: if the reasoned graph is inconsistent.
    """
    report = run(Sources(ontology_dir, data_dir), reasoner=reasoner).report
    assert report is not None  # validate=True
    return report
