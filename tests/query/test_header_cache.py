"""The parsed ``#+`` headers kept by their text's SHA-256 (issue 22): a cold query parses no YAML,
yet an edited header is parsed again and a malformed one still fails with its one-line error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from milia_kg.errors import MiliaKGError
from milia_kg.query import catalogue, header_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own; the in-process memo of the file is cleared around it."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MILIA_KG_CACHE_DIR", str(folder))
    header_cache.forget()
    yield folder
    header_cache.forget()


def _query(folder: Path, name: str, text: str) -> catalogue.Query:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    header_cache.forget()  # as a new process would see the file
    return catalogue.parse_query_file(path)


def test_a_kept_header_is_served_without_yaml(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "#+ summary: Kinds of milia\n#+ columns: [s]\nSELECT ?s WHERE { ?s a ?k }"
    assert _query(tmp_path, "kinds", text).summary == "Kinds of milia"
    kept = json.loads((cache / header_cache.CACHE_FILE).read_text(encoding="utf-8"))
    assert list(kept.values()) == [{"summary": "Kinds of milia", "columns": ["s"]}]

    def no_yaml(header_text: str, where: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(header_cache, "parse_yaml", no_yaml)
    again = _query(tmp_path, "kinds", text)
    assert (again.summary, again.columns) == ("Kinds of milia", ("s",))


def test_an_edited_header_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    _query(tmp_path, "kinds", "#+ summary: Kinds of milia\nASK {}")
    assert _query(tmp_path, "kinds", "#+ summary: Types of milia\nASK {}").summary == "Types of milia"
    assert len(json.loads((cache / header_cache.CACHE_FILE).read_text(encoding="utf-8"))) == 2


def test_checks_still_run_on_a_kept_header(cache: Path, tmp_path: Path) -> None:
    """The YAML of both files is kept; the strict check of the header's keys fails either time."""
    bad = "#+ summary: s\n#+ colour: red\nASK {}"
    for _ in range(2):
        with pytest.raises(MiliaKGError, match=r"bad\.rq: unknown header key\(s\) colour"):
            _query(tmp_path, "bad", bad)


def test_invalid_yaml_fails_every_time(cache: Path, tmp_path: Path) -> None:
    for _ in range(2):
        with pytest.raises(MiliaKGError, match=r"broken\.rq: header is not valid YAML \(header line 2\): did not find expected ',' or ']'"):
            _query(tmp_path, "broken", "#+ summary: [unclosed\nASK {}")
    assert not (cache / header_cache.CACHE_FILE).exists()


def test_a_damaged_cache_file_is_parsed_around(cache: Path, tmp_path: Path) -> None:
    cache.mkdir()
    (cache / header_cache.CACHE_FILE).write_text('{"trunc', encoding="utf-8")
    assert _query(tmp_path, "kinds", "#+ summary: Kinds of milia\nASK {}").summary == "Kinds of milia"


def test_yaml_values_json_cannot_keep_are_not_kept(cache: Path, tmp_path: Path) -> None:
    """A date would come back from JSON as a string: such a header is parsed each time."""
    with pytest.raises(MiliaKGError, match="header has no 'summary'"):
        _query(tmp_path, "dated", "#+ summary: 2026-12-06\nASK {}")
    assert not (cache / header_cache.CACHE_FILE).exists()


def test_get_query_reads_only_the_file_asked_for(tmp_path: Path) -> None:
    """A malformed sibling does not stop a good query (it still fails the whole catalogue)."""
    (tmp_path / "good.rq").write_text("#+ summary: s\nASK {}", encoding="utf-8")
    (tmp_path / "bad.rq").write_text("#+ summary: s\n#+ colour: red\nASK {}", encoding="utf-8")
    assert catalogue.get_query("good", tmp_path).summary == "s"
    with pytest.raises(MiliaKGError, match=r"bad\.rq: unknown header key"):
        catalogue.get_query("bad", tmp_path)
