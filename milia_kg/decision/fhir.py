"""FHIR R4 resources, as an EHR sends them in a CDS Hooks ``prefetch``, read as a case profile.

What is read, and what it becomes (docs/decision-support.md has the table):

- ``Patient.birthDate`` (a full date) and the day of the call: ``age_years``; ``Patient.gender``: ``sex``;
- a ``Condition`` whose ``code`` has a coding that the mapping set equates with milia or one of its
  subtypes (SNOMED CT, HPO, MONDO, OMIM; no ICD-10-CM code is verified yet; :mod:`.codes`): the case has
  milia.  A subtype so coded is a stated diagnosis, not an observation: it is listed in ``ignored``
  (the ontology classifies from observations), the milia themselves still count;
- that Condition's ``bodySite`` codings or text: ``sites``; its ``onsetDateTime`` on the day of birth, or
  an ``onsetAge`` of zero: ``present_at_birth`` (any other onset is ignored with the reason);
- any other Condition coded as a disorder the HPO annotations give a mode of inheritance
  (:mod:`.inherited`): ``inherited_disorder``, with the evidence;
- a Condition coded as damage to the skin (a rash, a blister ...: the mapping set, then the branch of
  the graph the Phenopacket table names) whose ``onsetDateTime`` is a day before the milia's:
  ``preceding_skin_damage`` (the page: secondary milia develop after damage; the dates say it came first).

Conditions that are refuted, entered in error, or no longer active, and resources of another patient,
are ignored with the reason; so is anything unreadable.  Nothing is fetched: what the prefetch lacks
is simply not known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from milia_kg import vocab
from milia_kg.decision import codes, inherited, phenopacket
from milia_kg.errors import CaseProfileError

__all__ = ["FhirCase", "age_years", "graph_checks", "is_fhir", "read_document", "read_prefetch", "resources_of"]

_SEX = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
#: clinicalStatus codes of a Condition that still holds (FHIR R4 condition-clinical).
_ACTIVE = {"active", "recurrence", "relapse"}
#: verificationStatus codes under which a Condition is not a finding (FHIR R4 condition-ver-status).
_NOT_FINDING = {"refuted", "entered-in-error"}
_MILIA = "mkg:Milia"


@dataclass
class FhirCase:
    """The profile read from the prefetch (``milia`` false: no Condition records milia), what was
    ignored (path, value, reason) and the evidence for each inherited disorder found."""

    profile: dict[str, Any] = field(default_factory=dict)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    milia: bool = False
    evidence: list[inherited.Evidence] = field(default_factory=list)
    #: (path, onsetDateTime) of the Conditions that record milia, not at birth: read for the order of
    #: damage to the skin and milia.
    milia_onsets: list[tuple[str, str]] = field(default_factory=list)

    def ignore(self, path: str, value: Any, reason: str) -> None:
        self.ignored.append({"field": path, "value": value, "reason": reason})


def resources_of(prefetch: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, resource) for every resource in the prefetch, searchset Bundles opened."""
    for key, value in prefetch.items():
        if not isinstance(value, dict):
            continue
        if value.get("resourceType") == "Bundle":
            for i, entry in enumerate(value.get("entry") or []):
                if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                    yield f"prefetch.{key}.entry[{i}].resource", entry["resource"]
        else:
            yield f"prefetch.{key}", value


def age_years(birth: str, today: dt.date) -> float | None:
    """The age on ``today`` of someone born on ``birth`` (a FHIR date), in years of 365.25 days, as
    the Phenopacket reader counts; ``None`` when ``birth`` is not a full date (the age to the day
    decides newborn or infant).

    >>> age_years("2020-01-01", dt.date(2021, 1, 1))
    1.002053
    >>> age_years("1925", dt.date(2026, 1, 1)) is None
    True
    """
    try:
        born = dt.date.fromisoformat(birth) if len(birth) == 10 else None
    except ValueError:
        return None
    if born is None or born > today:
        return None
    return round((today - born).days / 365.25, 6)


def is_fhir(document: object) -> bool:
    """Whether a JSON value is a FHIR resource (a Bundle, Patient or Condition) rather than a profile.

    >>> is_fhir({"resourceType": "Bundle", "type": "collection"}), is_fhir({"age_years": 3})
    (True, False)
    """
    return isinstance(document, dict) and document.get("resourceType") in ("Bundle", "Patient", "Condition")


def graph_checks(
    holds: Callable[[str, str, str], bool], resolve: Callable[[str, str, str], str],
) -> tuple[Callable[[str], bool], Callable[[str, str], str | None], Callable[[str], str | None]]:
    """``(is_milia, site_of, damage_of)`` for :func:`read_prefetch`, from the graph's ``holds`` and
    ``resolve`` (those of :class:`milia_kg.decision.phenopacket.Graph`)."""
    milia = vocab.MKG + "Milia"
    sco = vocab.RDFS + "subClassOf"

    def damage_of(curie: str) -> str | None:
        """The ``preceding_skin_damage`` value of a milia-kg class: the most specific row of the
        Phenopacket table whose branch holds it."""
        iri = vocab.MKG + curie.removeprefix("mkg:")
        if not curie.startswith("mkg:"):
            return None
        rows = [r for r in phenopacket.mkg_terms() if r.field == "preceding_skin_damage" and holds(iri, sco, r.iri)]
        row = next((r for r in rows if all(holds(r.iri, sco, o.iri) for o in rows)), None)
        return str(row.value[0]) if row is not None and isinstance(row.value, list) and row.value else None

    def is_milia(curie: str) -> bool:
        iri = vocab.MKG + curie.removeprefix("mkg:")
        return curie.startswith("mkg:") and holds(iri, vocab.RDFS + "subClassOf", milia)

    def site_of(path: str, name: str) -> str | None:
        try:
            resolve(path, name, "AnatomicalSite")
        except CaseProfileError:
            return None
        return name

    return is_milia, site_of, damage_of


def read_document(
    document: dict[str, Any], today: dt.date, holds: Callable[[str, str, str], bool],
    resolve: Callable[[str, str, str], str],
) -> FhirCase:
    """Read a FHIR Bundle (or a single Patient or Condition) given to ``classify`` as a case: the patient
    is the Bundle's Patient (resources of another patient are ignored)."""
    if document.get("resourceType") == "Bundle" and not isinstance(document.get("entry", []), list):
        raise CaseProfileError("entry", "a FHIR Bundle's entry must be an array")
    prefetch = {"document": document}
    patients = [r for _, r in resources_of(prefetch) if r.get("resourceType") == "Patient"]
    patient_id = patients[0].get("id") if patients else None
    case = read_prefetch(prefetch, patient_id if isinstance(patient_id, str) else None, today,
                         *graph_checks(holds, resolve))
    for item in case.ignored:  # paths into the document itself
        item["field"] = str(item["field"]).removeprefix("prefetch.document").removeprefix(".") or "(the document)"
    return case


def read_prefetch(
    prefetch: dict[str, Any], patient_id: str | None, today: dt.date,
    is_milia: Callable[[str], bool], site_of: Callable[[str, str], str | None],
    damage_of: Callable[[str], str | None] = lambda curie: None,
) -> FhirCase:
    """Read a CDS Hooks ``prefetch`` (FHIR R4 resources) as a case profile.

    :param patient_id: ``context.patientId``: resources about another patient are ignored.
    :param is_milia: whether a milia-kg class (CURIE) is milia or one of its subtypes.
    :param site_of: ``site_of(path, text or CURIE)`` -> the CURIE of a body site of the graph, or ``None``.
    :param damage_of: the ``preceding_skin_damage`` value of a milia-kg class (CURIE), or ``None``.
    """
    out = FhirCase()
    birth: str | None = None
    conditions: list[tuple[str, dict[str, Any]]] = []
    for path, resource in resources_of(prefetch):
        kind = resource.get("resourceType")
        if kind == "Patient":
            if patient_id and resource.get("id") not in (None, patient_id):
                out.ignore(path, resource.get("id"), f"a Patient other than context.patientId {patient_id!r}")
                continue
            birth = _patient(resource, path, today, out)
        elif kind == "Condition":
            conditions.append((path, resource))
        else:
            article = "an" if str(kind)[:1] in "AEIOU" else "a"
            out.ignore(path, kind, f"{article} {kind} resource has no profile field" if kind else "not a FHIR resource")
    damage: list[tuple[str, dict[str, Any], str]] = []
    for path, condition in conditions:
        found = _condition(condition, path, patient_id, birth, is_milia, site_of, damage_of, out)
        if found is not None:
            damage.append((path, condition, found))
    if out.milia:
        _preceding(damage, out)
    return out


def _onset_day(condition: dict[str, Any]) -> str | None:
    value = condition.get("onsetDateTime")
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


def _preceding(damage: list[tuple[str, dict[str, Any], str]], out: FhirCase) -> None:
    """Damage to the skin counts as preceding the milia when its onset day is before every milia onset day."""
    days = [value[:10] for _, value in out.milia_onsets if len(value) >= 10]
    if not damage:
        for path, value in out.milia_onsets:
            out.ignore(path, value, "only an onset at birth has a profile field (present_at_birth); an age at onset"
                                    " is not the patient's age")
    for path, condition, value in damage:
        day = _onset_day(condition)
        if day is not None and days and day < min(days):
            out.profile.setdefault("preceding_skin_damage", [])
            if value not in out.profile["preceding_skin_damage"]:
                out.profile["preceding_skin_damage"].append(value)
        else:
            out.ignore(f"{path}.onsetDateTime", condition.get("onsetDateTime"), f"damage to the skin ({value}), but"
                       " no onset days show it began before the milia (onsetDateTime of both, to the day)")


def _patient(patient: dict[str, Any], path: str, today: dt.date, out: FhirCase) -> str | None:
    gender = patient.get("gender")
    if gender in _SEX:
        out.profile["sex"] = _SEX[gender]
    birth = patient.get("birthDate")
    if not isinstance(birth, str):
        return None
    years = age_years(birth, today)
    if years is None:
        out.ignore(f"{path}.birthDate", birth, "not a full date on or before the day of the call: the age"
                                               " to the day is not known")
        return None
    out.profile["age_years"] = years
    return birth


def _codings(element: Any) -> list[tuple[str, str]]:
    """(CURIE, display or code) of every coding of a CodeableConcept that milia-kg reads."""
    if not isinstance(element, dict):
        return []
    found = []
    for coding in element.get("coding") or []:
        if isinstance(coding, dict):
            curie = codes.coding_curie(str(coding.get("system", "")), str(coding.get("code", "")))
            if curie is not None:
                found.append((curie, str(coding.get("display") or coding.get("code"))))
    return found


def _status(condition: dict[str, Any], key: str) -> set[str]:
    element = condition.get(key)
    if not isinstance(element, dict):
        return set()
    return {str(c.get("code")) for c in element.get("coding") or [] if isinstance(c, dict)}


def _condition(
    condition: dict[str, Any], path: str, patient_id: str | None, birth: str | None,
    is_milia: Callable[[str], bool], site_of: Callable[[str, str], str | None],
    damage_of: Callable[[str], str | None], out: FhirCase,
) -> str | None:
    """Read one Condition into ``out``; the ``preceding_skin_damage`` value it names, if it is damage to
    the skin (whether it preceded the milia is decided once every Condition is read)."""
    subject = (condition.get("subject") or {}).get("reference")
    if patient_id and subject not in (None, f"Patient/{patient_id}"):
        out.ignore(f"{path}.subject", subject, f"a Condition of another patient than Patient/{patient_id}")
        return None
    if _status(condition, "verificationStatus") & _NOT_FINDING:
        out.ignore(path, condition.get("code"), "verificationStatus says it is refuted or entered in error")
        return None
    codings = _codings(condition.get("code"))
    damage = next((v for curie, _ in codings for cls in codes.mapped_classes(curie) if (v := damage_of(cls))), None)
    clinical = _status(condition, "clinicalStatus")
    if clinical and not clinical & _ACTIVE and damage is None:  # past damage still preceded the milia
        out.ignore(path, condition.get("code"), f"clinicalStatus {', '.join(sorted(clinical))}: not active")
        return None
    milia = [(curie, cls) for curie, _ in codings for cls in codes.mapped_classes(curie) if is_milia(cls)]
    if milia:
        out.milia = True
        for curie, cls in milia:
            if cls != _MILIA:
                out.ignore(f"{path}.code", curie, f"coded as {cls}, a stated diagnosis, not an observation: the"
                                                  " ontology classifies from observations")
        _sites(condition.get("bodySite"), f"{path}.bodySite", site_of, out)
        _onset(condition, path, birth, out)
        return None
    if damage is not None:
        return damage
    for curie, display in codings:
        evidence = inherited.from_annotations(curie, display)
        if evidence is not None:
            out.profile["inherited_disorder"] = True
            out.evidence.append(evidence)
            return None
    said = ", ".join(curie for curie, _ in codings) or "no coding milia-kg reads"
    unmapped = sorted({curie.split(":")[0] for curie, _ in codings} - codes.mapped_prefixes())
    why = f" (the mapping set has no verified {', '.join(unmapped)} code)" if unmapped else ""
    out.ignore(f"{path}.code", condition.get("code"), f"{said}: neither milia nor damage to the skin in the"
                                                      " mapping set, nor a disorder the HPO annotations give a mode"
                                                      f" of inheritance{why}")
    return None


def _sites(body_sites: Any, path: str, site_of: Callable[[str, str], str | None], out: FhirCase) -> None:
    for i, site in enumerate(body_sites or []):
        at = f"{path}[{i}]"
        names = [curie for curie, _ in _codings(site)]
        names += [cls for curie in names for cls in codes.mapped_classes(curie)]
        if isinstance(site, dict) and site.get("text"):
            names.append(str(site["text"]))
        found = next((s for s in (site_of(at, name) for name in names) if s is not None), None)
        if found is None:
            out.ignore(at, site, "names no body site of milia-kg's graph")
        else:
            out.profile.setdefault("sites", [])
            if found not in out.profile["sites"]:
                out.profile["sites"].append(found)


def _onset(condition: dict[str, Any], path: str, birth: str | None, out: FhirCase) -> None:
    for key in ("onsetDateTime", "onsetAge", "onsetPeriod", "onsetRange", "onsetString"):
        if key not in condition:
            continue
        value = condition[key]
        at_birth = (key == "onsetDateTime" and birth is not None and str(value)[:10] == birth) or (
            key == "onsetAge" and isinstance(value, dict) and value.get("value") == 0)
        if at_birth:
            out.profile["present_at_birth"] = True
        elif key == "onsetDateTime" and isinstance(value, str):
            out.milia_onsets.append((f"{path}.{key}", value))  # the order of damage and milia (_preceding)
        else:
            out.ignore(f"{path}.{key}", value, "only an onset at birth has a profile field (present_at_birth); an"
                                               " age at onset is not the patient's age")
