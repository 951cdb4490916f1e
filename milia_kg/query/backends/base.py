"""What every engine shares: the :class:`Backend` protocol, the plain-Python cells of a result
row (:class:`IRI`, :func:`literal_value`), the label pick and the row cap checked while iterating.

The engines live one per module beside this one: :mod:`.oxigraph_store` (the default),
:mod:`.rdflib_graph` (the reference) and :mod:`.sparql_endpoint` (any SPARQL 1.1 endpoint).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

from milia_kg import vocab
from milia_kg.errors import QueryTimeoutError, RowLimitError

if TYPE_CHECKING:  # datetime: only a date cell needs it (issue 22: 1.5 ms of a cold query)
    import datetime as _dt

    import rdflib

__all__ = [
    "BASE_IRI",
    "IRI",
    "LABELS_QUERY",
    "PREDECLARED_PREFIXES",
    "RDFS_LABEL",
    "Backend",
    "Bindings",
    "Row",
    "Value",
    "capped",
    "is_english",
    "labels_via_select",
    "literal_value",
    "pick_labels",
]

#: The base IRI a query's relative IRIs resolve against, on every embedded engine alike (SPARQL 1.1
#: Query, section 4.1.1.1: the base is then "provided by the context"): the project namespace, so
#: ``<PrimaryMilia>`` is ``mkg:PrimaryMilia``. A ``BASE`` in the query itself wins.
BASE_IRI = vocab.MKG
#: Prefixes a query may use without declaring them, on every embedded engine alike (the project's
#: query prefixes: ``mkg``, ``rdfs``, ``xsd``, ``skos``...), as Virtuoso and GraphDB predeclare
#: theirs. rdflib alone used its graph's bindings (``rdfs:`` answered there, "Prefix not found" on
#: Oxigraph), and oaklib's ``sparql:`` adapter writes ``xsd:string`` without declaring ``xsd``. A
#: ``PREFIX`` in the query itself wins.
PREDECLARED_PREFIXES: dict[str, str] = dict(vocab.QUERY_PREFIXES)

_XSD = vocab.XSD
RDFS_LABEL = f"{vocab.RDFS}label"
_INTEGERS = frozenset(
    _XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
        "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
)
_FLOATS = frozenset(_XSD + t for t in ("decimal", "double", "float"))


class IRI(str):
    """An IRI in a result row: a plain ``str`` that remembers it names a resource.

    >>> IRI("https://w3id.org/milia-kg/Face") == "https://w3id.org/milia-kg/Face"
    True
    """

    __slots__ = ()


#: One result cell.
Value: TypeAlias = "IRI | str | int | float | bool | _dt.date | _dt.datetime | None"
#: One result row, aligned with the variables.
Row = tuple[Value, ...]
#: Variable name -> an IRI or literal (pyoxigraph or rdflib term), or a list of them.
Bindings = Mapping[str, Any] | None


def literal_value(lexical: str, datatype: str | None = None, language: str | None = None) -> Value:
    """Convert a literal to a plain Python value; an ill-typed lexical form stays a ``str``.

    >>> literal_value("0.50", _XSD + "decimal"), literal_value("2018-10-22", _XSD + "date")
    (0.5, datetime.date(2018, 10, 22))
    >>> literal_value("milk spots", None, "en"), literal_value("x", _XSD + "integer")
    ('milk spots', 'x')
    """
    if language or not datatype:
        return lexical
    try:
        if datatype in _INTEGERS:
            return int(lexical)
        if datatype in _FLOATS:
            return float(lexical)
        if datatype == _XSD + "boolean":
            if lexical.strip() in ("true", "1", "false", "0"):
                return lexical.strip() in ("true", "1")
            return lexical
        if datatype == _XSD + "date":
            import datetime

            return datetime.date.fromisoformat(lexical.strip()[:10])
        if datatype == _XSD + "dateTime":
            import datetime

            return datetime.datetime.fromisoformat(lexical.strip())
    except ValueError:
        return lexical
    return lexical


@runtime_checkable
class Backend(Protocol):
    """Where queries run. Every implementation returns the same plain rows for the same data."""

    #: A short name: ``oxigraph``, ``rdflib`` or ``endpoint``.
    name: str

    def select(self, query: str, bindings: Bindings = None) -> tuple[list[str], list[Row]]:
        """Run a ``SELECT`` query; return its variables and rows."""
        ...

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        """Run an ``ASK`` query."""
        ...

    def construct(self, query: str, bindings: Bindings = None) -> rdflib.Graph:
        """Run a ``CONSTRUCT`` or ``DESCRIBE`` query; return the triples as an rdflib graph."""
        ...

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """Return the English ``rdfs:label`` of each IRI that has one, in one lookup."""
        ...


LABELS_QUERY = f"""SELECT ?s ?label (LANG(?label) AS ?lang) WHERE {{
  ?s <{RDFS_LABEL}> ?label .
  FILTER(isLiteral(?label) && (LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")))
}}"""


def pick_labels(rows: Iterable[Row]) -> dict[str, str]:
    """Keep one label per IRI: ``en`` before ``en-*`` before untagged, then alphabetically."""
    best: dict[str, tuple[int, str]] = {}
    for s, label, lang in rows:
        rank = 0 if str(lang).lower() == "en" else 1 if lang else 2
        key = (rank, str(label))
        if str(s) not in best or key < best[str(s)]:
            best[str(s)] = key
    return {s: label for s, (_, label) in best.items()}


def is_english(language: str | None) -> bool:
    """True for no language tag, ``en`` and ``en-*``."""
    lang = (language or "").lower()
    return lang in ("", "en") or lang.startswith("en-")


def capped(rows: Iterable[Any], max_rows: int | None, deadline: float | None,
            timeout: float | None = None) -> Iterator[Any]:
    """Yield ``rows``, raising :class:`RowLimitError` past ``max_rows`` and
    :class:`QueryTimeoutError` once ``deadline`` (a :func:`time.monotonic` instant) has passed."""
    for n, row in enumerate(rows, start=1):
        if max_rows is not None and n > max_rows:
            raise RowLimitError(max_rows)
        if deadline is not None and n % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeoutError(timeout if timeout is not None else 0)
        yield row


def labels_via_select(backend: Backend, iris: Iterable[str]) -> dict[str, str]:
    """Fetch labels with one ``SELECT`` whose ``VALUES`` block lists the IRIs."""
    import pyoxigraph as ox

    nodes = [ox.NamedNode(i) for i in sorted({str(i) for i in iris})]
    if not nodes:
        return {}
    return pick_labels(backend.select(LABELS_QUERY, {"s": nodes})[1])
