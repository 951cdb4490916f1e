// The milia-kg serve page: YASGUI on /sparql pre-filled from the catalogue, a form per canned
// query (answers in #results), and a case profile sent to /api/classify (answer in #classify-output).
'use strict';
const catalogue = JSON.parse(document.getElementById('catalogue').textContent);
const statusLine = document.getElementById('status');
const endpoint = new URL('sparql', document.baseURI).href;

// Offline: no prefix.cc or LOV look-ups from the editor's autocompletion, no stored tabs.
Yasgui.Yasqe.defaults.autocompleters = ['variables'];
const yasgui = new Yasgui(document.getElementById('yasgui'), {
  requestConfig: {endpoint: endpoint, method: 'POST'},
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: {getData: () => [{endpoint: endpoint}], keys: []},
  persistenceId: null,
  populateFromUrl: false,
  autofocus: false,
});
window.yasgui = yasgui;

function loadQuery(name) {
  const tab = yasgui.getTab();
  tab.setQuery(catalogue[name].text);
  tab.setName(name);
}
const select = document.getElementById('catalogue-select');
select.addEventListener('change', (event) => loadQuery(event.target.value));
loadQuery(select.value);

const PROJECT = 'https://w3id.org/milia-kg/';

function show(columns, rows) {
  const table = document.getElementById('results');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const c of columns) { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const c of columns) {
      const text = row[c] === null || row[c] === undefined ? '' : String(row[c]);
      const cell = tr.insertCell();
      if (text.startsWith(PROJECT)) {  // a project term: a link to its entity page
        const link = document.createElement('a');
        link.href = 'entity/mkg:' + encodeURIComponent(text.slice(PROJECT.length));
        link.textContent = text;
        cell.appendChild(link);
      } else {
        cell.textContent = text;
      }
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
for (const form of document.querySelectorAll('form.query-form')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    statusLine.textContent = 'running...';
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) { if (value !== '') params.append(key, value); }
    const response = await fetch('api/queries/' + form.dataset.query + '?' + params,
      {headers: {'Accept': 'application/json'}});
    const data = await response.json();
    if (response.ok) show(data.columns, data.rows); else fail(response.status + ': ' + data.message);
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
