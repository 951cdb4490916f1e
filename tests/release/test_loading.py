"""Loading the sources, the asserted/inferred dataset, packaged resources and the error tree."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from milia_kg.base import resources
from milia_kg.errors import (
    EndpointError,
    InconsistencyError,
    MiliaKGError,
    ParameterError,
    RDFSyntaxError,
    UnknownQueryError,
    ValidationError,
)
from milia_kg.release.pipeline import MKG, load_dataset, make_dataset
from milia_kg.release.sources import ASSERTED_GRAPH, INFERRED_GRAPH, load_asserted


def test_asserted_graph_has_ontology_imports_and_data(asserted_graph: rdflib.Graph) -> None:
    assert (rdflib.URIRef(f"{MKG}ontology"), rdflib.RDF.type, rdflib.OWL.Ontology) in asserted_graph
    assert (None, rdflib.OWL.annotatedSource, None) in asserted_graph
    # the shapes are not part of the asserted graph
    assert (None, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")) not in asserted_graph


def test_asserted_graph_in_the_plain_store_holds_what_rdflib_default_store_does() -> None:
    """The pipeline's graphs live in rdflib's SimpleMemory store (milia_kg.base.graph_store, issue 22):
    the packaged sources give the same triples and the same prefixes as in rdflib's default store."""
    from rdflib.compare import isomorphic

    from milia_kg.formats.turtle import parse_turtle

    plain = load_asserted(mappings=False)
    default = rdflib.Graph(bind_namespaces="core")
    default.bind("mkg", MKG)
    for source in (*resources.ontology_files(), *resources.data_files()):
        parse_turtle(source, default)
    assert type(plain.store).__name__ == "SimpleMemory" and type(default.store).__name__ == "Memory"
    assert len(plain) == len(default) and isomorphic(plain, default)
    assert sorted(plain.namespaces()) == sorted(default.namespaces())


def test_resources_listing() -> None:
    names = [f.name for f in resources.ontology_files()]
    assert names[0] == resources.ONTOLOGY_FILE and resources.SHAPES_FILE not in names
    assert all(f.name.endswith(".ttl") for f in resources.data_files())
    assert all(name.endswith("-violation") for name in resources.check_files())
    assert resources.shapes_file().is_file()


def test_resources_override(mini_sources: tuple[Path, Path]) -> None:
    _, data = mini_sources
    assert [f.name for f in resources.data_files(data)] == ["facts.ttl"]
    assert resources.seed_text(data).startswith("Milia most commonly")
    with pytest.raises(MiliaKGError, match="not a folder"):
        resources.data_files(data / "nothing-here")


def test_dataset_keeps_asserted_and_inferred_apart(mini_sources: tuple[Path, Path]) -> None:
    ontology, data = mini_sources
    dataset = load_dataset(ontology, data)
    asserted = dataset.graph(ASSERTED_GRAPH)
    inferred = dataset.graph(INFERRED_GRAPH)
    assert len(asserted) == len(load_asserted(ontology, data))
    assert len(inferred) > 0
    assert not set(asserted) & set(inferred)
    # reasoning: subclass closure lands in the inferred graph only
    triple = (MKG.AdapaleneGel, rdflib.RDFS.subClassOf, MKG.Treatment)
    assert triple in inferred and triple not in asserted


def test_make_dataset_named_graphs() -> None:
    a, i = rdflib.Graph(), rdflib.Graph()
    a.add((MKG.A, rdflib.RDFS.subClassOf, MKG.B))
    i.add((MKG.A, rdflib.RDF.type, rdflib.OWL.Class))
    dataset = make_dataset(a, i)
    assert {g.identifier for g in dataset.graphs() if len(g)} == {ASSERTED_GRAPH, INFERRED_GRAPH}


# ---------------------------------------------------------------- errors

ERRORS = {
    "syntax": (RDFSyntaxError("data/x.ttl", 3, "Bad  syntax\n(oops)"), ValueError, "data/x.ttl:3: Bad syntax (oops)"),
    "inconsistent": (InconsistencyError(["a", "b"]), MiliaKGError, "inconsistent graph: a; b"),
    "unknown-query": (
        UnknownQueryError("treatmnts", ["treatments", "causes"]),
        KeyError,
        "unknown query 'treatmnts'; did you mean: treatments?",
    ),
    "unknown-query-no-match": (
        UnknownQueryError("zzz", ["treatments"]),
        KeyError,
        "unknown query 'zzz'; available: treatments",
    ),
    "parameter": (
        ParameterError("site", "fcae", "no match", ["face"]),
        ValueError,
        "parameter 'site' = 'fcae': no match; expected one of: face",
    ),
    "endpoint": (EndpointError("http://localhost:9/sparql", "refused"), ConnectionError, "SPARQL endpoint http://localhost:9/sparql: refused"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_messages(case: str) -> None:
    error, builtin, message = ERRORS[case]
    assert isinstance(error, MiliaKGError) and isinstance(error, builtin)
    assert str(error) == message
    assert "\n" not in str(error)


def test_errors_keep_the_bad_value() -> None:
    assert RDFSyntaxError("f.ttl", 2, "x").path == "f.ttl" and RDFSyntaxError("f.ttl", 2, "x").line == 2
    assert UnknownQueryError("q").name == "q"
    assert ParameterError("p", 5, "bad").value == 5
    assert EndpointError("http://e", "down").endpoint == "http://e"
    assert InconsistencyError(["x"]).problems == ("x",)

    class Report:
        results = ()

    report = Report()
    assert ValidationError(report).report is report
