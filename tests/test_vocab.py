"""One vocabulary: every namespace IRI written once (milia_kg/vocab.py), one prefix table, one shortener."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from milia_kg import vocab

PACKAGE = Path(vocab.__file__).parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "vocab.py" and "__pycache__" not in p.parts)


def _code_strings(tree: ast.AST) -> list[str]:
    """The string constants of a module's code: docstrings (and their doctests) aside."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_namespaces_are_written_only_in_vocab(module: Path) -> None:
    strings = _code_strings(ast.parse(module.read_text(encoding="utf-8")))
    retyped = sorted({ns for ns in vocab.PREFIXES.values() for s in strings if ns in s})
    assert retyped == []


def test_one_prefix_table_is_a_bijection() -> None:
    assert len(set(vocab.PREFIXES.values())) == len(vocab.PREFIXES)
    for view in (vocab.QUERY_PREFIXES, vocab.RELEASE_PREFIXES, vocab.REPORT_PREFIXES):
        assert view.items() <= vocab.PREFIXES.items()


@pytest.mark.parametrize(
    ("iri", "table", "style", "expected"),
    [
        (vocab.OBO + "UBERON_0001456", vocab.QUERY_PREFIXES, "sparql", "UBERON:0001456"),
        (vocab.OBO + "UBERON_0001456", vocab.REPORT_PREFIXES, "report", "obo:UBERON_0001456"),
        (vocab.OBO + "hp.owl", vocab.QUERY_PREFIXES, "sparql", "<http://purl.obolibrary.org/obo/hp.owl>"),
        (vocab.OBO + "hp.owl", vocab.REPORT_PREFIXES, "report", "obo:hp.owl"),
        (vocab.MKG + "secondary-milia", vocab.QUERY_PREFIXES, "sparql", "mkg:secondary-milia"),
        (vocab.MKG + "-x", vocab.QUERY_PREFIXES, "sparql", "mkg:-x"),
        (vocab.MKG + "1x", vocab.QUERY_PREFIXES, "sparql", "<https://w3id.org/milia-kg/1x>"),
        (vocab.MKG, vocab.QUERY_PREFIXES, "sparql", "mkg:"),
        (vocab.MKGSH + "SiteShape", vocab.REPORT_PREFIXES, "report", "mkgsh:SiteShape"),
        (vocab.SH + "minCount", vocab.QUERY_PREFIXES, "sparql", "<http://www.w3.org/ns/shacl#minCount>"),
        (vocab.SH + "minCount", vocab.REPORT_PREFIXES, "report", "sh:minCount"),
    ],
)
def test_shorten(iri: str, table: dict[str, str], style: str, expected: str) -> None:
    assert vocab.shorten(iri, table, style=style) == expected  # type: ignore[arg-type]


def test_converter_is_built_once() -> None:
    assert vocab.converter() is vocab.converter()
    assert vocab.converter().compress(vocab.SSSOM + "MappingSet") == "sssom:MappingSet"


@pytest.mark.parametrize(
    ("curie", "expected"),
    [
        ("mkg:Milia", vocab.MKG + "Milia"),
        ("skos:altLabel", vocab.SKOS + "altLabel"),
        ("mkg:", vocab.MKG),  # an empty local part names the namespace itself
        ("mkg:a:b", vocab.MKG + "a:b"),  # split at the first colon only
        ("MKG:Milia", None),  # prefixes match exactly
        ("nosuchprefix:1", None),
        ("mkg", None),  # no colon: not a CURIE
    ],
)
def test_expand(curie: str, expected: str | None) -> None:
    assert vocab.expand(curie) == expected


def test_expand_agrees_with_curies() -> None:
    """``vocab.expand`` stands in for curies' ``Converter.expand`` on a plain prefix map: the same IRI,
    or ``None``, for every prefix of the project's table and of the packaged mapping set."""
    import curies

    from milia_kg.query.params import _mapping_set_prefixes

    mapping_set = _mapping_set_prefixes()
    assert {"MESH", "SNOMEDCT", "UMLS"} <= set(mapping_set)  # the set's curie_map is read
    for table in (vocab.PREFIXES, mapping_set):
        converter = curies.Converter.from_prefix_map(table)
        for prefix in [*table, "unknown"]:
            for curie in (f"{prefix}:0001456", f"{prefix}:", f"{prefix}:a:b", f"{prefix.swapcase()}:x"):
                assert vocab.expand(curie, table) == converter.expand(curie), curie
