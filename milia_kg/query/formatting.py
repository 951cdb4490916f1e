"""Render query results for people and programs: table, JSON, CSV, TSV; Turtle for graphs.

>>> from milia_kg.query.backends import IRI
>>> from milia_kg.query.kg import Result
>>> result = Result("SELECT", ["site", "site_label"],
...                 [{"site": IRI("https://w3id.org/milia-kg/Nose"), "site_label": "nose"}])
>>> print(render(result, "table"))
site      site_label
--------  ----------
mkg:Nose  nose
>>> print(render(result, "json"))
[
  {
    "site": "https://w3id.org/milia-kg/Nose",
    "site_label": "nose"
  }
]
>>> print(render(Result("ASK", boolean=True), "csv"))
true

A table wider than the terminal wraps its longest cells, whole words kept, rather than cutting them:
a quote is always there to read in full (``--wide`` turns wrapping off).

>>> print(render_table(["q", "quote"], [{"q": "a", "quote": "Milia are small, white or whitish cysts."}], width=24))
q  quote
-  ---------------------
a  Milia are small,
   white or whitish
   cysts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from milia_kg.query.kg import Result

__all__ = ["DEFAULT_WIDTH", "FORMATS", "MIN_COLUMN", "render", "render_json", "render_table", "terminal_width"]

#: The output formats of ``SELECT`` results.
FORMATS = ("table", "json", "csv", "tsv")
#: The table width when neither ``COLUMNS`` nor a terminal says (output piped to a file).
DEFAULT_WIDTH = 120
#: A column is not wrapped narrower than this (or its header, if longer).
MIN_COLUMN = 12
_GAP = "  "


def terminal_width() -> int:
    """The width a table should fit: ``COLUMNS`` if set (as POSIX shells export it), else the
    terminal's, else :data:`DEFAULT_WIDTH`."""
    import os
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.strip().isdigit() and int(columns) > 0:
        return int(columns)
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def _text(value: Any) -> str:
    """A cell as text: empty for unbound, ISO dates, lower-case booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    import datetime  # a date cell only (issue 22: not imported by a cold query without one)

    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    import datetime

    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")


def render_json(data: Any) -> str:
    """JSON with two-space indentation, non-ASCII kept, dates as ISO strings."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)


def _fit(natural: list[int], floors: list[int], available: int) -> list[int]:
    """Column widths within ``available``: the widest columns are narrowed to one common cap (never
    below their floor), the narrow ones keep their natural width."""
    if sum(natural) <= available:
        return natural
    low, high = 1, max(natural)
    while low < high:  # the largest cap that fits
        cap = (low + high + 1) // 2
        if sum(min(n, max(cap, f)) for n, f in zip(natural, floors, strict=True)) <= available:
            low = cap
        else:
            high = cap - 1
    return [min(n, max(low, f)) for n, f in zip(natural, floors, strict=True)]


def render_table(columns: list[str], rows: list[dict[str, Any]], width: int | None = None,
                 *, wide: bool = False) -> str:
    """Aligned columns with a header rule; IRIs shortened to CURIEs. The table fits ``width``
    (default: :func:`terminal_width`) by wrapping its longest cells at word boundaries; no cell is
    ever cut. ``wide`` keeps every cell on one line, however wide the table gets."""
    import textwrap

    from milia_kg.query.backends.base import IRI
    from milia_kg.vocab import shorten

    def cell(value: Any) -> str:
        text = shorten(value).strip("<>") if isinstance(value, IRI) else _text(value)
        return " ".join(text.split())

    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    natural = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    widths = natural
    if not wide and columns:
        available = (terminal_width() if width is None else width) - len(_GAP) * (len(columns) - 1)
        floors = [min(n, max(len(c), MIN_COLUMN)) for n, c in zip(natural, columns, strict=True)]
        # identifiers (no space in any cell: CURIEs, numbers) are kept whole while prose can wrap
        whole = [n if not any(" " in r[i] for r in cells) else f for i, (n, f) in enumerate(zip(natural, floors,
                                                                                             strict=True))]
        widths = _fit(natural, whole if sum(whole) <= available else floors, available)
    wrapped = widths != natural
    out = [_GAP.join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
           _GAP.join("-" * w for w in widths)]
    for number, row in enumerate(cells):
        parts = [textwrap.wrap(text, w, break_long_words=True, break_on_hyphens=False) or [""]
                 if len(text) > w else [text] for text, w in zip(row, widths, strict=True)]
        if wrapped and number:
            out.append("")  # rows of several lines are told apart by a blank line
        for line in range(max(len(p) for p in parts)):
            out.append(_GAP.join((p[line] if line < len(p) else "").ljust(w)
                                 for p, w in zip(parts, widths, strict=True)).rstrip())
    if not rows:
        out.append("(no rows)")
    return "\n".join(out)


def _delimited(columns: list[str], rows: list[dict[str, Any]], delimiter: str) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(row.get(c)) for c in columns])
    return buffer.getvalue().rstrip("\n")


def render(result: Result, fmt: str = "table", *, wide: bool = False) -> str:
    """Render a :class:`~milia_kg.query.kg.Result`.

    ``SELECT`` rows go out as ``table``, ``json`` (a list of row objects, one key per column),
    ``csv`` or ``tsv``; an ``ASK`` answer as ``true``/``false``; a ``CONSTRUCT``/``DESCRIBE``
    graph as Turtle. A table fits the terminal (:func:`render_table`), or not with ``wide``.

    :raises ValueError: for an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if result.form == "ASK":
        return "true" if result.boolean else "false"
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return result.graph.serialize(format="turtle").rstrip("\n")
    if fmt == "json":
        return render_json(result.rows)
    if fmt == "table":
        return render_table(result.columns, result.rows, wide=wide)
    return _delimited(result.columns, result.rows, "," if fmt == "csv" else "\t")
