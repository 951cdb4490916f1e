"""Shared fixtures.

The real graph is loaded and reasoned once per test run (session scope): owlrl is
slow and grows faster than linearly.  Session graphs are shared: treat them as
read-only (copy with ``Graph() + graph`` before changing anything).

``mini_sources`` writes a small, valid ontology/data pair under ``tmp_path`` for
tests that need sources they can break or that must not depend on the state of
the real data.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import rdflib

from milia_kg.base import resources

# tests/stores.py and tests/listener.py, and the expected cases that one package's tests share with
# another's (the served answers reuse the catalogue's and the classifier's cases), so that any one
# test file runs on its own; test file names are unique across the folders.
_HERE = Path(__file__).resolve().parent
for _folder in (_HERE, *(p for p in sorted(_HERE.iterdir()) if p.is_dir() and any(p.glob("test_*.py")))):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

REPO = Path(__file__).resolve().parent.parent

_SESSION_CACHE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Give the run a cache folder of its own: the user's cache is neither read nor written, and
    two runs side by side (two checkouts) cannot remove each other's cached graph as stale."""
    import tempfile

    _SESSION_CACHE.append(tempfile.mkdtemp(prefix="milia-kg-test-cache-"))
    os.environ["MILIA_KG_CACHE_DIR"] = _SESSION_CACHE[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _SESSION_CACHE:
        shutil.rmtree(folder, ignore_errors=True)
    # The run's large graphs still held by caches (the whole HPO merged: about 2.5 million objects)
    # would otherwise be traversed by each garbage collection of the interpreter's shutdown: 20-45 s
    # after the last test, for nothing. Frozen, they are left to the process's exit.
    gc.freeze()

#: A tiny but complete source tree: ontology header, TBox, a defined class (blank-node
#: restriction and RDF list), a medication, one fact with provenance and a seed text.
MINI_ONTOLOGY = """\
@prefix mkg: <https://w3id.org/milia-kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/milia-kg/ontology> a owl:Ontology ;
    owl:versionIRI <https://w3id.org/milia-kg/ontology/0.1.0> ;
    owl:versionInfo "0.1.0" ;
    dcterms:title "mini milia-kg"@en ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:created "2026-01-01"^^xsd:date .

mkg:quote a owl:AnnotationProperty ; rdfs:label "quote"@en ; skos:definition "Verbatim support."@en .
mkg:Condition a owl:Class ; rdfs:label "condition"@en ; skos:definition "A condition."@en .
mkg:AnatomicalSite a owl:Class ; rdfs:label "anatomical site"@en ; skos:definition "A site."@en .
mkg:Treatment a owl:Class ; rdfs:label "treatment"@en ; skos:definition "A treatment."@en .
mkg:Medication a owl:Class ; rdfs:subClassOf mkg:Treatment ; rdfs:label "medication"@en ;
    skos:definition "A drug."@en .
mkg:Availability a owl:Class ; rdfs:label "availability kind"@en ; skos:definition "How obtained."@en .
mkg:hasSite a owl:ObjectProperty ; rdfs:label "has site"@en ; skos:definition "Where it appears."@en ;
    rdfs:domain mkg:Condition ; rdfs:range mkg:AnatomicalSite .
mkg:treatedWith a owl:ObjectProperty ; rdfs:label "treated with"@en ; skos:definition "A treatment."@en .
mkg:availability a owl:ObjectProperty ; rdfs:label "has availability"@en ; skos:definition "How obtained."@en .
"""

MINI_DATA = """\
@prefix mkg: <https://w3id.org/milia-kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .

mkg:source-page a owl:NamedIndividual, bibo:Webpage ; rdfs:label "the page"@en ; skos:definition "The seed."@en .
mkg:over-the-counter a owl:NamedIndividual, mkg:Availability ; rdfs:label "over the counter"@en ;
    skos:definition "No prescription needed."@en .
mkg:Milia a owl:Class ; rdfs:subClassOf mkg:Condition ; rdfs:label "milia"@en ; skos:definition "Small cysts."@en .
mkg:Face a owl:Class ; rdfs:subClassOf mkg:AnatomicalSite ; rdfs:label "face"@en ; skos:definition "The face."@en .
mkg:AdapaleneGel a owl:Class ; rdfs:subClassOf mkg:Medication ; rdfs:label "adapalene gel"@en ;
    skos:definition "A gel."@en .
mkg:FacialMilia a owl:Class ; rdfs:label "facial milia"@en ; skos:definition "Milia on the face."@en ;
    owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( mkg:Milia
        [ a owl:Restriction ; owl:onProperty mkg:hasSite ; owl:someValuesFrom mkg:Face ] ) ] .

mkg:Milia mkg:hasSite mkg:Face .
[] a owl:Axiom ; owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:hasSite ; owl:annotatedTarget mkg:Face ;
    mkg:quote "most commonly appear on the face" ; dcterms:source mkg:source-page .
mkg:Milia mkg:treatedWith mkg:AdapaleneGel .
[] a owl:Axiom ; owl:annotatedSource mkg:Milia ; owl:annotatedProperty mkg:treatedWith ;
    owl:annotatedTarget mkg:AdapaleneGel ; mkg:quote "adapalene gel which is over the counter" ;
    dcterms:source mkg:source-page .
mkg:AdapaleneGel mkg:availability mkg:over-the-counter .
[] a owl:Axiom ; owl:annotatedSource mkg:AdapaleneGel ; owl:annotatedProperty mkg:availability ;
    owl:annotatedTarget mkg:over-the-counter ; mkg:quote "adapalene gel which is over the counter" ;
    dcterms:source mkg:source-page .
"""

MINI_SEED = "Milia most commonly appear on the face. Use adapalene gel which is over the counter.\n"


def write_mini_sources(root: Path) -> tuple[Path, Path]:
    """Write the mini source tree under ``root``; return (ontology_dir, data_dir)."""
    ontology, data = root / "ontology", root / "data"
    (data / "source").mkdir(parents=True)
    ontology.mkdir(parents=True)
    (ontology / "milia-kg.ttl").write_text(MINI_ONTOLOGY, encoding="utf-8")
    shutil.copyfile(resources.shapes_file(), ontology / "shapes.ttl")
    (data / "facts.ttl").write_text(MINI_DATA, encoding="utf-8")
    (data / "source" / "milia-cleveland-clinic.txt").write_text(MINI_SEED, encoding="utf-8")
    return ontology, data


#: The mini mapping file's ``curie_map`` block (for :func:`write_mini_mappings`): its four prefixes
#: on the header's lines 2-5, so a prefix appended to it is on line 6.
MINI_CURIE_MAP = """
  mkg: https://w3id.org/milia-kg/
  HP: http://purl.obolibrary.org/obo/HP_
  skos: http://www.w3.org/2004/02/skos/core#
  semapv: https://w3id.org/semapv/vocab/"""


def write_mini_mappings(data: Path, curie_map: str, rows: str = "") -> Path:
    """Write ``data/mappings.sssom.tsv`` with the YAML ``curie_map`` block given (lines without ``#``).

    The default row maps the mini graph's ``mkg:Milia`` to HP's "Milia" (HP:0001056).
    """
    header = "".join(f"#{line}\n" for line in ("curie_map:" + curie_map).splitlines())
    rows = rows or "mkg:Milia\tskos:closeMatch\tHP:0001056\tsemapv:ManualMappingCuration\n"
    path = data / "mappings.sssom.tsv"
    path.write_text(
        header + "#mapping_set_id: https://example.org/m.sssom.tsv\n"
        "#license: https://creativecommons.org/licenses/by/4.0/\n#mapping_date: 2026-11-27\n"
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\n" + rows,
        encoding="utf-8",
    )
    return path


def copy_real_sources(root: Path) -> tuple[Path, Path]:
    """Copy the packaged ontology/ and data/ folders under ``root``; return (ontology_dir, data_dir)."""
    ontology, data = root / "ontology", root / "data"
    shutil.copytree(resources.ontology_dir(), ontology, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(resources.data_dir(), data, ignore=shutil.ignore_patterns("__pycache__"))
    return ontology, data


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for running ``python -m milia_kg`` from the source tree in a child process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra)
    return env


def installed_env(**extra: str) -> dict[str, str]:
    """Environment for a child process that imports milia_kg as installed, not from the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env.update(extra)
    return env


def rdflib_graph(triples: Any) -> rdflib.Graph:
    """pyoxigraph triples as an rdflib graph (blank nodes keep their labels), to compare with rdflib's."""
    from milia_kg.formats.terms import to_rdflib

    graph = rdflib.Graph()
    graph.addN((*map(to_rdflib, triple), graph) for triple in triples)
    return graph


PYTHON = sys.executable


@pytest.fixture(scope="session")
def asserted_graph() -> rdflib.Graph:
    """The asserted graph of the packaged sources (read-only by convention)."""
    from milia_kg.release.sources import load_asserted

    return load_asserted()


@pytest.fixture(scope="session")
def owlrl_inferred_graph(asserted_graph: rdflib.Graph) -> rdflib.Graph:
    """What owlrl (the reference reasoner) adds to :func:`asserted_graph`; run once per session.

    tests/reasoner/test_reasoning.py compares the fast reasoner with this, so it must stay owlrl.
    """
    from milia_kg.reasoner import infer

    return infer(asserted_graph, reasoner="owlrl")


@pytest.fixture(scope="session")
def inferred_graph(owlrl_inferred_graph: rdflib.Graph) -> rdflib.Graph:
    """Only the triples that OWL 2 RL reasoning (owlrl) adds to :func:`asserted_graph`."""
    return owlrl_inferred_graph


@pytest.fixture(scope="session")
def reasoned_graph(asserted_graph: rdflib.Graph, inferred_graph: rdflib.Graph) -> rdflib.Graph:
    """Asserted plus inferred triples, built once per test run."""
    return asserted_graph + inferred_graph


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory):  # -> tuple[Path, BuildSummary]
    """The real sources built once per test run (tests/release/test_build.py, tests/release/test_owl_dl.py)."""
    from milia_kg.release.build import build

    out = tmp_path_factory.mktemp("release") / "release"
    return out, build(out)


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The verbatim seed text that every ``mkg:quote`` must be a substring of."""
    return resources.seed_text()


@pytest.fixture(scope="session")
def validation_report(asserted_graph: rdflib.Graph, inferred_graph: rdflib.Graph):
    """The validation report of the packaged sources (SHACL + QC checks + quotes)."""
    from milia_kg.release.validate import validate

    return validate(asserted_graph, inferred_graph)


@pytest.fixture()
def mini_sources(tmp_path: Path) -> tuple[Path, Path]:
    """A small valid (ontology_dir, data_dir) pair under ``tmp_path``."""
    return write_mini_sources(tmp_path / "src")


@pytest.fixture()
def real_sources_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the packaged (ontology_dir, data_dir) under ``tmp_path``, free to break."""
    return copy_real_sources(tmp_path / "src")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# ----------------------------------------------------------------------------- real stores
# tests/stores.py starts them; the catalogue graph is loaded into both the default graph and
# STORE_GRAPH (Oxigraph) or into STORE_GRAPH alone (Virtuoso, whose default graph is the union of
# all its graphs, system graphs included).

STORE_GRAPH = "https://example.org/milia-kg-under-test"


@pytest.fixture(scope="session")
def reasoned_file() -> Path:
    """The N-Triples file of the packaged reasoned graph (what the embedded engines load)."""
    from milia_kg.release import cache as release_cache

    return release_cache.reasoned_graph_file()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory, reasoned_file: Path):
    """``oxigraph serve`` holding the reasoned graph; never skipped."""
    from stores import OxigraphServer, free_port, running

    server = OxigraphServer(folder=tmp_path_factory.mktemp("oxigraph"), port=free_port())
    server.load(reasoned_file)
    server.load(reasoned_file, graph=STORE_GRAPH)
    with running(server):
        yield server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory, reasoned_file: Path):
    """Virtuoso Open Source 7 holding the reasoned graph in :data:`STORE_GRAPH`; skipped, saying
    why, where it is not installed."""
    from stores import VirtuosoServer, free_port, running, virtuoso_missing

    reason = virtuoso_missing()
    if reason:
        pytest.skip(reason)
    server = VirtuosoServer(folder=tmp_path_factory.mktemp("virtuoso"), port=free_port(),
                            sql_port=free_port())
    with running(server):
        server.load(reasoned_file, STORE_GRAPH)
        yield server


@pytest.fixture(scope="session")
def comunica_server(tmp_path_factory: pytest.TempPathFactory, reasoned_file: Path):
    """Comunica's SPARQL endpoint over a copy of the reasoned graph's file (its default graph);
    skipped, saying why, where it is not installed."""
    from stores import ComunicaServer, comunica_missing, free_port, running

    reason = comunica_missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("comunica")
    source = folder / "reasoned.nt"  # read at start: later changes to the cache cannot reach it
    shutil.copyfile(reasoned_file, source)
    with running(ComunicaServer(folder=folder, port=free_port(), source=source)) as server:
        yield server


@pytest.fixture(scope="session")
def served_graph() -> Any:  # -> Iterator[benchmarks.serve_load.Server]
    """``milia-kg serve`` of the packaged graph with default options, started once for the tests that
    only read it (tests/serve/: browser, headers, oaklib, W3C protocol), not once per module or test
    (about 1.5 s each). A test that checks its log reads only the lines after its own start."""
    from benchmarks.serve_load import served

    with served() as server:
        yield server


def load_script(name: str) -> Any:
    """The maintenance program ``scripts/NAME.py`` of the source checkout, imported as a module."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
