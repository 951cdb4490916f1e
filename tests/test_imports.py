"""Heavy modules stay out of the commands that do not need them (issue 5: start-up time).

The query commands read the cached reasoned graph into Oxigraph: no rdflib, owlrl or
pyshacl.  (``validate`` needs rdflib and pyshacl, and pyshacl imports owlrl itself.)
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import PYTHON, subprocess_env

HEAVY = ("rdflib", "owlrl", "pyshacl")

#: Runs the CLI with the given arguments in-process, then prints its exit code and the heavy modules imported.
SCRIPT = """
import json, sys
from milia_kg.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code or 0
print(json.dumps([code, sorted(m for m in {heavy!r} if m in sys.modules)]), file=sys.stderr)
"""


def _heavy_imports(args: list[str], cache: Path, stdin: str | None = None,
                   heavy: tuple[str, ...] = HEAVY) -> list[str]:
    done = subprocess.run(
        [PYTHON, "-c", SCRIPT.format(heavy=heavy), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=subprocess_env(MILIA_KG_CACHE_DIR=str(cache)),
        check=True,
    )
    code, modules = json.loads(done.stderr.strip().splitlines()[-1])
    assert code == 0, done.stderr
    return modules


@pytest.fixture(scope="module")
def primed_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder that already holds the reasoned graph (building it needs rdflib)."""
    from milia_kg.release import cache as release_cache

    cache = tmp_path_factory.mktemp("cache")
    release_cache.reasoned_graph_file("fast", directory=cache)
    return cache


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["queries"], None),
        (["query", "subtypes", "--format", "json"], None),
        (["sparql", "-", "--format", "json"], "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"),
    ],
    ids=["queries", "query", "sparql"],
)
def test_query_commands_need_no_rdflib(args: list[str], stdin: str | None, primed_cache: Path) -> None:
    assert _heavy_imports(args, primed_cache, stdin) == []


@pytest.mark.parametrize("value", ["mkg:Milia", "UBERON:0001456"])
def test_a_curie_parameter_needs_no_curies(value: str, primed_cache: Path) -> None:
    """A CURIE parameter is expanded over the prefix table by ``vocab.expand``: curies and its
    pydantic cost a first query with a new CURIE 0.13-0.16 s, more than the rest of it."""
    args = ["query", "external_ancestors", "-p", f"entity={value}", "--format", "json"]
    assert _heavy_imports(args, primed_cache, heavy=(*HEAVY, "curies", "pydantic")) == []


def test_classify_needs_no_rdflib_nor_jsonschema(tmp_path: Path) -> None:
    """A valid case profile is classified from the cache (graph and schema module) without rdflib,
    owlrl, pyshacl or jsonschema (issue 11: cold ``classify`` close to a cold query), nor
    importlib.resources for the shipped tables, nor click (issue 22: the quick path), nor the readers of
    Phenopackets and FHIR documents (a plain profile is none), nor dataclasses (issue 22: it imports
    inspect, about 9 ms), nor decimal and csv (issue 22: only a decimal typed as an integer, or HPO's
    tables, need them; about 3 ms), nor the graph's query engine (issue 22: its answers, labels and the
    case's resolved site are kept, so the store is never loaded)."""
    profile = '{"age_years": 0.02, "sites": ["nose"], "present_at_birth": true}'
    cache = tmp_path / "cache"
    subprocess.run([PYTHON, "-m", "milia_kg", "classify", "-"], input=profile, capture_output=True, text=True,
                   env=subprocess_env(MILIA_KG_CACHE_DIR=str(cache)), check=True)  # builds both caches
    done = subprocess.run(
        [PYTHON, "-c", SCRIPT.format(heavy=(*HEAVY, "jsonschema", "importlib.resources", "click",
                                                   "milia_kg.decision.phenopacket", "milia_kg.decision.fhir",
                                                   "dataclasses", "inspect", "decimal", "csv", "milia_kg.query.kg",
                                                   "milia_kg.query.backends.oxigraph_store")), "classify", "-"],
        input=profile,
        capture_output=True, text=True, env=subprocess_env(MILIA_KG_CACHE_DIR=str(cache)), check=True,
    )
    # a newborn: neonatal milia to consider (the page defines no neonatal milia, issue 18)
    assert [t["id"] for t in json.loads(done.stdout)["to_consider"]] == ["mkg:NeonatalMilia"]
    assert json.loads(done.stderr.strip().splitlines()[-1]) == [0, []]


def test_catalogue_query_needs_no_yaml_nor_http_client(primed_cache: Path) -> None:
    """A cold ``milia-kg query NAME`` parses no YAML once its header is cached (issue 22: PyYAML was
    a quarter of the cold command), imports no client for remote endpoints, and no click (the quick
    path of milia_kg.cli: click and the commands' definitions were 15 ms of the cold query), no
    dataclasses (it imports inspect: 5-7 ms), nor pickle or signal (for forked queries only), nor
    datetime (for date cells only; the subtypes query has none)."""
    args = ["query", "subtypes", "--format", "json"]
    modules = ("yaml", "SPARQLWrapper", "urllib.request", "http.client", "importlib.resources", "click",
               "dataclasses", "inspect", "pickle", "signal", "datetime")
    _heavy_imports(args, primed_cache)  # the first run parses and keeps the header
    done = subprocess.run([PYTHON, "-c", SCRIPT.format(heavy=modules), *args], capture_output=True, text=True,
                          env=subprocess_env(MILIA_KG_CACHE_DIR=str(primed_cache)), check=True)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == [0, []]


def test_help_needs_no_rdflib(tmp_path: Path) -> None:
    assert _heavy_imports(["validate", "--help"], tmp_path) == []


@pytest.mark.parametrize(
    "statement",
    [
        # every public name of the query package, so a lazy re-export cannot hide an rdflib import
        "import milia_kg.query as q; [getattr(q, name) for name in q.__all__]",
        "import milia_kg.query.kg, milia_kg.query.formatting",
        "from milia_kg.reasoner import DEFAULT_REASONER, REASONERS",
        "import milia_kg.cli",
    ],
    ids=["query", "query-modules", "reasoner-names", "cli"],
)
def test_package_import_needs_no_rdflib(statement: str) -> None:
    """The query package, the reasoner's names and the CLI import no rdflib, owlrl or pyshacl."""
    code = f"import sys; {statement}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=subprocess_env(), check=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_catalogue_query_compiles_no_service_lexer(primed_cache: Path) -> None:
    """The SERVICE lexer's eight patterns (about 150 ms to compile, issue 22) are compiled only for a
    text that mentions SERVICE: a cold catalogue query compiles none, a free query naming it does."""
    code = (
        "import sys\nfrom milia_kg.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "import milia_kg.query.service as s\n"
        "print(s._readings.cache_info().currsize, file=sys.stderr)\n"
    )
    counts = []
    for args, stdin in ((["query", "subtypes", "--format", "json"], None),
                        (["sparql", "-", "--format", "json"], "SELECT * { SERVICE <http://127.0.0.1:9/> {} }")):
        done = subprocess.run([PYTHON, "-c", code, *args], input=stdin, capture_output=True, text=True,
                              env=subprocess_env(MILIA_KG_CACHE_DIR=str(primed_cache)))
        counts.append(done.stderr.strip().splitlines()[-1])
    assert counts == ["0", "1"]


def test_first_obo_merge_needs_no_rdflib(tmp_path: Path) -> None:
    """Once the packaged sources' asserted record is kept (by any earlier merge), a first merge of an
    OBO file reads, reasons and loads on pyoxigraph terms alone (rdflib's import was 0.11 s of it)."""
    obo = Path(__file__).parent / "fixtures" / "obo-slice.obo"
    cache = tmp_path / "cache"
    args = ["query", "subtypes", "--format", "json", "--merge"]
    subprocess.run([PYTHON, "-m", "milia_kg", *args, str(obo)], capture_output=True, text=True,
                   env=subprocess_env(MILIA_KG_CACHE_DIR=str(cache)), check=True)  # keeps the record
    other = tmp_path / "other.obo"
    other.write_text(obo.read_text(encoding="utf-8") + "\n[Term]\nid: UBERON:9999999\nname: new\n", encoding="utf-8")
    assert _heavy_imports([*args, str(other)], cache) == []
