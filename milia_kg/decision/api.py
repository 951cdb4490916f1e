"""The decision-support API: :func:`classify` one case profile, :func:`classify_many` several.

A case is classified by the ontology (see :mod:`~milia_kg.decision.classifier`); the advice comes
from the catalogue queries (see :mod:`~milia_kg.decision.advice`).  The graph (on Oxigraph), the
schema module and the codings are loaded once per process, from the on-disk cache, without rdflib;
the advice of each (subtypes, population) combination is gathered once and kept.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from milia_kg import vocab
from milia_kg.base.records import FrozenRecord
from milia_kg.decision import advice, documents, inherited, json_input, kept_queries, schema_module
from milia_kg.decision.case_graph import MKG, case_graph, graph_resolver
from milia_kg.decision.classifier import Classifier
from milia_kg.decision.deadline import Deadline
from milia_kg.decision.profile import check_profile
from milia_kg.errors import CaseProfileError, MiliaKGError
from milia_kg.query.packaged import kept_resolution, packaged_graph_file
from milia_kg.reasoner import DEFAULT_REASONER
from milia_kg.vocab import shorten

if TYPE_CHECKING:  # imported for a Phenopacket or FHIR document only (start-up time of a plain profile)
    from milia_kg.decision import phenopacket
    from milia_kg.query.kg import KnowledgeGraph  # imported when the graph is opened: the store's engine

DISCLAIMER = (
    "Decision support derived from one patient-education page (Cleveland Clinic: Milia, last reviewed"
    " 2018-10-22), not a diagnosis: a clinician must confirm the kind of milia and the management."
)
#: category of a resolved value -> (query, parameter) whose resolution it follows.
_RESOLVE_BY = {"AnatomicalSite": ("conditions_at_site", "site"), "InheritedDisorder": ("causes", "condition")}


class Result(FrozenRecord):
    """The classification of one case and the advice for it; :meth:`to_dict` is the JSON output."""

    _fields = ("id", "subtypes", "advice", "ignored", "sources", "disclaimer", "note", "to_consider")
    id: str | None
    subtypes: list[dict[str, Any]]
    advice: dict[str, list[dict[str, Any]]]
    ignored: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    disclaimer: str
    note: str
    #: subtypes the source links to the observations by a tendency, to consider (never classified).
    to_consider: list[dict[str, Any]]

    def __init__(self, id: str | None, subtypes: list[dict[str, Any]],
                 advice: dict[str, list[dict[str, Any]]], ignored: list[dict[str, Any]],
                 sources: list[dict[str, Any]], disclaimer: str = DISCLAIMER, note: str = "",
                 to_consider: list[dict[str, Any]] | None = None) -> None:
        setattr_ = object.__setattr__  # one per case of a batch: no loop over keywords
        setattr_(self, "id", id)
        setattr_(self, "subtypes", subtypes)
        setattr_(self, "advice", advice)
        setattr_(self, "ignored", ignored)
        setattr_(self, "sources", sources)
        setattr_(self, "disclaimer", disclaimer)
        setattr_(self, "note", note)
        setattr_(self, "to_consider", [] if to_consider is None else to_consider)

    def replace(self, **changes: Any) -> Result:
        """A copy with the fields in ``changes`` replaced (as :func:`dataclasses.replace`)."""
        return Result(**{**vars(self), **changes})

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the issue's output shape)."""
        return {"id": self.id, "subtypes": self.subtypes, "to_consider": self.to_consider, "note": self.note,
                **self.advice, "ignored": self.ignored, "sources": self.sources, "disclaimer": self.disclaimer}


class _Context:
    """What every case needs, loaded once: the graph, its schema module and the codings."""

    def __init__(self, reasoner: str) -> None:
        self.reasoner = reasoner
        graph_file = packaged_graph_file(reasoner)  # the file self.kg is read from (found once)
        module = schema_module.load(reasoner, graph_file)
        self.classifier = Classifier(module.prepared, lambda iris: self.kg.backend.labels(iris))
        self.codings = module.codings
        #: the catalogue answers of the graph alone, kept in the cache (issue 22: a cold classify ran them)
        self.queries = kept_queries.load(lambda: self.kg, self.classifier, self.classifier.iris, reasoner, graph_file)
        self.classifier.remember_labels(self.queries.labels)
        self.resolve = graph_resolver(self._resolve, self.classifier.holds)
        self.source_rows: dict[str, dict[str, Any]] = {
            str(row["source"]): dict(row) for row in self.queries.query("sources")
        }
        #: (class of cases, subtype) -> the subtypes_to_consider row (qualifier, quote, source).
        self.consider_rows: dict[tuple[str, str], dict[str, Any]] = {
            (str(row["case_class"]), str(row["subtype"])): dict(row)
            for row in self.queries.query("subtypes_to_consider")
        }
        #: the ``sources`` entry of each cited source, by CURIE (first IRI of that CURIE, as listed)
        self.source_by_curie: dict[str, dict[str, Any]] = {}
        for iri, row in self.source_rows.items():
            self.source_by_curie.setdefault(shorten(iri), {
                "id": shorten(iri), "label": row.get("source_label"), "title": row.get("title"),
                **({"url": str(row["url"])} if row.get("url") else {})})  # the page's address (bibo:uri)
        self._advice: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, list[dict[str, Any]]]] = {}
        #: the sources the advice of each key quotes (what every case with that key cites, kept with it)
        self._cited: dict[tuple[tuple[str, ...], tuple[str, ...]], frozenset[str]] = {}

    @functools.cached_property
    def kg(self) -> KnowledgeGraph:
        """The packaged graph, opened on first need: a case whose values were all resolved before and
        whose answers and labels are kept never loads it (issue 22: the store's load was a seventh of a
        cold classify)."""
        from milia_kg.query.kg import KnowledgeGraph

        return KnowledgeGraph.open(reasoner=self.reasoner)

    def _resolve(self, category: str, text: str) -> str:
        """The IRI ``text`` denotes as a value of ``category``, resolved as the query parameter would be
        (the kept resolution if there is one, read without the graph)."""
        kept = kept_resolution(text, self.reasoner)
        return kept if kept is not None else self.kg.resolve(*_RESOLVE_BY[category], text)

    @functools.cached_property
    def graph(self) -> phenopacket.Graph:
        """What a Phenopacket's or FHIR document's milia-kg terms are read by."""
        from milia_kg.decision import phenopacket

        return phenopacket.Graph(self.classifier.holds, self.classifier.label, self.resolve)

    def advice(self, subtypes: list[str], populations: list[str]) -> tuple[dict[str, list[dict[str, Any]]],
                                                                          frozenset[str]]:
        """The advice sections for these subtypes and a case in these populations (a fresh copy
        of what was gathered the first time they came together), and the sources they quote."""
        key = (tuple(subtypes), tuple(sorted(set(populations))))
        sections = self._advice.get(key)
        if sections is None:
            sections = self._advice[key] = self._gather(subtypes, populations)
            self._cited[key] = frozenset(q["source"] for rows in sections.values() for row in rows
                                         for q in row["quotes"] if q["source"])
        return {name: [_copy_row(row) for row in rows] for name, rows in sections.items()}, self._cited[key]

    def _gather(self, subtypes: list[str], populations: list[str]) -> dict[str, list[dict[str, Any]]]:
        def in_population(population: str | None) -> bool:
            return population is None or not populations or any(
                self.classifier.holds(p, vocab.RDFS + "subClassOf", population) for p in populations)

        sections = advice.gather(self.queries, subtypes, MKG.Milia, in_population)
        for rows in sections.values():
            for row in rows:
                row["said_of"] = self._said_of(row)
                row["for"] = [shorten(str(c)) for c in row["for"]]
                for key in ("item", "stated_for"):
                    if row.get(key):
                        row[key] = shorten(str(row[key]))
                row["quotes"] = [{**q, "source": shorten(str(q["source"])) if q["source"] else None}
                                 for q in row["quotes"]]
        return sections

    def _said_of(self, row: dict[str, Any]) -> str:
        """The item's scope in plain words: whom the page says it of, and for whom."""
        said = "said of milia in general" if row["stated_for"] == MKG.Milia else (
            f"said of {self.classifier.label(str(row['stated_for']))}")
        return said + (f", for {row['population']}" if row.get("population") else "")


@functools.cache
def _context(reasoner: str = DEFAULT_REASONER) -> _Context:
    return _Context(reasoner)


def graph(reasoner: str = DEFAULT_REASONER) -> phenopacket.Graph:
    """What a Phenopacket's milia-kg terms are read by: the classification's graph (loaded once)."""
    return _context(reasoner).graph


def classify(profile: object, reasoner: str = DEFAULT_REASONER, deadline: Deadline | None = None) -> Result:
    """Classify one case profile (a dict as in the case-profile JSON Schema) or GA4GH Phenopacket v2
    (detected by its keys; see :mod:`~milia_kg.decision.phenopacket`).

    :param reasoner: the reasoner whose closure of the graph the schema module is taken from.
    :param deadline: checked before each step (reading, checking, classifying, advice).
    :raises CaseProfileError: for a profile that breaks the schema, or names an unknown site or
        disorder, naming the field.
    :raises InconsistencyError: if the observations contradict the ontology.
    :raises ClassifyTimeoutError: past the ``deadline``.
    """
    check = deadline.check if deadline is not None else _no_deadline
    check()
    json_input.check_values(profile)  # before the Phenopacket reader or the schema sees it
    document = documents.read(profile, lambda: graph(reasoner))  # a profile, Phenopacket or FHIR Bundle
    check()
    if document.not_recorded is not None:  # valid, but without milia: an answer, not an error
        return not_recorded(document.id, document.dropped, document.not_recorded)
    profile, packet = document.profile, document.packet
    checked = check_profile(profile)
    ctx = _context(reasoner)
    case = case_graph(checked, ctx.resolve)
    check()
    matches, suggestions = ctx.classifier.classify(case)
    check()
    populations = [o.filler for o in case.observations if o.property == MKG.occursIn]
    subtypes = [_subtype(ctx, m.subtype, m.satisfied) for m in matches]
    to_consider = [
        {**_subtype(ctx, s.subtype, s.satisfied),
         "because_of": shorten(s.by), "because_of_label": ctx.classifier.label(s.by),
         **{key: _short(ctx.consider_rows[(s.by, s.subtype)][key]) for key in ("qualifier", "quote", "source")}}
        for s in suggestions
    ]
    to_consider = inherited.attach(to_consider, document.evidence)
    sections, quoted = ctx.advice([str(m.subtype) for m in matches], populations)
    cited = sorted(quoted.union([row["source"] for row in to_consider if row.get("source")]))
    return Result(
        id=checked.get("id"), subtypes=subtypes, advice=sections,
        ignored=document.dropped + _ignored(packet, case.ignored),
        sources=[_source(ctx, curie) for curie in cited], note=_note(subtypes, to_consider),
        to_consider=to_consider,
    )


def _ignored(packet: phenopacket.Conversion | None, case_ignored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The profile's ignored fields, renamed to the Phenopacket's paths if it was one."""
    if packet is None:
        return case_ignored
    from milia_kg.decision import phenopacket

    return phenopacket.ignored(packet, case_ignored)


def _no_deadline() -> None:
    """The check of a classification without a deadline."""


#: The note of a case whose milia are not recorded (issue 19: out of scope is an answer, not an error).
NOT_RECORDED = "Milia are not recorded for this case, so milia-kg has no subtype and no advice for it."


def not_recorded(case_id: str | None, ignored: list[dict[str, Any]], why: str = "") -> Result:
    """The answer for a valid case that does not record milia (excluded, or absent): no subtypes, no advice."""
    note = NOT_RECORDED + (f" ({why})" if why else "")
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in (*advice.CONDITION_SECTIONS, "avoid",
                                                                       "care_seeking")}
    return Result(id=case_id, subtypes=[], advice=sections, ignored=ignored, sources=[], note=note)


def _subtype(ctx: _Context, iri: str, satisfied: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {"id": shorten(iri), "label": ctx.classifier.label(iri), "codings": _codings(ctx, iri),
            "rationale": [{"definition": part, "observed": observed} for part, observed in satisfied]}


def _short(value: object) -> object:
    return shorten(value) if isinstance(value, str) and value.startswith(vocab.MKG) else value


def classify_many(
    profiles: Iterable[object], reasoner: str = DEFAULT_REASONER, deadline: Deadline | None = None,
) -> Iterator[Result | CaseProfileError]:
    """Classify each profile; a bad one yields its :class:`CaseProfileError` (with its 1-based
    position as ``line``) instead of stopping the others.

    :raises ClassifyTimeoutError: past the ``deadline`` of the whole batch.
    """
    for number, profile in enumerate(profiles, 1):
        try:
            yield classify(profile, reasoner, deadline)
        except CaseProfileError as error:
            yield CaseProfileError(error.field, error.reason, line=number)


def _note(subtypes: list[dict[str, Any]], to_consider: list[dict[str, Any]]) -> str:
    if not subtypes:
        note = ("No subtype's definition is met by the observations; the advice is what the source"
                " says of milia in general.")
    elif len(subtypes) > 1:
        note = "Several subtypes' definitions are met: " + ", ".join(s["label"] for s in subtypes) + "."
    else:
        note = f"One subtype's definition is met: {subtypes[0]['label']}."
    for item in to_consider:
        note += (f" To consider: {item['label']} (not a definition; the source: \"{item['quote']}\").")
    return note


def _codings(ctx: _Context, iri: str) -> list[dict[str, str]]:
    return [dict(c) for c in ctx.codings.get(iri, [])]  # read with the schema module (cached)


def _source(ctx: _Context, curie: str) -> dict[str, Any]:
    found = ctx.source_by_curie.get(curie)
    if found is None:
        raise MiliaKGError(f"source {curie} is not in the sources query")  # every fact's source is listed
    return dict(found)


def _copy_row(row: dict[str, Any]) -> dict[str, Any]:
    """A copy of a kept advice row that a caller may change (its ``for`` list copied too)."""
    copy = row.copy()
    copy["for"] = copy["for"][:]
    return copy
