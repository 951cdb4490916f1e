"""One exit-code policy for every command: 0 ok, 1 a check failed, 2 bad input or usage.

Each command runs against the same bad inputs; every failure is exactly one line
``milia-kg: error: ...`` on stderr (a failed validation may print its report above it),
no traceback, nothing on stdout, and ``build`` leaves no ``--out`` folder behind.
In-process with click's runner, plus one child process for the real entry point.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PYTHON, copy_real_sources, subprocess_env

from milia_kg.cli import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, main

#: External files for ``--merge`` (name, content); all but ``clash.ttl`` are unusable input.
MERGE_FILES = {
    "broken.ttl": "@prefix x: <http://x.org/> .\nx:a x:b\n",
    "truncated.owl": (
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '         xmlns:owl="http://www.w3.org/2002/07/owl#">\n'
        '  <owl:Class rdf:about="http://example.org/A">\n'
    ),
    "obo-text.owl": "format-version: 1.2\nontology: ex\n\n[Term]\nid: EX:0000001\nname thing\n",
    "owl-xml.owl": (
        '<?xml version="1.0"?>\n'
        '<Ontology xmlns="http://www.w3.org/2002/07/owl#" ontologyIRI="http://example.org/o">\n'
        '    <Declaration><Class IRI="http://example.org/A"/></Declaration>\n'
        '    <SubClassOf><Class IRI="http://example.org/A"/><Class IRI="http://example.org/B"/>\n'
        "</Ontology>\n"
    ),
    "functional.owl": (
        "Prefix(:=<http://example.org/>)\nOntology(<http://example.org/o>\nDeclaration(Class(:A)\n)\n"
    ),
    "manchester.owl": "Prefix: : <http://example.org/>\nOntology: <http://example.org/o>\n",
    "empty.owl": "",
    # mkg:over-the-counter is an mkg:Availability; a class disjoint with it makes the union inconsistent.
    "clash.ttl": (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix mkg: <https://w3id.org/milia-kg/> .\n"
        "<http://example.org/Clash> a owl:Class ; owl:disjointWith mkg:Availability .\n"
        "mkg:over-the-counter a <http://example.org/Clash> .\n"
    ),
}

#: Each command with placeholders a case may override.
COMMANDS: dict[str, list[str]] = {
    "build": ["build", "--out", "{out}"],
    "validate": ["validate"],
    "queries": ["queries"],
    "query": ["query", "{query}"],
    "sparql": ["sparql", "{rq}"],
}
DEFAULTS = {"query": "subtypes", "rq": "{dir}/ok.rq"}
EMBEDDED = ("query", "sparql")  # the commands that take --engine, --endpoint and --merge
SOURCES = ("build", "validate")  # the commands that take --ontology-dir and --data-dir

#: case -> (commands, extra arguments, placeholder overrides, exit code, fragment of the message)
CASES: dict[str, tuple[tuple[str, ...], list[str], dict[str, str], int, str]] = {
    "unknown-query": (("query",), [], {"query": "subtype_sites"}, 2, "unknown query 'subtype_sites'"),
    "unknown-parameter": (("query",), ["-p", "colour=red"], {}, 2, "colour"),
    "bad-parameter-value": (("query",), ["-p", "site=nowhere at all"], {"query": "conditions_at_site"}, 2,
                            "'nowhere at all'"),
    "parameter-not-key-value": (("query",), ["-p", "site"], {"query": "conditions_at_site"}, 2, "KEY=VALUE"),
    "invalid-sparql": (("sparql",), [], {"rq": "{dir}/bad.rq"}, 2, "invalid SPARQL"),
    "missing-sparql-file": (("sparql",), [], {"rq": "{dir}/nope.rq"}, 2, "nope.rq"),
    "sparql-file-not-utf8": (("sparql",), [], {"rq": "{dir}/latin1.rq"}, 2, "not UTF-8"),
    "merge-malformed-turtle": (EMBEDDED, ["--merge", "{dir}/broken.ttl"], {}, 2, "broken.ttl:3:"),
    "merge-truncated-rdfxml": (EMBEDDED, ["--merge", "{dir}/truncated.owl"], {}, 2, "truncated.owl:5:"),
    "merge-bad-obo-named-owl": (EMBEDDED, ["--merge", "{dir}/obo-text.owl"], {}, 2, "obo-text.owl:6: not valid OBO"),
    "merge-bad-owl-xml": (EMBEDDED, ["--merge", "{dir}/owl-xml.owl"], {}, 2, "owl-xml.owl: not valid OWL/XML"),
    "merge-bad-functional-syntax": (EMBEDDED, ["--merge", "{dir}/functional.owl"], {}, 2,
                                    "functional.owl: not valid OWL functional syntax"),
    "merge-manchester-syntax": (EMBEDDED, ["--merge", "{dir}/manchester.owl"], {}, 2,
                                "manchester.owl: OWL Manchester syntax is not supported yet"),
    "merge-empty-file": (EMBEDDED, ["--merge", "{dir}/empty.owl"], {}, 2, "empty.owl: empty file"),
    "merge-missing-file": (EMBEDDED, ["--merge", "{dir}/absent.owl"], {}, 2, "absent.owl"),
    "merge-directory": (EMBEDDED, ["--merge", "{dir}"], {}, 2, "is a directory"),
    "merge-with-endpoint": (EMBEDDED, ["--merge", "{dir}/clash.ttl", "--endpoint", "{endpoint}"], {}, 2,
                            "--endpoint"),
    "inconsistent-union-merge": (EMBEDDED, ["--merge", "{dir}/clash.ttl"], {}, 1, "inconsistent graph"),
    "inconsistent-union-sources": (SOURCES, ["--data-dir", "{dir}/clash/data"], {}, 1, "inconsistent graph"),
    "validation-failure": (SOURCES, ["--ontology-dir", "{dir}/badquote/ontology", "--data-dir",
                                     "{dir}/badquote/data"], {}, 1, "validation failed"),
    "bad-sssom-row": (SOURCES, ["--data-dir", "{dir}/badrow/data"], {}, 1, "validation failed"),
    "missing-data-dir": (SOURCES, ["--data-dir", "{dir}/no-such-folder"], {}, 2, "does not exist"),
    "unknown-engine": (EMBEDDED, ["--engine", "jena"], {}, 2, "'--engine'"),
    "unknown-reasoner": (("build", "validate", "query", "sparql"), ["--reasoner", "hermit"], {}, 2,
                         "'--reasoner'"),
    "unknown-format": (("queries", "query", "sparql"), ["--format", "rdfxml"], {}, 2, "'--format'"),
    "unreachable-endpoint": (EMBEDDED, ["--endpoint", "{endpoint}"], {}, 2, "unreachable"),
    "unknown-option": (tuple(COMMANDS), ["--bogus"], {}, 2, "No such option '--bogus'"),
}

TABLE = [(command, case) for case, (commands, *_) in CASES.items() for command in commands]
PARAMS = [pytest.param(command, case, id=f"{command}-{case}") for command, case in TABLE]


def _free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The bad inputs on disk, and the values of the placeholders."""
    root = tmp_path_factory.mktemp("inputs")
    for name, text in MERGE_FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "ok.rq").write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    (root / "bad.rq").write_text("SELECT ?s WHERE { ?s ?p }\n", encoding="utf-8")
    (root / "latin1.rq").write_bytes("SELECT ?s WHERE { ?s ?p 'café' }\n".encode("latin-1"))
    _, data = copy_real_sources(root / "clash")
    (data / "clash.ttl").write_text(MERGE_FILES["clash.ttl"], encoding="utf-8")
    _, data = copy_real_sources(root / "badquote")
    facts = data / "facts.ttl"
    quote = 'mkg:quote "A milium is also known as a milk spot or an oil seed."'
    assert quote in facts.read_text(encoding="utf-8")
    facts.write_text(facts.read_text(encoding="utf-8").replace(quote, quote.replace("oil seed", "oil drop")),
                     encoding="utf-8")
    _, data = copy_real_sources(root / "badrow")
    sssom = data / "mappings.sssom.tsv"
    rows = sssom.read_text(encoding="utf-8").splitlines()
    index = next(i for i, row in enumerate(rows) if row.startswith("mkg:Jaw\t"))
    cells = rows[index].split("\t")
    cells[5] = ""  # no mapping_justification
    rows[index] = "\t".join(cells)
    sssom.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return {"dir": str(root), "endpoint": f"http://127.0.0.1:{_free_port()}/sparql"}


def _args(command: str, case: str, values: dict[str, str]) -> list[str]:
    _, extra, overrides, _, _ = CASES[case]
    fill = {**DEFAULTS, **overrides}
    args = [a.format(**{k: v.format(**values) for k, v in fill.items()}, **values) for a in COMMANDS[command]]
    return args + [a.format(**values) for a in extra]


def assert_one_error_line(stderr: str, stdout: str, fragment: str) -> None:
    """The policy's shape of a failure: one ``milia-kg: error:`` line, last on stderr, no traceback, no stdout."""
    errors = [line for line in stderr.splitlines() if line.startswith("milia-kg: error: ")]
    assert len(errors) == 1, stderr
    assert stderr.splitlines()[-1] == errors[0]
    assert fragment in errors[0], errors[0]
    assert "Traceback" not in stderr
    assert stdout == ""


@pytest.mark.parametrize(("command", "case"), PARAMS)
def test_exit_code(command: str, case: str, inputs: dict[str, str], tmp_path: Path) -> None:
    values = {**inputs, "out": str(tmp_path / "release")}
    result = CliRunner().invoke(main, _args(command, case, values))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == CASES[case][3], result.output
    assert_one_error_line(result.stderr, result.stdout, CASES[case][4])
    assert not (tmp_path / "release").exists()


def test_every_code_is_named() -> None:
    """The table uses only the codes the CLI defines."""
    assert {code for *_, code, _ in CASES.values()} == {EXIT_CHECK_FAILED, EXIT_BAD_INPUT}


@pytest.mark.parametrize(
    ("case", "code"), [("merge-truncated-rdfxml", 2), ("inconsistent-union-merge", 1)]
)
def test_real_entry_point(case: str, code: int, inputs: dict[str, str], tmp_path: Path) -> None:
    """``python -m milia_kg`` behaves as the in-process runner: same code, same one line."""
    process = subprocess.run(
        [PYTHON, "-m", "milia_kg", *_args("query", case, {**inputs, "out": str(tmp_path / "o")})],
        env=subprocess_env(MILIA_KG_CACHE_DIR=str(tmp_path / "cache")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == code, process.stderr
    assert_one_error_line(process.stderr, process.stdout, CASES[case][4])


@pytest.mark.parametrize(
    ("args", "fragment"), [([], "no command given"), (["frobnicate"], "No such command 'frobnicate'")]
)
def test_group_usage_errors(args: list[str], fragment: str) -> None:
    """Usage errors before any command: the same code and shape (the usage, if shown, goes above the error)."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_BAD_INPUT
    assert_one_error_line(result.stderr, result.stdout, fragment)


def _close_stdout() -> None:
    import os

    os.close(1)


@pytest.mark.parametrize(("where", "message"), [
    ("closed", "milia-kg: error: standard output is closed: the answer cannot be written"),
    ("full", "milia-kg: error: [Errno 28] No space left on device"),
], ids=["closed-stdout", "full-device"])
def test_output_that_cannot_be_written_is_not_success(where: str, message: str) -> None:
    """An answer lost on the way out is an error (exit 2, one line), never a silent exit 0."""
    if where == "closed":
        done = subprocess.run([PYTHON, "-m", "milia_kg", "queries"], preexec_fn=_close_stdout,
                              stderr=subprocess.PIPE, text=True, env=subprocess_env(), timeout=60)
    else:
        with open("/dev/full", "w") as full:
            done = subprocess.run([PYTHON, "-m", "milia_kg", "queries"], stdout=full, stderr=subprocess.PIPE,
                                  text=True, env=subprocess_env(), timeout=60)
    assert done.returncode == EXIT_BAD_INPUT
    assert done.stderr.splitlines() == [message]
