"""Run one command as a child of a small process; print its wall-clock time and its own peak memory.

``python -m benchmarks._spawn [--timeout SECONDS] -- COMMAND ...`` prints one JSON object:
``{"seconds": ..., "peak_mb": ..., "returncode": ..., "stdout": ..., "stderr": ...}``, or
``{"timeout": SECONDS}`` if the command was killed. The runner calls :func:`launch`, which starts
this launcher in a fresh process and returns that object.

Why a launcher: on Linux a child's peak resident set (``ru_maxrss``) starts from the peak of the
process that spawned it (``exec`` keeps the high-water mark of the memory it replaces, and
``subprocess`` spawns with ``vfork``, sharing the parent's memory). The runner holds generated
graphs of hundreds of megabytes, so its children would report at least that much. This launcher
imports only the standard library (about 10 MB), so what the child reports is its own.

``seconds`` runs from just before the child is started to just after it has exited, so it
includes starting the interpreter: that is what a user waits for. ``peak_mb`` comes from
``os.wait4``, the child's own ``rusage``, as ``/usr/bin/time -v`` reports it.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

__all__ = ["child_env", "launch", "main", "run"]

_KEEP = 200_000  # characters of stdout kept in the report
_ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _benchmarks_only() -> str:
    """A folder holding only a link to the ``benchmarks`` package (removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="milia-kg-bench-path-"))
    (folder / "benchmarks").symlink_to(_ROOT / "benchmarks", target_is_directory=True)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return str(folder)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a measured child: ``benchmarks`` importable, and milia_kg as installed.

    Why: a user runs the installed package, whose wheel holds compiled modules (setup.py); the source
    tree on the path would shadow them. So the children see the ``benchmarks`` package alone (a link)
    and not the folder they start in (``PYTHONSAFEPATH``). Where milia-kg is not installed at all, the
    repository is on the path instead, as before. An editable install runs the source either way.
    """
    try:
        metadata.distribution("milia-kg")
        first = _benchmarks_only()
    except metadata.PackageNotFoundError:
        first = str(_ROOT)
    path = os.pathsep.join(filter(None, (first, os.environ.get("PYTHONPATH"))))
    return dict(os.environ, PYTHONPATH=path, PYTHONSAFEPATH="1", **extra)


def run(command: list[str], timeout: float | None = None) -> dict[str, object]:
    """Run ``command``; return its time, peak memory, exit status and output (see the module docstring)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        killer = threading.Timer(timeout, child.kill) if timeout else None
        if killer is not None:
            killer.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        if killer is not None:
            killer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if killer is not None and child.returncode == -9 and seconds >= timeout:  # type: ignore[operator]
            return {"timeout": timeout}
        out.seek(0)
        err.seek(0)
        return {
            "seconds": seconds,
            "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            "returncode": child.returncode,
            "stdout": out.read().decode("utf-8", "replace")[-_KEEP:],
            "stderr": err.read().decode("utf-8", "replace")[-4_000:],
        }


def launch(
    command: list[str], *, cwd: str | os.PathLike[str], env: dict[str, str], timeout: float
) -> dict[str, object] | None:
    """Run ``command`` through this launcher in a fresh process; return :func:`run`'s record.

    Returns ``None`` if the command ran longer than ``timeout`` seconds (it is then killed).

    :raises RuntimeError: if the command fails, with its standard error.
    """
    launcher = [sys.executable, "-m", "benchmarks._spawn", "--timeout", str(timeout), "--", *command]
    done = subprocess.run(launcher, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout + 60)
    if done.returncode != 0:
        raise RuntimeError(f"launcher failed on {' '.join(command)}:\n{done.stderr}")
    record = json.loads(done.stdout)
    if "timeout" in record:
        return None
    if record["returncode"] != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {record['returncode']}:\n{record['stderr']}")
    return record


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``[--timeout SECONDS] -- COMMAND ...``."""
    args = list(sys.argv[1:] if argv is None else argv)
    timeout = None
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print("usage: python -m benchmarks._spawn [--timeout SECONDS] -- COMMAND ...", file=sys.stderr)
        return 2
    print(json.dumps(run(args, timeout)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
