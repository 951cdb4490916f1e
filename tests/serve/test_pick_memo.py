"""pick remembers its choice by the Accept header and the types offered (milia_kg/serve/protocol.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("rdflib")

from milia_kg.serve.protocol import ASK_TYPES, SELECT_TYPES, pick


def test_pick_follows_the_accept_header() -> None:
    assert pick("text/csv", SELECT_TYPES) == "text/csv"
    assert pick("text/csv", SELECT_TYPES) == "text/csv"
    assert pick("text/tab-separated-values, text/csv;q=0.9", SELECT_TYPES) == "text/tab-separated-values"
    assert pick(None, SELECT_TYPES) == "application/sparql-results+json"
    assert pick("image/png", SELECT_TYPES) is None
    assert pick("text/csv" + " " * 600, SELECT_TYPES) == "text/csv"


def test_pick_follows_the_types_offered() -> None:
    assert pick("application/sparql-results+xml", SELECT_TYPES) == "application/sparql-results+xml"
    assert pick("text/csv", ASK_TYPES) is None
    assert pick(None, ASK_TYPES) == next(iter(ASK_TYPES))
