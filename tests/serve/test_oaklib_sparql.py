"""oaklib's ``sparql:`` adapter against ``milia-kg serve`` (the recipe of docs/merging-and-linking.md).

The served graph is the reasoned graph with the OBO definitions and synonyms as plain triples (their
provenance axioms are in the OWL product): ancestors, descendants, definitions, aliases and
mappings work. oaklib 0.7.4's ``mappings`` writes ``"..."^^xsd:string`` without declaring ``xsd``;
the endpoint predeclares the project's query prefixes, as Virtuoso and GraphDB do.
"""

from __future__ import annotations

import csv
import io
import warnings

import pytest

MKG = "mkg=https://w3id.org/milia-kg/"


@pytest.fixture()
def endpoint(served_graph) -> str:
    """The SPARQL URL of the session's running milia-kg serve (tests/conftest.py)."""
    return f"{served_graph.url}/sparql"


def runoak(endpoint: str, *args: str) -> str:
    from click.testing import CliRunner
    from oaklib.cli import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = CliRunner().invoke(main, ["-i", f"sparql:{endpoint}", "--prefix", MKG, *args])
    assert result.exit_code == 0, f"runoak {' '.join(args)}: {result.output}{result.exception!r}"
    return result.output


@pytest.mark.slow
def test_ancestors_over_sparql(endpoint: str) -> None:
    rows = csv.DictReader(io.StringIO(runoak(endpoint, "ancestors", "-p", "i", "mkg:PrimaryMilia")), delimiter="\t")
    assert {r["id"] for r in rows} == {"mkg:PrimaryMilia", "mkg:Milia", "mkg:Condition", "owl:Thing"}


@pytest.mark.slow
def test_descendants_over_sparql(endpoint: str) -> None:
    out = runoak(endpoint, "descendants", "-p", "i", "mkg:Milia")
    assert {line.split(" ! ")[0] for line in out.splitlines()} == {
        "mkg:Milia", "mkg:PrimaryMilia", "mkg:SecondaryMilia", "mkg:NeonatalMilia", "mkg:JuvenileMilia",
        "mkg:MiliaEnPlaque", "mkg:MultipleEruptiveMilia",
    }


@pytest.mark.slow
def test_aliases_over_sparql(endpoint: str) -> None:
    rows = csv.DictReader(io.StringIO(runoak(endpoint, "aliases", "mkg:SecondaryMilia")), delimiter="\t")
    # "Another name for secondary milia is traumatic milia."
    assert {(r["pred"], r["alias"]) for r in rows} == {("rdfs:label", "secondary milia"), ("skos:altLabel", "traumatic milia"),
                                                       ("oio:hasExactSynonym", "traumatic milia")}


@pytest.mark.slow
def test_definitions_over_sparql(endpoint: str) -> None:
    rows = list(csv.DictReader(io.StringIO(runoak(endpoint, "definitions", "mkg:SecondaryMilia")), delimiter="\t"))
    assert [r["definition"] for r in rows] == [
        "Milia that happen after the skin is damaged and develop as it heals, or that are caused by a reaction to a"
        " heavy skin cream or ointment."]


@pytest.mark.slow
def test_mappings_over_sparql(endpoint: str) -> None:
    """data/mappings.sssom.tsv: mkg:PrimaryMilia skos:broadMatch HP:0001056 (Milia)."""
    rows = list(csv.DictReader(io.StringIO(runoak(endpoint, "mappings", "mkg:PrimaryMilia", "-O", "csv")),
                               delimiter="\t"))
    assert {(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows} == {
        ("mkg:PrimaryMilia", "skos:broadMatch", "HP:0001056")}
