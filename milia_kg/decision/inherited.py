"""Inherited disorders recognised from real diagnoses: a disease id (OMIM, ORPHA or MONDO) counts as an
inherited disorder when HPO's annotations give it a mode of inheritance (the aspect ``I`` rows of
phenotype.hpoa 2025-01-16, shipped as ``data/hpo/phenotype-inheritance.hpoa``; the modes that count
are in ``decision/data/inheritance-modes.tsv``), or when a Phenopacket's interpretation of that
disease names a pathogenic or likely pathogenic variant.

Each recognition carries its :class:`Evidence`, shown beside juvenile milia under ``to_consider``
(the page: juvenile milia are "commonly linked to an inherited disorder"), with what HPO's milia
annotations (``data/hpo/phenotype-milia.hpoa``) say of the same disease.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from milia_kg.base import resources
from milia_kg.base.records import FrozenRecord
from milia_kg.decision import codes

__all__ = ["PATHOGENIC", "Evidence", "attach", "from_annotations", "from_phenopacket", "interpretations_used",
           "is_disease_id", "read_profile"]

#: ACMG classifications of a Phenopacket VariantInterpretation that name a disease-causing variant.
PATHOGENIC = frozenset({"PATHOGENIC", "LIKELY_PATHOGENIC"})
_PREFIXES = ("OMIM:", "ORPHA:", "MONDO:")
_JUVENILE = "mkg:JuvenileMilia"


class Evidence(FrozenRecord):
    """Why a disorder counts as inherited: ``kind`` is ``hpo-annotation`` (``detail`` the mode of
    inheritance, ``reference`` HPO's citation) or ``variant`` (``detail`` the variant and its
    classification); ``milia`` is what HPO's milia annotations say of the disease, if anything."""

    _fields = ("disorder", "label", "kind", "detail", "reference", "milia")
    disorder: str
    label: str
    kind: str
    detail: str
    reference: str
    milia: str

    def __init__(self, disorder: str, label: str, kind: str, detail: str, reference: str, milia: str = "") -> None:
        self._set(disorder=disorder, label=label, kind=kind, detail=detail, reference=reference, milia=milia)

    def to_dict(self) -> dict[str, str]:
        return {key: value for key, value in self.__dict__.items() if value}


def is_disease_id(value: str) -> bool:
    """Whether ``value`` is a disease id this module reads (OMIM, ORPHA or MONDO CURIE).

    >>> is_disease_id("OMIM:311200"), is_disease_id("HP:0001056")
    (True, False)
    """
    return value.startswith(_PREFIXES) and len(value.partition(":")[2]) > 0


def _hpoa_rows(name: str) -> list[dict[str, str]]:
    import csv  # here, not at the top: a plain profile never reads HPO's tables (a cold classify's import)

    text = resources.data_dir().joinpath("hpo", name).read_text("utf-8")
    body = "".join(line for line in text.splitlines(True) if not line.startswith("#"))
    header = next(line for line in text.splitlines() if line.startswith("database_id"))
    return list(csv.DictReader(io.StringIO(header + "\n" + body), delimiter="\t", quoting=csv.QUOTE_NONE))


@functools.cache
def _modes() -> dict[str, tuple[str, bool]]:
    import csv  # as in _hpoa_rows

    text = resources.decision_table("inheritance-modes.tsv")
    rows = csv.DictReader(io.StringIO("".join(line for line in text.splitlines(True) if not line.startswith("#"))),
                          delimiter="\t")
    return {row["hpo_id"]: (row["label"], row["counts"] == "yes") for row in rows}


@functools.cache
def _inheritance() -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """Disease id -> (name, ((mode label, reference), ...)) for the modes that count."""
    modes = _modes()
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for row in _hpoa_rows("phenotype-inheritance.hpoa"):
        label, counts = modes.get(row["hpo_id"], ("", False))
        if counts and row["qualifier"] != "NOT":
            found.setdefault(row["database_id"], (row["disease_name"], []))[1].append(
                (f"{label} ({row['hpo_id']})", row["reference"]))
    return {key: (name, tuple(dict.fromkeys(modes_))) for key, (name, modes_) in found.items()}


@functools.cache
def _milia_annotations() -> dict[str, str]:
    said: dict[str, str] = {}
    for row in _hpoa_rows("phenotype-milia.hpoa"):
        shows = "does not show" if row["qualifier"] == "NOT" else "shows"
        frequency = f", frequency {row['frequency']}" if row["frequency"] else ""
        said[row["database_id"]] = f"HPO annotation: {shows} milia (HP:0001056){frequency} [{row['reference']}]"
    return said


def from_annotations(disorder: str, label: str = "") -> Evidence | None:
    """The evidence that ``disorder`` is inherited by HPO's mode-of-inheritance annotations, or ``None``.

    >>> from_annotations("OMIM:311200").detail
    'X-linked dominant inheritance (HP:0001423)'
    >>> from_annotations("OMIM:157400") is None or from_annotations("OMIM:157400").kind
    'hpo-annotation'
    """
    if not is_disease_id(disorder):
        return None
    found = _inheritance().get(disorder)
    if found is None:
        return None
    name, modes = found
    return Evidence(disorder, name or label, "hpo-annotation", "; ".join(mode for mode, _ in modes),
                    "; ".join(dict.fromkeys(ref for _, ref in modes)), _milia_annotations().get(disorder, ""))


def from_phenopacket(disorder: str, label: str, packet: dict[str, Any]) -> list[Evidence]:
    """The evidence that a Phenopacket's disease ``disorder`` is inherited: a pathogenic or likely
    pathogenic variant in an interpretation of that disease and HPO's mode of inheritance, each if
    there is one (empty: not recognised as inherited)."""
    if not is_disease_id(disorder):
        return []
    annotated = from_annotations(disorder, label)
    return [e for e in (_variant(disorder, label, packet), annotated) if e is not None]


def _variant(disorder: str, label: str, packet: dict[str, Any]) -> Evidence | None:
    for interpretation in packet.get("interpretations", []):
        diagnosis = interpretation.get("diagnosis", {})
        if diagnosis.get("disease", {}).get("id") != disorder:
            continue
        for genomic in diagnosis.get("genomicInterpretations", []):
            variant = genomic.get("variantInterpretation", {})
            classification = variant.get("acmgPathogenicityClassification", "")
            if classification in PATHOGENIC:
                detail = f"{classification.lower().replace('_', ' ')} variant {_variant_name(variant)}"
                where = f"Phenopacket interpretation {interpretation.get('id', '')}".strip()
                return Evidence(disorder, label, "variant", detail, where, _milia_annotations().get(disorder, ""))
    return None


def read_profile(profile: object) -> tuple[object, list[Evidence], list[dict[str, Any]]]:
    """A case profile whose ``inherited_disorder`` is a disease id (OMIM, ORPHA, MONDO): with HPO's mode
    of inheritance it becomes ``True`` with that evidence; without one it is dropped and listed as
    ignored.  Any other profile comes back unchanged: ``(profile, evidence, ignored)``."""
    if not isinstance(profile, dict) or not isinstance(profile.get("inherited_disorder"), str):
        return profile, [], []
    disorder = profile["inherited_disorder"]
    if not is_disease_id(disorder) or codes.mapped_classes(disorder):  # a milia-kg class: resolved as before
        return profile, [], []
    evidence = from_annotations(disorder)
    if evidence is not None:
        return {**profile, "inherited_disorder": True}, [evidence], []
    rest = {key: value for key, value in profile.items() if key != "inherited_disorder"}
    why = "HPO's annotations give this disease no mode of inheritance, so it is not known to be inherited"
    return rest, [], [{"field": "inherited_disorder", "value": disorder, "reason": why}]


def interpretations_used(packet: dict[str, Any], evidence: list[Evidence]) -> set[int]:
    """The indexes of the Phenopacket's interpretations whose variant is part of ``evidence``."""
    named = {e.disorder for e in evidence if e.kind == "variant"}
    return {i for i, interpretation in enumerate(packet.get("interpretations", []))
            if interpretation.get("diagnosis", {}).get("disease", {}).get("id") in named}


def _variant_name(variant: dict[str, Any]) -> str:
    descriptor = variant.get("variationDescriptor", {})
    gene = descriptor.get("geneContext", {}).get("symbol", "")
    hgvs = next((e.get("value", "") for e in descriptor.get("expressions", []) if e.get("syntax") == "hgvs.c"),
                str(descriptor.get("label", "")))
    named = " ".join(part for part in (gene, hgvs) if part)
    return named or str(descriptor.get("id") or descriptor.get("label") or "(unnamed)")


def attach(to_consider: list[dict[str, Any]], evidence: list[Evidence]) -> list[dict[str, Any]]:
    """``to_consider`` with the evidence of each inherited disorder named on juvenile milia's entry."""
    if not evidence:
        return to_consider
    disorders = [e.to_dict() for e in evidence]
    return [{**item, "disorders": disorders} if item.get("id") == _JUVENILE else item for item in to_consider]
