"""The Rust core's folders form layers, and no module uses one above it.

Each layer may use only the layers listed after it (lower rank). Test modules are
exempt: a kernel's tests may call the reference, a mask source's tests the kernel.
The root re-exports (``crate::levenshtein``, ``crate::Units`` ...) may be used only by
the binding, which is their client; the core names its own modules.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

# Top-level modules, highest first; each may use only modules of a lower rank.
TOP = {"python": 5, "jobs": 4, "kernels": 3, "runtime": 2, "text": 1, "error": 0}
# Inside kernels/: the scores above the Options-level entry, which is above the
# weighted entry (it hands it unit weights), above the unit-cost dispatch; the
# dispatch, the lanes and hirschberg above the algorithms, the algorithms above
# the mask sources and the traceback walk.
KERNELS = {
    "scores": 6,
    "distance": 5,
    "weighted": 4,
    "dispatch": 3,
    "lanes": 3,
    "hirschberg": 3,
    "hyyro2003": 2,
    "hyyro2003_traceback": 2,
    "myers1999_traceback": 2,
    "hyyro2003_band": 2,
    "lcs_hyyro2004": 2,
    "wagner_fischer_weighted": 2,
    "mbleven2018": 2,
    "myers1999": 2,
    "myers1999_fixed": 2,
    "myers1999_wavefront": 2,
    "masks": 1,
    "traceback": 1,
    "reference": 0,
}
# Macros exported at the crate root by a module of the given layer.
ROOT_MACROS = {"with_slices": "text"}

TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([\w:]+\))?\s+)?mod\s+\w+\s*\{")


def without_tests_and_comments(source: str) -> str:
    kept, i = [], 0
    while m := TEST_MOD.search(source, i):
        kept.append(source[i : m.start()])
        depth, j = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(source[j], 0)
            j += 1
        i = j
    kept.append(source[i:])
    return "\n".join(
        line.split("//")[0]
        for line in "".join(kept).splitlines()
        if not line.lstrip().startswith("//")
    )


def module_path(file: Path) -> list[str]:
    parts = list(file.relative_to(SRC).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "mod" else parts


def used_paths(code: str, here: list[str]) -> set[tuple[str, ...]]:
    """Absolute module paths (from the crate root) that `code`, in module `here`, names."""
    code = without_tests_and_comments(code)
    # A mod.rs is its folder's module; `super` of a file is its folder.
    parent = here[:-1]
    found: set[tuple[str, ...]] = set()
    # `$crate` in a macro body names the crate where the macro expands: skipped.
    for base, rest in re.findall(r"(?<![$\w])(crate|super)::((?:\w+::)*(?:\w+|\{[^}]*\}))", code):
        start = [] if base == "crate" else parent
        heads = [rest]
        if "{" in rest:
            prefix, inner = rest.split("{", 1)
            heads = [prefix + item.strip() for item in inner.rstrip("}").split(",") if item.strip()]
        for head in heads:
            names = [n for n in head.split("::") if n and n != "self"]
            path = list(start)
            while names and names[0] == "super":
                names.pop(0)
                path.pop()
            if names:
                found.add(tuple(path + names))
    return found


def violations(code: str, here: list[str]) -> list[str]:
    """Each use in `code` (module `here`) of a module at or above its own layer."""
    if here[0] == "python":
        return []  # the binding may use anything below it, root re-exports included
    bad = []
    for used in sorted(used_paths(code, here)):
        top = ROOT_MACROS.get(used[0], used[0])
        name = f"{'/'.join(here)} uses crate::{'::'.join(used)}"
        if top not in TOP:
            bad.append(f"{name} (a root re-export: name the module)")
        elif top != here[0]:
            if TOP[top] >= TOP[here[0]]:
                bad.append(name)
        elif top == "kernels" and len(here) > 1 and len(used) > 1 and used[1] != here[1]:
            if KERNELS[used[1]] >= KERNELS[here[1]]:
                bad.append(name)
    return bad


FILES = sorted(p for p in SRC.rglob("*.rs") if p.name != "lib.rs")


@pytest.mark.parametrize("file", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_uses_a_layer_at_or_above_its_own(file: Path) -> None:
    assert violations(file.read_text(), module_path(file)) == []


def test_every_kernel_module_has_a_rank() -> None:
    kernels = {module_path(p)[1] for p in (SRC / "kernels").rglob("*.rs") if p.name != "mod.rs"}
    kernels |= {p.name for p in (SRC / "kernels").iterdir() if p.is_dir()}
    assert kernels <= KERNELS.keys(), kernels - KERNELS.keys()


def test_the_checker_catches_uses_upwards_but_not_in_tests_or_comments() -> None:
    code = (
        "use crate::jobs::batch;\n"
        "use super::{pool, stop::Stop};\n"
        "// use crate::python;\n"
        "#[cfg(test)]\nmod tests {\n    use crate::kernels::reference;\n}\n"
    )
    assert violations(code, ["runtime", "example"]) == [
        "runtime/example uses crate::jobs::batch",
    ]
    assert violations("use super::dispatch::Options;", ["kernels", "lanes"]) == [
        "kernels/lanes uses crate::kernels::dispatch::Options",
    ]
    assert violations("use super::super::hyyro2003::run;", ["kernels", "lanes", "x"]) == []
    assert violations("use super::super::dispatch;", ["kernels", "masks", "x"]) != []
    assert violations("use $crate::Units::U8;", ["text", "units"]) == []
    assert violations("crate::levenshtein(a, b, o)", ["jobs", "batch"]) != []


def test_every_folder_says_what_lives_there() -> None:
    for folder in [p for p in SRC.rglob("*") if p.is_dir()]:
        mod = folder / "mod.rs"
        assert mod.exists(), folder
        assert mod.read_text().startswith("//!"), f"{mod} opens without a doc comment"
