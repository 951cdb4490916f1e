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
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from milia_kg.query.kg import Result

__all__ = ["FORMATS", "TABLE_WIDTH", "render", "render_json", "render_table"]

#: The output formats of ``SELECT`` results.
FORMATS = ("table", "json", "csv", "tsv")
#: Table cells longer than this are cut with an ellipsis (JSON/CSV/TSV are never cut).
TABLE_WIDTH = 60


def _text(value: Any) -> str:
    """A cell as text: empty for unbound, ISO dates, lower-case booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")


def render_json(data: Any) -> str:
    """JSON with two-space indentation, non-ASCII kept, dates as ISO strings."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)


def render_table(columns: list[str], rows: list[dict[str, Any]], width: int = TABLE_WIDTH) -> str:
    """Aligned columns with a header rule; IRIs shortened to CURIEs, long cells cut."""
    from milia_kg.query.backends.base import IRI
    from milia_kg.vocab import shorten

    def cell(value: Any) -> str:
        text = shorten(value).strip("<>") if isinstance(value, IRI) else _text(value)
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = [columns, ["-" * w for w in widths], *cells]
    out = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines]
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


def render(result: Result, fmt: str = "table") -> str:
    """Render a :class:`~milia_kg.query.kg.Result`.

    ``SELECT`` rows go out as ``table``, ``json`` (a list of row objects, one key per column),
    ``csv`` or ``tsv``; an ``ASK`` answer as ``true``/``false``; a ``CONSTRUCT``/``DESCRIBE``
    graph as Turtle.

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
        return render_table(result.columns, result.rows)
    return _delimited(result.columns, result.rows, "," if fmt == "csv" else "\t")
