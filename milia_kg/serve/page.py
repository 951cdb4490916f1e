"""The web page of ``milia-kg serve`` and its static files: a SPARQL editor (YASGUI, shipped in
``milia_kg/web/vendor/yasgui``) pre-filled with the catalogue, a form per canned query, and a case
profile form for decision support.

The editor opens on :data:`DEFAULT_QUERY` with its example values bound (a query that answers on
the served graph), with the project's prefixes declared (:data:`~milia_kg.vocab.QUERY_PREFIXES`, also
given to the results view to shorten IRIs); each canned query in the select is loaded with its
example bound, and each form can write its query, with the values typed in bound as terms, into the
editor (``GET /api/queries/{name}/sparql``, grlc-style) before it is run.

The page is a template (``milia_kg/web/page.html``) filled here; its script, style and the editor
are static files under ``milia_kg/web`` served at ``/static/...``. Nothing comes from a CDN: the
service must work on a machine without internet access.

>>> from milia_kg.query.catalogue import load_catalogue
>>> page = render_page(load_catalogue().values())
>>> 'id="form-conditions_at_site"' in page and "https://" not in page.split("<body>")[0]
True
>>> '<option value="conditions_at_site" selected>' in page
True
>>> static_file("vendor/yasgui/yasgui.min.css")[1]
'text/css; charset=utf-8'
>>> static_file("../page.html") is None and static_file("page.html") is None
True
"""

from __future__ import annotations

import functools
import html
import json
import string
from collections.abc import Iterable, Mapping
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from milia_kg.base import resources

if TYPE_CHECKING:
    from milia_kg.query.catalogue import Query
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["DEFAULT_QUERY", "EXAMPLE_PROFILE", "STATIC_TYPES", "example_texts", "render_page", "static_file",
           "static_files"]

#: The page's template, in ``milia_kg/web``.
TEMPLATE = "page.html"
#: Served file suffix -> media type; files of other kinds under ``milia_kg/web`` are not served.
STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}
#: The query the editor opens on (with its example bound): it answers on the served graph and shows
#: the reasoned part-of closure at work.
DEFAULT_QUERY = "conditions_at_site"
#: The profile the page's decision-support form starts with (a newborn with milia on the nose).
EXAMPLE_PROFILE = {"age_years": 0.02, "sites": ["nose"], "present_at_birth": True}


def _web() -> Traversable:
    return resources.web_dir()


def _walk(folder: Traversable, prefix: str = "") -> Iterable[tuple[str, Traversable]]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _walk(entry, f"{prefix}{entry.name}/")
        elif entry.is_file():
            yield prefix + entry.name, entry


@functools.cache
def static_files() -> dict[str, Traversable]:
    """Served path (below ``/static/``) -> packaged file: every file of a kind in :data:`STATIC_TYPES`.
    A fixed table, so a request's path is looked up, never joined onto a folder."""
    return {path: entry for path, entry in sorted(_walk(_web()))
            if any(path.endswith(suffix) for suffix in STATIC_TYPES)}


def static_file(path: str) -> tuple[bytes, str] | None:
    """The bytes and media type of the static file at ``path``, or ``None`` if there is none."""
    entry = static_files().get(path)
    if entry is None:
        return None
    media = next(media for suffix, media in STATIC_TYPES.items() if path.endswith(suffix))
    return entry.read_bytes(), media


@functools.cache
def _template() -> string.Template:
    return string.Template(_web().joinpath(TEMPLATE).read_text(encoding="utf-8"))


def _form(query: Query) -> str:
    """One canned query's form: an input per parameter, the example value filled in."""
    example = dict(query.example)
    inputs = []
    for param in query.params:
        inputs.append(
            f'<label>{html.escape(param.name)}{"" if param.required else " (optional)"} '
            f'<input name="{html.escape(param.name)}" value="{html.escape(example.get(param.name, ""))}" '
            f'title="{html.escape(param.description)}"{" required" if param.required else ""}></label> '
        )
    return (
        f'<details><summary>{html.escape(query.name)}: {html.escape(query.summary)}</summary>'
        f'<form class="query-form" id="form-{html.escape(query.name)}" data-query="{html.escape(query.name)}">'
        f'{"".join(inputs)}<button type="submit">Run {html.escape(query.name)}</button> '
        f'<button type="button" class="to-editor">Write into the SPARQL editor</button></form></details>'
    )


def example_texts(kg: KnowledgeGraph) -> dict[str, str]:
    """Each canned query's SPARQL with its example values bound (its bare text where a value does not
    resolve on ``kg``, e.g. a merged term absent)."""
    from milia_kg.errors import MiliaKGError

    texts = {}
    for query in kg.queries():
        try:
            texts[query.name] = kg.bound_text(query, **dict(query.example))
        except MiliaKGError:
            texts[query.name] = query.text
    return texts


def render_page(queries: Iterable[Query], examples: Mapping[str, str] | None = None) -> str:
    """The HTML page for the catalogue ``queries``; ``examples``: each query's SPARQL with its example
    bound (:func:`example_texts`), loaded into the editor (default: the bare text)."""
    from milia_kg import __version__
    from milia_kg.vocab import QUERY_PREFIXES

    queries = list(queries)
    examples = examples or {}
    default = DEFAULT_QUERY if any(q.name == DEFAULT_QUERY for q in queries) else queries[0].name
    catalogue = json.dumps({
        "queries": {q.name: {"summary": q.summary, "text": q.text, "example": examples.get(q.name, q.text)}
                    for q in queries},
        "default": default,
        "prefixes": QUERY_PREFIXES,
    })
    options = "".join(
        f'<option value="{html.escape(q.name)}"{" selected" if q.name == default else ""}>'
        f'{html.escape(q.name)}: {html.escape(q.summary)}</option>'
        for q in queries
    )
    return _template().substitute(
        options=options,
        forms="\n".join(_form(q) for q in queries),
        profile=html.escape(json.dumps(EXAMPLE_PROFILE, indent=2)),
        version=html.escape(__version__),
        catalogue=catalogue.replace("</", "<\\/"),  # no "</script>" inside the JSON island
    )
