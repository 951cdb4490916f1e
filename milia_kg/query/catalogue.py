"""The canned-query catalogue: ``queries/*.rq`` files with a grlc-style ``#+`` YAML header.

Each file holds one SPARQL query. Its leading comment lines that start with ``#+`` form a YAML
mapping (the "decorator syntax" of grlc)::

    #+ summary: Which kinds of milia appear at this site or any part of it?
    #+ description: ...
    #+ params:
    #+   - name: site
    #+     type: label-or-IRI
    #+     required: true
    #+     description: an anatomical site
    #+ columns: [condition, site]
    #+ example: [site=face]
    SELECT ?condition ?site WHERE { ... }

The query name is the file stem. Unlike grlc, a malformed header is an error when the catalogue
is loaded, and parameter values are never pasted into the query text (see :mod:`milia_kg.query.params`).
Files in sub-folders (``queries/checks/``) are not part of the catalogue.

This module also holds the small SPARQL lexer the catalogue needs: it finds the query form, the
projected variables and the opening brace of the ``WHERE`` clause without a full parser, so that
loading the catalogue does not import rdflib.

>>> q = parse_query_text('''#+ summary: Labels of everything
... #+ columns: [s, label]
... SELECT ?s ?label WHERE { ?s rdfs:label ?label }''', name="labels")
>>> q.name, q.form, q.columns
('labels', 'SELECT', ('s', 'label'))
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milia_kg.base import resources
from milia_kg.base.records import FrozenRecord
from milia_kg.errors import MiliaKGError, UnknownQueryError
from milia_kg.query import header_cache
from milia_kg.query.sparql_text import query_form, select_variables, tokens, where_brace_offset

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "PARAM_TYPES",
    "README_END",
    "README_START",
    "Param",
    "Query",
    "get_query",
    "load_catalogue",
    "parse_query_file",
    "parse_query_text",
    "readme_section",
    "render_markdown",
    "replace_readme_section",
]

#: The parameter types a header may declare.
PARAM_TYPES = ("label-or-IRI", "boolean", "string")

_HEADER_KEYS = frozenset({"summary", "description", "params", "columns", "example"})
_PARAM_KEYS = frozenset({"name", "type", "required", "description", "variable"})
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

README_START = "<!-- catalogue:start -->"
README_END = "<!-- catalogue:end -->"


class Param(FrozenRecord):
    """One declared parameter of a canned query.

    ``variable`` names the query variable the value is bound to when it differs from ``name``
    (e.g. parameter ``population`` bound to ``?target_population``, so that the query can still
    return rows whose own ``?population`` is unbound).
    """

    _fields = ("name", "type", "required", "description", "variable")
    name: str
    type: str
    required: bool
    description: str
    variable: str

    def __init__(self, name: str, type: str = "label-or-IRI", required: bool = False,
                 description: str = "", variable: str = "") -> None:
        self._set(name=name, type=type, required=required, description=description, variable=variable)

    @property
    def var(self) -> str:
        """The query variable this parameter binds (without ``?``)."""
        return self.variable or self.name


class Query(FrozenRecord):
    """A canned query: its header metadata and its SPARQL text.

    ``columns`` are the projected variables of a ``SELECT`` query, in order; ``example`` holds
    ``(parameter, value)`` pairs for a command that shows the query at work.
    """

    _fields = ("name", "summary", "text", "form", "description", "params", "columns", "example", "source")
    name: str
    summary: str
    text: str
    form: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    example: tuple[tuple[str, str], ...]
    source: str

    def __init__(self, name: str, summary: str, text: str, form: str, description: str = "",
                 params: tuple[Param, ...] = (), columns: tuple[str, ...] = (),
                 example: tuple[tuple[str, str], ...] = (), source: str = "") -> None:
        self._set(name=name, summary=summary, text=text, form=form, description=description, params=params,
                  columns=columns, example=example, source=source)

    def param(self, name: str) -> Param | None:
        """Return the declared parameter ``name``, or ``None``."""
        return next((p for p in self.params if p.name == name), None)

    @property
    def example_command(self) -> str:
        """The shell command that runs this query with its example parameters.

        >>> Query("sources", "Where does this come from?", "ASK {}", "ASK").example_command
        'milia-kg query sources'
        """
        args = "".join(f" --param {_shell_quote(f'{k}={v}')}" for k, v in self.example)
        return f"milia-kg query {self.name}{args}"


# ----------------------------------------------------------------------------- header parsing


def _split_header(text: str, source: str) -> tuple[str, str]:
    """Split ``text`` into the YAML of its leading ``#+`` lines and the rest."""
    header: list[str] = []
    lines = text.splitlines(keepends=True)
    start = len(lines)  # the first line of the query proper
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#+"):
            header.append(stripped[2:])
        elif stripped and not stripped.startswith("#"):
            start = i
            break
    for n, line in enumerate(lines[start:], start=start + 1):
        if line.lstrip().startswith("#+"):
            raise MiliaKGError(f"{source}:{n}: header line '#+' after the query has started")
    return textwrap.dedent("\n".join(header)), "".join(lines[start:])


def _parse_example(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        items = [(str(k), _yaml_scalar(v)) for k, v in value.items()]
    elif isinstance(value, (list, tuple)):
        items = []
        for entry in value:
            if not isinstance(entry, str) or "=" not in entry:
                raise MiliaKGError(f"{where}: example entry {entry!r} is not 'key=value'")
            key, _, val = entry.partition("=")
            items.append((key.strip(), val.strip()))
    elif isinstance(value, str):
        return _parse_example([value] if value else [], where)
    else:
        raise MiliaKGError(f"{where}: 'example' must be a list of 'key=value' or a mapping")
    return tuple(items)


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _reject_unknown_keys(mapping: Mapping[Any, Any], allowed: frozenset[str], message: str) -> None:
    """Fail loudly on a misspelt key instead of ignoring it, naming the keys that are allowed."""
    unknown = sorted(set(map(str, mapping)) - allowed)
    if unknown:
        raise MiliaKGError(f"{message} {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def _parse_params(value: Any, where: str) -> tuple[Param, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MiliaKGError(f"{where}: 'params' must be a list of mappings")
    params: list[Param] = []
    for entry in value:
        if not isinstance(entry, Mapping):
            raise MiliaKGError(f"{where}: parameter {entry!r} is not a mapping")
        _reject_unknown_keys(entry, _PARAM_KEYS, f"{where}: parameter has unknown key(s)")
        name, ptype = entry.get("name"), entry.get("type")
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise MiliaKGError(f"{where}: parameter without a valid 'name': {dict(entry)!r}")
        if ptype not in PARAM_TYPES:
            raise MiliaKGError(
                f"{where}: parameter {name!r} has type {ptype!r}; expected one of "
                f"{', '.join(PARAM_TYPES)}"
            )
        required = entry.get("required", False)
        if not isinstance(required, bool):
            raise MiliaKGError(f"{where}: parameter {name!r}: 'required' must be true or false")
        variable = entry.get("variable", name)
        if not isinstance(variable, str) or not _NAME_RE.match(variable):
            raise MiliaKGError(f"{where}: parameter {name!r} has an invalid 'variable' {variable!r}")
        if any(p.name == name for p in params):
            raise MiliaKGError(f"{where}: parameter {name!r} declared twice")
        if any(p.var == variable for p in params):
            raise MiliaKGError(f"{where}: two parameters bind the variable ?{variable}")
        params.append(
            Param(name, ptype, required, str(entry.get("description") or ""),
                  "" if variable == name else variable)
        )
    return tuple(params)


def parse_query_text(text: str, name: str, source: str | None = None) -> Query:
    """Parse the text of one ``.rq`` file into a :class:`Query`.

    :param text: the file content.
    :param name: the query name (the file stem).
    :param source: how to name the file in error messages (default: ``name``).
    :raises MiliaKGError: if the header is malformed: bad YAML, not a mapping, unknown key,
        no ``summary``, a parameter without a name or type, a parameter the query does not use,
        an example for an undeclared parameter, or ``columns`` that differ from the variables
        the ``SELECT`` projects.

    >>> parse_query_text("#+ summary: x\\n#+ colour: red\\nASK {}", "bad")
    Traceback (most recent call last):
    ...
    milia_kg.errors.MiliaKGError: bad: unknown header key(s) colour; allowed: columns, description, ..., summary
    """
    where = source or name
    header_text, body = _split_header(text, where)
    header = header_cache.load_header(header_text, where) if header_text.strip() else None
    if not isinstance(header, Mapping):
        raise MiliaKGError(f"{where}: no '#+' YAML header mapping (a 'summary' is required)")
    _reject_unknown_keys(header, _HEADER_KEYS, f"{where}: unknown header key(s)")
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise MiliaKGError(f"{where}: header has no 'summary'")
    try:
        form = query_form(body)
    except ValueError as exc:
        raise MiliaKGError(f"{where}: {exc}") from None
    params = _parse_params(header.get("params"), where)
    used = {tok[1][1:] for tok in tokens(body) if tok[0] == "var"}
    for p in params:
        if p.var not in used:
            raise MiliaKGError(f"{where}: parameter {p.name!r}: ?{p.var} is not a variable of the query")
    if params:
        try:
            where_brace_offset(body)
        except ValueError as exc:
            raise MiliaKGError(f"{where}: {exc}") from None
    columns = _parse_columns(header.get("columns"), body, form, where)
    example = _parse_example(header.get("example"), where)
    for key, _ in example:
        if not any(p.name == key for p in params):
            raise MiliaKGError(f"{where}: example uses undeclared parameter {key!r}")
    return Query(
        name=name,
        summary=" ".join(summary.split()),
        text=text,
        form=form,
        description=" ".join(str(header.get("description") or "").split()),
        params=params,
        columns=columns,
        example=example,
        source=where,
    )


def _parse_columns(value: Any, body: str, form: str, where: str) -> tuple[str, ...]:
    if value is not None and (
        not isinstance(value, list) or not all(isinstance(c, str) for c in value)
    ):
        raise MiliaKGError(f"{where}: 'columns' must be a list of variable names")
    if form != "SELECT":
        if value:
            raise MiliaKGError(f"{where}: 'columns' given for a {form} query")
        return ()
    projected = select_variables(body)
    if projected is None:
        raise MiliaKGError(f"{where}: catalogue queries must name their variables, not SELECT *")
    if value is not None and tuple(value) != projected:
        raise MiliaKGError(
            f"{where}: columns [{', '.join(value)}] do not match the SELECT variables "
            f"[{', '.join(projected)}]"
        )
    return projected


def parse_query_file(path: Path | Traversable) -> Query:
    """Parse one ``.rq`` file; the query name is the file stem.

    :raises MiliaKGError: if the file cannot be read as UTF-8 or its header is malformed.
    """
    name = path.name.removesuffix(".rq")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MiliaKGError(f"{path}: cannot read query file: {exc}") from None
    return parse_query_text(text, name, source=str(path))


# ----------------------------------------------------------------------------- the catalogue


@functools.lru_cache(maxsize=8)
def _load(directory: str | Path | None) -> dict[str, Query]:
    return {name: parse_query_file(f) for name, f in resources.query_files(directory).items()}


def load_catalogue(directory: str | Path | None = None) -> dict[str, Query]:
    """Load every ``*.rq`` file of ``directory`` (default: the packaged catalogue), by name.

    Loading is cached per folder; files in sub-folders (``checks/``) are not part of the catalogue.

    :raises MiliaKGError: naming the file, if any header is malformed, or if the folder is missing.

    >>> "subtypes" in load_catalogue()
    True
    """
    return dict(_load(None if directory is None else str(Path(directory).resolve())))


def get_query(name: str, directory: str | Path | None = None) -> Query:
    """Return the catalogue query ``name``.

    Only that query's file is read and checked (a cold ``milia-kg query NAME`` runs one query); the
    whole folder is loaded only for an unknown name, to list close matches.

    :raises UnknownQueryError: if there is no such query; the message lists close matches.
    :raises MiliaKGError: naming the file, if its header is malformed.

    >>> get_query("subtype")
    Traceback (most recent call last):
    ...
    milia_kg.errors.UnknownQueryError: unknown query 'subtype'; did you mean: subtypes?
    """
    key = None if directory is None else str(Path(directory).resolve())
    found = _one(key, name) if _NAME_RE.match(name) else None
    return found or _pick(load_catalogue(directory), name)


@functools.lru_cache(maxsize=64)
def _one(key: str | None, name: str) -> Query | None:
    """The query ``name`` of folder ``key`` from its own file, or ``None`` if there is no such file."""
    folder = resources.queries_dir(key)
    entry = folder.joinpath(f"{name}.rq")
    try:
        if not entry.is_file():
            return None
    except OSError:  # a name too long for a file name: the catalogue answers (unknown query)
        return None
    return parse_query_file(entry)


def _pick(catalogue: Mapping[str, Query], name: str) -> Query:
    try:
        return catalogue[name]
    except KeyError:
        raise UnknownQueryError(name, dict(catalogue)) from None


# ----------------------------------------------------------------------------- README


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _shell_quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def render_markdown(queries: Iterable[Query] | None = None) -> str:
    """Render the README's catalogue section: one table row per query.

    >>> q = Query("subtypes", "What kinds of milia are there?", "", "SELECT",
    ...           columns=("subtype", "definition"))
    >>> print(render_markdown([q]))
    <!-- generated ... -->
    Every entity column `X` of the output also comes with `X_label`, its English label.
    <BLANKLINE>
    | query | question | parameters | columns | example |
    |---|---|---|---|---|
    | `subtypes` | What kinds of milia are there? | — | subtype, definition | `milia-kg query subtypes` |
    """
    if queries is None:
        queries = load_catalogue().values()
    lines = [
        "<!-- generated from the '#+' headers of queries/*.rq by "
        "`python scripts/catalogue_readme.py --write-readme`; do not edit -->",
        "Every entity column `X` of the output also comes with `X_label`, its English label.",
        "",
        "| query | question | parameters | columns | example |",
        "|---|---|---|---|---|",
    ]
    for q in sorted(queries, key=lambda q: q.name):
        params = "<br>".join(
            f"`{p.name}` ({p.type}, {'required' if p.required else 'optional'})"
            + (f": {_md(p.description)}" if p.description else "")
            for p in q.params
        )
        cells = [
            f"`{q.name}`",
            _md(q.summary),
            params or "—",
            ", ".join(q.columns) or "—",
            f"`{q.example_command}`",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def readme_section(readme: str) -> str | None:
    """Return the text between the catalogue markers of ``readme``, or ``None`` if absent."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        return None
    return readme[start + len(README_START) : end].strip("\n")


def replace_readme_section(readme: str, table: str) -> str:
    """Return ``readme`` with the catalogue section replaced by ``table``.

    :raises MiliaKGError: if the README lacks the catalogue markers.
    """
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise MiliaKGError(f"README has no '{README_START}' ... '{README_END}' section")
    return readme[: start + len(README_START)] + "\n" + table + "\n" + readme[end:]
