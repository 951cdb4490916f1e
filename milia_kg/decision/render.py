"""Reading case profiles (JSON or JSON Lines text) and writing results (JSON or plain text)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from milia_kg.decision import json_input
from milia_kg.decision.api import Result

#: The sections of a result, in the order the text rendering shows them.
SECTIONS = ("course", "management", "avoid", "prevention", "care_seeking", "differential")


def parse_profile(text: str, line: int | None = None) -> Any:
    """The JSON value in ``text``, strict and bounded (:func:`.json_input.load_json`).

    :raises CaseProfileError: if it is not JSON (the message says where) or holds a value no later
        step can take (the message names its path).
    """
    return json_input.load_json(text, "", line)


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for each non-blank line of a JSON Lines text."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield number, line


def to_json(result: Result, indent: int | None = 2) -> str:
    """The result as JSON text."""
    return json.dumps(result.to_dict(), indent=indent, ensure_ascii=False, default=str)


def to_text(result: Result) -> str:
    """A plain-text rendering for people: subtypes with rationale, then each advice section."""
    data = result.to_dict()
    out = [f"Case {data['id']}" if data["id"] else "Case", data["note"]]
    for subtype in data["subtypes"]:
        codes = ", ".join(c["code"] + (f" ({c['display']})" if c.get("display") else "") for c in subtype["codings"])
        out.append(f"- {subtype['label']}" + (f" [{codes}]" if codes else ""))
        out += [f"    {r['definition']}: {r['observed']}" for r in subtype["rationale"]]
    for item in data["to_consider"]:
        out.append(f"- to consider: {item['label']} (linked by the source, not a definition)")
        out += [f"    {r['definition']}: {r['observed']}" for r in item["rationale"]]
        out.append(f"      \"{item['quote']}\" [{item['source']}]")
        out += [f"    inherited disorder: {d['label']} ({d['disorder']}): {d['detail']} [{d['reference']}]"
                for d in item.get("disorders", [])]  # issue 19: the evidence, see decision/inherited.py
    for section in SECTIONS:
        if data[section]:
            out.append(f"{section.replace('_', ' ').capitalize()}:")
            for item in data[section]:
                label = item.get("item_label") or "(in general)"
                polarity = "do not: " if item.get("polarity") == "do not" else ""
                reasons = f", because of {_reasons(item)}" if item.get("reasons") else ""
                out.append(f"  - {polarity}{label} ({item['said_of']}){reasons}")
                out += [f"      \"{q['quote']}\"" for q in item["quotes"]]
    if data["ignored"]:
        out.append("Ignored:")
        out += [f"  - {i['field']} = {i['value']!r}: {i['reason']}" for i in data["ignored"]]
    out.append(data["disclaimer"])
    return "\n".join(out)


#: CDS Hooks limits a card's summary to 140 characters.
SUMMARY_MAX = 140


def to_cards(result: Result) -> dict[str, list[dict[str, Any]]]:
    """A CDS Hooks (1.0/2.0) ``{"cards": [...]}``: one card per subtype met (or one saying none is),
    a warning card for what to avoid, an info card for when to seek care.  Each detail is Markdown
    with the verbatim quotes; the source is the page the facts come from."""
    data = result.to_dict()
    page = data["sources"][0] if data["sources"] else {"label": "milia-kg"}
    source = {key: page[key] for key in ("label", "url") if page.get(key)}  # CDS Hooks: label, url
    cards: list[dict[str, Any]] = []
    for subtype in data["subtypes"]:
        lines = [f"**{subtype['label']}**: {data['note']}", ""]
        lines += [f"- {r['definition']}: {r['observed']}" for r in subtype["rationale"]]
        for section in ("course", "management", "prevention", "differential"):
            items = [i for i in data[section] if subtype["id"] in i["for"]]
            if items:
                lines += ["", f"**{section.capitalize()}**"]
                lines += [f"- {i.get('item_label') or 'in general'} ({i['said_of']}): "
                          + " ".join(f"\"{q['quote']}\"" for q in i["quotes"]) for i in items]
        lines += ["", f"_{data['disclaimer']}_"]
        cards.append(_card(f"Milia: the observations meet the definition of {subtype['label']}", "info",
                           "\n".join(lines), source))
    if not data["subtypes"]:
        cards.append(_card("Milia: no subtype's definition is met by the observations", "info",
                           f"{data['note']}\n\n_{data['disclaimer']}_", source))
    for item in data["to_consider"]:
        lines = [f"**{item['label']}** is a subtype to consider, not a classification: the observations meet no"
                 " definition of it, but the source links them to it.", ""]
        lines += [f"- {r['definition']}: {r['observed']}" for r in item["rationale"]]
        hedge = f" ({item['qualifier']})" if item.get("qualifier") else ""
        lines += ["", f"The source{hedge}: \"{item['quote']}\"", "", f"_{data['disclaimer']}_"]
        cards.append(_card(consider_summary(item), "info", "\n".join(lines), source))
    if data["avoid"]:
        labels = sorted({i["item_label"] for i in data["avoid"]})
        detail = "\n".join(f"- {i['item_label']}" + (f" (because of {_reasons(i)})" if i.get("reasons") else "")
                           + ": " + _quoted(i) for i in data["avoid"])
        cards.append(_card("Avoid: " + "; ".join(labels), "warning", detail, source))
    if data["care_seeking"]:
        detail = "\n".join(f"- {i['item_label']}: " + _quoted(i) for i in data["care_seeking"])
        cards.append(_card("When to seek care: " + "; ".join(sorted({i["item_label"] for i in data["care_seeking"]})),
                           "info", detail, source))
    return {"cards": cards}


def _reasons(item: dict[str, Any]) -> str:
    """The page's reasons to avoid something, each with its hedge: "scarring (can); infection (can)"."""
    return "; ".join(f"{r['reason']} ({r['qualifier']})" if r.get("qualifier") else r["reason"]
                     for r in item["reasons"])


def _quoted(item: dict[str, Any]) -> str:
    return " ".join(f"\"{q['quote']}\"" for q in item["quotes"])


def _card(summary: str, indicator: str, detail: str, source: dict[str, str]) -> dict[str, Any]:
    if len(summary) >= SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 2] + "\u2026"
    return {"summary": summary, "indicator": indicator, "detail": detail, "source": source, "links": []}


def to_cards_json(result: Result, indent: int | None = 2) -> str:
    """:func:`to_cards` as JSON text."""
    return json.dumps(to_cards(result), indent=indent, ensure_ascii=False)


def consider_summary(item: dict[str, Any]) -> str:
    """The card summary of a subtype to consider, with the source's hedge when it gives one.

    >>> consider_summary({"label": "juvenile milia", "qualifier": "commonly"})
    'Milia: consider juvenile milia (not a definition; the source: commonly)'
    >>> consider_summary({"label": "primary milia", "qualifier": None})
    'Milia: consider primary milia (not a definition)'
    """
    hedge = f"; the source: {item['qualifier']}" if item.get("qualifier") else ""
    return f"Milia: consider {item['label']} (not a definition{hedge})"
