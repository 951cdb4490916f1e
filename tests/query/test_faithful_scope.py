"""What is said of milia in general reaches a kind of milia only when the page says it of every case.

Issue 18, finding 1: a frequency ("most commonly"), a prevalence ("about 40-50 percent of
newborns"), a possibility ("can be present at birth") said of milia as a whole is not said of each
kind; what milia are, how they form, that they are not harmful and advice are.  The rule is the
statement kind's ``mkg:passesToSubtypes`` in the ontology: flipping it in the graph flips the answer.
Expected rows are written from the page.
"""

from __future__ import annotations

from typing import Any

import pytest
import rdflib

from milia_kg import KnowledgeGraph

MKG = rdflib.Namespace("https://w3id.org/milia-kg/")
FACE_QUOTE = ("They are most common in infants and most commonly appear on the face, although they occur"
              " in other age groups and on other parts of the body.")


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def _cells(rows: list[dict[str, Any]], *columns: str) -> set[tuple[Any, ...]]:
    return {tuple(row.get(f"{c}_label") or row[c] for c in columns) for row in rows}


def test_milia_en_plaque_population_is_only_its_own(kg: KnowledgeGraph) -> None:
    rows = kg.query("populations", condition="milia en plaque")
    assert _cells(rows, "population", "qualifier", "scope") == {
        ("middle-aged woman", "mostly, but not exclusively", "direct")}


@pytest.mark.parametrize("subtype", ["primary milia", "secondary milia", "juvenile milia",
                                     "milia en plaque", "multiple eruptive milia"])
def test_newborn_prevalence_is_not_said_of_a_kind(kg: KnowledgeGraph, subtype: str) -> None:
    rows = kg.query("epidemiology", condition=subtype)
    assert all(row["stated_for"] != str(MKG.Milia) for row in rows)


def test_present_at_birth_is_not_said_of_secondary_milia(kg: KnowledgeGraph) -> None:
    rows = kg.query("onset", condition="secondary milia")
    assert _cells(rows, "onset", "scope", "quote") == {
        ("develops as the skin heals", "direct", "The milia develop as the skin heals.")}


def test_juvenile_milia_are_on_the_skin_not_most_commonly_on_the_face(kg: KnowledgeGraph) -> None:
    rows = kg.query("body_sites", condition="juvenile milia")
    assert _cells(rows, "site", "qualifier", "stated_for", "scope") == {("skin", None, "milia", "general")}


def test_neonatal_milia_do_not_occur_in_other_age_groups(kg: KnowledgeGraph) -> None:
    rows = kg.query("populations", condition="neonatal milia")
    assert "age groups other than infants" not in {row["population_label"] for row in rows}


def test_what_milia_are_reaches_every_kind(kg: KnowledgeGraph) -> None:
    rows = kg.query("symptoms", condition="multiple eruptive milia")
    assert ("small white or whitish cyst", "milia", "general") in _cells(rows, "feature", "stated_for", "scope")
    course = kg.query("course", condition="primary milia")
    assert ("not harmful", "general") in _cells(course, "course", "scope")


def test_scope_is_called_general_and_inherit_still_works(kg: KnowledgeGraph) -> None:
    scopes = {row["scope"] for row in kg.query("causes")}
    assert scopes == {"direct", "general"}
    assert kg.query("causes", inherit="false") == kg.query("causes", general="false")
    assert {row["scope"] for row in kg.query("causes", general="false")} == {"direct"}


def test_the_rule_is_read_from_the_ontology(kg: KnowledgeGraph) -> None:
    """Saying in the graph that frequencies pass to subtypes makes "most commonly on the face" reach
    juvenile milia: no list of statements in code decides it."""
    graph = rdflib.Graph()
    for triple in kg.graph:
        graph.add(triple)
    graph.set((MKG["frequency-statement"], MKG.passesToSubtypes, rdflib.Literal(True)))
    changed = KnowledgeGraph.from_graph(graph)
    rows = changed.query("body_sites", condition="juvenile milia")
    assert ("face", "most commonly", "general", FACE_QUOTE) in _cells(rows, "site", "qualifier", "scope", "quote")


# ---------------------------------------------------------------- finding 4: clauses the graph now models


def test_juvenile_milia_are_linked_to_a_disorder_not_a_population(kg: KnowledgeGraph) -> None:
    assert kg.query("populations", condition="juvenile milia") == []
    causes = kg.query("causes", condition="juvenile milia", general="false")
    assert _cells(causes, "cause", "relation", "qualifier") == {("inherited disorder", "is linked to", "commonly")}


def test_present_at_birth_is_said_of_neonatal_milia(kg: KnowledgeGraph) -> None:
    assert kg.query("onset", condition="milia") == []
    rows = kg.query("onset", condition="neonatal milia")
    assert _cells(rows, "onset", "qualifier", "scope", "quote") == {
        ("present at birth", "can be", "direct", "Unlike baby acne, milia can be present at birth.")}


def test_multiple_eruptive_milia_are_groups_of_milia(kg: KnowledgeGraph) -> None:
    rows = kg.query("symptoms", condition="multiple eruptive milia", general="false")
    assert _cells(rows, "feature", "qualifier") == {("groups of milia", None), ("itching", "sometimes")}


def test_about_half_has_no_bounds(kg: KnowledgeGraph) -> None:
    rows = kg.query("epidemiology", condition="neonatal milia")
    assert _cells(rows, "statement", "lower_bound", "upper_bound", "qualifier") == {
        ("neonatal milia are found in about half of all infants", None, None, "about")}


def test_minocycline_is_an_antibiotic(kg: KnowledgeGraph) -> None:
    rows = kg.sparql("PREFIX mkg: <https://w3id.org/milia-kg/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"
                     " SELECT ?kind WHERE { mkg:Minocycline rdfs:subClassOf ?kind . ?kind rdfs:subClassOf mkg:Treatment"
                     " FILTER(?kind != mkg:Minocycline) }")
    assert {row["kind_label"] for row in rows} == {"antibiotic", "medication", "treatment"}
