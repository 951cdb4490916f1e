"""``milia-kg merge`` stopped by SIGTERM (``kill``, a CI job's stop) removes its temporary folder
and exits 130 with one line, as Ctrl-C does (issue 23, finding 17)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_sigterm_removes_the_temporary_folder(tmp_path: Path) -> None:
    source = tmp_path / "labels.nt"
    with source.open("w", encoding="utf-8") as out:  # about 9 MB: the merge takes several seconds
        for i in range(100_000):
            out.write(f'<https://example.org/t{i}> <http://www.w3.org/2000/01/rdf-schema#label> "term {i}" .\n')
    target = tmp_path / "store"
    process = subprocess.Popen([sys.executable, "-m", "milia_kg", "merge", str(source), "--out", str(target)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".store.tmp-*")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no temporary folder within 60 s"
            time.sleep(0.02)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "milia-kg: error: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.nt"]  # no store, no temporary folder
