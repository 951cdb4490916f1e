"""oaklib (``runoak``) as a client of the release: the recipes of docs/merging-and-linking.md.

Each recipe runs ``runoak``'s own command (in-process through click, as ``runoak`` would; one test
starts the installed ``runoak`` script) on the OBO product through the pronto adapter and on the
OWL file through oaklib's RDF adapter, and on the semsql SQLite product through oaklib's sqlite adapter. Expected answers written from the seed page and
data/mappings.sssom.tsv.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

SUBTYPES = {"mkg:PrimaryMilia", "mkg:SecondaryMilia", "mkg:NeonatalMilia", "mkg:JuvenileMilia",
            "mkg:MiliaEnPlaque", "mkg:MultipleEruptiveMilia"}
#: sqlite: milia-kg.db, semsql's schema filled from the release (issue 20, item 6; milia_kg.release.semsql_product)
INPUTS = {"pronto-obo": "pronto:{out}/milia-kg.obo", "owl": "{out}/milia-kg.owl", "sqlite": "sqlite:{out}/milia-kg.db"}


def runoak(release: tuple[Path, object], adapter: str, *args: str) -> str:
    """The output of ``runoak -i INPUT ARGS...``; a failure fails the test with oaklib's message."""
    import warnings

    from click.testing import CliRunner
    from oaklib.cli import main

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = CliRunner().invoke(main, ["-i", INPUTS[adapter].format(out=release[0]), *args])
    assert result.exit_code == 0, f"runoak {' '.join(args)}: {result.output}{result.exception!r}"
    return result.output


def _tsv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


@pytest.mark.slow
@pytest.mark.parametrize("adapter", sorted(INPUTS))
def test_ancestors_of_a_subtype(release, adapter: str) -> None:
    rows = _tsv(runoak(release, adapter, "ancestors", "-p", "i", "mkg:PrimaryMilia"))
    assert {r["id"] for r in rows} == {"mkg:PrimaryMilia", "mkg:Milia", "mkg:Condition"}


@pytest.mark.slow
@pytest.mark.parametrize("adapter", sorted(INPUTS))
def test_descendants_are_the_six_subtypes(release, adapter: str) -> None:
    """The page names six kinds of milia."""
    out = runoak(release, adapter, "descendants", "-p", "i", "mkg:Milia")
    assert {line.split(" ! ")[0] for line in out.splitlines()} == SUBTYPES | {"mkg:Milia"}


@pytest.mark.slow
@pytest.mark.parametrize("adapter", sorted(INPUTS))
def test_definition_of_a_subtype(release, adapter: str) -> None:
    rows = _tsv(runoak(release, adapter, "definitions", "mkg:PrimaryMilia"))
    assert [(r["id"], r["definition"]) for r in rows] == [
        ("mkg:PrimaryMilia", "A kind of milia not associated with damage to the skin; they can occur in children or adults.")
    ]


@pytest.mark.slow
@pytest.mark.parametrize("adapter", sorted(INPUTS))
def test_aliases_of_a_subtype(release, adapter: str) -> None:
    """"Another name for secondary milia is traumatic milia.\""""
    rows = _tsv(runoak(release, adapter, "aliases", "mkg:SecondaryMilia"))
    assert {(r["pred"], r["alias"]) for r in rows} == {
        ("rdfs:label", "secondary milia"), ("oio:hasExactSynonym", "traumatic milia")
    }


@pytest.mark.slow
@pytest.mark.parametrize("adapter", sorted(INPUTS))
def test_mappings_of_a_subtype(release, adapter: str) -> None:
    """data/mappings.sssom.tsv: mkg:PrimaryMilia skos:broadMatch HP:0001056 (Milia)."""
    rows = _tsv(runoak(release, adapter, "mappings", "mkg:PrimaryMilia", "-O", "csv"))
    assert {(r["predicate_id"], r["object_id"], r["object_label"]) for r in rows} == {
        ("skos:broadMatch", "HP:0001056", "Milia")
    }


@pytest.mark.slow
def test_the_runoak_script_runs(release) -> None:
    script = Path(sys.executable).parent / "runoak"
    done = subprocess.run([str(script), "-i", f"pronto:{release[0]}/milia-kg.obo", "definitions", "mkg:Milia"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _tsv(done.stdout)[0]["definition"] == (
        "Small, white or whitish cysts on the skin that form when dead skin cells get trapped under the skin."
    )
