"""Entity pages (milia_kg/serve/entity.py, milia_kg/query/describe.py, milia_kg/serve/drawing.py):
content negotiation, the HTML's content, links and drawing, 404s. Expected answers are written
from the seed page (../shared/seeds/milia-cleveland-clinic.txt)."""

from __future__ import annotations

import html.parser
import re

import pytest
import rdflib

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from fastapi.testclient import TestClient

from milia_kg.query.describe import Entity, Fact, Link, describe, term_iri
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.serve.app import create_app
from milia_kg.serve.entity import render_entity
from milia_kg.serve.headers import HTML_CSP

MKG = rdflib.Namespace("https://w3id.org/milia-kg/")
OBO = rdflib.Namespace("http://purl.obolibrary.org/obo/")
PM = MKG.PrimaryMilia
SOURCE_URL = "https://my.clevelandclinic.org/health/diseases/17868-milia"
SITES_QUOTE = "Primary milia, which often appear on the eyelids, forehead, cheeks or genitals, can occur in children or adults."
COURSE_QUOTE = "Like neonatal milia, they usually clear up on their own, but it might take a few months."
NOT_DAMAGE = "Primary milia are not associated with damage to the skin."
#: The facts about primary milia on the page, by question: (relation, value, qualifier, quote).
PRIMARY_FACTS = {
    "body_sites": [("has site", "cheek", "often", SITES_QUOTE), ("has site", "eyelid", "often", SITES_QUOTE),
                   ("has site", "forehead", "often", SITES_QUOTE), ("has site", "genitals", "often", SITES_QUOTE)],
    "causes": [("is not associated with", "damage to the skin", "", NOT_DAMAGE)],
    "course": [("has course", "clears up on its own", "usually", COURSE_QUOTE),
               ("has course", "may take a few months to clear", "might", COURSE_QUOTE)],
    "populations": [("occurs in", "adult", "can occur", SITES_QUOTE), ("occurs in", "child", "can occur", SITES_QUOTE)],
}
GRAPH_MEDIA = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(KnowledgeGraph.open().with_limits(timeout=10, max_rows=10_000)), base_url="http://127.0.0.1")


class Page(html.parser.HTMLParser):
    """The parts of an entity page the tests read: links, tables by question, element texts by id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.by_id: dict[str, str] = {}
        self.tags: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._ids: list[tuple[str, str, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if tag == "a":
            self._href, self._text = found.get("href") or "", []
        if tag == "table" and "data-question" in found:
            self._table = found["data-question"] or ""
            self.tables[self._table] = []
        if tag == "tr" and self._table is not None:
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []
        if found.get("id"):
            self._ids.append((tag, found["id"] or "", []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None and self._table is not None:
            if self._row:
                self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None
        if self._ids and self._ids[-1][0] == tag:
            _, ident, parts = self._ids.pop()
            self.by_id[ident] = " ".join(" ".join(parts).split())

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        for _, _, parts in self._ids:
            parts.append(data)


def test_references_resolve() -> None:
    assert term_iri("mkg:PrimaryMilia") == term_iri("PrimaryMilia") == str(PM)
    assert term_iri(str(PM)) == str(PM)
    assert term_iri("HP:0001056") == "http://purl.obolibrary.org/obo/HP_0001056"


@pytest.mark.parametrize("path", ["/PrimaryMilia", "/entity/mkg:PrimaryMilia",
                                  "/entity/https://w3id.org/milia-kg/PrimaryMilia"])
@pytest.mark.parametrize("media", list(GRAPH_MEDIA))
def test_rdf_by_accept(client: TestClient, path: str, media: str) -> None:
    response = client.get(path, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"] == "Accept"
    graph = rdflib.Graph().parse(data=response.content, format=GRAPH_MEDIA[media])
    assert (PM, rdflib.RDFS.label, rdflib.Literal("primary milia", lang="en")) in graph
    assert (PM, rdflib.RDFS.subClassOf, MKG.Milia) in graph
    assert (MKG.Milia, rdflib.RDFS.label, rdflib.Literal("milia", lang="en")) in graph  # labels of what it names
    sites = {o for o in graph.objects(PM, MKG.hasSite)}
    # the sites the graph reuses from UBERON are UBERON's own terms (issue 20): cheek, eyelid, forehead
    assert {OBO.UBERON_0001567, OBO.UBERON_0001711, OBO.UBERON_0008200, MKG.Genitals} <= sites
    axioms = [a for a in graph.subjects(rdflib.OWL.annotatedSource, PM)
              if graph.value(a, rdflib.OWL.annotatedTarget) == OBO.UBERON_0001711]
    assert len(axioms) == 1
    assert graph.value(axioms[0], MKG.quote) == rdflib.Literal(SITES_QUOTE)
    assert graph.value(axioms[0], MKG.qualifier) == rdflib.Literal("often")
    assert not any(s == MKG.Milia and p != rdflib.RDFS.label for s, p, _ in graph)  # bounded: not Milia's own


def test_turtle_is_the_default_and_html_is_for_browsers(client: TestClient) -> None:
    assert client.get("/PrimaryMilia", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    browser = client.get("/PrimaryMilia", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.headers["content-type"] == "text/html; charset=utf-8"
    assert browser.headers["content-security-policy"] == HTML_CSP
    assert client.get("/PrimaryMilia?format=nt").headers["content-type"].startswith("application/n-triples")
    assert client.get("/PrimaryMilia?format=png").status_code == 406


def html_page(client: TestClient, path: str) -> tuple[str, Page]:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    return response.text, Page(response.text)


def test_primary_milia_page(client: TestClient) -> None:
    text, page = html_page(client, "/entity/mkg:PrimaryMilia")
    assert page.by_id["label"] == "primary milia"
    assert page.by_id["curie"] == "mkg:PrimaryMilia"
    assert "A kind of milia not associated with damage to the skin; they can occur in children or adults." in text
    assert page.by_id["definition-sources"] == (
        f"{NOT_DAMAGE} Cleveland Clinic: Milia (patient-education page) "
        f"{SITES_QUOTE} Cleveland Clinic: Milia (patient-education page)")
    assert page.by_id["superclasses"] == "milia"
    assert ("milia", "../entity/mkg:Milia") in page.links
    assert page.by_id["subclasses"] == "none"
    assert page.by_id["synonyms"] == "none"
    source = "Cleveland Clinic: Milia (patient-education page)"
    for question, rows in PRIMARY_FACTS.items():
        assert page.tables[question] == [[rel, value, qualifier, "", "", quote, source]
                                         for rel, value, qualifier, quote in rows], question
    # stated of another term, pointing here: a case with no skin damage is offered primary milia to consider
    assert page.tables["subtypes_to_consider"] == [[
        "not associated with damage to the skin", "suggests subtype", "primary milia", "", "", "", NOT_DAMAGE, source]]
    assert set(page.tables) == {*PRIMARY_FACTS, "subtypes_to_consider"}
    assert ("eyelid", "../entity/UBERON:0001711") in page.links
    assert (source, SOURCE_URL) in page.links
    assert ("HP:0001056", "http://purl.obolibrary.org/obo/HP_0001056") in page.links  # the mapping, a link
    assert page.by_id["mappings"] == "broadMatch HP:0001056 (Milia)"
    assert "Where does it typically appear?" in text  # the body_sites question heads its group
    assert "script" not in page.tags
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!my\.clevelandclinic|w3id|purl)""", text)


def test_the_drawing_shows_the_neighbourhood_with_links(client: TestClient) -> None:
    text, _ = html_page(client, "/entity/mkg:Milia")
    svg = re.search(r"<svg .*?</svg>", text, re.S)
    assert svg is not None
    nodes = re.findall(r'<a href="([^"]+)" class="node node-(\w+)"><title>([^<]*)</title>', svg.group(0))
    kinds = {(title, kind) for _, kind, title in nodes}
    assert ("milia (mkg:Milia)", "term") in kinds
    assert ("condition (mkg:Condition)", "class") in kinds
    subtypes = {"neonatal milia", "primary milia", "secondary milia", "juvenile milia", "milia en plaque",
                "multiple eruptive milia"}
    assert {t.split(" (")[0] for t, k in kinds if k == "class"} == subtypes | {"condition"}
    assert ("../entity/UBERON:0001456", "fact") in {(h, k) for h, k, _ in nodes}
    assert "has site" in svg.group(0)


def test_milia_synonyms_and_definition_sources(client: TestClient) -> None:
    _, page = html_page(client, "/Milia")
    assert page.by_id["synonyms"] == "milium milk spot oil seed"
    assert page.by_id["definition-sources"] == (
        "Milia are small, white or whitish cysts on the skin. Cleveland Clinic: Milia (patient-education page) "
        "Milia occur when dead skin cells get trapped under the skin and form cysts. "
        "Cleveland Clinic: Milia (patient-education page)")
    assert ("condition", "entity/mkg:Condition") in page.links  # /Milia is at the root: no ../


def test_a_site_lists_what_is_stated_about_it(client: TestClient) -> None:
    _, page = html_page(client, "/entity/UBERON:0001711")
    rows = page.tables["body_sites"]
    assert ["primary milia", "has site", "eyelid", "often", "", "", SITES_QUOTE,
            "Cleveland Clinic: Milia (patient-education page)"] in rows
    assert page.by_id["synonyms"] == "eyelids"


@pytest.mark.parametrize(("path", "accept", "kind"), [
    ("/entity/mkg:NoSuchTerm", "application/json", "unknown_term"),
    ("/NoSuchTerm", "application/json", "not_found"),
    ("/entity/mkg:NoSuchTerm?format=ttl", "*/*", "unknown_term"),
])
def test_unknown_terms_are_404_json(client: TestClient, path: str, accept: str, kind: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert response.json()["error"] == kind


@pytest.mark.parametrize("path", ["/entity/mkg:NoSuchTerm", "/NoSuchTerm", "/entity/mkg:NoSuchTerm?format=html"])
def test_unknown_terms_are_404_html_for_a_browser(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "NoSuchTerm" in response.text and "<script" not in response.text


def test_a_reference_that_is_no_term_is_400(client: TestClient) -> None:
    response = client.get("/entity/not a term!")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_parameter"


def test_every_project_term_has_a_page(client: TestClient) -> None:
    kg = KnowledgeGraph.open()
    terms = sorted({str(s) for s in kg.graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(str(MKG))})
    assert len(terms) > 150
    for iri in terms:
        local = iri[len(str(MKG)):]
        if "/" in local:  # shapes/..., graph/...: not one path segment
            continue
        response = client.get("/" + local, headers={"Accept": "text/html"})
        assert response.status_code == 200, iri
        assert "<h1 id=\"label\">" in response.text


def test_the_page_escapes_what_it_shows() -> None:
    hostile = Link("https://w3id.org/milia-kg/X", "mkg:X", '<script>alert("x")</script>')
    fact = Fact(subject=hostile, predicate="p", predicate_label="<b>p</b>", object=None, value="<img src=x>",
                question="", quote='"><script>q</script>')
    entity = Entity(hostile.iri, hostile.curie, hostile.label, definitions=["a & b <i>"], synonyms=["<s>"],
                    facts=[fact])
    text = render_entity(entity, "../", lambda iri: True, {})
    assert "<script" not in text and "<img" not in text and "<b>p" not in text and "<s>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "a &amp; b &lt;i&gt;" in text


def test_describe_is_none_for_nothing() -> None:
    assert describe(KnowledgeGraph.open(), "https://w3id.org/milia-kg/NoSuchTerm") is None


@pytest.mark.parametrize(("path", "location"), [
    ("/entity/mkg:Eyelid", "../entity/UBERON:0001711"),
    ("/entity/mkg:Eyelid?format=ttl", "../entity/UBERON:0001711?format=ttl"),
    ("/Eyelid", "entity/UBERON:0001711"),
    ("/UpperArm", "entity/UBERON:0003822"),
])
def test_a_former_site_iri_redirects_to_its_uberon_term(client: TestClient, path: str, location: str) -> None:
    """Issue 20: mkg:Eyelid is a deprecated class replaced by UBERON:0001711 (eyelid); its page sends the
    reader there, and the redirect lands on the replacement's page."""
    response = client.get(path, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (301, location)
    landed = client.get(path, headers={"Accept": "text/html"})
    assert landed.status_code == 200 and str(landed.url).split("?")[0].endswith(location.split("/")[-1].split("?")[0])


def test_values_over_http(client: TestClient) -> None:
    """GET /api/values/PARAM: what `milia-kg values` lists (tests/query/test_discovery.py)."""
    data = client.get("/api/values/site?query=conditions_at_site").json()
    assert (data["param"], data["queries"], data["category"]) == (
        "site", ["conditions_at_site"], "mkg:AnatomicalSite (anatomical site)")
    assert {"curie": "UBERON:0001711", "label": "eyelid", "synonyms": "eyelids"} in data["values"]
    refused = client.get("/api/values/colour")
    assert (refused.status_code, refused.json()["error"]) == (400, "bad_parameter")
    assert client.get("/api/values/site?query=nosuch").status_code == 404
    condition = client.get("/api/queries/body_sites?condition=newborn")
    assert condition.status_code == 400
    assert "mkg:Newborn (newborn) is a population, not a condition" in condition.json()["message"]
