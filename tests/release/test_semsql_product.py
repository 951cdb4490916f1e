"""milia-kg.db (issue 20, item 6): the release in semsql's own SQLite schema, its two tables filled
from milia-kg.owl (``statements``, as rdftab would) and the reasoned graph (``entailed_edge``, as
relation-graph would). oaklib reads it in tests/release/test_oaklib.py; here, the tables and semsql's
views hold what the page and UBERON's file say."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("semsql")


@pytest.fixture(scope="module")
def db(release: tuple[Path, object]):
    connection = sqlite3.connect(release[0] / "milia-kg.db")
    yield connection
    connection.close()


def test_the_release_lists_it(release) -> None:
    assert "milia-kg.db" in release[1].files


def test_semsql_views_read_labels_definitions_and_synonyms(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT value FROM rdfs_label_statement WHERE subject = 'UBERON:0001456'").fetchall() == [("face",)]
    assert db.execute("SELECT value FROM has_text_definition_statement WHERE subject = 'mkg:SecondaryMilia'").fetchall() == [
        ("Milia that happen after the skin is damaged and develop as it heals, or that are caused by a reaction to a "
         "heavy skin cream or ointment.",)]
    # "Another name for secondary milia is traumatic milia."
    assert db.execute("SELECT value FROM has_exact_synonym_statement WHERE subject = 'mkg:SecondaryMilia'").fetchall() == [
        ("traumatic milia",)]
    assert ("mkg:Face",) in db.execute("SELECT id FROM deprecated_node").fetchall()


def test_entailed_edges_are_the_reasoned_closure(db: sqlite3.Connection) -> None:
    edges = set(db.execute("SELECT subject, predicate, object FROM entailed_edge").fetchall())
    assert {("mkg:PrimaryMilia", "rdfs:subClassOf", "mkg:Milia"),
            ("mkg:PrimaryMilia", "rdfs:subClassOf", "mkg:PrimaryMilia"),  # reflexive, as relation-graph writes
            ("UBERON:0000004", "BFO:0000050", "UBERON:0001456"),  # nose part of face (UBERON)
            ("mkg:Milia", "RO:0002200", "HP:0001056")} <= edges  # the HPO bridge
    assert ("oio", "http://www.geneontology.org/formats/oboInOwl#") in db.execute("SELECT prefix, base FROM prefix").fetchall()
    declared = {p for (p,) in db.execute("SELECT prefix FROM prefix")}
    used = {c.split(":", 1)[0] for (c,) in db.execute(
        "SELECT subject FROM statements UNION SELECT predicate FROM statements UNION SELECT object FROM statements"
        " WHERE object IS NOT NULL") if c and ":" in c and not c.startswith(("http", "_:", "urn:", "mailto:"))}
    assert used - declared == set()
