"""A kept store's labels, written beside it: label parameters resolve to the same IRIs, with the
same errors and suggestions, as when the store itself is asked, and the file is checked with the
store's own (issue 22: 0.13 s of every first ``--merge hp.obo`` query)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from milia_kg.errors import ParameterError, StoreError
from milia_kg.merge import labels
from milia_kg.merge.store import MARKER, open_store
from milia_kg.merge.store import kept_store as keep
from milia_kg.query import params
from milia_kg.query.catalogue import Param

OBO = Path(__file__).parents[1] / "fixtures" / "obo-slice.obo"
ENTITY = Param(name="entity", type="iri", description="")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return keep([OBO], directory=tmp_path_factory.mktemp("stores"))


def _resolved(resolver: params.Resolver, value: str) -> str:
    try:
        return str(resolver.resolve(ENTITY, value).value)
    except ParameterError as error:
        return f"error: {error}"


@pytest.mark.parametrize("value", ["milia", "  MILIA ", "pruritus", "abnormality of the skin", "skin",
                                   "milia en plaque", "nothing like it", "HP:0001056", "All"])
def test_labels_beside_the_store_resolve_as_the_store_does(store: Path, value: str) -> None:
    kg = open_store(store)
    rows = labels.reader(store, json.loads((store / MARKER).read_text())["files"])
    assert rows is not None
    with_rows = params.Resolver(kg.backend, labels=rows)
    asked = params.Resolver(kg.backend)
    assert _resolved(with_rows, value) == _resolved(asked, value)


def test_one_resolver_reads_the_rows_once_and_indexes_them_only_when_needed(store: Path) -> None:
    """The first look-up is one pass over the rows (indexing the HPO's 19,800 labels cost a first
    query with a new label 0.11 s); the next ones, and a miss (which lists candidates), use the
    index; every answer is the store's."""
    kg = open_store(store)
    read = labels.reader(store, json.loads((store / MARKER).read_text())["files"])
    assert read is not None
    reads = []

    def counted() -> list[tuple[str, str, str]]:
        reads.append(1)
        return read()

    with_rows, asked = params.Resolver(kg.backend, labels=counted), params.Resolver(kg.backend)
    assert _resolved(with_rows, "milia") == "https://w3id.org/milia-kg/Milia"  # the project's own first
    assert with_rows._index is None  # found in one pass
    for value in ["pruritus", "nothing like it", "abnormality of the skin", "MILIA", "skin"]:
        assert _resolved(with_rows, value) == _resolved(asked, value)
    assert with_rows._index is not None and len(reads) == 1


def test_the_rows_are_the_stores_labels(store: Path) -> None:
    kg = open_store(store)
    rows = labels.reader(store, json.loads((store / MARKER).read_text())["files"])
    assert rows is not None
    asked = {tuple(map(str, row)) for row in kg.backend.select(params.LABELS_QUERY, {})[1]}
    assert set(rows()) == asked and ("http://purl.obolibrary.org/obo/HP_0001056",
                                     "http://www.w3.org/2000/01/rdf-schema#label", "Milia") in asked


def test_a_changed_labels_file_is_a_damaged_store(tmp_path: Path) -> None:
    store = keep([OBO], directory=tmp_path)
    text = (store / labels.FILE).read_text(encoding="utf-8")
    (store / labels.FILE).write_text(text.replace('"Milia"', '"Miliq"'), encoding="utf-8")
    with pytest.raises(StoreError, match=f"damaged: {labels.FILE} does not match its checksum"):
        open_store(store)


def test_an_unlisted_labels_file_is_not_read(store: Path) -> None:
    assert labels.reader(store, {}) is None
