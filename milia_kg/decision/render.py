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


def _reasons(item: dict[str, Any]) -> str:
    """The page's reasons to avoid something, each with its hedge: "scarring (can); infection (can)"."""
    return "; ".join(f"{r['reason']} ({r['qualifier']})" if r.get("qualifier") else r["reason"]
                     for r in item["reasons"])


def to_cards(result: Result, base_url: str = "") -> dict[str, list[dict[str, Any]]]:
    """The result as CDS Hooks 2.0 cards: the one renderer the CDS Hooks route uses too
    (:func:`milia_kg.decision.cards.to_cards`), so every client gets the same cards."""
    from milia_kg.decision import cards

    return cards.to_cards(result, base_url)


def to_cards_json(result: Result, indent: int | None = 2) -> str:
    """:func:`to_cards` as JSON text."""
    return json.dumps(to_cards(result), indent=indent, ensure_ascii=False)
