"""Telling an HPO annotation table (``phenotype.hpoa``) by its header, and splitting the header off,
without rdflib: a merge asks this of every file, and only a table needs rdflib to convert it
(:mod:`milia_kg.formats.hpoa`).

>>> split_header("#version: 2025-01-16\\n#description: x\\ndatabase_id\\t...\\n")
({'version': '2025-01-16', 'description': 'x'}, 'database_id\\t...\\n', 2)
"""

from __future__ import annotations

from pathlib import Path

from milia_kg.base import files

__all__ = ["COLUMNS", "is_hpoa", "split_header"]

#: The columns of ``phenotype.hpoa``, in order (HPO annotation format, 2021 onwards).
COLUMNS = ("database_id", "disease_name", "qualifier", "hpo_id", "reference", "evidence",
           "onset", "frequency", "sex", "modifier", "aspect", "biocuration")
_HEAD = 4096


def split_header(text: str) -> tuple[dict[str, str], str, int]:
    """Header ``#key: value`` pairs, the table text, and how many lines the header took."""
    header: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    count = 0
    for line in lines:
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        header.setdefault(key.strip(), value.strip())
        count += 1
    return header, "".join(lines[count:]), count


def is_hpoa(path: Path) -> bool:
    """Whether ``path`` is an HPO annotation file: named ``.hpoa`` or its table starts with HPO's columns."""
    if path.suffix == ".hpoa":
        return True
    files.check_regular(path, files.MAX_RDF_FILE_BYTES)  # a FIFO or /dev/zero must not block or hang
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD).decode("utf-8", "replace")
    except OSError:
        return False
    return split_header(head)[1].startswith("\t".join(COLUMNS[:4]))
