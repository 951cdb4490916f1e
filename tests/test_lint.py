"""ruff and mypy stay clean (configured in pyproject.toml); skipped where they are not installed."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    """The tool next to this interpreter (a venv's bin/), else on PATH; skip if neither."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return [found]


def test_ruff_is_clean() -> None:
    done = subprocess.run(
        [*_tool("ruff"), "check", "--no-cache", "milia_kg", "tests", "benchmarks"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_clean(tmp_path_factory: pytest.TempPathFactory) -> None:
    """mypy with the [tool.mypy] settings of pyproject.toml; its cache in a fresh folder (about 5 s cold)."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    cache = tmp_path_factory.mktemp("mypy-cache")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "--cache-dir", str(cache)],
        cwd=REPO, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found"), done.stdout
