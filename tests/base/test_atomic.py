"""One write-beside-then-swap rule for the release folder, the cache files and the kept stores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from milia_kg.base import atomic


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    return int(child.stdout)


def test_a_failed_write_leaves_the_old_folder_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old").write_text("kept")
    with pytest.raises(RuntimeError), atomic.folder_beside(target) as tmp:
        (tmp / "new").write_text("half")
        raise RuntimeError("stop")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in target.iterdir()) == ["old"]


def test_a_dead_writers_leftovers_go_a_live_writers_stay(tmp_path: Path) -> None:
    target = tmp_path / "store"
    dead = tmp_path / f".store.tmp-{_dead_pid()}-abc"
    live = tmp_path / f".store.tmp-{os.getppid()}-def"
    dead.mkdir()
    live.mkdir()
    with atomic.folder_beside(target) as tmp:
        (tmp / "x").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["store", live.name])


def test_sigterm_removes_the_temporary_folder(tmp_path: Path) -> None:
    code = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from milia_kg.base import atomic\n"
        "with atomic.folder_beside(Path(sys.argv[1]) / 'out') as tmp:\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(5)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, timeout=60, check=False)
    assert done.returncode == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_a_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.nt"
    atomic.write_file(target, b"one")
    atomic.write_file(target, b"two")
    assert target.read_bytes() == b"two" and [p.name for p in target.parent.iterdir()] == ["f.nt"]
