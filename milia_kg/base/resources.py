"""Lazy, cached access to the files that ship inside the package.

In a wheel the top-level ``ontology/``, ``data/`` and ``queries/`` folders are
installed as ``milia_kg/ontology``, ``milia_kg/data`` and ``milia_kg/queries``
(see ``[tool.setuptools.package-dir]`` in ``pyproject.toml``) and are found with
:func:`importlib.resources.files`.  In a source checkout (editable install or
``pytest`` run from the repository) they are found next to ``milia_kg/``.

Every function takes an optional folder that replaces the packaged one, so tests
and users can point the pipeline at other sources (``milia-kg validate
--ontology-dir DIR --data-dir DIR``).

>>> ontology_files()[0].name
'milia-kg.ttl'
>>> "milia" in seed_text()
True
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from milia_kg.errors import MiliaKGError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "ONTOLOGY_FILE",
    "PACKAGE_ROOT",
    "SEED_FILE",
    "SHAPES_FILE",
    "case_profile_schema",
    "check_files",
    "data_dir",
    "data_files",
    "decision_table",
    "import_files",
    "mappings_file",
    "ontology_dir",
    "ontology_files",
    "queries_dir",
    "query_files",
    "seed_text",
    "shapes_file",
    "web_dir",
]

#: The ``milia_kg`` package folder (``base/`` is one floor below it): the cache key hashes its code,
#: and a source checkout is found beside it.
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: The case-profile JSON Schema's file name inside ``milia_kg/decision/schemas``.
CASE_PROFILE_SCHEMA = "case-profile.schema.json"

#: The TBox, first among the ontology files.
ONTOLOGY_FILE = "milia-kg.ttl"
#: SHACL shapes; in ``ontology/`` but not part of the asserted graph.
SHAPES_FILE = "shapes.ttl"
#: The verbatim seed text, relative to ``data/``.
SEED_FILE = "source/milia-cleveland-clinic.txt"
#: The SSSOM mapping set, relative to ``data/``.
MAPPINGS_FILE = "mappings.sssom.tsv"

Folder: TypeAlias = "Traversable | Path"


@functools.cache
def _packaged(name: str) -> Traversable:
    """Return the packaged folder ``name`` (``ontology``, ``data`` or ``queries``)."""
    if (PACKAGE_ROOT / name).is_dir():  # an installed package on disk: what importlib.resources finds
        return PACKAGE_ROOT / name
    checkout = PACKAGE_ROOT.parent
    if (checkout / name).is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / name
    import importlib.resources  # a zipped install (importing it costs a cold command several ms)

    installed = importlib.resources.files("milia_kg").joinpath(name)
    if installed.is_dir():
        return installed
    raise MiliaKGError(f"the packaged folder {name!r} is missing from milia_kg; reinstall milia-kg")


def _folder(name: str, override: str | Path | None) -> Folder:
    if override is None:
        return _packaged(name)
    folder = Path(override)
    if not folder.is_dir():
        raise MiliaKGError(f"{folder}: not a folder")
    return folder


def _sorted(entries: Iterable[Traversable], suffix: str) -> tuple[Traversable, ...]:
    return tuple(sorted((e for e in entries if e.is_file() and e.name.endswith(suffix)), key=lambda e: e.name))


def ontology_dir(override: str | Path | None = None) -> Folder:
    """The folder holding the TBox, the shapes and ``imports/``.

    :raises MiliaKGError: if ``override`` is not a folder or the packaged folder is missing.
    """
    return _folder("ontology", override)


def data_dir(override: str | Path | None = None) -> Folder:
    """The folder holding the data Turtle files, ``source/`` and the mappings.

    :raises MiliaKGError: if ``override`` is not a folder or the packaged folder is missing.
    """
    return _folder("data", override)


def queries_dir(override: str | Path | None = None) -> Folder:
    """The folder holding the canned ``*.rq`` queries and ``checks/``.

    :raises MiliaKGError: if ``override`` is not a folder or the packaged folder is missing.
    """
    return _folder("queries", override)


def import_files(ontology: str | Path | None = None) -> tuple[Traversable, ...]:
    """The ``ontology/imports/*.ttl`` slices of external ontologies, sorted by name."""
    imports = ontology_dir(ontology).joinpath("imports")
    return _sorted(imports.iterdir(), ".ttl") if imports.is_dir() else ()


def ontology_files(ontology: str | Path | None = None) -> tuple[Traversable, ...]:
    """Every Turtle file of the asserted TBox: ``milia-kg.ttl`` first, then the
    other ``ontology/*.ttl`` except the shapes, then ``imports/*.ttl``."""
    own = [f for f in _sorted(ontology_dir(ontology).iterdir(), ".ttl") if f.name != SHAPES_FILE]
    own.sort(key=lambda f: (f.name != ONTOLOGY_FILE, f.name))
    return (*own, *import_files(ontology))


def shapes_file(ontology: str | Path | None = None) -> Traversable:
    """The SHACL shapes file ``ontology/shapes.ttl``."""
    return ontology_dir(ontology).joinpath(SHAPES_FILE)


def data_files(data: str | Path | None = None) -> tuple[Traversable, ...]:
    """Every ``data/*.ttl`` file, sorted by name."""
    return _sorted(data_dir(data).iterdir(), ".ttl")


def mappings_file(data: str | Path | None = None) -> Traversable | None:
    """``data/mappings.sssom.tsv`` if it exists, else ``None``."""
    candidate = data_dir(data).joinpath(MAPPINGS_FILE)
    return candidate if candidate.is_file() else None


@functools.lru_cache(maxsize=8)
def _read_text(folder: Traversable, name: str) -> str:
    return folder.joinpath(name).read_text(encoding="utf-8")


def seed_text(data: str | Path | None = None) -> str:
    """The verbatim seed page that every ``mkg:quote`` must be a substring of.

    :raises MiliaKGError: if the file is missing.
    """
    folder = data_dir(data)
    if not folder.joinpath(SEED_FILE).is_file():
        raise MiliaKGError(f"{folder}/{SEED_FILE}: seed text is missing")
    if not isinstance(folder, Hashable):  # Path and zipfile.Path are; Traversable does not promise it
        return _read_text.__wrapped__(folder, SEED_FILE)
    return _read_text(folder, SEED_FILE)


def query_files(queries: str | Path | None = None) -> dict[str, Traversable]:
    """The canned queries ``queries/*.rq`` by name (the file stem)."""
    return {f.name.removesuffix(".rq"): f for f in _sorted(queries_dir(queries).iterdir(), ".rq")}


def check_files(queries: str | Path | None = None) -> dict[str, Traversable]:
    """The QC checks ``queries/checks/*-violation.rq`` by name (the file stem)."""
    checks = queries_dir(queries).joinpath("checks")
    if not checks.is_dir():
        return {}
    return {f.name.removesuffix(".rq"): f for f in _sorted(checks.iterdir(), "-violation.rq")}


def _shipped(package: str, *parts: str) -> Traversable:
    """A file shipped inside ``package``: read from the package folder when the package is on disk
    (importing :mod:`importlib.resources` costs a cold ``classify`` about 6 ms, issue 22), else through
    importlib.resources (a zipped install)."""
    on_disk = PACKAGE_ROOT.joinpath(*package.split(".")[1:], *parts)
    if on_disk.is_file():
        return on_disk
    import importlib.resources

    return importlib.resources.files(package).joinpath(*parts)


def case_profile_schema() -> bytes:
    """The case-profile JSON Schema as shipped (``milia-kg build`` publishes it verbatim)."""
    return _shipped("milia_kg.decision", "schemas", CASE_PROFILE_SCHEMA).read_bytes()


def decision_table(name: str) -> str:
    """A table shipped with decision support (``milia_kg/decision/data/NAME``), as text."""
    return _shipped("milia_kg.decision", "data", name).read_text("utf-8")


def _semsql_file(what: str, *parts: str) -> str:
    """A file of the ``semsql`` package (optional: the ``obo`` extra), as text.

    :raises MiliaKGError: when the semsql package is not installed.
    """
    import importlib.resources

    try:
        return importlib.resources.files("semsql").joinpath("builder", *parts).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise MiliaKGError(f"semsql's {what} are not installed ({error}); pip install semsql") from None


def semsql_prefixes() -> str:
    """semsql's own prefix rows (``semsql/builder/prefixes/prefix.sql``: ``oio``, ``dct``, ``UBERON``...),
    the names rdftab gives the namespaces it knows.

    :raises MiliaKGError: when the semsql package is not installed.
    """
    return _semsql_file("prefixes", "prefixes", "prefix.sql")


def semsql_ddl() -> str:
    """semsql's own schema (``semsql/builder/sql_schema/semsql.sql`` of the ``semsql`` package, which
    oaklib depends on): the tables rdftab and relation-graph fill and the views oaklib's ``sqlite:``
    adapter reads (issue 20, item 6).

    :raises MiliaKGError: when the semsql package is not installed.
    """
    return _semsql_file("schema files", "sql_schema", "semsql.sql")


def web_dir() -> Traversable:
    """The served page's template, script, style and vendored editor (``milia_kg/serve/web``)."""
    import importlib.resources

    return importlib.resources.files("milia_kg.serve").joinpath("web")
