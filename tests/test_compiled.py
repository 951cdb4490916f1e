"""The compiled modules (a wheel built with Cython, setup.py) compute exactly what their Python sources do.

The in-process tests and the ``python -m milia_kg`` children import the source tree; CI installs the
project as a wheel, whose listed modules (pyproject.toml, ``[tool.milia-kg] compiled``) are C extensions.
These tests run that installed package in a child process outside the source tree and compare it with
the source, on the reasoner's test graphs and on real OBO merges. Where the installed package is the
source (an editable install) there is nothing to compare and they skip, saying so; where a wheel was
built and a C compiler exists, a module left uncompiled fails them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections import Counter
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

import pytest
import rdflib
from conftest import installed_env, subprocess_env
from rdflib import RDFS, BNode, Namespace

from benchmarks.generate import generate_turtle
from milia_kg.release.sources import load_asserted
from tests.reasoner.test_reasoning import CASES, INCONSISTENT, PREFIXES, RANDOM_SEEDS, _random_graph

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
COMPILED = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["milia-kg"]["compiled"]
OBO = Namespace("http://purl.obolibrary.org/obo/")
MODULES = [path.removesuffix(".py").replace("/", ".") for path in COMPILED]

pytestmark = pytest.mark.slow

#: Run in the child: the file each listed module was imported from, then the closure of every graph in a
#: folder, read with rdflib and with pyoxigraph, as sorted N-Triples lines and the clash messages.
CLOSURES = """
import importlib.util, json, sys
from pathlib import Path
import pyoxigraph as ox, rdflib
from milia_kg.reasoner.fast import reason
modules, folder = json.loads(sys.argv[1]), Path(sys.argv[2])
closures = {}
for path in sorted(folder.glob("*.nt")):
    on_rdflib = reason(rdflib.Graph().parse(path))
    on_oxigraph = reason([(q.subject, q.predicate, q.object) for q in ox.parse(path=path)], terms="oxigraph")
    closures[path.stem] = {"rdflib": sorted(" ".join(t.n3() for t in triple) for triple in on_rdflib.inferred),
                           "oxigraph": sorted(" ".join(map(str, triple)) for triple in on_oxigraph.inferred),
                           "errors": sorted(on_rdflib.errors), "oxigraph errors": sorted(on_oxigraph.errors)}
print(json.dumps({"origins": {name: importlib.util.find_spec(name).origin for name in modules}, "closures": closures}))
"""


#: The whole of a kept store.
EVERYTHING = "CONSTRUCT WHERE { ?s ?p ?o }"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _in_site_packages(origin: str) -> bool:
    """Whether a module was installed (not a source tree that an editable install points to)."""
    return any(Path(origin).resolve().is_relative_to(Path(sysconfig.get_paths()[key]).resolve())
               for key in ("purelib", "platlib"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the source tree, after checking that the installed package is compiled."""
    elsewhere = tmp_path_factory.mktemp("installed")
    probe = "import importlib.util, json, sys; print(json.dumps([importlib.util.find_spec(m).origin for m in sys.argv[1:]]))"
    origins = json.loads(_run([sys.executable, "-c", probe, *MODULES], elsewhere, installed_env()))
    compiled = [origin for origin in origins if origin.endswith(tuple(EXTENSION_SUFFIXES))]
    if not compiled:
        if not all(_in_site_packages(origin) for origin in origins):
            pytest.skip(f"milia_kg is imported from a source tree ({origins[0]}), as an editable install does")
        if not shutil.which(sysconfig.get_config_var("CC").split()[0]):
            pytest.skip("no C compiler: the wheel was built without its compiled modules")
    assert len(compiled) == len(MODULES), f"not compiled: {sorted(set(origins) - set(compiled))}"
    return elsewhere


def _graphs(folder: Path) -> None:
    """The inputs, as N-Triples with blank nodes made IRIs (so both processes name every term alike)."""
    graphs: dict[str, rdflib.Graph] = {
        "project": load_asserted(),
        "generated-10k": rdflib.Graph().parse(data=generate_turtle(10_000, seed=7), format="turtle"),
    }
    graphs.update({f"random-{seed}": _random_graph(seed) for seed in RANDOM_SEEDS})
    for name, asserted, *_ in [*CASES, *INCONSISTENT]:
        graphs[f"case-{name}"] = rdflib.Graph().parse(data=PREFIXES + asserted, format="turtle")
    for name, graph in graphs.items():
        graph.skolemize().serialize(folder / f"{name}.nt", format="nt", encoding="utf-8")


def test_compiled_reasoner_derives_what_the_source_does(installed: Path, tmp_path: Path) -> None:
    _graphs(tmp_path)
    args = [sys.executable, "-c", CLOSURES, json.dumps(MODULES), str(tmp_path)]
    compiled: dict[str, Any] = json.loads(_run(args, installed, installed_env()))
    source: dict[str, Any] = json.loads(_run(args, installed, subprocess_env()))
    assert all(not origin.endswith(".py") for origin in compiled["origins"].values()), compiled["origins"]
    assert all(origin.endswith(".py") for origin in source["origins"].values()), source["origins"]
    assert len(compiled["closures"]) == 2 + len(RANDOM_SEEDS) + len(CASES) + len(INCONSISTENT)
    for name, closure in source["closures"].items():
        assert compiled["closures"][name] == closure, name
    assert len(compiled["closures"]["generated-10k"]["rdflib"]) > 5_000  # the inputs reached the engine
    assert any(closure["errors"] for closure in compiled["closures"].values())


#: A triple each fixture gives the store (the second only by reasoning over its logical definition).
EDGE_IN = {
    "obo-slice.obo": (OBO.HP_0000118, RDFS.subClassOf, OBO.HP_0000001),
    "uberon-intersection-slice.obo": (OBO.UBERON_0000379, OBO.BFO_0000050, OBO.UBERON_0003126),
}


@pytest.mark.parametrize("fixture", sorted(EDGE_IN))
def test_compiled_merge_gives_what_the_source_does(fixture: str, installed: Path) -> None:
    """The OBO translation, the reasoning and the loading of the kept store a ``--merge`` query builds:
    the whole store, read back."""
    stores = {}
    for side, env in (("compiled", installed_env()), ("source", subprocess_env())):
        folder = installed / side / fixture
        folder.mkdir(parents=True)
        (folder / "everything.rq").write_text(EVERYTHING, encoding="utf-8")
        turtle = _run([sys.executable, "-m", "milia_kg", "sparql", str(folder / "everything.rq"),
                       "--merge", str(FIXTURES / fixture)], folder, {**env, "MILIA_KG_CACHE_DIR": str(folder / "cache")})
        stores[side] = rdflib.Graph().parse(data=turtle, format="turtle")
    assert EDGE_IN[fixture] in stores["compiled"]
    assert len(stores["compiled"]) == len(stores["source"]) > 1_000
    for side in stores:  # the named triples, and the shapes of the others (isomorphism costs 20 s here)
        stores[side] = Counter(tuple("_:" if isinstance(t, BNode) else t for t in triple) for triple in stores[side])
    assert stores["compiled"] == stores["source"]


#: Run in the child: Ctrl-C sent by a timer thread 0.1 s into loading 5 million triples (300 distinct ones
#: over and over, from a C-level iterator) with the engine, into its rules, and into translating an OBO
#: file of 100,000 terms; when each arrived.
INTERRUPTED = """
import io, itertools, json, os, signal, sys, threading, time
import fastobo, pyoxigraph as ox
from milia_kg.formats.obo import translate_oxigraph
from milia_kg.reasoner._engine import Engine
from milia_kg.reasoner._terms import ADAPTERS
signal.signal(signal.SIGINT, signal.default_int_handler)  # a child started in the background ignores it
node = lambda n: ox.NamedNode(f"http://example.org/{n}")
few = [(node(f"s{i % 100}"), node(f"p{i % 3}"), node(f"o{i % 100}")) for i in range(300)]
graph = [(q.subject, q.predicate, q.object) for q in ox.parse(path=sys.argv[1])]
obo = "".join(f"[Term]\\nid: X:{i}\\nname: term {i}\\nis_a: X:{i - 1}\\n\\n" for i in range(1, 100_000))
doc = fastobo.load(io.BytesIO(obo.encode()))
late = {}
for name in ("load", "rules", "translate"):
    engine = Engine(ADAPTERS["oxigraph"]())
    asserted = engine.load(graph) if name == "rules" else None
    work = {"load": lambda: engine.load(itertools.islice(itertools.cycle(few), 5_000_000)),
            "rules": lambda: engine.run(asserted), "translate": lambda: translate_oxigraph(doc)}[name]
    due, timer = time.monotonic() + 0.1, threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        work()
        timer.join()  # finished first: the interrupt arrives here, as late as the work made it
        time.sleep(1)
        late[name] = None
    except KeyboardInterrupt:
        late[name] = time.monotonic() - due
print(json.dumps(late))
"""


def test_ctrl_c_interrupts_the_compiled_engine(installed: Path, tmp_path: Path) -> None:
    """Compiled loops do not enter the interpreter, where Python runs signal handlers and switches
    threads; the engine calls into it every 4,096 triples and the OBO translation every 1,024 frames
    (``milia_kg.base.interrupt``). Without that, Ctrl-C (and the timer sending it) waited for the end of
    loading (1.6 s for the 1M graph) or of translating."""
    graph = tmp_path / "generated-300k.ttl"
    graph.write_text(generate_turtle(300_000, seed=3), encoding="utf-8")
    late = json.loads(_run([sys.executable, "-c", INTERRUPTED, str(graph)], installed, installed_env()))
    assert set(late) == {"load", "rules", "translate"} and None not in late.values(), late
    assert max(late.values()) < 0.5, late  # each takes a second or more uninterrupted
