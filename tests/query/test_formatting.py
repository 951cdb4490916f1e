"""Terminal tables (milia_kg/query/formatting.py): sized to COLUMNS, ``--wide``, no cell ever cut."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from milia_kg import cli
from milia_kg.query.backends.base import IRI
from milia_kg.query.formatting import render_table, terminal_width

MKG = "https://w3id.org/milia-kg/"
SITES_QUOTE = ("Primary milia, which often appear on the eyelids, forehead, cheeks or genitals, can occur in "
               "children or adults.")
COURSE_QUOTE = "Like neonatal milia, they usually clear up on their own, but it might take a few months."
ROWS = [
    {"condition": IRI(MKG + "PrimaryMilia"), "site": IRI(MKG + "Eyelid"), "quote": SITES_QUOTE},
    {"condition": IRI(MKG + "PrimaryMilia"), "site": IRI(MKG + "Cheek"), "quote": COURSE_QUOTE},
]


def column_text(table: str, start: int) -> list[str]:
    """The text of the column starting at ``start`` for each row (rows split by blank lines)."""
    body = table.splitlines()[2:]
    rows, current = [], []
    for line in body:
        if not line.strip():
            rows.append(current)
            current = []
        else:
            current.append(line[start:].strip())
    rows.append(current)
    return [" ".join(part for part in row if part) for row in rows]


@pytest.mark.parametrize("width", [60, 80, 100])
def test_a_table_fits_the_width_and_keeps_every_word(width: int) -> None:
    table = render_table(["condition", "site", "quote"], ROWS, width=width)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= width
    assert lines[0].startswith("condition         site        quote")  # identifiers kept whole
    assert "mkg:PrimaryMilia  mkg:Eyelid" in lines[2]
    assert column_text(table, lines[0].index("quote")) == [SITES_QUOTE, COURSE_QUOTE]
    assert "…" not in table


def test_wide_keeps_every_row_on_one_line() -> None:
    table = render_table(["condition", "site", "quote"], ROWS, width=40, wide=True)
    assert table.splitlines()[2:] == [f"mkg:PrimaryMilia  mkg:Eyelid  {SITES_QUOTE}",
                                      f"mkg:PrimaryMilia  mkg:Cheek   {COURSE_QUOTE}"]


def test_a_table_that_fits_is_unchanged() -> None:
    table = render_table(["site"], [{"site": IRI(MKG + "Nose")}], width=80)
    assert table == "site\n--------\nmkg:Nose"


@pytest.mark.parametrize(("value", "expected"), [("132", 132), ("", 120), ("x", 120)])
def test_the_width_comes_from_columns(monkeypatch: pytest.MonkeyPatch, value: str, expected: int) -> None:
    monkeypatch.setenv("COLUMNS", value)
    import shutil

    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(120, 24): __import__("os").terminal_size(fallback))
    assert terminal_width() == expected


def test_cli_table_is_sized_to_columns_and_wide_is_one_line() -> None:
    args = ["query", "body_sites", "--param", "condition=primary milia", "--param", "inherit=false"]
    narrow = CliRunner().invoke(cli.main, args, env={"COLUMNS": "150"})
    assert narrow.exit_code == 0, narrow.output
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 150
    quotes = column_text(narrow.stdout, lines[0].index("quote"))
    assert quotes == [SITES_QUOTE] * 4  # cheek, eyelid, forehead, genitals: the page's one sentence
    wide = CliRunner().invoke(cli.main, [*args, "--wide"], env={"COLUMNS": "150"})
    assert wide.exit_code == 0, wide.output
    assert [line.endswith(SITES_QUOTE) for line in wide.stdout.splitlines()[2:]] == [True] * 4
