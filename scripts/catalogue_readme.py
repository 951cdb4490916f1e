#!/usr/bin/env python3
"""Regenerate or check the query catalogue table in README.md from the ``#+`` headers of queries/*.rq.

    python scripts/catalogue_readme.py               # print the table
    python scripts/catalogue_readme.py --check       # exit 1 if README.md is out of date
    python scripts/catalogue_readme.py --write-readme

A maintenance program of the source checkout (not shipped in the wheel); its check also runs as a
test (tests/query/test_catalogue_headers.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from milia_kg.errors import MiliaKGError
from milia_kg.query.catalogue import load_catalogue, render_markdown, replace_readme_section

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """``scripts/catalogue_readme.py [--write-readme | --check] [--readme PATH]``: exit 0, 1 (stale) or 2."""
    parser = argparse.ArgumentParser(prog="scripts/catalogue_readme.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--queries", type=Path, default=None, help="query folder")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write-readme", action="store_true", help="regenerate the section")
    mode.add_argument("--check", action="store_true", help="exit 1 if README is out of date")
    args = parser.parse_args(argv)
    try:
        table = render_markdown(load_catalogue(args.queries).values())
        if not (args.write_readme or args.check):
            print(table)
            return 0
        readme = args.readme.read_text(encoding="utf-8")
        updated = replace_readme_section(readme, table)
    except (MiliaKGError, OSError) as exc:
        print(f"milia-kg: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if updated != readme:
            print(f"{args.readme}: query catalogue is out of date", file=sys.stderr)
            return 1
        return 0
    if updated != readme:
        args.readme.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
