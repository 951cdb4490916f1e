"""Write beside, then swap: the one way milia-kg replaces a file or a folder that others may read.

A reader sees the old content or the new one, never half of either. Temporary files and folders
are named ``.NAME.tmp-PID-XXXX`` next to their target, so that the leftovers of a killed process
(SIGKILL, power loss) are recognised and removed by the next writer, while a running writer's
are left alone; SIGTERM, like Ctrl-C, removes the writer's own temporary folder.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_file(folder / "a.txt", b"one")
>>> with folder_beside(folder / "out") as tmp:
...     _ = (tmp / "x").write_text("x")
>>> sorted(p.name for p in folder.iterdir()), (folder / "out" / "x").read_text()
(['a.txt', 'out'], 'x')
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["STALE_AFTER", "file_beside", "folder_beside", "remove_stale", "sigterm_raises", "write_file"]

#: Seconds after which a temporary folder without a process id in its name counts as abandoned.
STALE_AFTER = 3600


def _umask() -> int:
    """The process umask (read by setting it, the only portable way, and restoring it at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


@contextmanager
def file_beside(target: Path, shared: bool = False) -> Iterator[BinaryIO]:
    """A new temporary file next to ``target``, open for writing, moved onto ``target`` when the
    block ends normally and removed when it raises. ``shared``: the mode the umask gives a new
    file (a product for others to read), else private (mkstemp's 0600, as cache files are)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        if shared:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_file(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``target``, then move it into place."""
    with file_beside(target) as out:
        out.write(data)


def remove_stale(target: Path) -> None:
    """Remove the temporary folders of writers of ``target`` that were killed.

    A ``.NAME.tmp-PID-XXXX`` whose process is gone is removed, a running writer's is left alone;
    a ``.NAME.old-PID-XXXX`` holds a previous content, removed only when ``target`` itself exists.
    """
    if not target.parent.is_dir():
        return
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(tmp|old)-(?:(\d+)-)?[^/]*$")
    for path in target.parent.iterdir():
        match = pattern.match(path.name)
        if match is None or not path.is_dir() or path.is_symlink():
            continue
        kind, pid = match.group(1), match.group(2)
        if pid is not None:
            stale = int(pid) != os.getpid() and not _alive(int(pid))
        else:
            stale = time.time() - path.stat().st_mtime > STALE_AFTER
        if stale and (kind == "tmp" or target.is_dir()):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`KeyboardInterrupt` as Ctrl-C does, so ``finally``
    clauses run, temporary folders are removed and the CLI exits 130 (``kill``, a CI job's stop and
    ``docker stop`` all send SIGTERM); the previous handler is restored after. Only where Python
    lets us (the main thread) and only if the default handler is in place (an application's own
    handler is left alone)."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _swap(tmp: Path, target: Path) -> None:
    """Move the folder ``tmp`` onto ``target``, keeping the old content until the move succeeded."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
        target.rename(old / target.name)
    try:
        tmp.rename(target)
    except OSError:
        if old is not None:
            (old / target.name).rename(target)
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old)


@contextmanager
def folder_beside(target: Path) -> Iterator[Path]:
    """A new temporary folder next to ``target`` (mode as the umask gives a new folder), moved onto
    ``target`` when the block ends normally and removed when it raises or SIGTERM arrives; the
    leftovers of killed writers are removed first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    with sigterm_raises():
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
        try:
            tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it 0700; the result is as shareable as any new folder
            yield tmp
            _swap(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
