"""Vocabulary discovery: which values a parameter accepts, which category a value belongs to, and one
query shown whole (``milia-kg values PARAM``, ``milia-kg queries NAME``).

An entity parameter named in :data:`PARAM_CATEGORIES` takes the subclasses of one category class
(``condition``: kinds of :data:`mkg:Condition`); :class:`Categories` answers membership from the graph
(``rdfs:subClassOf+``), so a value of another category is refused with its category named instead of
answering "(no rows)". A graph that lacks the category class (a small test graph) is not checked.

>>> from milia_kg.query.kg import KnowledgeGraph
>>> values = accepted_values(KnowledgeGraph.open(), "site", "conditions_at_site")
>>> values.category, ("UBERON:0001711", "eyelid", "eyelids") in [(r.curie, r.label, r.synonyms) for r in values.rows]
('mkg:AnatomicalSite (anatomical site)', True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.base.records import FrozenRecord, Record
from milia_kg.errors import ParameterError

if TYPE_CHECKING:
    from milia_kg.query.backends.base import Backend
    from milia_kg.query.catalogue import Query
    from milia_kg.query.kg import KnowledgeGraph

__all__ = ["PARAM_CATEGORIES", "Categories", "ValueRow", "Values", "accepted_values", "query_help"]

#: Entity parameter name -> the category class its values are subclasses of. The other entity
#: parameters (``entity``, ``subject``, ``term``) take any term of the graph.
PARAM_CATEGORIES: dict[str, str] = {
    "condition": vocab.MKG + "Condition",
    "site": vocab.MKG + "AnatomicalSite",
    "population": vocab.MKG + "Population",
}
_SUB = f"<{vocab.RDFS}subClassOf>"
_MEMBERS = f"SELECT DISTINCT ?s WHERE {{ ?s {_SUB}+ ?category . FILTER(isIRI(?s) && ?s != ?category) }}"
#: The project's category classes a term falls under: the top ``mkg:`` classes above it.
_TOPS = f"""SELECT DISTINCT ?c ?label WHERE {{
  ?term {_SUB}+ ?c . ?c <{vocab.RDFS}label> ?label .
  FILTER(STRSTARTS(STR(?c), "{vocab.MKG}") && ?c != ?term)
  FILTER NOT EXISTS {{ ?c {_SUB} ?d . FILTER(?d != ?c && STRSTARTS(STR(?d), "{vocab.MKG}")) }}
}}"""
#: The graph's own terms: mkg: ones and the OBO terms it reuses under one of its categories (the UBERON
#: sites, issue 20); deprecated terms are not offered (their IRIs still resolve to their replacements).
_TERMS = f"""SELECT ?s ?p ?l WHERE {{
  VALUES ?p {{ <{vocab.RDFS}label> <{vocab.SKOS}altLabel> }}
  ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l))
  FILTER(STRSTARTS(STR(?s), "{vocab.MKG}")
         || EXISTS {{ ?s {_SUB} ?c . FILTER(STRSTARTS(STR(?c), "{vocab.MKG}")) }})
  FILTER NOT EXISTS {{ ?s <{vocab.OWL}deprecated> true }}
}}"""


def _a(noun: str) -> str:
    """``noun`` with its indefinite article.

    >>> _a("anatomical site"), _a("condition")
    ('an anatomical site', 'a condition')
    """
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


class Categories:
    """Category membership over one backend, each category's members fetched once."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._members: dict[str, frozenset[str] | None] = {}

    def members(self, category: str) -> frozenset[str] | None:
        """The IRIs under ``category``, or ``None`` if the graph has nothing under it (not checked)."""
        if category not in self._members:
            _, rows = self._backend.select(_MEMBERS, {"category": ox.NamedNode(category)})
            found = frozenset(str(r[0]) for r in rows)
            self._members[category] = found or None
        return self._members[category]

    def of_parameter(self, name: str) -> frozenset[str] | None:
        """The members of parameter ``name``'s category (``None``: any value)."""
        category = PARAM_CATEGORIES.get(name)
        return None if category is None else self.members(category)

    def tops(self, iri: str) -> list[str]:
        """The labels of the project categories ``iri`` falls under (``population``), sorted."""
        _, rows = self._backend.select(_TOPS, {"term": ox.NamedNode(iri)})
        return sorted({str(r[1]) for r in rows})

    def check(self, name: str, value: object, iri: str, label: str) -> None:
        """Refuse ``iri`` (resolved from ``value``) for parameter ``name`` if it is outside its category.

        :raises ParameterError: naming the value's own category.
        """
        members = self.of_parameter(name)
        if members is None or iri in members:
            return
        category = PARAM_CATEGORIES[name]
        wanted = self._backend.labels([category]).get(category) or vocab.shorten(category)
        tops = self.tops(iri)
        kind = " and ".join(_a(t) for t in tops) if tops else "in no category of the graph"
        raise ParameterError(name, value, f"{vocab.shorten(iri)} ({label}) is {kind}, not {_a(wanted)}; "
                             f"see 'milia-kg values {name}' for the accepted values")


class ValueRow(FrozenRecord):
    """One accepted value: its CURIE, label and synonyms (comma-separated)."""

    _fields = ("curie", "label", "synonyms")
    curie: str
    label: str
    synonyms: str

    def __init__(self, curie: str, label: str, synonyms: str = "") -> None:
        self._set(curie=curie, label=label, synonyms=synonyms)


class Values(Record):
    """What one parameter accepts."""

    _fields = ("param", "queries", "kind", "description", "category", "rows")

    def __init__(self, param: str, queries: list[str], kind: str, description: str, category: str = "",
                 rows: list[ValueRow] | None = None) -> None:
        self.param = param
        self.queries = queries
        self.kind = kind  # label-or-IRI, boolean, string
        self.description = description
        self.category = category  # "mkg:Condition (condition)"; empty for any term
        self.rows: list[ValueRow] = [] if rows is None else rows


def _params_named(queries: Iterable[Query], name: str) -> list[tuple[Query, object]]:
    return [(q, p) for q in queries for p in q.params if p.name == name]


def accepted_values(kg: KnowledgeGraph, param: str, query: str | None = None) -> Values:
    """The values parameter ``param`` accepts (of query ``query``, else of every query that has it).

    :raises UnknownQueryError: for an unknown query.
    :raises ParameterError: for a parameter no query (or not that query) has.
    """
    catalogue = [kg.get_query(query)] if query else kg.queries()
    found = _params_named(catalogue, param)
    if not found:
        known = sorted({p.name for q in catalogue for p in q.params})
        where = f"query {query!r} has no such parameter" if query else "no query has such a parameter"
        raise ParameterError(param, None, where, known)
    first = found[0][1]
    kind, description = getattr(first, "type", "label-or-IRI"), getattr(first, "description", "")
    values = Values(param, sorted({q.name for q, _ in found}), kind, description)
    if kind == "boolean":
        values.rows = [ValueRow("true", "true (also yes, 1)"), ValueRow("false", "false (also no, 0)")]
        return values
    if kind != "label-or-IRI":
        return values  # any text
    categories = Categories(kg.backend)
    members = categories.of_parameter(param)
    _, rows = kg.backend.select(_TERMS, {})
    labels: dict[str, str] = {}
    synonyms: dict[str, set[str]] = {}
    for subject, predicate, label in rows:
        iri = str(subject)
        if members is not None and iri not in members:
            continue
        if str(predicate).endswith("altLabel"):
            synonyms.setdefault(iri, set()).add(str(label))
        elif iri not in labels or str(label) < labels[iri]:
            labels[iri] = str(label)
    if members is not None:
        category = PARAM_CATEGORIES[param]
        names = kg.backend.labels([category])
        values.category = f"{vocab.shorten(category)} ({names.get(category, '')})"
    values.rows = sorted((ValueRow(vocab.shorten(iri), label, ", ".join(sorted(synonyms.get(iri, ()))))
                          for iri, label in labels.items()), key=lambda r: (r.label.casefold(), r.curie))
    return values


def query_help(query: Query) -> str:
    """One query shown whole: its question, description, parameters (with what each accepts),
    columns, an example command and its SPARQL text."""
    lines = [f"{query.name}: {query.summary}"]
    if query.description:
        lines += ["", query.description]
    lines += ["", "parameters:" if query.params else "parameters: none"]
    for p in query.params:
        accepts = p.type
        if p.type == "label-or-IRI":
            category = PARAM_CATEGORIES.get(p.name)
            accepts = (f"a label, synonym, CURIE or IRI of a {vocab.shorten(category)}" if category
                       else "a label, synonym, CURIE or IRI of any term")
            accepts += f" (list them: milia-kg values {p.name} --query {query.name})"
        lines.append(f"  {p.name}{'' if p.required else ' (optional)'}: {accepts}"
                     + (f"; {p.description}" if p.description else ""))
    lines += ["", f"columns: {', '.join(query.columns)}" if query.columns else f"form: {query.form}"]
    lines += ["", f"example: {query.example_command}", "", "SPARQL:", query.text.rstrip("\n")]
    return "\n".join(lines)
