"""Code examples in the Markdown pages (README.md and docs/**/*.md), found and run.

Two kinds of fenced block are examples:

- ```python blocks: each runs in a fresh namespace (as ``__main__``), so it must carry
  its own imports, and it checks its results with ``assert``.
- ```console blocks: shell sessions. A line starting with ``$ `` is a command; the lines
  after it, up to the next command, are what it prints (standard output and standard
  error together, compared line by line). The commands of one block run in order in
  one ``bash`` process, in an empty temporary folder, with the test interpreter's
  ``bin`` folder first on ``PATH``.

A block is skipped only when the nearest non-blank line above its opening fence is
``<!-- no-test -->``; keep that for examples that cannot run in the test environment
(Spark without Java, a cluster). Other fences (```sh, ```rust, ...) are not examples.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import uuid
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
NO_TEST = "<!-- no-test -->"
PYTHON_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*python3?\b.*$")
CONSOLE_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*console\b.*$")
ANY_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
PROMPT = "$ "


class Block(NamedTuple):
    line: int  # 1-based line of the first code line
    code: str
    skipped: bool


def extract_blocks(text: str, fence_open: re.Pattern[str] = PYTHON_FENCE) -> list[Block]:
    """The fenced blocks whose opening line matches ``fence_open``, in order."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = fence_open.match(lines[i])
        if not m:
            # Skip over other fenced blocks so their contents are never misread.
            other = ANY_FENCE.match(lines[i])
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


def extract_python_blocks(text: str) -> list[Block]:
    return extract_blocks(text, PYTHON_FENCE)


def extract_console_blocks(text: str) -> list[Block]:
    return extract_blocks(text, CONSOLE_FENCE)


def run_python_block(block: Block, name: str) -> None:
    code = compile(block.code, f"{name}:{block.line}", "exec")
    exec(code, {"__name__": "__main__"})


class Step(NamedTuple):
    command: str
    expected: list[str]


def parse_console(code: str) -> list[Step]:
    steps: list[Step] = []
    for line in code.splitlines():
        if line.startswith(PROMPT):
            steps.append(Step(line[len(PROMPT) :], []))
        elif steps:
            steps[-1].expected.append(line.rstrip())
        elif line.strip():
            raise ValueError(f"console block starts with output, not a command: {line!r}")
    return steps


def run_console_block(block: Block, cwd: Path, timeout: float = 120) -> list[tuple[str, str]]:
    """Runs the block's commands; returns ``(expected, got)`` texts per command."""
    steps = parse_console(block.code)
    marker = f"--- step {uuid.uuid4().hex} ---"
    bindir = str(Path(sys.executable).parent)
    script = [
        "exec 2>&1",
        # Without the installed script (a bare checkout), fall back to the module.
        "command -v pyo3-levenshtein >/dev/null || "
        'pyo3-levenshtein() { "$PYTHON" -m pyo3_levenshtein "$@"; }',
    ]
    for step in steps:
        # Print the marker, keeping the previous command's status for `echo $?`.
        script.append(f"__rc=$?; printf '%s\\n' {shlex.quote(marker)}; (exit $__rc)")
        script.append(step.command)
    env = dict(os.environ)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env["PYTHON"] = sys.executable
    env["LC_ALL"] = "C.UTF-8"
    env.pop("RAYON_NUM_THREADS", None)
    proc = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )
    outputs = proc.stdout.decode("utf-8", "replace").split(marker + "\n")[1:]
    if len(outputs) != len(steps):
        raise AssertionError(f"bash ran {len(outputs)} of {len(steps)} commands: {proc.stdout!r}")
    return [
        ("\n".join(step.expected), "\n".join(ln.rstrip() for ln in out.splitlines()))
        for step, out in zip(steps, outputs, strict=True)
    ]
