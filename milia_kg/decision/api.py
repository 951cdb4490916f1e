"""The decision-support API: :func:`classify` one case profile, :func:`classify_many` several.

A case is classified by the ontology (see :mod:`~milia_kg.decision.classifier`); the advice comes
from the catalogue queries (see :mod:`~milia_kg.decision.advice`).  The graph, the schema module and
the mapping set are loaded once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDFS, Namespace, URIRef

from milia_kg import _resources, mappings
from milia_kg.decision import advice, phenopacket
from milia_kg.decision.case_graph import case_graph, graph_resolver
from milia_kg.decision.classifier import Classifier
from milia_kg.decision.profile import check_profile
from milia_kg.errors import CaseProfileError, MiliaKGError
from milia_kg.loading import MKG
from milia_kg.query.kg import KnowledgeGraph
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.vocab import BIBO as _BIBO
from milia_kg.vocab import shorten

DISCLAIMER = (
    "Decision support derived from one patient-education page (Cleveland Clinic: Milia, last reviewed"
    " 2018-10-22), not a diagnosis: a clinician must confirm the kind of milia and the management."
)
#: bibo: (the source page's address is its bibo:uri in data/sources.ttl).
BIBO = Namespace(_BIBO)
#: category of a resolved value -> (query, parameter) whose resolution it follows.
_RESOLVE_BY = {"AnatomicalSite": ("conditions_at_site", "site"), "InheritedDisorder": ("causes", "condition")}


@dataclass(frozen=True)
class Result:
    """The classification of one case and the advice for it; :meth:`to_dict` is the JSON output."""

    id: str | None
    subtypes: list[dict[str, Any]]
    advice: dict[str, list[dict[str, Any]]]
    ignored: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    disclaimer: str = DISCLAIMER
    note: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the issue's output shape)."""
        return {"id": self.id, "subtypes": self.subtypes, "note": self.note, **self.advice,
                "ignored": self.ignored, "sources": self.sources, "disclaimer": self.disclaimer}


class _Context:
    """What every case needs, loaded once: the graph, its schema module and the mapping set."""

    def __init__(self, reasoner: str) -> None:
        self.kg = KnowledgeGraph.open(reasoner=reasoner)
        self.closure = self.kg.graph
        self.classifier = Classifier(self.closure)
        sssom = _resources.mappings_file()
        self.mapping_set = mappings.read_sssom(sssom) if sssom is not None else None
        self.resolve = graph_resolver(
            lambda category, text: self.kg.resolve(*_RESOLVE_BY[category], text), self.closure
        )
        self.source_rows: dict[str, dict[str, Any]] = {
            str(row["source"]): dict(row) for row in self.kg.query("sources")
        }


@functools.cache
def _context(reasoner: str = DEFAULT_REASONER) -> _Context:
    return _Context(reasoner)


def classify(profile: object, reasoner: str = DEFAULT_REASONER) -> Result:
    """Classify one case profile (a dict as in the case-profile JSON Schema) or GA4GH Phenopacket v2
    (detected by its keys; see :mod:`~milia_kg.decision.phenopacket`).

    :param reasoner: the reasoner whose closure of the graph the schema module is taken from.
    :raises CaseProfileError: for a profile that breaks the schema, or names an unknown site or
        disorder, naming the field.
    :raises InconsistencyError: if the observations contradict the ontology.
    """
    profile, packet = phenopacket.read(profile)
    checked = check_profile(profile)
    ctx = _context(reasoner)
    case = case_graph(checked, ctx.resolve)
    matches = ctx.classifier.classify(case)
    populations = [o.filler for o in case.observations if o.property == MKG.occursIn]

    def in_population(population: str | None) -> bool:
        return population is None or not populations or any(
            (p, RDFS.subClassOf, MKG.term(population.removeprefix(str(MKG)))) in ctx.closure
            for p in populations)

    subtypes = [
        {"id": shorten(str(m.subtype)), "label": ctx.classifier.label(m.subtype),
         "codings": _codings(ctx, str(m.subtype)),
         "rationale": [{"definition": part, "observed": observed} for part, observed in m.satisfied]}
        for m in matches
    ]
    sections = advice.gather(ctx.kg, [str(m.subtype) for m in matches], str(MKG.Milia), in_population)
    for rows in sections.values():
        for row in rows:
            row["for"] = [shorten(str(c)) for c in row["for"]]
            for key in ("item", "stated_for", "source"):
                if row.get(key):
                    row[key] = shorten(str(row[key]))
    cited = sorted({row["source"] for rows in sections.values() for row in rows if row.get("source")})
    return Result(
        id=checked.get("id"), subtypes=subtypes, advice=sections, ignored=phenopacket.ignored(packet, case.ignored),
        sources=[_source(ctx, curie) for curie in cited], note=_note(subtypes),
    )


def classify_many(
    profiles: Iterable[object], reasoner: str = DEFAULT_REASONER,
) -> Iterator[Result | CaseProfileError]:
    """Classify each profile; a bad one yields its :class:`CaseProfileError` (with its 1-based
    position as ``line``) instead of stopping the others."""
    for number, profile in enumerate(profiles, 1):
        try:
            yield classify(profile, reasoner)
        except CaseProfileError as error:
            yield CaseProfileError(error.field, error.reason, line=number)


def _note(subtypes: list[dict[str, Any]]) -> str:
    if not subtypes:
        return ("No subtype's definition is met by the observations; the advice is what the source"
                " says of milia in general.")
    if len(subtypes) > 1:
        return "Several subtypes' definitions are met: " + ", ".join(s["label"] for s in subtypes) + "."
    return f"One subtype's definition is met: {subtypes[0]['label']}."


def _codings(ctx: _Context, iri: str) -> list[dict[str, str]]:
    if ctx.mapping_set is None:
        return []
    return [{"system": c.system, "code": c.code, **({"display": c.display} if c.display else {})}
            for c in mappings.codings(ctx.mapping_set, iri)]


def _source(ctx: _Context, curie: str) -> dict[str, Any]:
    for iri, row in ctx.source_rows.items():
        if shorten(iri) == curie:
            url = ctx.closure.value(URIRef(iri), BIBO.uri)  # the page's address, as data/sources.ttl gives it
            return {"id": curie, "label": row.get("source_label"), "title": row.get("title"),
                    **({"url": str(url)} if url is not None else {})}
    raise MiliaKGError(f"source {curie} is not in the sources query")  # every fact's source is listed
