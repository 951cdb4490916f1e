"""Every catalogue query gives the full answer the seed holds, on every engine, through API and CLI.

Expected answers live in ``expected/catalogue_answers.yaml``: one case per row, entity columns given
by their English label, literal columns by value. They were written from the seed, sentence by sentence,
except for cases with ``merge:`` (files, relative to the repository, merged into the graph first), whose
answers come from those files (``associated_disorders``: HPO's annotations, data/hpo/phenotype-milia.hpoa).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from milia_kg import KnowledgeGraph, load_catalogue
from milia_kg.merge.union import merged_graph

REPO = Path(__file__).resolve().parents[2]
CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parents[1] / "expected" / "catalogue_answers.yaml").read_text(encoding="utf-8")
)
ENGINES = ("oxigraph", "rdflib")


def _readable(rows: list[dict[str, Any]], columns: list[str]) -> list[list[Any]]:
    """Rows as lists of labels (entity columns) or values (literal columns), sorted."""
    table = [[(row.get(f"{c}_label") or row[c]) if row[c] is not None else None for c in columns] for row in rows]
    return sorted(table, key=lambda r: [str(x) for x in r])


def test_every_catalogue_query_has_an_expected_answer() -> None:
    assert {case["query"] for case in CASES} >= set(load_catalogue())


CONDITIONS = ("milia", "neonatal milia", "primary milia", "secondary milia", "juvenile milia", "milia en plaque",
              "multiple eruptive milia")


def test_every_scoped_question_is_answered_for_milia_and_each_subtype_with_and_without_general() -> None:
    """Issue 18: the table covers each question with a condition parameter x milia and each subtype x
    the default and general=false."""
    scoped = sorted(name for name, query in load_catalogue().items() if query.param("general"))
    assert len(scoped) == 10
    have = {(c["query"], c["params"].get("condition"), c["params"].get("general", True)) for c in CASES}
    missing = [(q, c, g) for q in scoped for c in CONDITIONS for g in (True, False) if (q, c, g) not in have]
    assert missing == []


def _open(case: dict[str, Any], engine: str = "oxigraph") -> KnowledgeGraph:
    if case.get("merge"):
        return KnowledgeGraph.from_graph(merged_graph([REPO / name for name in case["merge"]]), engine=engine)
    return KnowledgeGraph.open(engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_full_answer(case: dict[str, Any], engine: str) -> None:
    kg = _open(case, engine)
    rows = kg.query(case["query"], **case["params"])
    assert _readable(rows, case["columns"]) == case["rows"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_cli_json_equals_api(case: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from milia_kg.cli import main

    args = ["query", case["query"], "--format", "json"]
    for key, value in case["params"].items():
        args += ["--param", f"{key}={str(value).lower() if isinstance(value, bool) else value}"]
    for name in case.get("merge", []):
        args += ["--merge", str(REPO / name)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    api_rows = _open(case).query(case["query"], **case["params"])
    assert json.loads(result.output) == json.loads(json.dumps(api_rows, default=str))
