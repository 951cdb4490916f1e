"""The rule-to-function table in milia_kg.reasoner's docstring matches the rules each function names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import milia_kg.reasoner

PACKAGE = Path(milia_kg.reasoner.__file__).parent
#: The modules that evaluate rules (the fast engine's, and the datatype check of the owlrl path).
RULE_MODULES = ("_engine", "_schema", "_checks", "_datatypes", "_valuespace", "_infer")
#: An OWL 2 RL rule name with shorthand alternatives: ``cls-svf1/2``, ``eq-rep-s/p/o``.
RULE = re.compile(r"\b((?:eq|prp|cls|cax|scm|dt)-[a-z]+(?:-[a-z]+)?[0-9]*)((?:/[0-9a-z]+)*)")


def _names(match: re.Match[str]) -> list[str]:
    base, alternatives = match.group(1), match.group(2)
    names = [base]
    for alt in filter(None, alternatives.split("/")):
        stem = re.sub(r"[0-9]+$", "", base) if alt.isdigit() else base[: -len(alt)]
        names.append(stem + alt)
    return names


def _functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef]]:
    found = [(f.name, f) for f in tree.body if isinstance(f, ast.FunctionDef)]
    for cls in (c for c in tree.body if isinstance(c, ast.ClassDef)):
        found += [(f"{cls.name}.{f.name}", f) for f in cls.body if isinstance(f, ast.FunctionDef)]
    return found


def rules_in_code() -> dict[str, set[str]]:
    """Rule -> the ``module.function`` whose body (comments, docstring) names it."""
    rules: dict[str, set[str]] = {}
    for module in RULE_MODULES:
        source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        lines = source.splitlines()
        for name, func in _functions(ast.parse(source)):
            for line in lines[func.lineno - 1 : func.end_lineno]:
                for match in RULE.finditer(line):
                    for rule in _names(match):
                        rules.setdefault(rule, set()).add(f"{module}.{name}")
    return rules


def rules_in_table() -> dict[str, set[str]]:
    """The docstring's table: rule -> functions (a row with an empty rule continues the one above)."""
    doc = milia_kg.reasoner.__doc__ or ""
    rows = doc.split("implemented in (module.function)\n", 1)[1].split("\n", 1)[1]
    table: dict[str, set[str]] = {}
    rule = ""
    for row in rows.splitlines():
        if row.startswith("="):
            break
        if row[:1].strip():
            rule = row.split()[0]
            assert rule not in table, f"{rule} listed twice"
            table[rule] = set()
        table[rule] |= {f.strip() for f in row[14:].split(",") if f.strip()}
    return table


def test_table_lists_every_rule_once_with_its_functions() -> None:
    code, table = rules_in_code(), rules_in_table()
    assert {"cax-sco", "prp-dom", "prp-rng", "cls-svf1", "dt-not-type", "eq-rep-o"} <= set(code)
    assert table == code


def test_every_function_in_the_table_exists() -> None:
    import importlib

    for functions in rules_in_table().values():
        for qualified in functions:
            module, *path = qualified.split(".")
            target: object = importlib.import_module(f"milia_kg.reasoner.{module}")
            for attr in path:
                target = getattr(target, attr)
            assert callable(target), qualified
