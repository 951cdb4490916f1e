"""The wheel ships the ontology, data and queries, and the installed CLI works from any folder.

A copy of the project is built into a wheel (``python -m build --wheel`` when the
``build`` package is installed, else ``pip wheel``), installed without
dependencies into a temporary venv that sees the site packages of the interpreter
running the tests (through a ``.pth`` file: ``--system-site-packages`` would expose the
*base* interpreter's packages instead, which on a fresh machine lack the dependencies),
and ``milia-kg validate`` is run from an unrelated folder.  Nothing is written
into the source tree.
"""

from __future__ import annotations

import importlib.util
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import installed_env

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ["pyproject.toml", "setup.py", "README.md", "milia_kg", "ontology", "data", "queries"]

pytestmark = pytest.mark.slow

#: packaged folder -> glob patterns of the source files that must be in the wheel
SHIPPED = {
    "ontology": ["*.ttl", "imports/*.ttl"],
    "data": ["*.ttl", "*.tsv", "source/*.txt", "hpo/*.hpoa"],
    "queries": ["*.rq", "checks/*.rq"],
}


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    process = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert process.returncode == 0, f"{' '.join(map(str, args))}\n{process.stdout}\n{process.stderr}"
    return process


def _clean_env() -> dict[str, str]:
    return installed_env(PIP_DISABLE_PIP_VERSION_CHECK="1")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packaging")
    src = root / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", ".pytest_cache")
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=ignore)
        else:
            shutil.copyfile(source, src / name)
    dist = root / "dist"
    # built as Python only: compiling takes a minute, and tests/test_compiled.py checks the compiled install
    env = {**_clean_env(), "MILIA_KG_PURE_PYTHON": "1"}
    if importlib.util.find_spec("build") is not None:
        _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(src)], env=env)
    else:
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(src)], env=env)
    (built,) = dist.glob("milia_kg-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    root = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(root)])
    python = root / "bin" / "python"
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # the dependencies come from the environment running the tests, whatever its base interpreter has
    # (its site folders, and the folders its own .pth files added, which a .pth line does not expand)
    site_dirs = [*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    added = [p for p in sys.path if p and Path(p).is_dir() and not Path(p).resolve().is_relative_to(REPO)
             and "site-packages" in Path(p).parts]
    parents = dict.fromkeys([*site_dirs, *added])
    Path(purelib, "_milia_kg_test_parent.pth").write_text("".join(f"{p}\n" for p in parents))
    # --ignore-installed: the milia-kg installed in the environment running the tests is visible
    # through the .pth file, and pip would otherwise take it as already satisfied
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
         env=_clean_env())
    return root


@pytest.mark.parametrize("folder", sorted(SHIPPED))
def test_wheel_ships_resources(folder: str, wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"milia_kg/{folder}/{path.relative_to(REPO / folder).as_posix()}"
        for pattern in SHIPPED[folder]
        for path in (REPO / folder).glob(pattern)
    }
    assert expected, f"no {folder} files found in the source tree"
    assert expected <= names, sorted(expected - names)


def test_wheel_ships_every_module(wheel: Path) -> None:
    """Subpackages are listed by hand in pyproject.toml: one left out would ship without its modules."""
    names = set(zipfile.ZipFile(wheel).namelist())
    code = REPO / "milia_kg"
    expected = {
        f"milia_kg/{path.relative_to(code).as_posix()}" for path in code.rglob("*.py") if "__pycache__" not in path.parts
    }
    expected.add("milia_kg/py.typed")  # PEP 561: the package's type hints are for its users too
    assert {"milia_kg/query/kg.py", "milia_kg/reasoner/fast.py"} <= expected
    assert expected <= names, sorted(expected - names)


def test_wheel_ships_the_serve_page_and_yasgui(wheel: Path) -> None:
    """The page template, its script and style and the vendored editor are package data of milia_kg."""
    names = set(zipfile.ZipFile(wheel).namelist())
    web = REPO / "milia_kg" / "serve" / "web"
    expected = {f"milia_kg/serve/web/{p.relative_to(web).as_posix()}" for p in web.rglob("*") if p.is_file()}
    assert {"milia_kg/serve/web/page.html", "milia_kg/serve/web/vendor/yasgui/yasgui.min.js",
            "milia_kg/serve/web/vendor/yasgui/LICENSE.txt", "milia_kg/serve/web/docs.html",
            "milia_kg/serve/web/vendor/swagger-ui/swagger-ui-bundle.js",
            "milia_kg/serve/web/vendor/swagger-ui/NOTICE.txt"} <= expected
    assert expected <= names, sorted(expected - names)


def test_wheel_ships_the_decision_examples(wheel: Path) -> None:
    """The decision-support example files (docs/decision-support.md) ship with the package, not only the tests."""
    names = set(zipfile.ZipFile(wheel).namelist())
    examples = REPO / "milia_kg" / "decision" / "examples"
    expected = {f"milia_kg/decision/examples/{p.name}" for p in examples.iterdir() if p.is_file()}
    assert {"milia_kg/decision/examples/fhir-bundle-milia-ofd1.json", "milia_kg/decision/examples/README.md"} <= expected
    assert expected <= names, sorted(expected - names)


def test_wheel_metadata(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    text = archive.read(metadata).decode()
    assert "Name: milia-kg" in text and "Version: 0.1.0" in text and "Requires-Python: >=3.11" in text
    entry_points = archive.read(metadata.replace("METADATA", "entry_points.txt")).decode()
    assert "milia-kg = milia_kg.cli:main" in entry_points


def test_installed_resources_come_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    code = (
        "import importlib.resources as r, milia_kg, milia_kg.base.resources as res, milia_kg.query, milia_kg.reasoner.fast;"
        "print(milia_kg.__file__);"
        "print(res.ontology_dir());"
        # the shipped folders also work as namespace packages with importlib.resources
        "print(r.files('milia_kg.ontology').joinpath('milia-kg.ttl').is_file());"
        # the serve page renders from the installed template, and its editor is served from the wheel
        "from milia_kg.serve.page import render_page, static_file; from milia_kg.query.catalogue import load_catalogue;"
        "print('id=\"yasgui\"' in render_page(load_catalogue().values()), len(static_file('vendor/yasgui/yasgui.min.js')[0]))"
    )
    lines = _run([str(venv / "bin" / "python"), "-c", code], cwd=tmp_path, env=_clean_env()).stdout.splitlines()
    assert all(str(venv) in line for line in lines[:2]), lines
    assert lines[2] == "True"
    assert lines[3] == f"True {(REPO / 'milia_kg/serve/web/vendor/yasgui/yasgui.min.js').stat().st_size}"


def test_cli_runs_from_another_folder(venv: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    process = subprocess.run(
        [str(venv / "bin" / "milia-kg"), "validate"], cwd=elsewhere, env=_clean_env(), capture_output=True, text=True
    )
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr
    assert process.stdout.startswith("validation ")
    assert list(elsewhere.iterdir()) == []
