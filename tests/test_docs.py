"""The documentation site (docs/): every example on every page runs as shown.

Each ```python block of each docs/**/*.md page runs in a fresh namespace and must hold
its asserts; each ```console block runs in bash and must print what the page shows
(see ``md_examples.py``). ``make docs`` builds the site itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from md_examples import (
    ROOT,
    Block,
    extract_console_blocks,
    extract_python_blocks,
    parse_console,
    run_console_block,
    run_python_block,
)

DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _collect(extract) -> list[tuple[str, Block]]:
    return [
        (_name(page), block)
        for page in PAGES
        for block in extract(page.read_text(encoding="utf-8"))
        if not block.skipped
    ]


PYTHON = _collect(extract_python_blocks)
CONSOLE = _collect(extract_console_blocks)


def test_the_site_has_pages_and_examples():
    names = {_name(p) for p in PAGES}
    for page in [
        "docs/index.md",
        "docs/getting-started.md",
        "docs/api.md",
        "docs/guide/pairs.md",
        "docs/guide/batches.md",
        "docs/guide/columns.md",
        "docs/guide/nearest-and-matrices.md",
        "docs/guide/join-and-index.md",
        "docs/guide/alignment.md",
        "docs/guide/error-rates.md",
        "docs/guide/cli.md",
        "docs/guide/scale-out.md",
        "docs/performance.md",
        "docs/how-it-works.md",
    ]:
        assert page in names
    assert len(PYTHON) >= 20
    assert any(name == "docs/guide/cli.md" for name, _ in CONSOLE)


@pytest.mark.parametrize(("page", "block"), PYTHON, ids=[f"{n}:{b.line}" for n, b in PYTHON])
def test_docs_python_block_runs(page: str, block: Block):
    run_python_block(block, page)


@pytest.mark.parametrize(("page", "block"), CONSOLE, ids=[f"{n}:{b.line}" for n, b in CONSOLE])
def test_docs_console_block_prints_what_it_shows(page: str, block: Block, tmp_path: Path):
    for expected, got in run_console_block(block, tmp_path):
        assert got == expected


def test_every_python_example_asserts_something():
    # An example that only prints checks nothing.
    checks = re.compile(r"\bassert\b|raise AssertionError")
    lazy = [f"{n}:{b.line}" for n, b in PYTHON if not checks.search(b.code)]
    assert lazy == []


def test_extractor_finds_blocks_and_honours_no_test():
    text = "\n".join(
        [
            "# Title",
            "```python",
            "x = 1",
            "```",
            "",
            "<!-- no-test -->",
            "",
            "```python",
            "raise SystemExit",
            "```",
            "```bash",
            "```python inside bash",
            "```",
            "~~~python",
            "assert True",
            "~~~",
            "```console",
            "$ echo hi",
            "hi",
            "```",
        ]
    )
    blocks = extract_python_blocks(text)
    assert [(b.code, b.skipped) for b in blocks] == [
        ("x = 1\n", False),
        ("raise SystemExit\n", True),
        ("assert True\n", False),
    ]
    assert blocks[0].line == 3
    [console] = extract_console_blocks(text)
    assert parse_console(console.code) == [("echo hi", ["hi"])]


def test_console_runner_compares_output_per_command(tmp_path: Path):
    block = Block(
        1, "$ printf 'a\\nb\\n'\na\nb\n$ echo oops >&2; false\noops\n$ echo $?\n1\n", False
    )
    assert run_console_block(block, tmp_path) == [("a\nb", "a\nb"), ("oops", "oops"), ("1", "1")]
