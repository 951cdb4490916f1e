"""Merges are kept as Oxigraph stores: built once (also under concurrent first calls), reopened after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from milia_kg.base import progress
from milia_kg.cli import main
from milia_kg.errors import StoreError
from milia_kg.merge import stamps, union
from milia_kg.merge import store as kept_store
from milia_kg.merge.store import MARKER, build_store, merge_key, open_merged, open_store
from milia_kg.merge.store import kept_store as keep
from milia_kg.query import header_cache

FIXTURES = Path(__file__).parents[1] / "fixtures"
OBO = FIXTURES / "obo-slice.obo"
REPO = Path(__file__).resolve().parents[2]
QUERY = ["query", "external_ancestors", "-p", "entity=eyelid", "-f", "json"]


def cli(*args: str, cache: Path) -> Result:
    return CliRunner().invoke(main, list(args), env={"MILIA_KG_CACHE_DIR": str(cache)})


@pytest.fixture(scope="module")
def eyelid() -> list[dict[str, object]]:
    from milia_kg import KnowledgeGraph

    return json.loads(json.dumps(KnowledgeGraph.from_graph(union.merged_graph([OBO])).query(
        "external_ancestors", entity="eyelid")))


def test_second_merge_opens_the_kept_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           eyelid: list[dict[str, object]]) -> None:
    first = cli(*QUERY, "--merge", str(OBO), cache=tmp_path)
    assert first.exit_code == 0, first.output
    calls: list[object] = []
    monkeypatch.setattr(union, "merged_graph", lambda *a, **k: calls.append(a))
    second = cli(*QUERY, "--merge", str(OBO), cache=tmp_path)
    assert second.exit_code == 0, second.output
    assert calls == []  # neither parsed nor reasoned again
    assert json.loads(first.stdout) == json.loads(second.stdout) == eyelid
    assert _stores(tmp_path) == [f"merged-fast-{merge_key([OBO])}"]


def _stores(folder: Path) -> list[str]:
    """What the cache folder holds besides the query layer's small files (parsed headers, resolved
    parameter values, remembered source keys, remembered checks: issue 22) and the packaged sources'
    asserted triples (:mod:`milia_kg.merge.asserted`)."""
    return [p.name for p in folder.iterdir()
            if p.name not in (header_cache.CACHE_FILE, "source-keys.json", stamps.MEMO_FILE)
            and not (p.name.startswith("resolved-") and p.suffix == ".json")
            and not p.name.startswith("asserted-fast-")]


@pytest.mark.parametrize("idle_days, removed", [(8, True), (1, False)])
def test_stores_of_other_code_are_removed_once_unused(
    idle_days: int, removed: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another installed version may share the cache: its stores go only after a week unused."""
    old = keep([OBO], directory=tmp_path)
    other = keep([FIXTURES / "obo-slice.json"], directory=tmp_path)
    for store in (old, other):
        when = time.time() - idle_days * 24 * 3600
        os.utime(store / MARKER, (when, when))
    real_key = kept_store.cache.source_key
    monkeypatch.setattr(kept_store.cache, "source_key", lambda reasoner: real_key(reasoner) + "-changed code")
    new = keep([OBO], directory=tmp_path)
    expected = {new.name} if removed else {new.name, old.name, other.name}
    assert new != old and {p.name for p in tmp_path.iterdir()} == expected


def test_key_is_the_inputs_content(tmp_path: Path) -> None:
    renamed = tmp_path / "copy-of-slice.txt"
    renamed.write_bytes(OBO.read_bytes())
    json_slice = FIXTURES / "obo-slice.json"
    assert merge_key([OBO, json_slice]) == merge_key([json_slice, renamed])
    changed = tmp_path / "changed.obo"
    changed.write_bytes(OBO.read_bytes().replace(b"name: eyelid", b"name: palpebra"))
    assert len({merge_key([OBO]), merge_key([changed]), merge_key([OBO], reasoner="owlrl"), merge_key([])}) == 4


def test_merge_out_then_store(tmp_path: Path, eyelid: list[dict[str, object]]) -> None:
    out = tmp_path / "hp-merge"
    built = cli("merge", str(OBO), "--out", str(out), cache=tmp_path / "cache")
    assert built.exit_code == 0, built.output
    meta = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert built.stdout == f"{out}: {meta['triples']} triples (fast closure of the graph and 1 file(s))\n"
    assert meta["inputs"] == [{"name": "obo-slice.obo", "sha256": kept_store._file_digest(OBO)}]
    assert built.stderr == ""  # no progress bar off a terminal
    for engine in ("oxigraph", "rdflib"):
        result = cli(*QUERY, "--store", str(out), "--engine", engine, cache=tmp_path / "cache")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == eyelid
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "hp-merge"]
    assert _stores(tmp_path / "cache") == []  # only the packaged sources' record in the cache, no temp folder
    assert len(open_store(out).graph) == meta["triples"]


def _not_store(tmp_path: Path, kind: str) -> Path:
    folder = tmp_path / "folder"
    folder.mkdir()
    if kind == "a-file":
        (tmp_path / "file").write_text("x")
        return tmp_path / "file"
    if kind == "stray-files":
        (folder / "notes.txt").write_text("x")
    if kind == "broken-marker":
        (folder / MARKER).write_text("{")
    if kind == "other-layout":
        (folder / MARKER).write_text('{"layout": 99}')
    return folder


@pytest.mark.parametrize(
    ("kind", "message"),
    [("empty", "not a milia-kg store (no milia-kg-store.json"), ("stray-files", "not a milia-kg store"),
     ("broken-marker", "unreadable milia-kg-store.json"), ("other-layout", "a store of another milia-kg version"),
     ("a-file", "is a file")],
)
def test_store_refuses_other_folders(kind: str, message: str, tmp_path: Path) -> None:
    path = _not_store(tmp_path, kind)
    result = cli(*QUERY, "--store", str(path), cache=tmp_path / "cache")
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("milia-kg: error: ") and message in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["merge", str(OBO), "--out", "{tmp}"], "already exists; give a new or empty folder to --out"),
     (["merge", "{tmp}/broken.obo", "--out", "{tmp}/new"], "broken.obo:4: not valid OBO"),
     ([*QUERY, "--store", "{tmp}", "--merge", str(OBO)], "--store is a merged graph already"),
     (["merge", "--out", "{tmp}/new"], "Missing argument 'FILE...'")],
)
def test_merge_and_store_bad_use(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "broken.obo").write_text("format-version: 1.4\n\n[Term]\nid HP:1\n")
    result = cli(*(a.replace("{tmp}", str(tmp_path)) for a in args), cache=tmp_path / "cache")
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr
    assert {p.name for p in tmp_path.iterdir()} <= {"broken.obo", "cache"}  # no store, no temporary folder left
    assert not (tmp_path / "cache").exists() or _stores(tmp_path / "cache") == []


def test_api(tmp_path: Path, eyelid: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch) -> None:
    path = keep([OBO], directory=tmp_path)
    assert keep([OBO], directory=tmp_path) == path
    assert json.loads(json.dumps(open_store(path).query("external_ancestors", entity="eyelid"))) == eyelid
    with pytest.raises(StoreError):
        build_store([OBO], path)
    with pytest.raises(StoreError, match="not a milia-kg store"):
        open_store(tmp_path)
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(tmp_path / "cache"))
    assert json.loads(json.dumps(open_merged([OBO], engine="rdflib").query("external_ancestors", entity="eyelid"))) == eyelid
    assert _stores(tmp_path / "cache") == [path.name]


@pytest.mark.slow
def test_concurrent_first_calls_build_one_whole_store(tmp_path: Path, eyelid: list[dict[str, object]]) -> None:
    env = {**os.environ, "MILIA_KG_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "milia_kg", *QUERY, "--merge", str(OBO)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err.decode()
        assert json.loads(out) == eyelid and err == b""
    folder = tmp_path / "cache"
    store = folder / f"merged-fast-{merge_key([OBO])}"
    assert _stores(folder) == [store.name]  # no temporary folder, lock removed
    meta = json.loads((store / MARKER).read_text(encoding="utf-8"))
    assert meta["triples"] is None  # a store of the cache is not counted (merge --out's is)
    assert len(open_store(store).graph) > 0


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with progress.steps(2, "merge") as step:
        step("parsing hp.obo")
        step("reasoning")
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with progress.steps(2, "merge") as step:
        step("parsing hp.obo")
        step("reasoning")
    err = capsys.readouterr().err
    assert "merge: parsing hp.obo: 0/2" in err and "merge: reasoning: 1/2" in err


def test_cli_is_wired() -> None:
    assert isinstance(main.commands["merge"], click.Command)
