"""A GA4GH Phenopacket v2 as a case profile: detected by its content, checked with the ``phenopackets``
package's protobuf classes, and mapped to the profile fields by the HPO table shipped beside this
module (``data/phenopacket-hpo.tsv``) and, where HPO has no term, by milia-kg's own classes
(``data/phenopacket-mkg.tsv``).

Only what has a documented meaning for a profile field is mapped: the subject's age at the last
encounter (an ISO 8601 duration) and sex; the milia feature (HP:0001056), which must be present; its
congenital onset (present at birth) and its modifiers in the table; pruritus; a disease the mapping set
equates with an inherited disorder.  Everything else is listed in the result's ``ignored`` with its
JSON path and why, never dropped silently.  A stated diagnosis (e.g. OMIM:157400) is not an
observation, so it classifies nothing: the ontology classifies from observations.

milia-kg's terms count as Phenopacket v2 lets any ontology count: as a CURIE of a resource that
``metaData.resources`` declares with milia-kg's IRI prefix (or as the full IRI, when a resource
declares that prefix).  Each row of the milia-kg table names a branch of the graph (a class and its
subclasses, read from the reasoned graph) and the positions in which it counts; a term of another
branch, or in another position, is ignored with the reason.  UBERON body sites in the modifiers of
milia resolve through the graph's verified mappings, as the ``sites`` of a profile do.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from milia_kg import vocab
from milia_kg.base import resources
from milia_kg.decision import codes, inherited
from milia_kg.decision.documents import is_phenopacket
from milia_kg.errors import CaseProfileError

MILIA = "HP:0001056"
#: Phenopacket v2 ``Sex`` -> the profile's ``sex``.
SEX = {"FEMALE": "female", "MALE": "male", "OTHER_SEX": "other", "UNKNOWN_SEX": "unknown"}
#: What the ontology cannot use, by top-level key or subject key: why it is ignored.
_WHY = {
    "measurements": "measurements have no profile field",
    "biosamples": "biosamples have no profile field",
    "interpretations": "an interpretation without a pathogenic or likely pathogenic variant of a disease in"
                       " diseases has no profile field",
    "medicalActions": "treatments given have no profile field",
    "files": "files are not read",
    "metaData": "document metadata, not an observation",
    "subject.id": "an identifier of the subject; the case id is the Phenopacket's id",
    "subject.alternateIds": "identifiers of the subject",
    "subject.dateOfBirth": "the age is taken from subject.timeAtLastEncounter",
    "subject.vitalStatus": "vital status has no profile field",
    "subject.karyotypicSex": "karyotypic sex has no profile field (subject.sex is used)",
    "subject.gender": "gender identity has no profile field (subject.sex is used)",
    "subject.taxonomy": "milia-kg is about humans; the taxonomy adds nothing",
}
_YEAR_DAYS = 365.25
_SCO = vocab.RDFS + "subClassOf"
#: Where a milia-kg term can stand (the ``where`` of its table), in words.
_POSITIONS = {"onset": "the onset of the milia feature", "modifier": "a modifier of the milia feature",
              "feature": "the type of a phenotypicFeature"}


@dataclass(frozen=True)
class Term:
    """One row of the HPO table: where the term counts and the profile field and value it sets."""

    hpo_id: str
    hpo_label: str
    where: str
    field: str
    value: Any
    excluded: Any
    why: str


@dataclass(frozen=True)
class MkgTerm:
    """One row of the milia-kg table: a branch of the graph (the class ``iri`` and its subclasses), the
    positions where it counts, and the profile field and value it sets (``None``: the term itself)."""

    iri: str
    where: frozenset[str]
    field: str
    value: Any
    excluded: Any
    why: str


@dataclass(frozen=True)
class Graph:
    """What reading milia-kg's own terms asks of the reasoned graph: whether a triple holds (subclass
    axioms), a class's label, and the resolution of a body site as a query parameter's
    (``resolve(field, value, category)``, raising :class:`CaseProfileError`)."""

    holds: Callable[[str, str, str], bool]
    label: Callable[[str], str]
    resolve: Callable[[str, str, str], str]


@dataclass
class Conversion:
    """A Phenopacket's case profile, what was ignored (JSON path, value, reason), and which JSON path
    each profile field came from (so the ignored fields of the profile point into the Phenopacket)."""

    profile: dict[str, Any] = field(default_factory=dict)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)
    #: whether milia (HP:0001056) is recorded as present; if not, :attr:`why_not` says what was found.
    milia: bool = True
    why_not: str = ""
    #: the evidence for each disease read as an inherited disorder.
    evidence: list[inherited.Evidence] = field(default_factory=list)

    def set(self, name: str, value: Any, path: str) -> None:
        """Set a profile field (appending to a list field) and remember where it came from.

        :raises CaseProfileError: when the Phenopacket contradicts itself: another value for a field
            already set, or kinds of skin damage beside the stated absence of any (an empty list).
        """
        old = self.profile.get(name)
        if name in self.profile and (value == [] or old == []) and value != old:
            raise CaseProfileError(path, f"contradicts {self.origin[name]}: {name} {old!r} and {value!r}")
        if isinstance(value, list):
            self.profile.setdefault(name, []).extend(value)
        elif name in self.profile and old != value:
            raise CaseProfileError(path, f"contradicts {self.origin[name]}: {name} {old!r} and {value!r}")
        else:
            self.profile[name] = value
        self.origin.setdefault(name, path)

    def ignore(self, path: str, value: Any, reason: str) -> None:
        self.ignored.append({"field": path, "value": value, "reason": reason})


def _table(name: str) -> list[dict[str, Any]]:
    """The rows of a table shipped beside this module, ``value`` and ``excluded`` read as JSON."""
    text = resources.decision_table(name)
    rows = csv.DictReader(io.StringIO("".join(line for line in text.splitlines(True) if not line.startswith("#"))),
                          delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{**row, **{key: json.loads(row[key]) if row[key] else None for key in ("value", "excluded")}}
            for row in rows]


@functools.cache
def terms() -> dict[str, Term]:
    """The HPO table, read once from the package: HPO id -> :class:`Term`."""
    return {row["hpo_id"]: Term(row["hpo_id"], row["hpo_label"], row["where"], row["field"], row["value"],
                                row["excluded"], row["why"])
            for row in _table("phenopacket-hpo.tsv")}


@functools.cache
def mkg_terms() -> tuple[MkgTerm, ...]:
    """The milia-kg table, read once from the package."""
    return tuple(MkgTerm(vocab.MKG + row["mkg_class"].removeprefix("mkg:"), frozenset(row["where"].split()),
                         row["field"], row["value"], row["excluded"], row["why"])
                 for row in _table("phenopacket-mkg.tsv"))


class _Vocabulary:
    """How the term ids of one Phenopacket are read beyond the HPO table: milia-kg's own terms, by the
    prefixes its ``metaData.resources`` declares and the branches of the graph, and UBERON body sites.
    The graph is asked for only when such a term occurs."""

    def __init__(self, packet: dict[str, Any], graph: Callable[[], Graph]) -> None:
        self.prefixes = {str(r.get("namespacePrefix", "")): str(r.get("iriPrefix", ""))
                         for r in packet.get("metaData", {}).get("resources", [])}
        self._graph = graph
        self._loaded: Graph | None = None

    @property
    def graph(self) -> Graph:
        if self._loaded is None:
            self._loaded = self._graph()
        return self._loaded

    def iri(self, term_id: str) -> str | None:
        """The milia-kg IRI a term id names (``None``: not milia-kg's).

        :raises _Refused: for a milia-kg term the Phenopacket does not declare as such.
        """
        declared = f"metaData.resources to declare milia-kg (namespacePrefix 'mkg', iriPrefix {vocab.MKG!r})"
        if term_id.startswith(vocab.MKG):
            if vocab.MKG not in self.prefixes.values():
                raise _Refused(f"the IRI of a milia-kg term counts only with {declared}")
            return term_id
        prefix, colon, local = term_id.partition(":")
        if not colon or local.startswith("//"):
            return None
        if prefix in self.prefixes and self.prefixes[prefix] == vocab.MKG:
            return vocab.MKG + local
        if prefix != "mkg":
            return None
        if prefix in self.prefixes:
            raise _Refused(f"metaData.resources declares the prefix 'mkg' with iriPrefix {self.prefixes[prefix]!r},"
                           f" not milia-kg's {vocab.MKG!r}: not a milia-kg term")
        raise _Refused(f"a milia-kg term counts only with {declared}")

    def term(self, term_id: str, where: str) -> tuple[MkgTerm, str] | None:
        """The row a milia-kg term counts by in this position, and the term's CURIE (``None``: not a
        milia-kg term).

        :raises _Refused: for one not declared, not in the graph, or of a branch that does not count here.
        """
        iri = self.iri(term_id)
        if iri is None:
            return None
        curie, holds = vocab.shorten(iri), self.graph.holds
        if not holds(iri, _SCO, iri):
            raise _Refused(f"{curie} is not a class of milia-kg's graph")
        fits = {w: [row for row in mkg_terms() if w in row.where and holds(iri, _SCO, row.iri)] for w in _POSITIONS}
        row = next((r for r in fits[where] if all(holds(r.iri, _SCO, o.iri) for o in fits[where])), None)
        if row is not None:
            return row, curie
        named = f"{curie} ({self.graph.label(iri)})"
        elsewhere = [_POSITIONS[w] for w in _POSITIONS if fits[w]]
        if elsewhere:
            raise _Refused(f"{named} counts only as {' or '.join(elsewhere)}, not as {_POSITIONS[where]}")
        roots = ", ".join(vocab.shorten(r.iri) for r in mkg_terms() if where in r.where)
        raise _Refused(f"{named} is in no branch of milia-kg that counts as {_POSITIONS[where]} ({roots})")

    def why_not_excluded(self, row: MkgTerm, curie: str) -> str:
        """Why an excluded feature of this row is ignored, naming the broader branch whose exclusion counts."""
        broader = [vocab.shorten(r.iri) for r in mkg_terms() if "feature" in r.where and r.excluded is not None
                   and r is not row and self.graph.holds(row.iri, _SCO, r.iri)]
        instead = f"; exclude {' or '.join(broader)} to state the absence of any" if broader else ""
        return f"excluded; the profile has no field for the absence of {curie} alone{instead}"

    def replaced_site(self, term_id: str, path: str) -> str | None:
        """A former milia-kg site IRI (``mkg:Forehead``: deprecated, replaced by its UBERON term, issue 20)
        as the UBERON site that replaced it, as a profile's ``sites`` resolve it (``None``: not one)."""
        iri = self.iri(term_id)
        if iri is None:
            return None
        try:
            resolved = self.graph.resolve(path, term_id, "AnatomicalSite")
        except CaseProfileError:
            return None
        return vocab.shorten(resolved) if resolved != iri and resolved.startswith(vocab.OBO) else None

    def site(self, term_id: str, path: str) -> str | None:
        """A UBERON body site resolved through the graph's mappings, as a profile's ``sites`` are
        (``None``: not a UBERON id).

        :raises _Refused: when it names no body site of the graph.
        """
        if not term_id.startswith("UBERON:"):
            return None
        try:
            self.graph.resolve(path, term_id, "AnatomicalSite")
        except CaseProfileError as error:
            raise _Refused(f"not a body site of milia-kg: {error.reason}") from None
        return term_id


class _Refused(Exception):
    """A milia-kg (or UBERON) term that does not count where it stands; the message is the reason."""


def read(document: object, graph: Callable[[], Graph]) -> tuple[object, Conversion | None]:
    """``(profile, conversion)`` for a Phenopacket, ``(document, None)`` for anything else (a profile).

    :param graph: gives the graph milia-kg's own terms are read by (called only for a Phenopacket that
        carries one): the caller's, so that this module never reaches back into :mod:`.api`.
    """
    if not is_phenopacket(document):
        return document, None
    assert isinstance(document, dict)
    conversion = convert(document, graph)
    return conversion.profile, conversion


def ignored(conversion: Conversion | None, case_ignored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The result's ``ignored``: the Phenopacket's, then the profile's with each field renamed to the
    Phenopacket path it came from."""
    if conversion is None:
        return case_ignored
    renamed = [{**item, "field": conversion.origin.get(str(item["field"]), item["field"])} for item in case_ignored]
    return conversion.ignored + renamed


def convert(document: dict[str, Any], graph: Callable[[], Graph]) -> Conversion:
    """Check a Phenopacket v2 (JSON object) and map it to a case profile.

    :param graph: as for :func:`read`.
    A valid Phenopacket that excludes milia (HP:0001056) or does not record them gives a conversion
    whose :attr:`Conversion.milia` is false: an answer ("not recorded"), not an error.

    :raises CaseProfileError: naming the JSON path, for a malformed Phenopacket or one that
        contradicts itself.
    """
    packet = _check(document)
    terms_of = _Vocabulary(packet, graph)
    out = Conversion()
    if packet.get("id"):
        out.set("id", packet["id"], "id")
    for key, value in packet.items():
        if key in _WHY:
            for path, item in _items(key, value):
                out.ignore(path, item, _WHY[key])
    _subject(packet.get("subject", {}), out)
    _features(packet.get("phenotypicFeatures", []), terms_of, out)
    if not out.milia:
        return out
    _diseases(packet.get("diseases", []), out, packet)
    used = {f"interpretations[{i}]" for i in inherited.interpretations_used(packet, out.evidence)}
    out.ignored = [item for item in out.ignored if item["field"] not in used]
    if set(out.profile) <= {"id"}:
        raise CaseProfileError("", "the Phenopacket records milia but nothing a profile field takes (age, sex,"
                                   " onset, modifiers or features of the HPO table); a case must say something")
    return out


def _items(path: str, value: Any) -> list[tuple[str, Any]]:
    return [(f"{path}[{i}]", item) for i, item in enumerate(value)] if isinstance(value, list) else [(path, value)]


def _check(document: dict[str, Any]) -> dict[str, Any]:
    """The Phenopacket as the protobuf classes read it (JSON names, defaults dropped)."""
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    try:
        message = json_format.ParseDict(document, Phenopacket())
    except json_format.ParseError as error:
        raise CaseProfileError(*_parse_error(str(error))) from None
    packet: dict[str, Any] = json_format.MessageToDict(message)
    version = packet.get("metaData", {}).get("phenopacketSchemaVersion", "")
    if not version.startswith("2"):
        raise CaseProfileError("metaData.phenopacketSchemaVersion",
                               f"Phenopacket v2 expected, got {version or 'none'!r}")
    return packet


def _parse_error(message: str) -> tuple[str, str]:
    """(JSON path, reason) from protobuf's nested ``Failed to parse X field: ...`` message, one line."""
    path: list[str] = []
    rest = message.splitlines()[0]
    while (match := re.match(r"Failed to parse (\w+) field: (.*)", rest)) is not None:
        path.append(match[1])
        rest = match[2]
    where = re.search(r'at "?Phenopacket\.([\w.\[\]]+?)"?\.*$', rest)  # protobuf's own path, with indexes
    if where is not None:
        path = [where[1]]
    named = re.match(r'Message type "[\w.]+" has no field named "([^"]+)"', rest)
    if named is not None:
        return ".".join([*path, named[1]]), "unknown field of a Phenopacket v2"
    rest = re.sub(r"\s+at (Phenopacket[\w.\[\]]*|\"[^\"]*\")\.*$", "", rest).rstrip(".")
    return ".".join(path), f"not a valid Phenopacket v2: {rest}"


def _subject(subject: dict[str, Any], out: Conversion) -> None:
    for key, value in subject.items():
        path = f"subject.{key}"
        if key == "sex":
            out.set("sex", SEX[value], path)
        elif key == "timeAtLastEncounter" and set(value) == {"age"}:
            out.set("age_years", _years(value["age"]["iso8601duration"], f"{path}.age.iso8601duration"),
                    f"{path}.age.iso8601duration")
        elif key == "timeAtLastEncounter":
            out.ignore(path, value, "only an age (an ISO 8601 duration) gives the profile's age")
        else:
            out.ignore(path, value, _WHY.get(path, "no profile field"))


def _years(duration: str, path: str) -> float:
    """An ISO 8601 duration in years (a year of 365.25 days, a month of a twelfth of a year)."""
    import isodate

    shown = duration if len(duration) <= 40 else duration[:37] + "..."
    try:
        parsed = isodate.parse_duration(duration)
        if isinstance(parsed, isodate.Duration):
            years = (float(parsed.years) + float(parsed.months) / 12
                     + parsed.tdelta.total_seconds() / 86400 / _YEAR_DAYS)
        else:
            years = parsed.total_seconds() / 86400 / _YEAR_DAYS
    except (isodate.ISO8601Error, ValueError):
        raise CaseProfileError(path, f"{shown!r} is not an ISO 8601 duration") from None
    except OverflowError:  # P<400 nines>D: more days than a timedelta or a float holds
        raise CaseProfileError(path, f"{shown!r} is too long a duration for an age") from None
    if not math.isfinite(years):
        raise CaseProfileError(path, f"{shown!r} is too long a duration for an age")
    if years < 0:
        raise CaseProfileError(path, f"{duration!r} is a negative age")
    return round(years, 6)


def _features(features: list[dict[str, Any]], terms_of: _Vocabulary, out: Conversion) -> None:
    table = terms()
    milia = [i for i, f in enumerate(features) if _id(f, "type") == MILIA]
    present = [i for i in milia if not features[i].get("excluded")]
    if not present:
        out.milia = False
        out.why_not = f"the Phenopacket {'excludes' if milia else 'does not record'} milia ({MILIA})"
        return
    if len(milia) > 1:
        raise CaseProfileError(f"phenotypicFeatures[{milia[1]}]", f"milia ({MILIA}) is recorded more than once")
    for i, feature in enumerate(features):
        path = f"phenotypicFeatures[{i}]"
        term = table.get(_id(feature, "type"))
        if i in milia:
            _milia(feature, path, terms_of, out)
        elif term is not None and term.where == "feature":
            _feature(feature, path, term.hpo_label, term.field, (term.value, term.excluded), out)
        elif term is not None and term.where == "unused":
            out.ignore(path, feature, f"{term.hpo_label}: {term.why}")
        elif term is not None:
            out.ignore(path, feature, f"{term.hpo_label} counts only as the {term.where} of the milia feature"
                                      f" ({MILIA}), where it says what it says of the milia")
        else:
            try:
                found = terms_of.term(_id(feature, "type"), "feature")
            except _Refused as refused:
                out.ignore(path, feature, str(refused))
                continue
            if found is not None and feature.get("excluded") and found[0].excluded is None:
                out.ignore(path, feature, terms_of.why_not_excluded(found[0], found[1]))
            elif found is not None:
                row, curie = found
                _feature(feature, path, curie, row.field, (row.value, row.excluded), out)
            else:
                what = "an excluded feature" if feature.get("excluded") else "a feature"
                out.ignore(path, feature, f"{what} with no profile field (not in the HPO table)")


def _feature(feature: dict[str, Any], path: str, name: str, field: str, values: tuple[Any, Any],
             out: Conversion) -> None:
    """A phenotypicFeature of its own: ``values`` are what its presence and its exclusion set."""
    value = values[1] if feature.get("excluded") else values[0]
    if value is None:
        out.ignore(path, feature, "excluded; the profile has no field for its absence")
    else:
        out.set(field, value, f"{path}.type")
    for key in sorted(set(feature) - {"type", "excluded"}):
        out.ignore(f"{path}.{key}", feature[key], f"only the presence of {name} is used")


def _id(element: dict[str, Any], key: str) -> str:
    return str(element.get(key, {}).get("id", ""))


def _milia(feature: dict[str, Any], path: str, terms_of: _Vocabulary, out: Conversion) -> None:
    table = terms()
    for key, value in feature.items():
        where = f"{path}.{key}"
        if key == "type":
            continue
        if key == "onset":
            term = table.get(value.get("ontologyClass", {}).get("id", ""))
            if term is not None and term.where == "onset":
                out.set(term.field, term.value, f"{where}.ontologyClass")
            elif not _mkg(value.get("ontologyClass", {}).get("id", ""), "onset", f"{where}.ontologyClass",
                          value, terms_of, out):
                out.ignore(where, value, "only a congenital onset (HP:0003577: present at birth) or an onset"
                                         " pattern of milia-kg's table has a profile field; the age at onset is"
                                         " not the patient's age")
        elif key == "modifiers":
            for j, modifier in enumerate(value):
                term = table.get(modifier["id"])
                at = f"{where}[{j}]"
                if term is not None and term.where == "modifier":
                    out.set(term.field, term.value, at)
                elif not _mkg(modifier["id"], "modifier", at, modifier, terms_of, out):
                    out.ignore(at, modifier, "a modifier with no profile field (not in the HPO table)")
        else:
            out.ignore(where, value, f"no profile field for the {key} of the milia")


def _mkg(term_id: str, where: str, path: str, value: Any, terms_of: _Vocabulary, out: Conversion) -> bool:
    """Map a milia-kg term (or a UBERON body site, as a modifier) of the milia feature; ``False`` when
    the id is neither, so the caller says why it is ignored."""
    try:
        replaced = terms_of.replaced_site(term_id, path) if where == "modifier" else None
        found = terms_of.term(term_id, where) if replaced is None else None
        site = replaced or (terms_of.site(term_id, path) if found is None and where == "modifier" else None)
    except _Refused as refused:
        out.ignore(path, value, str(refused))
        return True
    if found is not None:
        row, curie = found
        out.set(row.field, [curie] if row.value is None else row.value, path)
    elif site is not None:
        out.set("sites", [site], path)
    return found is not None or site is not None


@functools.cache
def _milia_annotations() -> dict[str, tuple[str, bool]]:
    """Disease id -> (name, annotated NOT) from HPO's milia annotations (``data/hpo/phenotype-milia.hpoa``)."""
    from milia_kg.formats.hpoa_table import split_header

    text = resources.data_dir().joinpath("hpo", "phenotype-milia.hpoa").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(split_header(text)[1]), delimiter="\t")
    annotated = {row["database_id"]: (row["disease_name"], row["qualifier"] == "NOT")
                 for row in rows if row["hpo_id"] == MILIA}
    return annotated


def _diseases(diseases: list[dict[str, Any]], out: Conversion, packet: dict[str, Any]) -> None:
    annotated = _milia_annotations()
    for i, disease in enumerate(diseases):
        path = f"diseases[{i}]"
        term = _id(disease, "term")
        if disease.get("excluded"):
            out.ignore(path, disease, "an excluded disease; the profile has no field for its absence")
            continue
        subjects = codes.mappings_of(term)
        evidence = inherited.from_phenopacket(term, str(disease.get("term", {}).get("label", "")), packet)
        if evidence and not subjects:
            out.set("inherited_disorder", True, f"{path}.term")
            out.evidence.extend(evidence)
            for key in sorted(set(disease) - {"term"}):
                out.ignore(f"{path}.{key}", disease[key], "only the disease itself is used")
            continue
        if any(subject == "mkg:InheritedDisorder" for subject, _ in subjects):
            out.set("inherited_disorder", True, f"{path}.term")
            for key in sorted(set(disease) - {"term"}):
                out.ignore(f"{path}.{key}", disease[key], "only the disease itself is used")
        elif subjects:
            said = ", ".join(f"{p} {s}" for s, p in subjects)
            out.ignore(path, disease, f"{term} is a stated diagnosis ({said}), not an observation; the ontology"
                                      " classifies from observations")
        elif term in annotated:
            name, negated = annotated[term]
            shows = "does not show" if negated else "shows"
            out.ignore(path, disease, f"HPO's annotations say {name} {shows} milia; a Phenopacket disease does not"
                                      " say whether it is inherited, and no definition in the ontology uses it")
        else:
            out.ignore(path, disease, f"{term} is not in milia-kg's mappings or HPO's milia annotations")
