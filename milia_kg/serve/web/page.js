// The milia-kg serve page: YASGUI on /sparql pre-filled from the catalogue, a form per canned
// query (answers in #results), and a case profile sent to /api/classify (answer in #classify-output).
'use strict';
const island = JSON.parse(document.getElementById('catalogue').textContent);
const catalogue = island.queries;
const prefixes = island.prefixes;
const statusLine = document.getElementById('status');
const endpoint = new URL('sparql', document.baseURI).href;

// Offline: no prefix.cc or LOV look-ups from the editor's autocompletion, no stored tabs. The
// project's prefixes: declared in every query loaded, and used by the results view to shorten IRIs.
Yasgui.Yasqe.defaults.autocompleters = ['variables'];
Yasgui.Yasqe.defaults.value = catalogue[island.default].example;
Yasgui.Yasr.defaults.prefixes = prefixes;
const yasgui = new Yasgui(document.getElementById('yasgui'), {
  requestConfig: {endpoint: endpoint, method: 'POST'},
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: {getData: () => [{endpoint: endpoint}], keys: []},
  persistenceId: null,
  populateFromUrl: false,
  autofocus: false,
  yasr: {prefixes: prefixes},
});
window.yasgui = yasgui;

// Labels in the editor's results: each IRI the results view links (a.iri) gets its English label
// beside it, read from the endpoint in one query per answer and kept; DataTables redraws (paging,
// sorting) are labelled again from what is kept.
const iriLabels = new Map();
const SAFE_IRI = /^https?:\/\/[^\s<>"{}|\\^`]+$/;
const LABEL_QUERY_SIZE = 500;
async function fetchLabels(iris) {
  const missing = [...new Set(iris)].filter((iri) => !iriLabels.has(iri) && SAFE_IRI.test(iri)).slice(0, LABEL_QUERY_SIZE);
  if (missing.length === 0) return;
  const query = 'SELECT ?s ?label WHERE { VALUES ?s { ' + missing.map((iri) => '<' + iri + '>').join(' ') +
    ' } ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = "en" || lang(?label) = "") }';
  const response = await fetch(endpoint, {method: 'POST', body: query, headers: {
    'Content-Type': 'application/sparql-query', 'Accept': 'application/sparql-results+json'}});
  if (!response.ok) return;
  for (const row of (await response.json()).results.bindings) {
    if (!iriLabels.get(row.s.value)) iriLabels.set(row.s.value, row.label.value);
  }
  for (const iri of missing) if (!iriLabels.has(iri)) iriLabels.set(iri, null);
}
function labelResults(root) {
  for (const link of root.querySelectorAll('a.iri')) {
    const label = iriLabels.get(link.getAttribute('href'));
    const next = link.nextElementSibling;
    if (!label || (next && next.classList.contains('iri-label'))) continue;
    const span = document.createElement('span');
    span.className = 'iri-label';
    span.textContent = label;
    link.title = label;
    link.after(span);
  }
}
// Whenever the results view draws (an answer, a page, a sort): label what it shows, reading the
// labels not yet kept in one query.
let labelling = null;
function labelSoon() {
  if (labelling) return;
  labelling = setTimeout(async () => {
    const root = document.getElementById('yasgui');
    try {
      await fetchLabels([...root.querySelectorAll('a.iri')].map((link) => link.getAttribute('href')));
    } catch (error) { /* labels are a help: the answer stands without them */ }
    labelling = null;
    labelResults(root);
  }, 50);
}
new MutationObserver(labelSoon).observe(document.getElementById('yasgui'), {childList: true, subtree: true});

function loadQuery(name, text) {
  const tab = yasgui.getTab();
  tab.setQuery(text);
  tab.setName(name);
}
const select = document.getElementById('catalogue-select');
select.addEventListener('change', (event) => loadQuery(event.target.value, catalogue[event.target.value].example));
loadQuery(select.value, catalogue[select.value].example);

const PROJECT = 'https://w3id.org/milia-kg/';

const OBO = 'http://purl.obolibrary.org/obo/';

// An IRI as a CURIE: an OBO term as its ontology's (UBERON:0001456), else one of the project's
// prefixes, else the IRI itself.
function curie(iri) {
  const obo = iri.startsWith(OBO) && /^([A-Za-z]+)_([A-Za-z0-9]+)$/.exec(iri.slice(OBO.length));
  if (obo) return obo[1] + ':' + obo[2];
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    if (iri.startsWith(namespace) && iri.length > namespace.length) return prefix + ':' + iri.slice(namespace.length);
  }
  return iri;
}

// A cell holding an IRI: its label (else its CURIE) as a link, to the entity page for a project
// term or a term the graph labels (a reused UBERON site), to the IRI itself for another http(s)
// one; the CURIE as the link's title.
function termCell(cell, iri, label) {
  const link = document.createElement('a');
  const short = curie(iri);
  link.textContent = label || short;
  link.title = short;
  if (iri.startsWith(PROJECT)) link.href = 'entity/mkg:' + encodeURIComponent(iri.slice(PROJECT.length));
  else if (label && short !== iri) link.href = 'entity/' + short.split(':').map(encodeURIComponent).join(':');
  else if (/^https?:\/\//.test(iri)) { link.href = iri; link.rel = 'noopener noreferrer'; }
  else { cell.textContent = link.textContent; return; }
  cell.appendChild(link);
}

// The rows of /api/queries/NAME: each IRI column X shown by its label (X_label, not a column of its
// own), linked; long text (quotes, definitions) wraps.
function show(columns, rows) {
  const table = document.getElementById('results');
  table.replaceChildren();
  const labelled = new Set(columns.filter((c) => columns.includes(c + '_label')));
  const shown = columns.filter((c) => !(c.endsWith('_label') && labelled.has(c.slice(0, -6))));
  const head = table.createTHead().insertRow();
  for (const c of shown) { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const c of shown) {
      const value = row[c];
      const text = value === null || value === undefined ? '' : String(value);
      const cell = tr.insertCell();
      cell.dataset.column = c;
      if (labelled.has(c) && text !== '') termCell(cell, text, row[c + '_label']);
      else if (text.startsWith(PROJECT)) termCell(cell, text, null);
      else { cell.textContent = text; if (text.length > 60) cell.className = 'long'; }
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
function formParams(form) {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) { if (value !== '') params.append(key, value); }
  return params;
}
for (const form of document.querySelectorAll('form.query-form')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    statusLine.textContent = 'running...';
    const response = await fetch('api/queries/' + form.dataset.query + '?' + formParams(form),
      {headers: {'Accept': 'application/json'}});
    const data = await response.json();
    if (response.ok) show(data.columns, data.rows); else fail(response.status + ': ' + data.message);
  });
  // grlc-style: the query with the values typed in, resolved and bound by the server, into the editor.
  form.querySelector('button.to-editor').addEventListener('click', async () => {
    const response = await fetch('api/queries/' + form.dataset.query + '/sparql?' + formParams(form));
    const text = await response.text();
    if (!response.ok) { fail(response.status + ': ' + JSON.parse(text).message); return; }
    statusLine.className = '';
    statusLine.textContent = form.dataset.query + ' written into the SPARQL editor';
    loadQuery(form.dataset.query, text);
    document.getElementById('yasgui').scrollIntoView();
  });
}

// A CDS Hooks call for the profile, as a CDS client makes it (the profile as context.caseProfile).
function hookRequest(profileText) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return JSON.stringify({hook: 'patient-view', hookInstance: hex.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5'),
    context: {caseProfile: JSON.parse(profileText)}});
}

document.getElementById('classify-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const output = document.getElementById('classify-output');
  const cards = document.getElementById('classify-cards');
  cards.replaceChildren();
  output.className = '';
  output.textContent = 'classifying...';
  const format = document.getElementById('classify-format').value;
  const profile = document.getElementById('classify-profile').value;
  let response;
  if (format === 'cards') {  // the page as a CDS client: the CDS Hooks service, its cards drawn (cards.js)
    let body;
    try { body = hookRequest(profile); } catch (error) {
      output.className = 'error';
      output.textContent = 'the case profile is not JSON: ' + error.message;
      return;
    }
    response = await fetch('cds-services/milia-kg-classify', {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: body});
  } else {
    response = await fetch('api/classify?format=' + format, {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: profile});
  }
  const text = await response.text();
  if (!response.ok) {
    output.className = 'error';
    output.textContent = response.status + ': ' + JSON.parse(text).message;
    return;
  }
  if (format === 'cards') {
    output.textContent = '';
    window.renderCards(cards, JSON.parse(text));
    return;
  }
  output.textContent = format === 'text' ? text : JSON.stringify(JSON.parse(text), null, 2);
});
