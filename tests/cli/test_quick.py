"""The quick path (issue 22): a plain ``query NAME``, ``classify FILE`` or ``build --out DIR`` runs without
click, and gives what the click command gives for the same arguments: the same output, error line and
exit code."""

from __future__ import annotations

import gc
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PYTHON, subprocess_env

from milia_kg.cli import commands, main, quick
from milia_kg.cli.quick import Plan
from milia_kg.reasoner import DEFAULT_REASONER

EN_PLAQUE = {"age_years": 52, "sex": "female", "sites": ["behind the ear"], "arrangement": "clustered on a raised patch"}


@pytest.mark.parametrize(("argv", "expected"), [
    (["query", "subtypes"], Plan("query", "subtypes", "table")),
    (["query", "subtypes", "--format", "json"], Plan("query", "subtypes", "json")),
    (["query", "-f", "csv", "body_sites", "-p", "condition=primary milia", "--wide"],
     Plan("query", "body_sites", "csv", {"condition": "primary milia"}, True)),
    (["query", "causes", "--param", " condition = juvenile milia"], Plan("query", "causes", "table",
                                                                         {"condition": " juvenile milia"})),
    (["query", "-"], Plan("query", "-", "table")),
    (["classify", "case.json"], Plan("classify", "case.json", "json")),
    (["classify", "--format", "cards", "-"], Plan("classify", "-", "cards")),
    (["build", "--out", "rel"], Plan("build", "rel", "text")),
    (["build", "--fresh", "--out", "new/rel", "--reasoner", "owlrl"],
     Plan("build", "new/rel", "text", fresh=True, reasoner="owlrl")),
], ids=["default-format", "json", "options-anywhere", "param-key-stripped", "dash-name", "classify", "classify-cards",
        "build", "build-fresh-owlrl"])
def test_plain_commands_are_read_without_click(argv: list[str], expected: Plan) -> None:
    assert quick.plan(argv) == expected


@pytest.mark.parametrize("argv", [
    [], ["--version"], ["queries"], ["sparql", "-"], ["query"], ["query", "a", "b"], ["query", "subtypes", "--help"],
    ["query", "subtypes", "-h"], ["query", "subtypes", "--format=json"], ["query", "subtypes", "-fjson"],
    ["query", "subtypes", "-f", "xml"], ["query", "subtypes", "-f", "json", "-f", "csv"], ["query", "subtypes", "-f"],
    ["query", "subtypes", "--engine", "rdflib"], ["query", "subtypes", "--store", "x"], ["query", "subtypes", "--"],
    ["query", "body_sites", "-p", "condition"], ["query", "body_sites", "-p", "a=1", "-p", "a=2"],
    ["query", "body_sites", "-p", "=x"], ["query", "body_sites", "-p", "site=\udcff"],
    ["classify", "case.json", "--jsonl"], ["classify", "case.json", "-f", "json"], ["classify", "case.json", "--format", "csv"],
    ["classify", "case.json", "--timeout", "5"],
    ["build"], ["build", "--fresh"], ["build", "--out"], ["build", "--out", ""], ["build", "--out=rel"],
    ["build", "--out", "--fresh"], ["build", "--out", "a", "--out", "b"], ["build", "--out", "rel", "extra"],
    ["build", "--out", "rel", "--reasoner", "hermit"], ["build", "--out", "rel", "--data-dir", "data"],
    ["build", "--out", "rel", "--ontology-dir", "ontology"], ["build", "--out", "rel", "--help"],
    ["build", "--out", __file__],
], ids=lambda argv: " ".join(argv).encode("ascii", "backslashreplace").decode() or "empty")
def test_anything_else_goes_to_click(argv: list[str]) -> None:
    assert quick.plan(argv) is None


def test_a_shell_completion_request_goes_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_MILIA_KG_COMPLETE", "bash_complete")
    assert quick.plan(["query", "subtypes"]) is None


def test_a_stream_that_is_not_utf8_goes_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    """click writes UTF-8 to a terminal of another encoding (PYTHONIOENCODING=ascii); print would fail."""
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert quick.plan(["query", "subtypes"]) is None


def test_the_defaults_it_assumes_are_the_click_commands() -> None:
    """The quick path runs with the engine, reasoner, limits and SERVICE list that click passes to the
    commands when no option is given."""
    query = commands.main.commands["query"].make_context("query", ["subtypes"]).params
    classify = commands.main.commands["classify"].make_context("classify", ["case.json"]).params
    assert query == {"name": "subtypes", "params": (), "fmt": "table", "wide": False, "engine": "oxigraph",
                     "endpoint": None, "graph": None, "reasoner": DEFAULT_REASONER, "merge": (),
                     "merge_timeout": 300.0, "merge_max_triples": None, "store": None, "timeout": 30.0,
                     "max_rows": 100_000, "allow_service": ()}
    assert classify == {"source": "case.json", "fmt": "json", "jsonl": False, "timeout": 300.0,
                        "reasoner": DEFAULT_REASONER}
    build = commands.main.commands["build"].make_context("build", ["--out", "rel"]).params
    assert build == {"out": Path("rel"), "fresh": False, "reasoner": DEFAULT_REASONER, "ontology_dir": None,
                     "data_dir": None}
    assert (quick.QUERY_TIMEOUT, quick.QUERY_MAX_ROWS, quick.CLASSIFY_TIMEOUT) == (30.0, 100_000, 300.0)


def _outcome(entry: object, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr; a CDS Hooks card's random ``uuid`` is blanked."""
    with pytest.raises(SystemExit) as done:
        entry(argv)  # type: ignore[operator]
    out, err = capsys.readouterr()
    return done.value.code or 0, re.sub(r'"uuid": "[0-9a-f-]{36}"', '"uuid": "-"', out), err


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("profiles")
    made = {"case": json.dumps(EN_PLAQUE), "bad": json.dumps({"age_years": -3}), "broken": "{not json",
            "unknown-site": json.dumps({"sites": ["elbow of the moon"]})}
    for name, text in made.items():
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return {name: str(folder / f"{name}.json") for name in [*made, "missing"]}


PARITY = [
    ["query", "subtypes", "-f", "json"],
    ["query", "subtypes"],
    ["query", "body_sites", "-p", "condition=primary milia", "-f", "csv"],
    ["query", "conditions_at_site", "--param", "site=nose", "--wide"],
    ["query", "treatments", "-p", "condition=milia en plaque", "-f", "tsv"],
    ["query", "nosuch"],
    ["query", "body_sites", "-p", "condition=no such condition"],
    ["query", "body_sites", "-p", "colour=red"],
    ["query", "body_sites"],
    ["classify", "{case}"],
    ["classify", "{case}", "--format", "text"],
    ["classify", "--format", "cards", "{case}"],
    ["classify", "{bad}"],
    ["classify", "{broken}"],
    ["classify", "{unknown-site}"],
    ["classify", "{missing}"],
]


@pytest.mark.parametrize("argv", PARITY, ids=[" ".join(a) for a in PARITY])
def test_the_quick_path_answers_as_click_does(argv: list[str], files: dict[str, str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    args = [a.format(**files) for a in argv]
    assert quick.plan(args) is not None
    via_click = _outcome(commands.main.main, args, capsys)
    assert _outcome(main, args, capsys) == via_click
    assert via_click[0] in (0, 2)
    assert (via_click[1] == "") == (via_click[0] != 0)  # an answer, or one error line
    assert via_click[0] == 0 or len(via_click[2].splitlines()) == 1


def test_a_case_is_answered_on_the_quick_path(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """The page's milia en plaque: "clumped together on a raised patch of skin", often behind the ears."""
    code, out, err = _outcome(main, ["classify", files["case"]], capsys)
    assert (code, err) == (0, "")
    assert [s["id"] for s in json.loads(out)["subtypes"]] == ["mkg:MiliaEnPlaque"]


@pytest.mark.parametrize(("where", "message"), [
    ("closed", "milia-kg: error: standard output is closed: the answer cannot be written"),
    ("full", "milia-kg: error: [Errno 28] No space left on device"),
], ids=["closed-stdout", "full-device"])
@pytest.mark.parametrize("argv", [["query", "subtypes"], ["classify", "-"]], ids=["query", "classify"])
def test_output_that_cannot_be_written_is_not_success(argv: list[str], where: str, message: str) -> None:
    """As tests/test_exit_codes.py asks of every command: exit 2 with one line, never a silent 0."""
    stdin = json.dumps(EN_PLAQUE)
    if where == "closed":
        done = subprocess.run([PYTHON, "-m", "milia_kg", *argv], input=stdin, preexec_fn=_close_stdout,
                              stderr=subprocess.PIPE, text=True, env=subprocess_env(), timeout=120)
    else:
        with Path("/dev/full").open("w") as full:
            done = subprocess.run([PYTHON, "-m", "milia_kg", *argv], input=stdin, stdout=full, stderr=subprocess.PIPE,
                                  text=True, env=subprocess_env(), timeout=120)
    assert (done.returncode, done.stderr.splitlines()) == (2, [message])


def _close_stdout() -> None:
    import os

    os.close(1)


@pytest.mark.parametrize("outcome", ["built", "invalid", "foreign"])
def test_build_on_the_quick_path_answers_as_click_does(outcome: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The same call of :func:`milia_kg.release.build.build` (a stand-in here: building is tested in
    tests/release), the same summary, the same report and error line for a failed validation (exit 1),
    the same refusal of a folder that is not a release (exit 2, before any work)."""
    from milia_kg.errors import ValidationError
    from milia_kg.release import build as build_module
    from milia_kg.release.validate import ValidationReport, ValidationResult

    out = tmp_path / "rel"
    calls = []
    report = ValidationReport([ValidationResult("missing-label", "mkg:Nose", "no rdfs:label")], ("missing-label",))

    def stand_in(folder: Path, reasoner: str, *, ontology_dir: Path | None = None, data_dir: Path | None = None,
                 reuse: bool = True) -> build_module.BuildSummary:
        calls.append((folder, reasoner, ontology_dir, data_dir, reuse, gc.get_threshold()))
        if outcome == "invalid":
            raise ValidationError(report)
        return build_module.BuildSummary(folder, 3, 2, {"mkg:Condition": 1}, ValidationReport(rules_run=("a", "b")),
                                         0.25, ("milia-kg.owl",))

    if outcome == "foreign":
        out.mkdir()
        (out / "notes.txt").write_text("mine", encoding="utf-8")
    else:
        monkeypatch.setattr(build_module, "build", stand_in)
    args = ["build", "--out", str(out), "--fresh", "--reasoner", "owlrl"]
    before = gc.get_threshold()
    assert quick.plan(args) is not None
    via_click = _outcome(commands.main.main, args, capsys)
    assert _outcome(main, args, capsys) == via_click
    expected = {
        "built": (0, f"milia-kg build: wrote 1 files to {out}\n  triples: 3 asserted, 2 inferred, 5 total\n"
                     "  entities by type: mkg:Condition 1\n  validation: passed (2 rules)\n  time: 0.2 s\n", ""),
        "invalid": (1, "", "validation failed: 1 problem\n  mkg:Nose: no rdfs:label [rule missing-label]\n"
                           "milia-kg: error: validation failed: 1 problem (rules: missing-label)\n"),
        "foreign": (2, "", f"milia-kg: error: {out}: not a milia-kg release (no .milia-kg-release) and not empty "
                           "(notes.txt); choose an empty or new folder\n"),
    }
    assert via_click == expected[outcome]
    # both paths build with fewer collections (issue 22), and give the caller its own settings back
    assert calls == ([] if outcome == "foreign" else [(out, "owlrl", None, None, False, (100_000, 50, 100))] * 2)
    assert gc.get_threshold() == before
