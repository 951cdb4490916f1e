"""Entity descriptions kept by the service (milia_kg/serve/described.py): made once per term, one
at a time, failures not kept; and the entity pages' use of it."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from milia_kg.errors import MiliaKGError
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve import entity as entity_routes
from milia_kg.serve.app import create_app
from milia_kg.serve.described import Described


def test_threads_asking_for_one_term_at_once_share_one_description() -> None:
    made: list[str] = []
    started = threading.Event()

    def slow(iri: str) -> str:
        made.append(iri)
        started.set()
        time.sleep(0.2)
        return iri.upper()

    kept = Described(slow)
    answers: list[str] = []
    first = threading.Thread(target=lambda: answers.append(kept.get("x")))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=lambda: answers.append(kept.get("x"))) for _ in range(7)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(5)
    assert answers == ["X"] * 8
    assert made == ["x"]
    assert kept.get("y") == "Y" and made == ["x", "y"]


def test_a_failed_description_is_not_kept() -> None:
    calls: list[str] = []

    def flaky(iri: str) -> str:
        calls.append(iri)
        if len(calls) == 1:
            raise MiliaKGError("the store could not be read")
        return "described"

    kept = Described(flaky)
    with pytest.raises(MiliaKGError):
        kept.get("x")
    assert kept.get("x") == "described" and kept.get("x") == "described"
    assert calls == ["x", "x"]


def test_the_least_recently_used_term_goes_first() -> None:
    made: list[str] = []
    kept = Described(lambda iri: made.append(iri) or iri, max_entries=2)
    for iri in ["a", "b", "a", "c", "a", "b"]:
        assert kept.get(iri) == iri
    assert made == ["a", "b", "c", "b"]


def test_a_page_asked_for_again_is_not_described_again(monkeypatch: pytest.MonkeyPatch) -> None:
    described: list[str] = []
    describe = entity_routes.describe

    def counting(kg: KnowledgeGraph, iri: str) -> object:
        described.append(iri)
        return describe(kg, iri)

    monkeypatch.setattr(entity_routes, "describe", counting)
    client = TestClient(create_app(KnowledgeGraph.open()), base_url="http://127.0.0.1")
    html = {"Accept": "text/html"}
    pages = [client.get(path, headers=html) for path in
             ("/entity/mkg:PrimaryMilia", "/entity/mkg:PrimaryMilia", "/PrimaryMilia")]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert pages[0].text == pages[1].text and "Primary milia" in pages[2].text
    assert client.get("/entity/mkg:Newborn", headers=html).status_code == 200
    assert described == ["https://w3id.org/milia-kg/PrimaryMilia", "https://w3id.org/milia-kg/Newborn"]
