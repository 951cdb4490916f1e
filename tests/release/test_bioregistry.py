"""The release's prefix map, checked with bioregistry (software no one here wrote): every prefix name
is one bioregistry knows, and every URI prefix is one bioregistry lists for that resource."""

from __future__ import annotations

import json
from pathlib import Path

import bioregistry

from milia_kg.release.build import BuildSummary

#: Our own namespace: not (yet) registered.
UNREGISTERED = {"mkg"}
#: Where our URI prefix is a recognised alternative rather than bioregistry's preferred one; kept,
#: since changing it would change the graph's IRIs (README, "Linking to the wider ontologies").
ALTERNATIVE_URI_PREFIX = {"MESH", "OMIM", "SNOMEDCT", "UMLS"}


def _prefixes(release: tuple[Path, BuildSummary]) -> dict[str, str]:
    out, _ = release
    return json.loads((out / "prefixes.json").read_text(encoding="utf-8"))


def test_every_prefix_name_is_registered(release: tuple[Path, BuildSummary]) -> None:
    unknown = {name for name in _prefixes(release) if bioregistry.normalize_prefix(name) is None}
    assert unknown == UNREGISTERED


def test_every_uri_prefix_is_one_bioregistry_lists(release: tuple[Path, BuildSummary]) -> None:
    prefixes = _prefixes(release)
    listed, preferred = set(), set()
    for name, uri in prefixes.items():
        resource = bioregistry.get_resource(bioregistry.normalize_prefix(name) or name)
        if resource is None:
            continue
        if uri in set(resource.get_uri_prefixes()):
            listed.add(name)
        if uri == bioregistry.get_uri_prefix(resource.prefix):
            preferred.add(name)
    assert set(prefixes) - listed == UNREGISTERED
    assert listed - preferred == ALTERNATIVE_URI_PREFIX
