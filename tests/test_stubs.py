"""The type stub matches the compiled module, and ships with the package."""

from __future__ import annotations

import ast
import importlib
import importlib.resources
import importlib.util
import inspect
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

STUB_PATH = ROOT / "python" / "pyo3_levenshtein" / "pyo3_levenshtein.pyi"
MODULE = "pyo3_levenshtein.pyo3_levenshtein"

HAVE_MYPY = importlib.util.find_spec("mypy") is not None
needs_mypy = pytest.mark.skipif(not HAVE_MYPY, reason="mypy is not installed")


def _stub_tree():
    return ast.parse(STUB_PATH.read_text(encoding="utf-8"), filename=str(STUB_PATH))


def _stub_functions():
    return {
        node.name: node
        for node in _stub_tree().body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _public_stub_functions():
    return {name: node for name, node in _stub_functions().items() if not name.startswith("_")}


def _mypy_env():
    env = dict(os.environ)
    env["MYPYPATH"] = str(ROOT / "python")
    return env


@needs_mypy
def test_stubtest_passes_for_the_compiled_module():
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", MODULE],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
        env=_mypy_env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_stub_exists_and_declares_the_public_api():
    assert STUB_PATH.is_file()
    names = set(_stub_functions())
    assert {"levenshtein", "levenshtein_batch", "_noop"} <= names
    annotated = {
        node.target.id
        for node in _stub_tree().body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    assert {"UNICODE_VERSION", "MAX_THREADS"} <= annotated


@pytest.mark.parametrize("name", sorted(_public_stub_functions()))
def test_stub_docstring_equals_runtime_docstring(name):
    native = importlib.import_module(MODULE)
    stub_doc = ast.get_docstring(_public_stub_functions()[name], clean=True)
    runtime_doc = getattr(native, name).__doc__
    assert stub_doc, f"{name} has no docstring in the stub"
    assert runtime_doc, f"{name} has no __doc__ at runtime"
    assert inspect.cleandoc(stub_doc).strip() == inspect.cleandoc(runtime_doc).strip()


def test_noop_docstring_also_matches_if_the_stub_has_one():
    import pyo3_levenshtein.pyo3_levenshtein as native

    node = _stub_functions()["_noop"]
    stub_doc = ast.get_docstring(node, clean=True)
    if stub_doc is not None:
        assert native._noop.__doc__ is not None
        assert inspect.cleandoc(stub_doc).strip() == inspect.cleandoc(native._noop.__doc__).strip()


def test_runtime_signatures_match_the_stub_parameters():
    import pyo3_levenshtein.pyo3_levenshtein as native

    for name, node in _stub_functions().items():
        runtime = inspect.signature(getattr(native, name))
        args = node.args
        stub_params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
        assert list(runtime.parameters) == stub_params, name
        defaults = args.defaults + [d for d in args.kw_defaults if d is not None]
        stub_defaults = [ast.literal_eval(d) for d in defaults]
        runtime_defaults = [
            p.default
            for p in runtime.parameters.values()
            if p.default is not inspect.Parameter.empty
        ]
        assert runtime_defaults == stub_defaults, name


def test_py_typed_and_stub_are_installed_with_the_package():
    files = importlib.resources.files("pyo3_levenshtein")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("pyo3_levenshtein.pyi").is_file()


def test_package_reexports_every_public_stub_name(lev):
    import pyo3_levenshtein.pyo3_levenshtein as native

    names = [n for n in _stub_functions() if not n.startswith("_")] + [
        "UNICODE_VERSION",
        "MAX_THREADS",
    ]
    for name in names:
        assert getattr(lev, name) is getattr(native, name), name


@needs_mypy
def test_mypy_accepts_correct_use_and_rejects_wrong_types(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(
        textwrap.dedent(
            """
            from typing import Any

            import numpy as np
            import numpy.typing as npt
            from typing_extensions import assert_type
            import pyo3_levenshtein
            from pyo3_levenshtein import DistanceArray
            from pyo3_levenshtein import levenshtein, levenshtein_batch

            assert_type(levenshtein("a", "b"), int)
            assert_type(levenshtein("a", "b", grapheme_segmentation=True), int)
            assert_type(levenshtein(["a", "b"], "ab"), int)
            assert_type(levenshtein(b"ab", (1, 2.0, None)), int)
            assert_type(levenshtein(range(3), [0, 1], max_distance=1), int)
            assert_type(levenshtein_batch([(["a"], "b"), [(1,), b"x"]]), list[int])
            assert_type(levenshtein_batch([("a", "b")]), list[int])
            assert_type(levenshtein_batch([["a", "b"]], num_threads=2), list[int])
            assert_type(levenshtein_batch((p for p in [("a", "b")]), None, True), list[int])
            assert_type(levenshtein_batch([("a", "b")], normalized=True), list[float])
            col = ["a"]  # any object passes the stub's a and b
            assert_type(pyo3_levenshtein.levenshtein_arrow(col, "b"), DistanceArray[int])
            assert_type(
                pyo3_levenshtein.levenshtein_arrow(col, "b", weights=(1, 1, 2), normalized=True),
                DistanceArray[float],
            )
            assert_type(
                pyo3_levenshtein.levenshtein_arrow(col, "b", normalized=True).to_pylist(),
                list[float | None],
            )
            assert_type(
                pyo3_levenshtein.levenshtein_matrix(["a"], ["b"], normalized=True),
                npt.NDArray[np.float64],
            )
            assert_type(
                pyo3_levenshtein.levenshtein_matrix(["a"], ["b"]), npt.NDArray[np.integer[Any]]
            )
            assert_type(pyo3_levenshtein.UNICODE_VERSION, str)
            assert_type(pyo3_levenshtein.MAX_THREADS, int)
            """
        )
    )
    bad = tmp_path / "bad.py"
    bad.write_text(
        textwrap.dedent(
            """
            import pyo3_levenshtein
            from pyo3_levenshtein import levenshtein, levenshtein_batch

            levenshtein(1, "b")
            levenshtein("a", {"b"})
            levenshtein_batch([("a", "b")], num_threads="2")
            pyo3_levenshtein.levenshtein_matrix(["a"], ["b"], normalized="yes")
            """
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", good.name, bad.name],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
        env=_mypy_env(),
    )
    out = proc.stdout + proc.stderr
    lines = out.splitlines()
    good_errors = [line for line in lines if line.startswith("good.py:")]
    bad_errors = [line for line in lines if line.startswith("bad.py:") and ": error:" in line]
    assert good_errors == [], out
    assert len(bad_errors) == 4, out
