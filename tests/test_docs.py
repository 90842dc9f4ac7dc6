"""The README and docs/ point at files that are in the repository (issue "Operations": the
README's links point at files in the repository), so a reader who follows a link finds it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# [text](target) with a relative target; web links and in-page anchors are not files
LINK = re.compile(r"\[[^\]]*\]\((?!https?://|mailto:|#)([^)\s]+)\)")


def relative_links(document: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", document.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [target.split("#")[0] for target in LINK.findall(text)]


def test_the_documents_link_to_files_at_all():
    assert len(relative_links(ROOT / "README.md")) >= 5


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_names_a_file_of_the_repository(document):
    missing = [target for target in relative_links(document)
               if not (document.parent / target).resolve().exists()]
    assert not missing, f"{document.relative_to(ROOT)} links to files that are not there: {missing}"


def test_every_test_the_rules_cite_as_proof_exists():
    """docs/rules.md names, per rule, the tests that prove it: each name is a test of tests/."""
    defined = {name for path in (ROOT / "tests").rglob("test_*.py")
               for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE)}
    cited = set(re.findall(r"`(test_\w+)`", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")))
    assert len(cited) > 50
    assert not cited - defined, f"docs/rules.md cites tests that do not exist: {sorted(cited - defined)}"
