"""A result as CDS Hooks 2.0 cards an EHR can show: short, each with a ``uuid`` (for feedback), a
summary under 140 characters, a short Markdown detail, a source with a ``topic`` coding, links to the
served answers about each subtype, and, for each subtype met, a ``suggestions`` entry carrying a FHIR
R4 ``Condition`` coded with the subtype's codings, for the clinician to record.

The card fields follow the logical model of the CDS Hooks 2.0 specification
(HL7/cds-hooks ``input/fsh/logicals/CDSHooksResponse.fsh``, read at commit fb10ca77).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from milia_kg import vocab
from milia_kg.decision.api import NOT_RECORDED, Result

__all__ = ["MAX_BULLETS", "SUMMARY_MAX", "TOPIC_SYSTEM", "condition_resource", "to_cards"]

#: CDS Hooks: "One-sentence, <140-character summary message".
SUMMARY_MAX = 140
#: Bullets a card's detail holds at most (a card is short; the full answer is one link away).
MAX_BULLETS = 5
#: The system of the cards' topic codings and of milia-kg's own codings: the project namespace.
TOPIC_SYSTEM = vocab.MKG


def _summary(text: str) -> str:
    return text if len(text) < SUMMARY_MAX else text[: SUMMARY_MAX - 2] + "\u2026"


def _unique(lines: list[str]) -> list[str]:
    """The lines without repeats, at most :data:`MAX_BULLETS`; what is left out is named in a last
    line, never dropped silently (the full answer is one link away)."""
    kept = list(dict.fromkeys(lines))
    if len(kept) <= MAX_BULLETS:
        return kept
    rest = [line.removeprefix("- ").split(":")[0] for line in kept[MAX_BULLETS - 1:]]
    return [*kept[: MAX_BULLETS - 1], f"- also in the source: {'; '.join(rest)}"]


def _advice(data: dict[str, Any], targets: dict[str, str], sections: tuple[str, ...]) -> list[str]:
    """One bullet per piece of advice of ``sections`` stated for any of ``targets`` (id -> label), with
    the population and circumstance the page gives it and the quote that names it; items the page
    gives in one sentence (adapalene gel and tretinoin cream) share a bullet, and an item stated for
    only some of several targets names them."""
    groups: dict[tuple[str, str], list[str]] = {}
    for section in sections:
        for item in data[section]:
            some = [t for t in targets if t in item.get("for", [])]
            if not some:
                continue
            label = item.get("item_label") or "in general"
            scopes = [str(x) for x in (item.get("population"), item.get("when")) if x]
            if len(some) < len(targets):
                scopes.append("for " + ", ".join(targets[t] for t in some))
            said = [q["quote"] for q in item.get("quotes", [])]
            words = [w for w in label.lower().split() if len(w) > 3]
            naming = [q for q in said if any(w in q.lower() for w in words)]
            quote = (naming or said or [""])[0]
            labels = groups.setdefault((", ".join(scopes), quote), [])
            if label not in labels:
                labels.append(label)
    bullets = []
    for (scope, quote), labels in groups.items():
        shown = "; ".join(labels) + (f" ({scope})" if scope else "")
        bullets.append(f"- {shown}: \"{quote}\"" if quote else f"- {shown}")
    return bullets


def _topic(code: str, display: str) -> dict[str, str]:
    return {"system": TOPIC_SYSTEM, "code": code, "display": display}


def condition_resource(subtype: dict[str, Any], patient_id: str | None) -> dict[str, Any]:
    """A FHIR R4 Condition recording ``subtype`` (a result's subtype entry) as provisional: its codings
    (exact or close matches from the mapping set) and milia-kg's own code."""
    local = str(subtype["id"]).removeprefix("mkg:")
    codings = [{"system": TOPIC_SYSTEM, "code": local, "display": subtype["label"]}]
    codings += [{"system": c["system"], "code": c["code"], **({"display": c["display"]} if c.get("display") else {})}
                for c in subtype.get("codings", [])]
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                       "code": "active"}]},
        "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                           "code": "provisional"}]},
        "code": {"coding": codings, "text": subtype["label"]},
    }
    if patient_id:
        resource["subject"] = {"reference": f"Patient/{patient_id}"}
    return resource


def _links(base_url: str, subtype_id: str, label: str) -> list[dict[str, str]]:
    if not base_url:
        return []
    base = base_url.rstrip("/")
    return [{"label": f"{label}: {name.replace('_', ' ')} (milia-kg)", "type": "absolute",
             "url": f"{base}/api/queries/{name}?condition={quote(subtype_id)}"}
            for name in ("course", "treatments")]


def to_cards(result: Result, base_url: str = "", patient_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """``{"cards": [...]}`` for a result: one card per subtype met (with its Condition suggestion) or
    one when none is met, each with what the source says of its course; one per subtype to consider;
    one with the treatment and home care the source gives the case's age; a warning for what to avoid
    and one for when to seek care.  A result whose milia are not recorded has no cards.

    :param base_url: the service's own base URL, for the links to its answers (none without it).
    """
    data = result.to_dict()
    if str(data["note"]).startswith(NOT_RECORDED):
        return {"cards": []}  # milia not recorded: nothing to say
    page = data["sources"][0] if data["sources"] else {"label": "milia-kg"}
    source = {key: page[key] for key in ("label", "url") if page.get(key)}
    footer = f"_{data['disclaimer']}_"
    cards: list[dict[str, Any]] = []
    for subtype in data["subtypes"]:
        bullets = [f"- {r['definition']}: {r['observed']}" for r in subtype["rationale"]]
        bullets += _advice(data, {subtype["id"]: subtype["label"]}, ("course",))
        card = _card(f"Milia: the observations meet the definition of {subtype['label']}", "info",
                     "\n".join([f"**{subtype['label']}**", "", *_unique(bullets), "", footer]),
                     {**source, "topic": _topic(subtype["id"].removeprefix("mkg:"), subtype["label"])})
        card["links"] = _links(base_url, subtype["id"], subtype["label"])
        card["suggestions"] = [{
            "label": f"Record {subtype['label']} (provisional)", "uuid": str(uuid.uuid4()), "isRecommended": False,
            "actions": [{"type": "create", "description": f"Add {subtype['label']} to the problem list as provisional",
                         "resource": condition_resource(subtype, patient_id)}]}]
        card["selectionBehavior"] = "at-most-one"
        cards.append(card)
    targets = {s["id"]: s["label"] for s in data["subtypes"]} or {"mkg:Milia": "milia"}
    if not data["subtypes"]:
        detail = "\n".join([data["note"], "", *_unique(_advice(data, targets, ("course",))), "", footer])
        cards.append(_card("Milia: no subtype's definition is met by the observations", "info", detail,
                           {**source, "topic": _topic("Milia", "milia")}))
    for item in data["to_consider"]:
        bullets = [f"- {r['definition']}: {r['observed']}" for r in item["rationale"]]
        bullets += [f"- {d['label']} ({d['disorder']}): {d['detail']} [{d['reference']}]"
                    + (f"; {d['milia']}" if d.get("milia") else "") for d in item.get("disorders", [])]
        said = f"The source ({item['qualifier']})" if item.get("qualifier") else "The source"
        detail = "\n".join([f"**{item['label']}**: to consider, not a classification.", "", *_unique(bullets), "",
                            f"{said}: \"{item['quote']}\"", "", footer])
        hedge = f"; the source: {item['qualifier']}" if item.get("qualifier") else ""  # none: no hedge to show
        card = _card(f"Milia: consider {item['label']} (not a classification{hedge})", "info",
                     detail, {**source, "topic": _topic(item["id"].removeprefix("mkg:"), item["label"])})
        card["links"] = _links(base_url, item["id"], item["label"])
        cards.append(card)
    management = _advice(data, targets, ("management",))
    if management:
        cards.append(_card("Milia: treatment and home care the source gives", "info",
                           "\n".join([*_unique(management), "", footer]),
                           {**source, "topic": _topic("management", "treatment and home care")}))
    if data["avoid"]:
        bullets = _unique([_bullet(i) for i in data["avoid"]])
        labels = "; ".join(dict.fromkeys(i["item_label"] for i in data["avoid"]))
        cards.append(_card(f"Milia: avoid {labels}", "warning", "\n".join(bullets), {**source,
                           "topic": _topic("avoid", "what to avoid")}))
    if data["care_seeking"]:
        bullets = _unique([_bullet(i) for i in data["care_seeking"]])
        cards.append(_card("Milia: when to seek care", "info", "\n".join(bullets),
                           {**source, "topic": _topic("care_seeking", "when to seek care")}))
    return {"cards": cards}


def _bullet(item: dict[str, Any]) -> str:
    """An avoid or care-seeking item: its label, the people it is for, its first quote and its reasons."""
    label = item["item_label"] + (f" ({item['population']})" if item.get("population") else "")
    quotes = item.get("quotes") or [{}]
    reasons = "; ".join(r["reason"] + (f" ({r['qualifier']})" if r.get("qualifier") else "")
                        for r in item.get("reasons", []))
    quote = f": \"{quotes[0]['quote']}\"" if quotes[0].get("quote") else ""
    return f"- {label}{quote}" + (f" Why: {reasons}." if reasons else "")


def _card(summary: str, indicator: str, detail: str, source: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": str(uuid.uuid4()), "summary": _summary(summary), "indicator": indicator, "detail": detail,
            "source": source}
