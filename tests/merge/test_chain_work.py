"""An OBO ``is_a`` chain merges in work proportional to its closure (issue 23, finding 15).

The closure of a chain of n classes holds n(n-1)/2 subclass triples, so no merge of it is cheaper
than quadratic; scm-sco was evaluated cubically (each new triple joined with everything above and
below it: 4.6 million insertions for 300 terms, 15.5 s for 1,000, past 60 s for 3,000).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import PYTHON, subprocess_env

from milia_kg.merge.union import merged_triples


def _chain(path: Path, n: int) -> Path:
    """An OBO file of n terms, each ``is_a`` the one before."""
    lines = ["format-version: 1.2", "ontology: chain", ""]
    for i in range(n):
        lines += ["[Term]", f"id: X:{i:07d}", f"name: term {i}", *([f"is_a: X:{i - 1:07d}"] if i else []), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _insertions(files: list[Path]) -> tuple[int, int]:
    """(the merge's triples, the reasoner's triple insertions counted while merging ``files``)."""
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        code = getattr(frame, "f_code", None)
        if event == "call" and code is not None and code.co_name == "insert" and "reasoner" in code.co_filename:
            calls += 1

    sys.setprofile(count)
    try:
        closure, _ = merged_triples(files)
    finally:
        sys.setprofile(None)
    return len(closure), calls


def test_chain_work_is_proportional_to_its_closure(tmp_path: Path) -> None:
    small_triples, small_work = _insertions([_chain(tmp_path / "c100.obo", 100)])
    big_triples, big_work = _insertions([_chain(tmp_path / "c300.obo", 300)])
    # 200 more terms add at least their 300*299/2 - 100*99/2 = 39,900 subclass triples
    assert big_triples - small_triples >= 39_900
    # cubic work grew by 4.6 million insertions here; linear in the closure, by about 2 per triple
    assert big_work - small_work < 3 * (big_triples - small_triples)


@pytest.mark.slow
def test_3000_term_chain_merges_in_bounded_time(tmp_path: Path) -> None:
    """The issue's 120 KB chain, in a child held to 4 GiB and 240 s (about 30 s here, 1.3 GB)."""
    chain = _chain(tmp_path / "chain.obo", 3_000)
    code = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from milia_kg.merge.union import merged_triples
        closure, _ = merged_triples([{str(chain)!r}])
        print(len(closure))
    """)
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=240, env=subprocess_env())
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 3_000 * 2_999 // 2


def _part_of_chain(path: Path, n: int) -> Path:
    """An OBO file of n terms, each part of the one before (``part_of`` is transitive, with the inverse
    ``has_part``, in the project's ontology)."""
    lines = ["format-version: 1.2", "ontology: chain", "",
             "[Typedef]", "id: part_of", "name: part of", "xref: BFO:0000050", "is_transitive: true", ""]
    for i in range(n):
        lines += ["[Term]", f"id: X:{i:07d}", f"name: term {i}",
                  *([f"relationship: part_of X:{i - 1:07d}"] if i else []), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", ["2", "3"])
def test_part_of_chain_work_is_proportional_to_its_closure(tmp_path: Path, seed: str) -> None:
    """The transitive-property rule was evaluated on both sides for every triple, and a characteristic
    popped after its property's triples replayed them all: 9 million insertions for 300 terms under
    these hash seeds (the order of the agenda follows them), 21 s for 600 terms."""
    code = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(Path(__file__).parent.parent)!r}]
        from pathlib import Path
        from test_chain_work import _insertions, _part_of_chain
        for n in (100, 300):
            print(*_insertions([_part_of_chain(Path({str(tmp_path)!r}) / f"p{{n}}.obo", n)]))
    """)
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=240,
                          env=subprocess_env(PYTHONHASHSEED=seed))
    assert done.returncode == 0, done.stderr
    (small_triples, small_work), (big_triples, big_work) = (map(int, line.split()) for line in done.stdout.splitlines())
    # 200 more terms add 39,900 part_of and as many has_part triples
    assert big_triples - small_triples >= 2 * 39_900
    assert big_work - small_work < 3 * (big_triples - small_triples)


def _property_chain(path: Path, n: int) -> Path:
    """An OBO file of n relations (Typedefs), each ``is_a`` (rdfs:subPropertyOf) the one before."""
    lines = ["format-version: 1.2", "ontology: chain", ""]
    for i in range(n):
        lines += ["[Typedef]", f"id: r{i}", f"name: relation {i}", *([f"is_a: r{i - 1}"] if i else []), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_subproperty_chain_work_is_proportional_to_its_closure(tmp_path: Path) -> None:
    """scm-spo was evaluated on both sides for every triple, as scm-sco had been: 4.6 million
    insertions for 300 relations, 45 s for an 800-relation file of 40 KB (3.3 s now)."""
    small_triples, small_work = _insertions([_property_chain(tmp_path / "r100.obo", 100)])
    big_triples, big_work = _insertions([_property_chain(tmp_path / "r300.obo", 300)])
    assert big_triples - small_triples >= 39_900  # the subPropertyOf pairs the 200 more relations add
    assert big_work - small_work < 3 * (big_triples - small_triples)
