"""Reading case profiles (JSON or JSON Lines text) and writing results (JSON or plain text)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from milia_kg.decision.api import Result
from milia_kg.errors import CaseProfileError

#: The sections of a result, in the order the text rendering shows them.
SECTIONS = ("course", "management", "avoid", "prevention", "care_seeking", "differential")


def parse_profile(text: str, line: int | None = None) -> Any:
    """The JSON value in ``text``.

    :raises CaseProfileError: if it is not JSON (the message says where).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseProfileError("", f"not JSON ({error.msg} at column {error.colno})", line=line) from None


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
        codes = ", ".join(f"{c['code']} ({c['display']})" for c in subtype["codings"])
        out.append(f"- {subtype['label']}" + (f" [{codes}]" if codes else ""))
        out += [f"    {r['definition']}: {r['observed']}" for r in subtype["rationale"]]
    for section in SECTIONS:
        if data[section]:
            out.append(f"{section.replace('_', ' ').capitalize()}:")
            for item in data[section]:
                label = item.get("item_label") or "(in general)"
                polarity = "do not: " if item.get("polarity") == "do not" else ""
                out.append(f"  - {polarity}{label} ({item['scope']}, stated for {item['stated_for']})")
                out.append(f"      \"{item['quote']}\" [{item['source']}]")
    if data["ignored"]:
        out.append("Ignored:")
        out += [f"  - {i['field']} = {i['value']!r}: {i['reason']}" for i in data["ignored"]]
    out.append(data["disclaimer"])
    return "\n".join(out)
