"""The value classes of the cold path (milia_kg/base/records.py) behave as the dataclasses they replaced."""

from __future__ import annotations

import pickle

import pytest

from milia_kg.query.catalogue import Param, Query
from milia_kg.query.kg import Result
from milia_kg.query.limits import Limits


def test_frozen_record_compares_hashes_and_shows_its_fields() -> None:
    a, b = Param("site"), Param("site", "label-or-IRI", False, "", "")
    assert a == b and hash(a) == hash(b) and a != Param("site", required=True)
    assert repr(a) == "Param(name='site', type='label-or-IRI', required=False, description='', variable='')"
    assert vars(Param("age", "string", True, "d", "v")) == {
        "name": "age", "type": "string", "required": True, "description": "d", "variable": "v"}
    assert len({a, b, Param("other")}) == 2


def test_frozen_record_refuses_assignment_and_survives_pickling() -> None:
    query = Query("subtypes", "Which kinds?", "SELECT * {}", "SELECT", params=(Param("site"),))
    with pytest.raises(AttributeError):
        query.name = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del query.text
    assert pickle.loads(pickle.dumps(query)) == query
    assert query != ("subtypes", "Which kinds?", "SELECT * {}", "SELECT")


def test_limits_still_checked_and_replaced() -> None:
    limits = Limits(timeout=2, allow_service=["https://example.org/sparql"])  # type: ignore[arg-type]
    assert limits.allow_service == ("https://example.org/sparql",)
    assert limits.replace(timeout=None) is limits and limits.replace(max_rows=5).max_rows == 5
    with pytest.raises(Exception, match="must be a positive number"):
        Limits(timeout=0)


def test_mutable_record_is_unhashable_with_fresh_defaults() -> None:
    first, second = Result("SELECT"), Result("SELECT")
    first.rows.append({"x": 1})
    assert second.rows == [] and first != second and Result("ASK", boolean=True) == Result("ASK", boolean=True)
    with pytest.raises(TypeError):
        hash(first)
