"""A checked case profile as RDF individuals: the case (an instance of mkg:Milia) and one
individual per observation, typed with the graph's classes, e.g. ``case mkg:hasSite [a mkg:Nose]``.
The triples are pyoxigraph terms (no rdflib on the way to a classification); IRIs elsewhere are strings.

No classification happens here: the triples only say what was observed; the ontology's defined
classes decide the subtype.  Age maps to an age group by the thresholds in :data:`AGE_GROUPS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox

from milia_kg import vocab
from milia_kg.base.records import FrozenRecord, Record
from milia_kg.errors import CaseProfileError, ParameterError


class _Terms:
    """The mkg: IRIs the profile fields map to, as strings (``MKG.Nose``)."""

    def __getattr__(self, name: str) -> str:
        iri = vocab.MKG + name
        self.__dict__[name] = iri  # found as an attribute from now on, without this call
        return iri


MKG = _Terms()
_TYPE = ox.NamedNode(vocab.RDF + "type")
_SCO = vocab.RDFS + "subClassOf"

#: Age (years) below which a case is in each age group, tried in order; the last group has no bound.
#: These thresholds are this project's choice, not the page's (it names newborns, infants, babies,
#: children, older children, adolescents and adults without ages); the age classes' definitions in
#: data/entities.ttl state the same ranges, and data/mappings.sssom.tsv says how each relates to its
#: HsapDv stage. newborn: the neonatal period, the first 28 days; infant: the first year; child
#: (mkg:OlderChild, a child past infancy): to 12; adolescent: to 18; adult after that.
AGE_GROUPS: tuple[tuple[float, str], ...] = (
    (28 / 365.25, "newborn"), (1.0, "infant"), (12.0, "child"), (18.0, "adolescent"),
    (float("inf"), "adult"),
)
#: Middle age for the source's "middle-aged women" (milia en plaque): 40 to 65 years (this project's choice).
MIDDLE_AGE = (40.0, 65.0)

AGE_GROUP_CLASSES = {
    "newborn": MKG.Newborn, "infant": MKG.Infant, "child": MKG.OlderChild,
    "adolescent": MKG.Adolescent, "adult": MKG.Adult, "older adult": MKG.Adult,
}
SKIN_DAMAGE_CLASSES = {
    "burn": MKG.Burn, "rash": MKG.Rash, "blister": MKG.Blister,
    "sun exposure": MKG.ExcessiveSunExposure, "other": MKG.SkinDamage,
}


class Observation(FrozenRecord):
    """One observed fact: ``case property [a filler]``, and the profile field it came from."""

    _fields = ("field", "value", "property", "filler")
    field: str
    value: object
    property: str
    filler: str

    def __init__(self, field: str, value: object, property: str, filler: str) -> None:
        setattr_ = object.__setattr__  # one per observation of every case: no loop over keywords
        setattr_(self, "field", field)
        setattr_(self, "value", value)
        setattr_(self, "property", property)
        setattr_(self, "filler", filler)


class CaseGraph(Record):
    """The case individual, its triples, and the observations and ignored fields behind them."""

    _fields = ("case", "triples", "observations", "ignored")

    def __init__(self, case: ox.BlankNode, triples: list[tuple[Any, Any, Any]] | None = None,
                 observations: list[Observation] | None = None, ignored: list[dict[str, object]] | None = None,
                 ) -> None:
        self.case = case
        self.triples: list[tuple[Any, Any, Any]] = [] if triples is None else triples
        self.observations: list[Observation] = [] if observations is None else observations
        self.ignored: list[dict[str, object]] = [] if ignored is None else ignored

    def observe(self, name: str, value: object, prop: str, filler: str) -> None:
        """Add ``case prop [a filler]`` for the profile field ``name``."""
        node = ox.BlankNode()
        self.triples += [(self.case, _named(prop), node), (node, _TYPE, _named(filler))]
        self.observations.append(Observation(name, value, prop, filler))

    def ignore(self, name: str, value: object, reason: str) -> None:
        """Record a field the ontology does not use, so the output lists it instead of dropping it."""
        self.ignored.append({"field": name, "value": value, "reason": reason})


#: The named nodes of the observations' properties and classes, made once (a few dozen IRIs).
_NODES: dict[str, ox.NamedNode] = {}


def _named(iri: str) -> ox.NamedNode:
    node = _NODES.get(iri)
    if node is None:
        node = _NODES[iri] = ox.NamedNode(iri)
    return node


def age_group(age_years: float) -> str:
    """The age group of an age, by :data:`AGE_GROUPS`.

    >>> age_group(0.01), age_group(0.5), age_group(7), age_group(15), age_group(45)
    ('newborn', 'infant', 'child', 'adolescent', 'adult')
    """
    return next(name for bound, name in AGE_GROUPS if age_years < bound)


def case_graph(
    profile: dict[str, Any], resolve: Callable[[str, str, str], str],
) -> CaseGraph:
    """The RDF individuals of a profile checked by :func:`~milia_kg.decision.profile.check_profile`.

    :param resolve: ``resolve(field, value, category)`` -> the class IRI a site or disorder names,
        raising :class:`CaseProfileError` when it names nothing of that category (the field is then
        listed under ``ignored`` with that reason).
    """
    graph = CaseGraph(ox.BlankNode())
    graph.triples.append((graph.case, _TYPE, _named(MKG.Milia)))
    _age(graph, profile)
    for i, site in enumerate(profile.get("sites", ())):
        found = _resolved(graph, f"sites[{i}]", site, "AnatomicalSite", resolve)
        if found is not None:
            graph.observe(f"sites[{i}]", site, MKG.hasSite, found)
    if profile.get("present_at_birth") is True:
        graph.observe("present_at_birth", True, MKG.hasOnset, MKG.PresentAtBirth)
    elif "present_at_birth" in profile:
        graph.ignore("present_at_birth", False, "the ontology has no class for milia absent at birth")
    onset = profile.get("onset_pattern")
    if onset == "eruptive over weeks or months":
        graph.observe("onset_pattern", onset, MKG.hasOnset, MKG.EruptionOverWeeksOrMonths)
    elif onset is not None:
        graph.ignore("onset_pattern", onset, "no onset pattern of the source matches")
    _skin_damage(graph, profile)
    if profile.get("heavy_cream_or_ointment_reaction") is True:
        graph.observe("heavy_cream_or_ointment_reaction", True, MKG.hasCause, MKG.HeavySkinCreamReaction)
    elif "heavy_cream_or_ointment_reaction" in profile:
        graph.ignore("heavy_cream_or_ointment_reaction", False,
                     "the ontology has no class for the absence of such a reaction")
    if "heavy_cream_or_ointment_use" in profile:
        graph.ignore(
            "heavy_cream_or_ointment_use", profile["heavy_cream_or_ointment_use"],
            "the source names a reaction to a heavy skin cream or ointment as a cause, not its use:"
            " give heavy_cream_or_ointment_reaction",
        )
    _inherited(graph, profile, resolve)
    arrangement = profile.get("arrangement")
    if arrangement == "clustered on a raised patch":
        graph.observe("arrangement", arrangement, MKG.hasFeature, MKG.ClumpedOnRaisedPatch)
    elif arrangement is not None:
        graph.ignore("arrangement", arrangement, "no feature of the source matches")
    if profile.get("itchy") is True:
        graph.observe("itchy", True, MKG.hasFeature, MKG.Itch)
    elif "itchy" in profile:
        graph.ignore("itchy", False, "the ontology has no class for the absence of itching")
    return graph


def _age(graph: CaseGraph, profile: dict[str, Any]) -> None:
    years = profile.get("age_years")
    group = profile.get("age_group")
    if years is not None:
        derived = age_group(float(years))
        if group is not None and AGE_GROUP_CLASSES[group] != AGE_GROUP_CLASSES[derived]:
            raise CaseProfileError("age_group", f"{group!r} contradicts age_years {years} ({derived})")
        group = derived if group is None else group
    if group is None:
        if "sex" in profile:
            graph.ignore("sex", profile["sex"], "used only with an age (middle-aged women)")
        return
    name = "age_years" if years is not None else "age_group"
    graph.observe(name, years if years is not None else group, MKG.occursIn, AGE_GROUP_CLASSES[group])
    sex = profile.get("sex")
    if sex == "female" and AGE_GROUP_CLASSES[group] == MKG.Adult:
        middle = years is not None and MIDDLE_AGE[0] <= float(years) < MIDDLE_AGE[1]
        graph.observe("sex", sex, MKG.occursIn, MKG.MiddleAgedWoman if middle else MKG.Woman)
    elif sex is not None:
        graph.ignore("sex", sex, "the source names no population for it at this age")


def _skin_damage(graph: CaseGraph, profile: dict[str, Any]) -> None:
    if "preceding_skin_damage" not in profile:
        return
    kinds: Sequence[str] = profile["preceding_skin_damage"]
    if not kinds:  # stated absence: the open-world assertion primary milia are defined by
        graph.observe("preceding_skin_damage", [], MKG.notAssociatedWith, MKG.SkinDamage)
    for i, kind in enumerate(kinds):
        graph.observe(f"preceding_skin_damage[{i}]", kind, MKG.developsAfter, SKIN_DAMAGE_CLASSES[kind])


def _inherited(
    graph: CaseGraph, profile: dict[str, Any], resolve: Callable[[str, str, str], str],
) -> None:
    value = profile.get("inherited_disorder")
    if value is None:
        return
    if value is False:
        graph.ignore("inherited_disorder", False, "the ontology has no class for the absence of one")
        return
    disorder = MKG.InheritedDisorder if value is True else _resolved(
        graph, "inherited_disorder", value, "InheritedDisorder", resolve)
    if disorder is not None:
        graph.observe("inherited_disorder", value, MKG.associatedWith, disorder)


def _resolved(
    graph: CaseGraph, name: str, value: str, category: str, resolve: Callable[[str, str, str], str],
) -> str | None:
    """The class ``value`` names, or ``None`` with the field listed under ``ignored``: a site or disorder
    the graph does not know is valid input the ontology cannot use, not a reason to refuse the case."""
    try:
        return resolve(name, value, category)
    except CaseProfileError as error:
        graph.ignore(name, value, f"not used: {error.reason}")
        return None


def graph_resolver(
    resolve_label: Callable[[str, str], str], holds: Callable[[str, str, str], bool],
) -> Callable[[str, str, str], str]:
    """A ``resolve`` for :func:`case_graph`: ``resolve_label(query parameter kind, text)`` resolves
    like query parameters; the result must be a subclass of ``mkg:<category>`` by ``holds(s, p, o)``."""

    def resolve(name: str, value: str, category: str) -> str:
        try:
            iri = resolve_label(category, value)
        except ParameterError as error:
            offer = f"; expected one of: {', '.join(error.candidates)}" if error.candidates else ""
            raise CaseProfileError(name, f"{value!r}: {error.reason}{offer}") from None
        if not holds(iri, _SCO, vocab.MKG + category):
            raise CaseProfileError(name, f"{value!r} is not a kind of {category}")
        return iri

    return resolve
