"""Every ```python (and ```console) block in README.md runs and its asserts hold.

The extractor and the conventions (``<!-- no-test -->``, one fresh namespace per block)
are in ``md_examples.py``; ``test_docs.py`` applies them to the documentation site.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from md_examples import (
    ROOT,
    extract_console_blocks,
    extract_python_blocks,
    run_console_block,
    run_python_block,
)

README = ROOT / "README.md"


def _text() -> str:
    return README.read_text(encoding="utf-8") if README.is_file() else ""


RUNNABLE = [b for b in extract_python_blocks(_text()) if not b.skipped]
CONSOLE = [b for b in extract_console_blocks(_text()) if not b.skipped]


def test_readme_exists_and_has_python_examples():
    assert README.is_file(), "README.md is missing"
    assert RUNNABLE, "README.md has no ```python block to test"


@pytest.mark.parametrize("block", RUNNABLE, ids=[f"line{b.line}" for b in RUNNABLE])
def test_readme_python_block_runs(block):
    run_python_block(block, "README.md")


@pytest.mark.parametrize("block", CONSOLE, ids=[f"line{b.line}" for b in CONSOLE])
def test_readme_console_block_prints_what_it_shows(block, tmp_path: Path):
    for expected, got in run_console_block(block, tmp_path):
        assert got == expected


def test_readme_links_to_the_docs_and_how_to_build_them():
    text = _text()
    assert "make docs" in text
    assert "docs/_build/html/index.html" in text
