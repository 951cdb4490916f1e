"""The advice for a classified case, gathered from the catalogue queries (no fact lookup of its own).

Per subtype found (or for milia in general when none is): ``course``, ``treatments``, ``prevention``
and ``differential`` give rows with ``stated_for``, ``scope`` (direct; general, said of milia in
general in a kind of statement that holds for every kind; population) and the verbatim ``quote``;
each piece of advice becomes one item with its quotes grouped under ``quotes`` (and, for what to
avoid, the page's reasons under ``reasons``). ``home_care`` (with polarity), ``avoid`` and
``care_seeking`` are stated of milia in general: their quote and source come from the ``evidence``
query. Every section is filtered by the case's age the same way, whether a subtype was met or not:
rows for a population the case is not in are left out (the removal options are for adolescents and
adults); without an age all are kept, each naming its population.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

Row = dict[str, Any]


class Queries(Protocol):
    """What answers the catalogue queries: the graph, or its kept answers
    (:class:`~milia_kg.decision.kept_queries.KeptQueries`)."""

    def query(self, name: str, /, **params: str) -> list[Row]:
        """The rows of the catalogue query ``name`` with these parameters."""
        ...
#: section -> (query, column of the item, extra columns kept)
CONDITION_SECTIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "course": ("course", "course", ("qualifier", "population")),
    "management": ("treatments", "treatment",
                   ("kind", "availability", "performed_by", "population", "when", "qualifier")),
    "prevention": ("prevention", "measure", ("qualifier",)),
    "differential": ("differential", "differs_from", ("distinguishing_feature", "qualifier")),
}


def gather(
    kg: Queries, conditions: list[str], milia: str, in_population: Callable[[str | None], bool],
) -> dict[str, list[Row]]:
    """The advice sections for ``conditions`` (subtype IRIs; empty: ``milia`` in general).

    :param in_population: whether a statement for this population (``None``: everyone) fits the case.
    """
    targets = conditions or [milia]
    sources = _Sources(kg)
    out: dict[str, list[Row]] = {name: [] for name in (*CONDITION_SECTIONS, "avoid", "care_seeking")}
    for section, (query, column, extra) in CONDITION_SECTIONS.items():
        for condition in targets:
            for row in _rows(kg, query, condition=condition):
                if not in_population(row.get("population")):
                    continue
                if column == "measure" and row.get("measure") is None:
                    column_value: Any = None  # preventability in general: the quote carries it
                else:
                    column_value = row.get(column)
                item = {"for": condition, "item": column_value, "item_label": row.get(f"{column}_label"),
                        **{k: row.get(f"{k}_label") or row.get(k) for k in extra},
                        "stated_for": row["stated_for"], "scope": row["scope"], "quote": row["quote"],
                        "source": sources.source(row["stated_for"], column_value, row["quote"])}
                out[section].append(item)
    scope = "direct" if not conditions else "general"
    for row in _rows(kg, "home_care"):
        if in_population(row["population"]):
            do = row["polarity"] == "do"
            for quote, source in sources.evidence(milia, row["measure"]):
                out["management" if do else "avoid"].append(
                    {"for": milia, "item": row["measure"], "item_label": row["measure_label"],
                     "polarity": row["polarity"], "population": row["population_label"],
                     **({"qualifier": row["qualifier"]} if do else {}), "stated_for": milia,
                     "scope": scope, "quote": quote, "source": source})
    for row in _rows(kg, "avoid"):
        if in_population(row["population"]) and row["risk"] is not None:
            for quote, source in sources.evidence(row["action"], row["risk"]):
                out["avoid"].append(
                    {"for": milia, "item": row["action"], "item_label": row["action_label"], "polarity": "do not",
                     "population": row["population_label"], "stated_for": milia, "scope": scope,
                     "reason": {"reason": row["risk_label"], "qualifier": row["qualifier"]},
                     "quote": quote, "source": source})
    for row in _rows(kg, "care_seeking"):
        if in_population(row["population"]):
            for quote, source in sources.evidence(milia, row["advice"]):
                out["care_seeking"].append(
                    {"for": milia, "item": row["advice"], "item_label": row["advice_label"],
                     "provider": row["provider_label"], "when": row["when"],
                     "population": row["population_label"], "stated_for": milia,
                     "scope": scope, "quote": quote, "source": source})
    merged = {name: _merge(rows) for name, rows in out.items()}
    for rows in merged.values():  # what is stated of milia in general applies to every subtype found
        for row in rows:
            if row["for"] == [milia]:
                row["for"] = list(targets)
    return merged


def _rows(kg: Queries, query: str, **params: str) -> list[Row]:
    """The rows of a catalogue query, as plain dicts (values are IRIs and strings here)."""
    return [dict(row) for row in kg.query(query, **params)]


#: Fields that vary within one piece of advice and are gathered under it, not part of what it is.
_GATHERED = ("for", "quote", "source", "reason")


def _merge(rows: Iterable[Row]) -> list[Row]:
    """One item per piece of advice: its quotes grouped under it as ``quotes`` ([{quote, source}], in
    the order met), the reasons to avoid it as ``reasons``, the subtypes it applies to as ``for``."""
    merged: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = tuple(sorted((k, str(v)) for k, v in row.items() if k not in _GATHERED))
        item = merged.setdefault(key, {**{k: v for k, v in row.items() if k not in _GATHERED},
                                       "for": [], "quotes": [], **({"reasons": []} if "polarity" in row
                                                                   and row["polarity"] == "do not" else {})})
        if row["for"] not in item["for"]:
            item["for"].append(row["for"])
        quote = {"quote": row["quote"], "source": row["source"]}
        if quote not in item["quotes"]:
            item["quotes"].append(quote)
        if row.get("reason") is not None and row["reason"] not in item["reasons"]:
            item["reasons"].append(row["reason"])
    return list(merged.values())


class _Sources:
    """The ``evidence`` query per subject, kept: (object, quote) -> source."""

    def __init__(self, kg: Queries) -> None:
        self._kg = kg
        self._rows: dict[str, list[Row]] = {}

    def _of(self, subject: str) -> list[Row]:
        if subject not in self._rows:
            self._rows[subject] = _rows(self._kg, "evidence", subject=subject)
        return self._rows[subject]

    def evidence(self, subject: str, obj: str) -> list[tuple[str, str]]:
        """The (quote, source) pairs of the facts ``subject ? obj``."""
        return sorted({(r["quote"], r["source"]) for r in self._of(subject) if r["object"] == obj and r["quote"]})

    def source(self, subject: str, obj: str | None, quote: str) -> str | None:
        """The source of the fact of ``subject`` about ``obj`` quoted by ``quote``."""
        found = {r["source"] for r in self._of(subject) if r["quote"] == quote and (obj is None or r["object"] == obj)}
        found = found or {r["source"] for r in self._of(subject) if r["quote"] == quote}
        return min(found) if found else None
