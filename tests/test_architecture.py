"""The package's plan, enforced: the import floors of docs/design.md (an import-linter ``layers``
contract in pyproject.toml), the top-level modules, and no private name crossing a module."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "milia_kg"
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (the test extra has it)")


def _lint(root: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(config)], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_floors_contract_is_kept() -> None:
    result = _lint(REPO, REPO / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "floors KEPT" in result.stdout


@pytest.mark.parametrize(("module", "upward"), [
    ("base/files.py", "from milia_kg.release import cache"),          # ground floor reaching up
    ("formats/sssom.py", "from milia_kg.reasoner import DEFAULT_REASONER"),  # siblings on one floor
    ("release/validate.py", "from milia_kg.query.backends import OxigraphBackend"),  # the cut of issue 17
    ("query/kg.py", "    from milia_kg.decision import api"),            # a function-level import counts too
])
def test_an_upward_import_breaks_the_contract(module: str, upward: str, tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "milia_kg", ignore=shutil.ignore_patterns("__pycache__", "web"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "milia_kg" / module
    text = target.read_text(encoding="utf-8")
    line = f"def _added() -> None:\n{upward}\n" if upward.startswith(" ") else f"{upward}\n"
    target.write_text(text + "\n\n" + line, encoding="utf-8")
    result = _lint(tmp_path, tmp_path / "pyproject.toml")
    assert result.returncode != 0
    assert "floors BROKEN" in result.stdout


def test_the_top_level_keeps_four_modules_and_the_cli() -> None:
    """The command line is a package since issue 22 (click's commands, and a quick path without click)."""
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert modules == ["__init__.py", "__main__.py", "errors.py", "vocab.py"]
    assert sorted(p.name for p in (PACKAGE / "cli").glob("*.py")) == ["__init__.py", "boundary.py", "commands.py",
                                                                      "quick.py"]


def test_no_private_name_crosses_a_module() -> None:
    """``from milia_kg.x import _name`` is refused outside the package that owns ``_name``: a
    package's surface is its public names (the reasoner's private modules serve the reasoner only)."""
    crossing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("milia_kg"):
                owner = node.module or ""
                crossing += [f"{path.relative_to(REPO)}: {owner}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")
                             and not (owner == here or (owner.startswith(here + ".") and here != "milia_kg"))]
    assert crossing == []


def test_packaged_files_are_reached_through_one_module() -> None:
    """Every packaged file (ontology, data, queries, schema, tables, web assets) goes through
    milia_kg/base/resources.py, so that a checkout and a wheel find the same files."""
    reaching = [str(path.relative_to(REPO)) for path in sorted(PACKAGE.rglob("*.py"))
                if path != PACKAGE / "base" / "resources.py"
                and any(reach in path.read_text(encoding="utf-8")
                        for reach in ("importlib.resources.files", "from importlib import resources", "__file__"))]
    assert reaching == []


def test_test_modules_have_unique_names() -> None:
    """The test folders mirror the packages without ``__init__.py``, so pytest imports each test
    module by its file name: two ``test_loading.py`` in different folders stop collection."""
    names = [path.name for path in sorted((REPO / "tests").rglob("test_*.py"))]
    assert sorted({name for name in names if names.count(name) > 1}) == []
