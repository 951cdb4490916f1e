"""``milia-kg build``: the artifacts, determinism and atomic replacement of --out."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import rdflib
from conftest import PYTHON, subprocess_env
from rdflib.compare import isomorphic
from rdflib.namespace import VOID

from milia_kg.errors import MiliaKGError, RDFSyntaxError, ValidationError
from milia_kg.release.build import ARTIFACTS, BuildSummary, build
from milia_kg.release.owl_product import owl_triples

#: artifact -> rdflib parser format (None: not RDF)
FORMATS = {
    "milia-kg-asserted.ttl": "turtle",
    "milia-kg-inferred.ttl": "turtle",
    "milia-kg-reasoned.ttl": "turtle",
    "milia-kg.owl": "xml",
    "milia-kg.jsonld": "json-ld",
    "milia-kg.nt": "nt",
    "void.ttl": "turtle",
    "context.jsonld": None,
    "prefixes.json": None,
    "milia-kg.obo": None,
    "milia-kg.json": None,
}


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def mini_release(tmp_path: Path, mini_sources: tuple[Path, Path]) -> tuple[Path, BuildSummary]:
    ontology, data = mini_sources
    out = tmp_path / "out"
    return out, build(out, ontology_dir=ontology, data_dir=data)


def test_formats_cover_the_artifacts() -> None:
    assert set(FORMATS) == set(ARTIFACTS)


@pytest.mark.parametrize("name", sorted(ARTIFACTS))
def test_mini_artifact_present_and_parses(name: str, mini_release: tuple[Path, BuildSummary]) -> None:
    out, summary = mini_release
    path = out / name
    assert path.is_file() and path.stat().st_size > 0
    assert name in summary.files
    if name.endswith(".obo"):
        import fastobo

        assert len(fastobo.load(str(path))) > 0
    elif FORMATS[name] is None:
        assert json.loads(path.read_text(encoding="utf-8"))
    else:
        assert len(rdflib.Graph().parse(path, format=FORMATS[name])) > 0


def test_mini_artifacts_agree(mini_release: tuple[Path, BuildSummary]) -> None:
    out, summary = mini_release
    asserted = rdflib.Graph().parse(out / "milia-kg-asserted.ttl")
    inferred = rdflib.Graph().parse(out / "milia-kg-inferred.ttl")
    reasoned = rdflib.Graph().parse(out / "milia-kg-reasoned.ttl")
    assert len(asserted) == summary.triples_asserted
    assert len(inferred) == summary.triples_inferred
    assert len(reasoned) == summary.triples_total
    owl = rdflib.Graph()
    for triple in owl_triples(asserted):  # one ontology, DL-clean (tests/release/test_owl_api.py)
        owl.add(triple)
    assert isomorphic(owl, rdflib.Graph().parse(out / "milia-kg.owl", format="xml"))
    assert isomorphic(reasoned, rdflib.Graph().parse(out / "milia-kg.nt", format="nt"))
    assert isomorphic(reasoned, rdflib.Graph().parse(out / "milia-kg.jsonld", format="json-ld"))
    nt_lines = (out / "milia-kg.nt").read_text(encoding="utf-8").splitlines()
    assert nt_lines == sorted(nt_lines)


def test_void_describes_the_release(mini_release: tuple[Path, BuildSummary]) -> None:
    out, summary = mini_release
    void = rdflib.Graph().parse(out / "void.ttl")
    dataset = rdflib.URIRef("https://w3id.org/milia-kg/dataset")
    assert int(void.value(dataset, VOID.triples)) == summary.triples_total
    subsets = {str(s).rsplit("/", 1)[-1]: int(void.value(s, VOID.triples)) for s in void.objects(dataset, VOID.subset)}
    assert subsets == {"asserted": summary.triples_asserted, "inferred": summary.triples_inferred}
    assert void.value(dataset, rdflib.DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(void.value(dataset, rdflib.OWL.versionInfo)) == "0.1.0"
    assert rdflib.URIRef("https://w3id.org/milia-kg/source-page") in set(void.objects(dataset, rdflib.DCTERMS.source))


def test_prefix_map_is_valid_for_curies(mini_release: tuple[Path, BuildSummary]) -> None:
    import curies

    out, _ = mini_release
    prefixes = json.loads((out / "prefixes.json").read_text(encoding="utf-8"))
    converter = curies.Converter.from_prefix_map(prefixes)
    assert converter.compress("https://w3id.org/milia-kg/Milia") == "mkg:Milia"
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["mkg"] == "https://w3id.org/milia-kg/"


def test_no_timestamps(mini_release: tuple[Path, BuildSummary]) -> None:
    import datetime

    out, _ = mini_release
    today = datetime.date.today().isoformat()
    for name, content in _files(out).items():
        assert today.encode() not in content, f"{name} contains today's date"


def test_summary_text(mini_release: tuple[Path, BuildSummary]) -> None:
    _, summary = mini_release
    text = summary.text()
    for fragment in ("asserted", "inferred", "entities by type", "mkg:Condition", "validation: passed", "time:"):
        assert fragment in text


@pytest.mark.slow
def test_mini_build_is_byte_identical_across_processes(
    tmp_path: Path, mini_sources: tuple[Path, Path], mini_release: tuple[Path, BuildSummary]
) -> None:
    ontology, data = mini_sources
    first, _ = mini_release
    second = tmp_path / "second"
    args = ["-m", "milia_kg", "build", "--out", str(second), "--ontology-dir", str(ontology), "--data-dir", str(data),
            "--fresh"]  # from the sources, not the release kept in the cache
    subprocess.run([PYTHON, *args], check=True, cwd=tmp_path, env=subprocess_env(PYTHONHASHSEED="12345"))
    assert _files(first) == _files(second)
    build(second, ontology_dir=ontology, data_dir=data, reuse=False)  # rebuilding in place: same bytes again
    assert _files(first) == _files(second)


# ---------------------------------------------------------------- atomicity


def test_failed_build_leaves_out_absent(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    ontology, data = mini_sources
    with (data / "facts.ttl").open("a", encoding="utf-8") as f:
        f.write('mkg:Nose a owl:Class ; skos:definition "no label"@en .\n')
    out = tmp_path / "nested" / "out"
    with pytest.raises(ValidationError) as caught:
        build(out, ontology_dir=ontology, data_dir=data)
    assert "mkg:Nose" in caught.value.report.text()
    assert not out.exists()
    assert not list(tmp_path.glob("**/.out.tmp-*"))


@pytest.mark.parametrize("breakage", ["syntax", "validation"])
def test_failed_build_leaves_previous_build_untouched(
    breakage: str, mini_sources: tuple[Path, Path], mini_release: tuple[Path, BuildSummary]
) -> None:
    ontology, data = mini_sources
    out, _ = mini_release
    before = _files(out)
    with (data / "facts.ttl").open("a", encoding="utf-8") as f:
        f.write("mkg:Nose a owl:Class ;;; .\n" if breakage == "syntax" else "mkg:Nose a owl:Class .\n")
    with pytest.raises((RDFSyntaxError, ValidationError)):
        build(out, ontology_dir=ontology, data_dir=data)
    assert _files(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_out_with_foreign_files_is_refused(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    ontology, data = mini_sources
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(MiliaKGError, match="not a milia-kg release"):
        build(out, ontology_dir=ontology, data_dir=data)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


# ---------------------------------------------------------------- the real graph


@pytest.mark.slow
def test_real_release(release: tuple[Path, BuildSummary]) -> None:
    out, summary = release
    assert set(ARTIFACTS) <= set(_files(out))
    assert summary.validation.conforms
    assert summary.triples_asserted > 1000 and summary.triples_inferred > 0
    reasoned = rdflib.Graph().parse(out / "milia-kg.nt", format="nt")
    assert len(reasoned) == summary.triples_total
    if (Path(__file__).parents[2] / "data" / "mappings.sssom.tsv").exists():
        assert (out / "mappings.sssom.tsv").is_file()


@pytest.mark.slow
def test_real_build_is_byte_identical(tmp_path: Path, release: tuple[Path, BuildSummary]) -> None:
    first, _ = release
    second = tmp_path / "second"
    done = subprocess.run(
        [PYTHON, "-m", "milia_kg", "build", "--out", str(second), "--fresh"],  # not the kept copy
        check=True,
        cwd=tmp_path,
        env=subprocess_env(PYTHONHASHSEED="4242"),
        capture_output=True,
        text=True,
    )
    # the quick path ends the process without the interpreter's teardown: the summary was flushed first
    assert done.stdout.startswith(f"milia-kg build: wrote {len(_files(second)) - 1} files to ") and not done.stderr
    different = sorted(name for name, content in _files(second).items() if _files(first).get(name) != content)
    assert not different


# ---------------------------------------------------------------- release details

#: suffix -> the registered media type a DCAT distribution of that file must declare
EXPECTED_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".owl": "application/rdf+xml",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".tsv": "text/tab-separated-values",
    ".obo": "text/obo",  # not IANA-registered: the type the OBO Foundry serves .obo files with
    ".db": "application/vnd.sqlite3",  # IANA-registered for SQLite 3 databases
}


def _used_prefixes(path: Path) -> dict[str, str | None]:
    """The CURIE prefixes an artifact declares or uses: prefix -> namespace (``None`` if not declared)."""
    import re

    import yaml

    text = path.read_text(encoding="utf-8")
    found: dict[str, str | None] = {}
    if path.suffix == ".ttl":
        found.update(re.findall(r"^@prefix\s+([\w.-]*):\s*<([^>]*)>", text, re.MULTILINE))
    elif path.suffix == ".owl":
        found.update(re.findall(r'xmlns:([\w.-]+)="([^"]*)"', text))
        found.pop("xml", None)
    elif path.suffix == ".jsonld" or path.name == "prefixes.json":  # not schemas/*.json (JSON Schema)
        data = json.loads(text)
        context = data.get("@context", data) if path.name != "prefixes.json" else data
        found.update({k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")})
    elif path.suffix == ".tsv":
        header = "\n".join(line[1:] for line in text.splitlines() if line.startswith("#"))
        found.update(yaml.safe_load(header)["curie_map"])
        body = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
        for row in body[1:]:
            for cell, column in zip(row, body[0], strict=True):
                if column.endswith("_id") or column == "mapping_justification":
                    found.setdefault(cell.split(":", 1)[0], None)
    # CURIE-valued literals (sssom:object_id "SNOMEDCT:...") in the RDF artifacts
    for prefix in re.findall(r'object_id[">\s:]+"?([A-Za-z][\w.-]*):', text):
        found.setdefault(prefix, None)
    return found


@pytest.mark.slow
def test_every_prefix_used_is_in_prefixes_json(release: tuple[Path, BuildSummary]) -> None:
    out, _ = release
    prefixes = json.loads((out / "prefixes.json").read_text(encoding="utf-8"))
    # milia-kg.db is SQLite, with its own prefix table (tests/release/test_semsql_product.py)
    used = {str(p.relative_to(out)): _used_prefixes(p) for p in sorted(out.rglob("*")) if p.is_file() and p.suffix != ".db"}
    assert {"SNOMEDCT", "UMLS", "MESH", "semapv"} <= set(used["mappings.sssom.tsv"])
    missing = {
        name: sorted(f"{p} {ns}" for p, ns in found.items() if p not in prefixes or ns not in (None, prefixes[p]))
        for name, found in used.items()
    }
    assert {name: m for name, m in missing.items() if m} == {}


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_release_modes_follow_the_umask(umask: int, tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    import os
    import stat

    ontology, data = mini_sources
    out = tmp_path / "out"
    old = os.umask(umask)
    try:
        build(out, ontology_dir=ontology, data_dir=data)
    finally:
        os.umask(old)
    modes = {str(p.relative_to(out)): stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    expected = {name: (0o777 if (out / name).is_dir() else 0o666) & ~umask for name in modes}
    assert modes == expected


@pytest.mark.slow
def test_void_media_types_by_suffix(release: tuple[Path, BuildSummary]) -> None:
    out, summary = release
    void = rdflib.Graph().parse(out / "void.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    declared = {
        str(d).split("/release/0.1.0/", 1)[1]: str(void.value(d, dcat.mediaType))
        for d in void.subjects(rdflib.RDF.type, dcat.Distribution)
    }
    assert set(declared) == set(summary.files) >= {"mappings.sssom.tsv", "imports/obo-import.ttl"}
    assert declared == {name: EXPECTED_MEDIA_TYPES[Path(name).suffix] for name in declared}


@pytest.mark.parametrize("writer", ["_write", "_write_in_child"])
@pytest.mark.parametrize("valid", [True, False])
def test_validation_beside_writing_wins_over_a_writer_error(
    valid: bool, writer: str, tmp_path: Path, mini_sources: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation runs in a forked child while the parent writes the products (``_write``); the child
    writes its products (``_write_in_child``) only once validation passes. When validation and a
    writer both fail, the build reports the validation failure; when only a writer fails, its error;
    either way nothing is left behind."""
    from milia_kg.release import build as build_module

    ontology, data = mini_sources
    if not valid:
        with (data / "facts.ttl").open("a", encoding="utf-8") as f:
            f.write('mkg:Nose a owl:Class ; skos:definition "no label"@en .\n')

    def broken_writer(*args: object) -> list[str]:
        raise OSError(f"{writer} failed")

    monkeypatch.setattr(build_module, writer, broken_writer)
    out = tmp_path / "out"
    with pytest.raises(OSError if valid else ValidationError) as caught:
        build(out, ontology_dir=ontology, data_dir=data, reuse=False)
    if valid:
        assert f"{writer} failed" in str(caught.value)
    else:
        assert "mkg:Nose" in caught.value.report.text()  # type: ignore[attr-defined]
    assert not out.exists() and not list(tmp_path.glob(".out.tmp-*"))


def test_a_curie_map_curies_refuses_fails_the_build_in_one_line(
    tmp_path: Path, mini_sources: tuple[Path, Path]
) -> None:
    from click.testing import CliRunner
    from conftest import write_mini_mappings

    from milia_kg.cli import main

    ontology, data = mini_sources
    write_mini_mappings(data, """
  mkg: https://w3id.org/milia-kg/
  HP: http://purl.obolibrary.org/obo/HP_
  HPO: http://purl.obolibrary.org/obo/HP_
  skos: http://www.w3.org/2004/02/skos/core#
  semapv: https://w3id.org/semapv/vocab/""")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--fresh", "--out", str(out),
                                       "--ontology-dir", str(ontology), "--data-dir", str(data)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == "milia-kg: error: validation failed: 1 problem (rules: sssom-mapping-set)"
    assert not out.exists()


def test_a_curie_map_prefix_for_an_obo_namespace_wins(tmp_path: Path, mini_sources: tuple[Path, Path]) -> None:
    """``HPO:`` for HP's namespace is a valid SSSOM prefix; the build's obo split must not add ``HP`` too
    (curies refuses two prefixes for one namespace)."""
    from conftest import write_mini_mappings

    ontology, data = mini_sources
    write_mini_mappings(data, """
  mkg: https://w3id.org/milia-kg/
  HPO: http://purl.obolibrary.org/obo/HP_
  skos: http://www.w3.org/2004/02/skos/core#
  semapv: https://w3id.org/semapv/vocab/""", "mkg:Milia\tskos:closeMatch\tHPO:0001056\tsemapv:ManualMappingCuration\n")
    build(tmp_path / "out", ontology_dir=ontology, data_dir=data)
    prefixes = json.loads((tmp_path / "out" / "prefixes.json").read_text(encoding="utf-8"))
    assert prefixes["HPO"] == "http://purl.obolibrary.org/obo/HP_" and "HP" not in prefixes
