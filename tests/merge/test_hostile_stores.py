"""Damaged, forged and hostile kept stores (issue 23, findings 4, 10 and 14).

``--store DIR`` refuses a store whose files do not match the checksums written when it was built, or
whose marker is no record, in one line (exit 2), in bounded time and memory (each CLI run is a
child held to 2 GiB: the flipped byte of the issue made a query allocate 23.7 GB). A kept store of
the cache that is damaged, a link, or writable by another user is rebuilt with one warning.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PYTHON, subprocess_env

from milia_kg.merge.store import MARKER, build_store, kept_store, open_store

FIXTURES = Path(__file__).parents[1] / "fixtures"
SLICE = FIXTURES / "obo-slice.ttl"
REBUILD = "rebuild it with 'milia-kg merge FILE... --out DIR'"
#: An ASK whose answer the slice fixes: the eyelid's UBERON class is there.
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store([SLICE], tmp_path_factory.mktemp("built") / "store")


def _largest_sst(folder: Path) -> Path:
    return max(folder.glob("*.sst"), key=lambda p: p.stat().st_size)


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.truncate(path.stat().st_size // 2)


def _replace(path: Path, make: Callable[[Path], None]) -> None:
    path.unlink()
    make(path)


#: case -> (damage to the store folder, the reason StoreError gives after "{folder}: ")
DAMAGED: dict[str, tuple[Callable[[Path], None], Callable[[Path], str]]] = {
    "flipped-byte": (lambda f: _flip(_largest_sst(f)),
                     lambda f: f"damaged: {_largest_sst(f).name} does not match its checksum; {REBUILD}"),
    "truncated-sst": (lambda f: _truncate(_largest_sst(f)), None),  # type: ignore[dict-item]
    "missing-sst": (lambda f: _largest_sst(f).unlink(), None),  # type: ignore[dict-item]
    "missing-current": (lambda f: (f / "CURRENT").unlink(), lambda f: f"damaged: CURRENT is missing; {REBUILD}"),
    "sst-is-fifo": (lambda f: _replace(_largest_sst(f), os.mkfifo), None),  # type: ignore[dict-item]
    "marker-list": (lambda f: (f / MARKER).write_text("[]"),
                    lambda f: f"unreadable {MARKER}: not a record: a JSON list, not dict"),
    "marker-string": (lambda f: (f / MARKER).write_text('"x"'),
                      lambda f: f"unreadable {MARKER}: not a record: a JSON str, not dict"),
    "marker-nested-100k": (lambda f: (f / MARKER).write_text("[" * 100_000 + "]" * 100_000),
                           lambda f: f"unreadable {MARKER}: not a record: JSON nested too deep"),
    "marker-dev-zero": (lambda f: _replace(f / MARKER, lambda p: p.symlink_to("/dev/zero")),
                        lambda f: f"unreadable {MARKER}: not a regular file"),
    "marker-fifo": (lambda f: _replace(f / MARKER, os.mkfifo), lambda f: f"unreadable {MARKER}: not a regular file"),
    "marker-without-files": (lambda f: (f / MARKER).write_text('{"layout": 2}'),
                             lambda f: f"damaged: no list of its files; {REBUILD}"),
}


def _expected(case: str, folder: Path, sst: Path) -> str:
    if case == "truncated-sst":
        return f"damaged: {sst.name} has {sst.stat().st_size} bytes, not {_size(case, sst)} (truncated or changed); {REBUILD}"
    if case == "missing-sst":
        return f"damaged: {sst.name} is missing; {REBUILD}"
    if case == "sst-is-fifo":
        return f"damaged: {sst.name} is not a regular file; {REBUILD}"
    return DAMAGED[case][1](folder)


_SIZES: dict[str, int] = {}


def _size(case: str, sst: Path) -> int:
    return _SIZES[case]


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_damaged_store_refused_in_one_line(case: str, built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    shutil.copytree(built, folder)
    sst = _largest_sst(folder)
    _SIZES[case] = sst.stat().st_size
    DAMAGED[case][0](folder)
    expected = _expected(case, folder, sst)
    query = tmp_path / "ask.rq"
    query.write_text(ASK, encoding="utf-8")
    done = _limited(f"""
        from milia_kg.errors import StoreError
        from milia_kg.merge.store import open_store
        try:
            open_store({str(folder)!r})
        except StoreError as error:
            print(error)
        from milia_kg.cli import main
        sys.argv = ["milia-kg", "sparql", "--store", {str(folder)!r}, {str(query)!r}]
        main()
    """)
    assert done.returncode == 2
    assert done.stdout.splitlines() == [f"{folder}: {expected}"]  # the API's StoreError
    assert done.stderr.splitlines() == [f"milia-kg: error: {folder}: {expected}"]


def _limited(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a child held to 2 GiB of address space and 120 s: a regression that reads
    ``/dev/zero`` or a damaged store fails the test, not the machine."""
    head = "import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
    return subprocess.run([PYTHON, "-c", head + textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, env=subprocess_env())


def test_sound_store_opens_and_answers(built: Path) -> None:
    assert open_store(built).sparql(ASK) is True


# ----------------------------------------------------------------------------- kept stores of the cache


@pytest.fixture()
def cache(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    first = kept_store([SLICE], directory=folder)
    assert open_store(first).sparql(ASK) is True
    return folder


def _forged_link(target: Path) -> None:
    """The kept store swapped for a link to another (sound) store."""
    other = target.parent.parent / "other"
    shutil.copytree(target, other)
    shutil.rmtree(target)
    target.symlink_to(other)


KEPT: dict[str, tuple[Callable[[Path], None], str]] = {
    "flipped-byte": (lambda t: _flip(_largest_sst(t)), "does not match its checksum"),
    "link-to-another-store": (_forged_link, "a symbolic link"),
    "world-writable": (lambda t: t.chmod(0o777), "writable by other users (mode drwxrwxrwx)"),
    "other-owner": (lambda t: os.chown(t, 4242, -1), f"owned by another user (uid 4242, not {os.geteuid()})"),
    "marker-other-owner": (lambda t: os.chown(t / MARKER, 4242, -1),
                           f"owned by another user (uid 4242, not {os.geteuid()})"),
    "marker-dev-zero": (lambda t: _replace(t / MARKER, lambda p: p.symlink_to("/dev/zero")),
                        "a symbolic link, where milia-kg writes a file"),
    "marker-list": (lambda t: (t / MARKER).write_text("[]"), f"unreadable {MARKER}: not a record: a JSON list, not dict"),
}


@pytest.mark.parametrize("case", sorted(KEPT))
def test_refused_kept_store_is_rebuilt(case: str, cache: Path) -> None:
    if "owner" in case and os.geteuid() != 0:
        pytest.skip("chown to another user needs root")
    (target,) = cache.glob("merged-*")
    damage, reason = KEPT[case]
    damage(target)
    done = _limited(f"""
        from milia_kg.merge.store import kept_store
        print(kept_store([{str(SLICE)!r}], directory={str(cache)!r}))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(target)
    [warning] = done.stderr.splitlines()
    assert warning.startswith(f"milia-kg: warning: kept store {target} was refused (") and reason in warning
    assert warning.endswith("; rebuilt")
    assert not target.is_symlink() and target.stat().st_uid == os.geteuid() and not target.stat().st_mode & 0o002
    assert open_store(target).sparql(ASK) is True
