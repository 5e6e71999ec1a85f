"""Every ```python block in README.md runs and its asserts hold.

A block is skipped only when the nearest non-blank line above its opening fence is
``<!-- no-test -->``. Each block runs in a fresh namespace (as ``__main__``), so every
example must carry its own imports.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
NO_TEST = "<!-- no-test -->"
FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*python3?\b.*$")


class Block(NamedTuple):
    line: int  # 1-based line of the first code line
    code: str
    skipped: bool


def extract_python_blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            # Skip over non-python fenced blocks so their contents are never misread.
            other = re.match(r"^ {0,3}(`{3,}|~{3,})", lines[i])
            if other:
                closer = re.compile(
                    rf"^ {{0,3}}{re.escape(other.group(1)[0])}{{{len(other.group(1))},}}\s*$"
                )
                i += 1
                while i < len(lines) and not closer.match(lines[i]):
                    i += 1
            i += 1
            continue
        fence, indent = m.group("fence"), len(m.group("indent"))
        closer = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        prev = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        start = i + 1
        j = start
        while j < len(lines) and not closer.match(lines[j]):
            j += 1
        body = [ln[indent:] if ln[:indent].strip() == "" else ln for ln in lines[start:j]]
        blocks.append(Block(start + 1, "\n".join(body) + "\n", prev == NO_TEST))
        i = j + 1
    return blocks


def _blocks() -> list[Block]:
    if not README.is_file():
        return []
    return extract_python_blocks(README.read_text(encoding="utf-8"))


BLOCKS = _blocks()
RUNNABLE = [b for b in BLOCKS if not b.skipped]


def test_readme_exists_and_has_python_examples():
    assert README.is_file(), "README.md is missing"
    assert RUNNABLE, "README.md has no ```python block to test"


@pytest.mark.parametrize("block", RUNNABLE, ids=[f"line{b.line}" for b in RUNNABLE])
def test_readme_python_block_runs(block):
    code = compile(block.code, f"README.md:{block.line}", "exec")
    exec(code, {"__name__": "__main__"})


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
        ]
    )
    blocks = extract_python_blocks(text)
    assert [(b.code, b.skipped) for b in blocks] == [
        ("x = 1\n", False),
        ("raise SystemExit\n", True),
        ("assert True\n", False),
    ]
    assert blocks[0].line == 3
