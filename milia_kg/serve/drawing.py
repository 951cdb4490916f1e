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


def _width(link: Link) -> float:
    return max(60.0, len(_short(link.label)) * _CHAR_W + 16)


def _node(x: float, y: float, link: Link, href: str, kind: str) -> str:
    """A labelled box centred on (x, y), a link to the term's page; the full label as its tooltip."""
    width = _width(link)
    fill = {"term": "#1f4e79", "class": "#e8f0f8", "fact": "#f4f4f4"}[kind]
    ink = "#ffffff" if kind == "term" else "#111111"
    return (f'<a href="{html.escape(href)}" class="node node-{kind}"><title>{html.escape(link.label)} '
            f'({html.escape(link.curie)})</title>'
            f'<rect x="{x - width / 2:.1f}" y="{y - _NODE_H / 2:.1f}" width="{width:.1f}" height="{_NODE_H}" '
            f'rx="5" fill="{fill}" stroke="#1f4e79"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12" fill="{ink}">'
            f'{html.escape(_short(link.label))}</text></a>')


def _edge(x1: float, y1: float, x2: float, y2: float, label: str, at: float = 0.5) -> str:
    """An arrow from (x1, y1) to (x2, y2), labelled at fraction ``at`` of its length."""
    label_x, label_y = x1 + (x2 - x1) * at, y1 + (y2 - y1) * at
    return (f'<g class="edge"><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#7f8c99" '
            f'marker-end="url(#arrow)"/><text x="{label_x:.1f}" y="{label_y - 3:.1f}" text-anchor="middle" '
            f'font-size="10" fill="#44515e">{html.escape(_short(label))}</text></g>')


def _more(x: float, y: float, count: int) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="11" fill="#44515e">+{count} more</text>'


def _row(links: Sequence[Link]) -> list[tuple[float, float, Link]]:
    """``(x, y offset, link)`` of a row of boxes; every other box drops a line when they would touch."""
    shown = links[:MAX_PER_SIDE]
    step = _WIDTH / (len(shown) + 1)
    crowded = any(_width(link) > step - 8 for link in shown)
    return [(step * (i + 1), (_NODE_H + 8) * (i % 2) if crowded else 0.0, link) for i, link in enumerate(shown)]


def draw(term: Link, superclasses: Sequence[Link], subclasses: Sequence[Link],
         neighbours: Sequence[tuple[str, Link]], href: Callable[[Link], str]) -> str:
    """The SVG of ``term`` with its super- and subclasses and its fact neighbours ``(relation, term)``;
    ``href`` gives each node's link."""
    left, right = list(neighbours[0::2]), list(neighbours[1::2])
    column = max(min(len(left), MAX_PER_SIDE), min(len(right), MAX_PER_SIDE), 1)
    above, below = _row(superclasses), _row(subclasses)
    drop_above = max((dy for _, dy, _ in above), default=0.0)
    drop_below = max((dy for _, dy, _ in below), default=0.0)
    top = 24.0 + drop_above
    middle_top = top + (_ROW_GAP + _NODE_H if superclasses else 0) + 10
    middle_height = column * (_NODE_H + 10)
    centre_x, centre_y = _WIDTH / 2, middle_top + middle_height / 2
    bottom = middle_top + middle_height + _ROW_GAP + 40
    height = bottom + (drop_below + _NODE_H + 8 if subclasses else 0)
    half = _width(term) / 2
    parts: list[str] = []
    for x, dy, link in above:
        parts.append(_edge(centre_x, centre_y - _NODE_H / 2, x, top - dy + _NODE_H / 2, "is a", 0.75))
        parts.append(_node(x, top - dy, link, href(link), "class"))
    if len(superclasses) > MAX_PER_SIDE:
        parts.append(_more(_WIDTH - 40, top - 14, len(superclasses) - MAX_PER_SIDE))
    for x, dy, link in below:
        parts.append(_edge(x, bottom + dy - _NODE_H / 2, centre_x, centre_y + _NODE_H / 2, "is a", 0.2))
        parts.append(_node(x, bottom + dy, link, href(link), "class"))
    if len(subclasses) > MAX_PER_SIDE:
        parts.append(_more(_WIDTH - 40, bottom + drop_below + _NODE_H + 4, len(subclasses) - MAX_PER_SIDE))
    for side, items in ((-1, left), (1, right)):
        inner = centre_x + side * 190  # the column's edge facing the term
        for i, (relation, link) in enumerate(items[:MAX_PER_SIDE]):
            y = middle_top + (i + 0.5) * (_NODE_H + 10)
            parts.append(_edge(centre_x + side * half, centre_y, inner, y, relation, 0.8))
            parts.append(_node(inner + side * _width(link) / 2, y, link, href(link), "fact"))
        if len(items) > MAX_PER_SIDE:
            parts.append(_more(inner + side * 100, middle_top + middle_height + 8, len(items) - MAX_PER_SIDE))
    parts.append(_node(centre_x, centre_y, term, href(term), "term"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood" width="{_WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {_WIDTH} {height:.0f}" role="img" aria-label="{html.escape(term.label)} and its neighbours">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#7f8c99"/></marker></defs>'
            + "".join(parts) + "</svg>")
