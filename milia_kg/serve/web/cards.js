// CDS Hooks cards drawn as a CDS client would: summary, indicator, detail, source, suggestions and
// links. The detail is GitHub-flavoured Markdown from the server, treated as untrusted text: it is
// never given to innerHTML. A small subset (paragraphs, "- " lists, **bold**, _italic_, `code`,
// [text](url)) is turned into DOM nodes whose text is set with textContent, so markup in a detail
// shows as text; a link is made only for an http(s) URL (or one relative to this page), so a
// "javascript:" or "data:" link shows as its text. Used by page.js; window.renderCards for tests.
'use strict';

const SAFE_SCHEMES = ['http:', 'https:'];

// The URL as a safe href, or null: only http(s), absolute or relative to this page.
function safeHref(url) {
  try {
    const parsed = new URL(String(url), document.baseURI);
    return SAFE_SCHEMES.includes(parsed.protocol) ? parsed.href : null;
  } catch (error) {
    return null;
  }
}

function link(text, url) {
  const href = safeHref(url);
  if (href === null) return document.createTextNode(text + ' (' + url + ')');
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  a.rel = 'noopener noreferrer';
  return a;
}

// Inline Markdown: `code`, **bold**, _italic_ / *italic*, [text](url); everything else is text.
const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|(?:^|(?<=\W))_([^_]+)_(?=\W|$)|\*([^*]+)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

function inline(parent, text) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
    let node;
    if (match[1] !== undefined) { node = document.createElement('code'); node.textContent = match[1]; }
    else if (match[2] !== undefined) { node = document.createElement('strong'); inline(node, match[2]); }
    else if (match[3] !== undefined || match[4] !== undefined) {
      node = document.createElement('em'); inline(node, match[3] !== undefined ? match[3] : match[4]);
    } else { node = link(match[5], match[6]); }
    parent.appendChild(node);
    last = match.index + match[0].length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

// Block Markdown: blank-line separated paragraphs; lines starting "- " or "* " make a list.
function markdown(text) {
  const out = document.createElement('div');
  out.className = 'card-detail';
  for (const block of String(text).split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) continue;
    if (lines.every((line) => /^\s*[-*] /.test(line))) {
      const list = document.createElement('ul');
      for (const line of lines) { const item = document.createElement('li'); inline(item, line.replace(/^\s*[-*] /, '')); list.appendChild(item); }
      out.appendChild(list);
    } else {
      const p = document.createElement('p');
      inline(p, lines.join(' '));
      out.appendChild(p);
    }
  }
  return out;
}

const INDICATORS = ['info', 'warning', 'critical'];

function card(data) {
  const box = document.createElement('section');
  const indicator = INDICATORS.includes(data.indicator) ? data.indicator : 'info';
  box.className = 'card card-' + indicator;
  box.dataset.indicator = indicator;
  const badge = document.createElement('span');
  badge.className = 'card-indicator';
  badge.textContent = indicator;
  const summary = document.createElement('h3');
  summary.className = 'card-summary';
  summary.append(badge, ' ', document.createTextNode(String(data.summary || '')));
  box.appendChild(summary);
  if (data.detail) box.appendChild(markdown(data.detail));
  if (Array.isArray(data.suggestions) && data.suggestions.length) {
    const list = document.createElement('ul');
    list.className = 'card-suggestions';
    for (const suggestion of data.suggestions) {
      const item = document.createElement('li');
      item.textContent = 'Suggestion: ' + String(suggestion.label || '');
      list.appendChild(item);
    }
    box.appendChild(list);
  }
  if (Array.isArray(data.links) && data.links.length) {
    const list = document.createElement('ul');
    list.className = 'card-links';
    for (const entry of data.links) {
      const item = document.createElement('li');
      item.appendChild(link(String(entry.label || entry.url), entry.url));
      list.appendChild(item);
    }
    box.appendChild(list);
  }
  if (data.source) {
    const source = document.createElement('p');
    source.className = 'card-source';
    source.append('Source: ');
    const label = String(data.source.label || data.source.url || '');
    source.appendChild(data.source.url ? link(label, data.source.url) : document.createTextNode(label));
    box.appendChild(source);
  }
  return box;
}

// Draw {"cards": [...]} into the element `target`, replacing what it held.
function renderCards(target, answer) {
  target.replaceChildren();
  const cards = answer && Array.isArray(answer.cards) ? answer.cards : [];
  if (cards.length === 0) { target.textContent = 'No cards.'; return; }
  for (const data of cards) target.appendChild(card(data));
}
window.renderCards = renderCards;
