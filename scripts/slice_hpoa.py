#!/usr/bin/env python3
"""Write the slice of an HPO annotation file (phenotype.hpoa) for one or more HPO terms, under the
source's header and a provenance header (how data/hpo/phenotype-milia.hpoa was made):

    python scripts/slice_hpoa.py slice HP:0001056 phenotype.hpoa data/hpo/phenotype-milia.hpoa \
        --source-name "HPO release 2025-01-16" --licence "..."

A maintenance program of the source checkout (not shipped in the wheel); tested in tests/formats/test_hpoa.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from milia_kg.formats.hpoa import slice_text


def main(argv: list[str] | None = None) -> int:
    """``scripts/slice_hpoa.py slice HP:nnnnnnn SRC OUT``: write the slice of one or more HPO terms."""
    parser = argparse.ArgumentParser(prog="scripts/slice_hpoa.py", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    cut = commands.add_parser("slice", help="keep the rows of the given HPO terms")
    cut.add_argument("hpo_ids", nargs="+", metavar="HP:nnnnnnn")
    cut.add_argument("source", type=Path, help="a phenotype.hpoa file")
    cut.add_argument("out", type=Path)
    cut.add_argument("--source-name", default="", help="how the source is named in the provenance header")
    cut.add_argument("--licence", default="", help="the licence statement read in the release")
    args = parser.parse_args(argv)
    provenance = {
        "slice-of": args.source_name or str(args.source), "slice-filter": "hpo_id in " + " ".join(args.hpo_ids)
    }
    if args.licence:
        provenance["licence"] = args.licence
    try:
        text = slice_text(args.source.read_text(encoding="utf-8"), set(args.hpo_ids), provenance)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        print(f"slice_hpoa: error: {args.source}: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
        return 2
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
