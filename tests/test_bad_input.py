"""Bad input gives one line on stderr and exit 2; a failed check gives a report (on stderr) and exit 1.

The CLI is tested in-process with click's runner, plus once in a child process to
see the real stderr (no traceback).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PYTHON, subprocess_env

from milia_kg.cli import main

#: id -> (folder, file, text appended to it, the parser's complaint, error line counted from the first new line)
MALFORMED = {
    "data-unterminated-string": ("data", "facts.ttl", 'mkg:Nose rdfs:label "nose .\n', "newline found in string", 0),
    "data-missing-dot": ("data", "facts.ttl", "mkg:Nose a owl:Class\nmkg:Jaw a owl:Class .\n", "dot is expected", 1),
    "data-unbound-prefix": ("data", "facts.ttl", "mkg:Nose a foo:Bar .\n", "prefix foo: has not been declared", 0),
    "ontology-garbage": ("ontology", "milia-kg.ttl", "this is not turtle\n", "not a valid subject", 0),
    "ontology-new-file": ("ontology", "extra.ttl", "@prefix ex: <http://ex.org/> .\nex:a ex:b\n", "Unexpected end", 2),
    "data-no-final-newline": ("data", "extra.ttl", "@prefix ex: <http://ex.org/> .\nex:a ex:b", "Unexpected end", 1),
}


def _break(sources: tuple[Path, Path], case: str) -> tuple[Path, int]:
    """Append the malformed text of ``case``; return the file and the line the error must be reported on."""
    ontology, data = sources
    folder, name, text, _, offset = MALFORMED[case]
    path = (ontology if folder == "ontology" else data) / name
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")
    return path, before.count("\n") + 1 + offset


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("milia-kg: error: ")
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("command", ["build", "validate"])
def test_malformed_turtle(case: str, command: str, tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    path, line_number = _break(mini_sources, case)
    ontology, data = mini_sources
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "build" else []
    result = _invoke(command, *extra, "--ontology-dir", str(ontology), "--data-dir", str(data))
    assert result.exit_code == 2
    line = _one_line_error(result.stderr)
    location = line.removeprefix("milia-kg: error: ").split(": ", 1)[0]
    file, _, number = location.rpartition(":")
    assert Path(file) == path
    assert int(number) == line_number
    assert MALFORMED[case][3] in line
    assert not out.exists()


def test_malformed_turtle_in_real_sources(tmp_path: Path, real_sources_copy: tuple[Path, Path]) -> None:
    path, line = _break(real_sources_copy, "data-unterminated-string")
    ontology, data = real_sources_copy
    result = _invoke("validate", "--ontology-dir", str(ontology), "--data-dir", str(data))
    assert result.exit_code == 2
    assert f"{path}:{line}: " in _one_line_error(result.stderr)


def test_malformed_turtle_subprocess(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    path, _line = _break(mini_sources, "data-missing-dot")
    ontology, data = mini_sources
    out = tmp_path / "out"
    process = subprocess.run(
        [PYTHON, "-m", "milia_kg", "build", "--out", str(out), "--ontology-dir", str(ontology), "--data-dir", str(data)],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
    )
    assert process.returncode == 2
    assert _one_line_error(process.stderr).startswith(f"milia-kg: error: {path}:")
    assert process.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize(
    ("turtle", "entity", "rule"),
    [
        ('mkg:Nose a owl:Class ; skos:definition "The nose."@en .', "mkg:Nose", "mkgsh:TermShape-label"),
        ("mkg:Gel a owl:Class ; rdfs:subClassOf mkg:Medication ; "
         'rdfs:label "gel"@en ; skos:definition "A gel."@en .', "mkg:Gel", "mkgsh:MedicationShape-availability"),
        ('mkg:Nose a owl:Class ; rdfs:label "face"@en ; skos:definition "The nose."@en .', "mkg:Nose", "duplicate-label"),
    ],
    ids=["no-label", "medication-no-availability", "duplicate-label"],
)
@pytest.mark.parametrize("command", ["build", "validate"])
def test_validation_failure(
    command: str, turtle: str, entity: str, rule: str, tmp_path: Path, mini_sources: tuple[Path, Path]
) -> None:
    ontology, data = mini_sources
    with (data / "facts.ttl").open("a", encoding="utf-8") as f:
        f.write(turtle + "\n")
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "build" else []
    result = _invoke(command, *extra, "--ontology-dir", str(ontology), "--data-dir", str(data))
    assert result.exit_code == 1
    *report, error = result.stderr.splitlines()  # the report is a diagnostic: stderr, above the error line
    assert [line for line in report if entity in line and f"[rule {rule}]" in line], result.stderr
    assert "validation failed" in _one_line_error(error)
    assert result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "No such option"),
        (["build"], "Missing option '--out'"),
        (["build", "--out", "x", "--reasoner", "hermit"], "Invalid value for '--reasoner'"),
        (["validate", "--data-dir", "/nonexistent/milia"], "does not exist"),
        (["frobnicate"], "No such command"),
    ],
    ids=["unknown-option", "missing-out", "bad-reasoner", "missing-dir", "unknown-command"],
)
def test_usage_errors(args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _invoke(*args)
    assert result.exit_code == 2
    assert message in _one_line_error(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_out_is_a_file(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    ontology, data = mini_sources
    out = tmp_path / "release"
    out.write_text("not a folder", encoding="utf-8")
    result = _invoke("build", "--out", str(out), "--ontology-dir", str(ontology), "--data-dir", str(data))
    assert result.exit_code == 2
    _one_line_error(result.stderr)
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_help_and_version() -> None:
    assert _invoke("--help").exit_code == 0
    result = _invoke("--version")
    assert result.exit_code == 0 and "0.1.0" in result.stdout
