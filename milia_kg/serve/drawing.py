"""The neighbourhood of a term drawn as SVG on the server: no script, no library, so it shows under
the entity page's Content-Security-Policy and in any browser or image viewer.

Layout, fixed so the drawing is the same every time: the term in the middle, its direct superclasses
in a row above, its direct subclasses in a row below, and the terms its facts point to in two columns
left and right, each edge labelled with the relation. At most :data:`MAX_PER_SIDE` nodes a side; the
rest is counted ("+3 more"), since the page lists every one.

>>> from milia_kg.query.describe import Link
>>> term = Link("https://w3id.org/milia-kg/A", "mkg:A", "a <b>")
>>> svg = draw(term, [], [], [("has site", Link("x:F", "x:F", "face"))], lambda link: "/entity/" + link.curie)
>>> svg.startswith("<svg") and "a &lt;b&gt;" in svg and 'href="/entity/x:F"' in svg
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from milia_kg.query.describe import Link

__all__ = ["MAX_PER_SIDE", "draw"]

#: Nodes drawn on one side (row or column); more are counted.
MAX_PER_SIDE = 10
_WIDTH = 980
_NODE_H = 26
_ROW_GAP = 34
_CHAR_W = 6.6
_LABEL_CHARS = 30


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _node(x: float, y: float, link: Link, href: str, kind: str) -> str:
    """A labelled box centred on (x, y), a link to the term's page; the full label as its tooltip."""
    text = _short(link.label)
    width = max(60.0, len(text) * _CHAR_W + 16)
    fill = {"term": "#1f4e79", "class": "#e8f0f8", "fact": "#f4f4f4"}[kind]
    ink = "#ffffff" if kind == "term" else "#111111"
    return (f'<a href="{html.escape(href)}" class="node node-{kind}"><title>{html.escape(link.label)} '
            f'({html.escape(link.curie)})</title>'
            f'<rect x="{x - width / 2:.1f}" y="{y - _NODE_H / 2:.1f}" width="{width:.1f}" height="{_NODE_H}" '
            f'rx="5" fill="{fill}" stroke="#1f4e79"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12" fill="{ink}">'
            f'{html.escape(text)}</text></a>')


def _edge(x1: float, y1: float, x2: float, y2: float, label: str) -> str:
    mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
    return (f'<g class="edge"><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#7f8c99" '
            f'marker-end="url(#arrow)"/><text x="{mid_x:.1f}" y="{mid_y - 3:.1f}" text-anchor="middle" '
            f'font-size="10" fill="#44515e">{html.escape(_short(label))}</text></g>')


def _more(x: float, y: float, count: int) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="11" fill="#44515e">+{count} more</text>'


def _row(links: Sequence[Link], y: float) -> list[tuple[float, Link]]:
    shown = links[:MAX_PER_SIDE]
    step = _WIDTH / (len(shown) + 1)
    return [(step * (i + 1), link) for i, link in enumerate(shown)]


def draw(term: Link, superclasses: Sequence[Link], subclasses: Sequence[Link],
         neighbours: Sequence[tuple[str, Link]], href: Callable[[Link], str]) -> str:
    """The SVG of ``term`` with its super- and subclasses and its fact neighbours ``(relation, term)``;
    ``href`` gives each node's link."""
    left, right = list(neighbours[0::2]), list(neighbours[1::2])
    column = max(min(len(left), MAX_PER_SIDE), min(len(right), MAX_PER_SIDE), 1)
    top = 30.0 if superclasses else 0.0
    middle_top = top + (_ROW_GAP + _NODE_H if superclasses else 10)
    middle_height = column * (_NODE_H + 10)
    centre_y = middle_top + middle_height / 2
    bottom = middle_top + middle_height + _ROW_GAP
    height = bottom + (_NODE_H + 30 if subclasses else 10)
    centre_x = _WIDTH / 2
    parts: list[str] = []
    for x, link in _row(superclasses, top):
        parts.append(_edge(centre_x, centre_y - _NODE_H / 2, x, top + _NODE_H / 2, "is a"))
        parts.append(_node(x, top, link, href(link), "class"))
    if len(superclasses) > MAX_PER_SIDE:
        parts.append(_more(_WIDTH - 40, top - 14, len(superclasses) - MAX_PER_SIDE))
    for x, link in _row(subclasses, bottom):
        parts.append(_edge(x, bottom - _NODE_H / 2, centre_x, centre_y + _NODE_H / 2, "is a"))
        parts.append(_node(x, bottom, link, href(link), "class"))
    if len(subclasses) > MAX_PER_SIDE:
        parts.append(_more(_WIDTH - 40, bottom + 28, len(subclasses) - MAX_PER_SIDE))
    for side, items in ((-1, left), (1, right)):
        x = centre_x + side * 330
        for i, (relation, link) in enumerate(items[:MAX_PER_SIDE]):
            y = middle_top + (i + 0.5) * (_NODE_H + 10)
            parts.append(_edge(centre_x + side * 60, centre_y, x - side * 90, y, relation))
            parts.append(_node(x, y, link, href(link), "fact"))
        if len(items) > MAX_PER_SIDE:
            parts.append(_more(x, middle_top + middle_height + 12, len(items) - MAX_PER_SIDE))
    parts.append(_node(centre_x, centre_y, term, href(term), "term"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood" width="{_WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {_WIDTH} {height:.0f}" role="img" aria-label="{html.escape(term.label)} and its neighbours">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#7f8c99"/></marker></defs>'
            + "".join(parts) + "</svg>")
