"""The README is a front page and the docs/ pages hold the rest (issue 17): the README's size and its
two Quickstart commands, links that resolve (files and #anchors), every page reachable from the
README, and no module path from before the package restructuring."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def _repo_root() -> Path:
    """The folder holding pyproject.toml, found upwards from this file (tests may sit in subfolders)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise AssertionError(f"no pyproject.toml above {__file__}")


ROOT = _repo_root()
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
MARKDOWN = [README, *PAGES]

#: The README's size limit (issue 17: "a front page of at most ~200 lines").
MAX_README_LINES = 200
#: What .ci/run reads after the marker, and runs.
TEST_COMMAND = "pip install '.[test]' && python -m pytest"
MARKER = "<!-- test-command -->"

#: Top-level modules that moved into packages (issue 17). ``merge`` and ``serve`` are package names
#: now, so only their file paths (``milia_kg/merge.py``) are stale, not ``milia_kg.merge``.
OLD_MODULES = (
    "_files", "_resources", "_http_retry", "_progress", "_lazy", "loading", "rdf_formats", "_rdf_guards",
    "obo_owl", "hpoa", "mappings", "_oxterms", "readers", "pipeline", "validate", "_canonical", "_serialize",
    "build", "_cache", "push", "_isolate", "merge", "kept_store", "serve", "sparql_results", "_serve_page",
    "_serve_decision",
)
NOW_PACKAGES = {"merge", "serve"}
OLD_PATH = re.compile(
    r"milia_kg/(?:(?:" + "|".join(map(re.escape, OLD_MODULES)) + r")\.py\b|web/)"  # web/ is serve/web/ now
)
OLD_DOTTED = re.compile(
    r"(?<![\w.])milia_kg\.(?:" + "|".join(re.escape(m) for m in OLD_MODULES if m not in NOW_PACKAGES) + r")(?!\w)"
)

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.

    >>> _slug("FHIR code systems (`milia_kg.formats.sssom.FHIR_SYSTEMS`)")
    'fhir-code-systems-milia_kgformatssssomfhir_systems'
    >>> _slug("The page's editor")
    'the-pages-editor'
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, numbered as GitHub numbers repeated headings."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in _prose_lines(path.read_text(encoding="utf-8")):
        match = _HEADING.match(line)
        if match:
            slug = _slug(match.group(2))
            count = seen.get(slug, 0)
            anchors.add(slug if count == 0 else f"{slug}-{count}")
            seen[slug] = count + 1
    return anchors


def _links(path: Path) -> list[str]:
    """The link targets of a Markdown file, outside code blocks and code spans."""
    targets = []
    for line in _prose_lines(path.read_text(encoding="utf-8")):
        targets += _LINK.findall(_CODE_SPAN.sub("", line))
    return targets


def _quickstart() -> str:
    text = README.read_text(encoding="utf-8")
    assert "\n## Quickstart\n" in text, "README has no '## Quickstart' section"
    return text.split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]


def _fenced_commands(section: str) -> list[str]:
    """The commands of a section's ```bash fences (blank lines and comments left out)."""
    commands, fenced = [], False
    for line in section.splitlines():
        if _FENCE.match(line):
            fenced = line.strip().startswith("```bash") if not fenced else False
            continue
        if fenced and line.strip() and not line.strip().startswith("#"):
            commands.append(line.strip())
    return commands


def test_readme_is_a_front_page() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move sections to docs/ (at most {MAX_README_LINES})"


def test_quickstart_has_exactly_two_commands() -> None:
    section = _quickstart()
    commands = _fenced_commands(section)
    assert len(commands) == 2, commands
    first, second = commands
    # the first installs and shows the user something: a query, not only a build
    assert first.startswith("pip install . && milia-kg "), first
    assert re.search(r"&& milia-kg (query|queries|sparql|classify) ", first + " "), first
    assert second == TEST_COMMAND


def test_the_test_command_follows_the_marker() -> None:
    """What .ci/run reads: the first non-blank line after the marker that is not a code fence."""
    text = README.read_text(encoding="utf-8")
    assert text.count(MARKER) == 1
    assert MARKER in _quickstart()
    after = text.split(MARKER, 1)[1].splitlines()
    command = next(line for line in after if line.strip() and not _FENCE.match(line))
    assert command == TEST_COMMAND


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path: Path) -> None:
    broken = []
    for target in _links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target}: no heading #{anchor} in {linked.relative_to(ROOT)}")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in _links(README) if not t.startswith("#")}
    missing = [p.relative_to(ROOT).as_posix() for p in PAGES if p.resolve() not in linked]
    assert PAGES and not missing, f"README.md does not link to {missing}"


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_path_from_before_the_restructuring(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    stale = sorted({m.group(0) for pattern in (OLD_PATH, OLD_DOTTED) for m in pattern.finditer(text)})
    assert not stale, f"{path.relative_to(ROOT)} names old module paths {stale}: see docs/design.md for the new ones"


def test_old_path_patterns() -> None:
    flagged = ["milia_kg/_files.py", "milia_kg.kept_store.open_merged", "milia_kg/merge.py", "milia_kg/serve.py",
               "milia_kg.validate.RULES", "python -m milia_kg.hpoa slice", "milia_kg/web/vendor"]
    kept = ["milia_kg.merge.union", "milia_kg.serve", "milia_kg.decision", "milia_kg/base/files.py",
            "milia_kg.release.validate", "milia_kg.validate_sources", "milia_kg/serve/web/vendor",
            "milia_kg.formats.hpoa", "milia_kg/release/cache.py"]
    assert all(OLD_PATH.search(t) or OLD_DOTTED.search(t) for t in flagged)
    assert not any(OLD_PATH.search(t) or OLD_DOTTED.search(t) for t in kept)


def test_file_limits_section_is_in_the_security_page() -> None:
    """tests/test_hostile_files.py::test_file_limits_are_documented reads this section's MiB limits."""
    text = (DOCS / "security.md").read_text(encoding="utf-8")
    assert "\n### Files, cache and endpoints\n" in text
    section = text.split("### Files, cache and endpoints", 1)[1].split("\n#", 1)[0]
    for limit in ("1 MiB", "512 MiB", "64 MiB"):
        assert limit in section
