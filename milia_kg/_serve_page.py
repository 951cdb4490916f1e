"""The web page of ``milia-kg serve``: a SPARQL editor pre-filled with the catalogue, and a form
per canned query, rendering answers as a table.

Self-contained (inline CSS and script, no asset from a CDN): the service must work on a machine
without internet access. YASGUI is not used because no well-kept PyPI package ships its assets
(rdflib-endpoint's page loads them from a CDN at run time); the editor is a plain textarea.

>>> from milia_kg.query.catalogue import load_catalogue
>>> page = render_page(load_catalogue().values())
>>> 'id="form-conditions_at_site"' in page and "https://" not in page.split("<body>")[0]
True
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from milia_kg.query.catalogue import Query

__all__ = ["render_page"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; }
textarea { width: 100%; height: 16rem; font-family: ui-monospace, monospace; font-size: 0.85rem; }
table { border-collapse: collapse; margin-top: 0.5rem; font-size: 0.85rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
fieldset { margin: 0.5rem 0; border: 1px solid #ccc; }
legend { font-weight: bold; }
.error { color: #a00; }
details { margin: 0.3rem 0; }
"""

_SCRIPT = """
const catalogue = JSON.parse(document.getElementById('catalogue').textContent);
const statusLine = document.getElementById('status');
function show(columns, rows) {
  const table = document.getElementById('results');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const c of columns) { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const c of columns) {
      tr.insertCell().textContent = row[c] === null || row[c] === undefined ? '' : String(row[c]);
    }
  }
  statusLine.className = '';
  statusLine.textContent = rows.length + ' row' + (rows.length === 1 ? '' : 's');
}
function fail(message) {
  document.getElementById('results').replaceChildren();
  statusLine.className = 'error';
  statusLine.textContent = message;
}
async function answer(response) {
  const type = response.headers.get('content-type') || '';
  if (!response.ok) {
    const body = type.includes('json') ? await response.json() : {message: await response.text()};
    fail(response.status + ': ' + body.message);
    return null;
  }
  return type.includes('json') ? response.json() : response.text();
}
document.getElementById('catalogue-select').addEventListener('change', (event) => {
  document.getElementById('sparql-editor').value = catalogue[event.target.value].text;
});
document.getElementById('sparql-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  statusLine.textContent = 'running...';
  const response = await fetch('sparql', {method: 'POST',
    headers: {'Content-Type': 'application/sparql-query',
              'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
    body: document.getElementById('sparql-editor').value});
  const data = await answer(response);
  if (data === null) return;
  if (typeof data === 'string') { show(['graph (Turtle)'], [{'graph (Turtle)': data}]); return; }
  if ('boolean' in data) { show(['answer'], [{answer: data.boolean}]); return; }
  const rows = data.results.bindings.map((b) => Object.fromEntries(
    data.head.vars.map((v) => [v, b[v] ? b[v].value : null])));
  show(data.head.vars, rows);
});
for (const form of document.querySelectorAll('form.query-form')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    statusLine.textContent = 'running...';
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) { if (value !== '') params.append(key, value); }
    const response = await fetch('api/queries/' + form.dataset.query + '?' + params,
      {headers: {'Accept': 'application/json'}});
    const data = await answer(response);
    if (data !== null) show(data.columns, data.rows);
  });
}
"""


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
        f'{"".join(inputs)}<button type="submit">Run {html.escape(query.name)}</button></form></details>'
    )


def render_page(queries: Iterable[Query]) -> str:
    """The HTML page for the catalogue ``queries``."""
    queries = list(queries)
    data = json.dumps({q.name: {"summary": q.summary, "text": q.text} for q in queries})
    options = "".join(
        f'<option value="{html.escape(q.name)}">{html.escape(q.name)}: {html.escape(q.summary)}</option>'
        for q in queries
    )
    data = data.replace("</", "<\\/")  # no "</script>" inside the JSON island
    first = html.escape(queries[0].text) if queries else "SELECT * WHERE { ?s ?p ?o } LIMIT 25"
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>milia-kg</title><style>{_STYLE}</style></head>
<body>
<h1>milia-kg</h1>
<p>A read-only SPARQL endpoint at <code>/sparql</code> over the milia knowledge graph;
the catalogue as REST at <code>/api/queries</code>; the <a href="docs">API documentation</a>
(<a href="openapi.json">OpenAPI</a>).</p>
<h2>SPARQL</h2>
<form id="sparql-form">
<label>Start from a canned query <select id="catalogue-select">{options}</select></label>
<textarea id="sparql-editor" name="query" spellcheck="false">{first}</textarea>
<button type="submit" id="sparql-run">Run SPARQL</button>
</form>
<h2>Canned queries</h2>
{"".join(_form(q) for q in queries)}
<h2>Results</h2>
<p id="status"></p>
<table id="results"></table>
<script type="application/json" id="catalogue">{data}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
