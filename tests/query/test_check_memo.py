"""check_query remembers its verdict by the text and the allowed endpoints, never a refusal
(milia_kg/query/limits.py)."""

from __future__ import annotations

import pytest

from milia_kg.errors import QueryTooComplexError, ServiceNotAllowedError
from milia_kg.query.limits import MAX_DEPTH, check_query

REMOTE = "http://127.0.0.1:9/sparql"
FEDERATED = f"SELECT * WHERE {{ SERVICE <{REMOTE}> {{ ?s ?p ?o }} }}"


def test_verdict_follows_the_text() -> None:
    assert check_query("ASK { ?s ?p ?o }") == "ASK"
    assert check_query("ASK { ?s ?p ?o }") == "ASK"
    assert check_query("SELECT * WHERE { ?s ?p ?o }") == "SELECT"
    assert check_query("CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    deep = "SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)
    for _ in range(2):  # a refusal is refused again, not remembered as a form
        with pytest.raises(QueryTooComplexError):
            check_query(deep)


def test_verdict_follows_the_allowed_endpoints() -> None:
    assert check_query(FEDERATED, [REMOTE]) == "SELECT"
    with pytest.raises(ServiceNotAllowedError):
        check_query(FEDERATED)
    with pytest.raises(ServiceNotAllowedError):
        check_query(FEDERATED, ["http://127.0.0.1:9/other"])
    assert check_query(FEDERATED, (REMOTE,)) == "SELECT"


def test_long_text_checked_each_time() -> None:
    long_ask = "ASK { ?s ?p ?o }" + " " * 20_000
    assert check_query(long_ask) == "ASK"
    with pytest.raises(ServiceNotAllowedError):
        check_query(long_ask.replace("?s ?p ?o", f"SERVICE <{REMOTE}> {{ ?s ?p ?o }}"))

