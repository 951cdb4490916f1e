"""Same answers whichever engine or entry point: one default reasoner, the same CURIE prefixes."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

import milia_kg
from milia_kg.cli import main
from milia_kg.query.kg import ENGINES, KnowledgeGraph
from milia_kg.reasoner import DEFAULT_REASONER, REASONERS

#: Functions that must be among those found, so the check below cannot pass by finding nothing.
KNOWN = {
    "milia_kg.release.pipeline.load_dataset",
    "milia_kg.reasoner._infer.infer",
    "milia_kg.reasoner._infer.reason",
    "milia_kg.merge.union.merged_graph",
    "milia_kg.release.build.build",
    "milia_kg.release.pipeline.validate_sources",
    "milia_kg.release.cache.reasoned_graph_file",
    "milia_kg.query.kg.KnowledgeGraph.open",
}


def _functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every function and method defined in the package's modules (subpackages too), by qualified name."""
    for info in pkgutil.walk_packages(milia_kg.__path__, prefix="milia_kg."):
        if info.name == "milia_kg.__main__":
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(value):
                yield f"{module.__name__}.{name}", value
            elif inspect.isclass(value):
                for attr, member in vars(value).items():
                    func = getattr(member, "__func__", member)
                    if inspect.isfunction(func):
                        yield f"{module.__name__}.{name}.{attr}", func


def test_every_function_defaults_to_the_same_reasoner() -> None:
    """An optional ``reasoner`` parameter defaults to :data:`DEFAULT_REASONER` (``None``, "do not reason", aside)."""
    parameters = {name: inspect.signature(func).parameters.get("reasoner") for name, func in _functions()}
    defaults = {
        name: p.default for name, p in parameters.items()
        if p is not None and p.default is not inspect.Parameter.empty and p.default is not None
    }
    assert set(defaults) >= KNOWN
    assert defaults == dict.fromkeys(defaults, DEFAULT_REASONER)
    assert DEFAULT_REASONER == "fast"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_reasoner_option_has_the_same_default(command: str) -> None:
    options = [p for p in main.commands[command].params if p.name == "reasoner"]
    if command in ("queries", "report"):  # the catalogue, and ROBOT's report of the asserted OWL product
        assert options == []
        return
    (option,) = options
    assert option.default == DEFAULT_REASONER
    assert isinstance(option.type, click.Choice) and tuple(option.type.choices) == REASONERS


#: A Turtle file whose own prefix (``ex:``) is none of the built-in ones.
OWN_PREFIX_TTL = """\
@prefix ex: <http://example.org/thing/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:Bump rdfs:label "bump"@en ; skos:altLabel "lump"@en .
"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", ["ex:Bump", "bump", "http://example.org/thing/Bump"])
def test_from_file_understands_the_files_own_prefixes(engine: str, value: str, tmp_path: Path) -> None:
    path = tmp_path / "own-prefix.ttl"
    path.write_text(OWN_PREFIX_TTL, encoding="utf-8")
    kg = KnowledgeGraph.from_file(path, engine=engine)
    assert kg.query("synonyms", term=value) == [
        {"term": "http://example.org/thing/Bump", "term_label": "bump", "synonym": "lump"}
    ]
