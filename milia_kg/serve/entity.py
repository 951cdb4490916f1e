"""Entity pages: ``GET /entity/{CURIE or IRI}`` and the project's own IRIs dereferenced
(``/PrimaryMilia`` for ``https://w3id.org/milia-kg/PrimaryMilia``, as w3id.org redirects), with
content negotiation: HTML for a browser, the term's concise bounded description
(:func:`~milia_kg.query.describe.bounded_description`) as Turtle (the default), N-Triples, JSON-LD
or RDF/XML by ``Accept`` or ``?format=``. An unknown term is a 404, as HTML for a browser and JSON
otherwise.

The HTML is built here with every value escaped, no script and no remote asset (the page's CSP,
:data:`~milia_kg.serve.headers.HTML_CSP`, forbids both); the drawing is SVG made on the server
(:mod:`milia_kg.serve.drawing`). A term's description is made once and kept
(:mod:`milia_kg.serve.described`): the widest classes of a served merge take seconds to describe.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from milia_kg import vocab
from milia_kg.query.describe import Entity, Fact, Link, bounded_description, describe, is_described, term_iri
from milia_kg.query.replaced import replaced_by
from milia_kg.serve.described import Described
from milia_kg.serve.drawing import draw
from milia_kg.serve.http import HTTPError, detached, error_body
from milia_kg.serve.protocol import GRAPH_TYPES, pick, serialize_graph

if TYPE_CHECKING:
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["ENTITY_ALIASES", "ENTITY_TYPES", "add_entity_routes", "render_entity"]

#: Media types of an entity; the first (Turtle) answers ``*/*`` and no ``Accept``.
ENTITY_TYPES: Mapping[str, str] = {**GRAPH_TYPES, "text/html": "html"}
#: ``?format=`` names.
ENTITY_ALIASES: Mapping[str, str] = {
    "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
    "ntriples": "application/n-triples", "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml", "xml": "application/rdf+xml", "html": "text/html",
}
_FORMAT_LINKS = (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdfxml", "RDF/XML"))
#: A local name the dereferencing route accepts (``mkg:`` IRIs are UpperCamelCase, lowerCamelCase
#: or lower-kebab-case).
_LOCAL = r"[A-Za-z][A-Za-z0-9.-]*"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


class _Page:
    """One entity page being written: the root of relative links and the lookups it needs."""

    def __init__(self, root: str, known: Callable[[str], bool], questions: Mapping[str, str]) -> None:
        self.root, self.known, self.questions = root, known, questions

    def href(self, link: Link) -> str:
        """The entity page of a term the graph describes, else the term's own IRI."""
        if self.known(link.iri) and link.curie != link.iri:
            return f"{self.root}entity/{urllib.parse.quote(link.curie, safe=':')}"
        return link.iri

    def a(self, link: Link | None, text: str | None = None) -> str:
        if link is None:
            return ""
        return f'<a href="{_e(self.href(link))}" title="{_e(link.curie)}">{_e(text or link.label)}</a>'

    def links(self, links: list[Link], section: str) -> str:
        if not links:
            return f'<p class="none" id="{section}">none</p>'
        return f'<ul id="{section}">' + "".join(f"<li>{self.a(link)}</li>" for link in links) + "</ul>"

    def source(self, link: Link | None, url: str) -> str:
        if link is None:
            return ""
        if url.startswith(("https://", "http://")):
            return f'<a href="{_e(url)}" rel="noopener">{_e(link.label)}</a>'
        return self.a(link)

    def facts(self, facts: list[Fact], with_subject: bool, section: str) -> str:
        """Facts grouped by the catalogue question that asks about them, one table a group."""
        if not facts:
            return f'<p class="none" id="{section}">none</p>'
        groups: dict[str, list[Fact]] = {}
        for fact in facts:
            groups.setdefault(fact.question or fact.predicate_label, []).append(fact)
        out = [f'<div id="{section}">']
        for key, members in groups.items():
            if key in self.questions:
                heading = (f'{_e(self.questions[key])} <a class="query" href="{_e(self.root)}api/queries/{_e(key)}">'
                           f'({_e(key)})</a>')
            else:
                heading = _e(key)
            head = ["relation", "value", "qualifier", "population", "when", "quote", "source"]
            if with_subject:
                head.insert(0, "subject")
            out.append(f'<h3>{heading}</h3><table class="facts" data-question="{_e(key)}"><thead><tr>'
                       + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>")
            for fact in members:
                cells = [_e(fact.predicate_label),
                         self.a(fact.object, fact.value) if fact.object else _e(fact.value),
                         _e(fact.qualifier), ", ".join(self.a(p) for p in fact.populations), _e(fact.when),
                         f'<td class="quote">{_e(fact.quote)}</td>', self.source(fact.source, fact.source_url)]
                if with_subject:
                    cells.insert(0, self.a(fact.subject))
                out.append("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>")
            out.append("</tbody></table>")
        out.append("</div>")
        return "".join(out)


def render_entity(entity: Entity, root: str, known: Callable[[str], bool], questions: Mapping[str, str]) -> str:
    """The HTML page of ``entity``; ``root`` is the relative path to the service's root (``../``),
    ``known`` tells which IRIs have a page, ``questions`` maps catalogue query names to their questions."""
    page = _Page(root, known, questions)
    definition = "".join(f'<p class="definition">{_e(d)}</p>' for d in entity.definitions) or '<p class="none">none</p>'
    quotes = "".join(f"<li><blockquote>{_e(q)}</blockquote> {page.source(s, u)}</li>"
                     for q, s, u in entity.definition_quotes)
    synonyms = ("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in entity.synonyms) + "</ul>") if entity.synonyms \
        else '<p class="none">none</p>'
    neighbours = [(f.predicate_label, f.object) for f in entity.facts if f.object is not None]
    seen: set[tuple[str, str]] = set()
    unique = [(r, o) for r, o in neighbours if not ((r, o.iri) in seen or seen.add((r, o.iri)))]  # type: ignore[func-returns-value]
    term = Link(entity.iri, entity.curie, entity.label)
    svg = draw(term, entity.superclasses, entity.subclasses, unique, page.href)
    inferred = ("<ul>" + "".join(f"<li>{_e(r)} {page.a(o)}</li>" for r, o in entity.inferred) + "</ul>") \
        if entity.inferred else '<p class="none">none</p>'
    mappings = ("<ul>" + "".join(
        f'<li>{_e(p)} <a href="{_e(o.iri)}" rel="noopener">{_e(o.curie)}</a>'
        f'{" (" + _e(o.label) + ")" if o.label not in (o.curie, o.iri) else ""}</li>'
        for p, o in entity.mappings) + "</ul>") if entity.mappings else '<p class="none">none</p>'
    formats = " ".join(f'<a href="?format={k}">{v}</a>' for k, v in _FORMAT_LINKS)
    kinds = ", ".join(page.a(t) for t in entity.types)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_e(entity.label)} · milia-kg</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{_e(root)}static/entity.css">
<link rel="alternate" type="text/turtle" href="?format=ttl">
</head>
<body>
<nav><a href="{_e(root) or './'}">milia-kg</a> &rsaquo; entity</nav>
<main id="entity" data-iri="{_e(entity.iri)}">
<h1 id="label">{_e(entity.label)}</h1>
<p class="iri"><code id="curie">{_e(entity.curie)}</code> <a href="{_e(entity.iri)}">{_e(entity.iri)}</a></p>
<p class="kind">{"Kind: " + kinds if kinds else ""}</p>
<p class="formats">This description as {formats}.</p>
<section><h2>Definition</h2>{definition}<ul id="definition-sources">{quotes}</ul></section>
<section><h2>Synonyms</h2><div id="synonyms">{synonyms}</div></section>
<section><h2>Superclasses</h2>{page.links(entity.superclasses, "superclasses")}
<h2>Subclasses</h2>{page.links(entity.subclasses, "subclasses")}</section>
<section id="drawing"><h2>Neighbourhood</h2>{svg}</section>
<section><h2>Facts, by question</h2>{page.facts(entity.facts, False, "facts")}</section>
<section><h2>Stated of other terms about this one</h2>{page.facts(entity.mentions, True, "mentions")}</section>
<section><h2>Inferred by the reasoner (no quote of its own)</h2><div id="inferred">{inferred}</div></section>
<section><h2>Mappings</h2><div id="mappings">{mappings}</div></section>
</main>
</body>
</html>
"""


def _not_found_html(reference: str, root: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found · milia-kg</title>
<link rel="stylesheet" href="{_e(root)}static/entity.css"></head>
<body><nav><a href="{_e(root) or './'}">milia-kg</a></nav><main><h1>No such term</h1>
<p>The graph says nothing of <code>{_e(reference)}</code>.</p></main></body></html>
"""


def _root(path: str) -> str:
    return "../" * (path.count("/") - 1)


def _media(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt is not None:
        media = ENTITY_ALIASES.get(fmt.lower(), fmt.lower())
        if media not in ENTITY_TYPES:
            raise HTTPError(406, "not_acceptable", f"format {fmt!r} is not offered here; choose one of "
                            f"{', '.join(ENTITY_ALIASES)}")
        return media
    picked = pick(request.headers.get("accept"), ENTITY_TYPES)
    if picked is None:
        raise HTTPError(406, "not_acceptable", f"none of Accept: {request.headers.get('accept')!r} is offered "
                        f"here; choose one of {', '.join(ENTITY_TYPES)}")
    return picked


def add_entity_routes(app: FastAPI, kg: KnowledgeGraph) -> None:
    """Register ``GET /entity/{ref}`` and ``GET /{local name}`` (register it last: it matches any
    one-segment path the routes before it did not)."""
    questions = {q.name: q.summary for q in kg.queries()}
    described: Described[Entity | None] = Described(lambda iri: detached(describe, kg, iri))

    def known(iri: str) -> bool:
        return bool(detached(is_described, kg, iri))

    def answer(request: Request, reference: str, iri: str) -> Response:
        media = _media(request)
        replacement = detached(replaced_by, kg, iri)
        if replacement is not None:  # a deprecated term (a former mkg: site): its replacement's page
            query = f"?{request.url.query}" if request.url.query else ""
            target = f"{_root(request.url.path)}entity/{urllib.parse.quote(vocab.shorten(replacement), safe=':')}"
            return RedirectResponse(target + query, status_code=301)
        if media == "text/html":
            entity = described.get(iri)
            root = _root(request.url.path)
            if entity is None:
                return Response(_not_found_html(reference, root).encode(), status_code=404,
                                media_type="text/html")
            return Response(render_entity(entity, root, known, questions).encode(), media_type="text/html")
        graph = detached(bounded_description, kg, iri)
        if not len(graph):
            raise HTTPError(404, "unknown_term", f"the graph says nothing of {reference!r} ({iri})")
        return Response(serialize_graph(graph, GRAPH_TYPES[media]), media_type=media)

    def not_found(request: Request, reference: str, message: str) -> Response:
        if pick(request.headers.get("accept"), {"application/json": "", "text/html": ""}) == "text/html":
            return Response(_not_found_html(reference, _root(request.url.path)).encode(), status_code=404,
                            media_type="text/html")
        return Response(error_body(404, "unknown_term", message), status_code=404, media_type="application/json")

    entity_doc: dict[str, Any] = {
        "responses": {200: {"description": "the term: HTML, Turtle, N-Triples, JSON-LD or RDF/XML",
                            "content": {m: {} for m in ENTITY_TYPES}},
                      400: {"description": "not a CURIE, IRI or local name"},
                      404: {"description": "a term the graph says nothing of"},
                      406: {"description": "no acceptable format"}},
    }

    @app.get("/entity/{reference:path}", summary="What the graph says of one term (CURIE or IRI)", **entity_doc)
    def entity_page(reference: str, request: Request) -> Response:
        iri = term_iri(reference)
        if request.query_params.get("format") is None and not known(iri):
            return not_found(request, reference, f"the graph says nothing of {reference!r} ({iri})")
        return answer(request, reference, iri)

    @app.get("/{name}", summary=f"A project IRI dereferenced ({vocab.MKG}NAME)", **entity_doc)
    def dereference(name: str, request: Request) -> Response:
        import re

        if not re.fullmatch(_LOCAL, name) or not known(vocab.MKG + name):
            if pick(request.headers.get("accept"), {"application/json": "", "text/html": ""}) == "text/html":
                return not_found(request, name, "")
            raise HTTPError(404, "not_found", f"no route {request.url.path}")
        return answer(request, "mkg:" + name, vocab.MKG + name)
