"""Shared fixtures and settings for the Python test suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent

# The oracles live in tests/reference.py; make them importable whatever the import mode.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

# Property tests compare against pure-Python oracles whose run time varies a lot with the
# drawn sizes, on a shared 2-core machine: no per-example deadline.
settings.register_profile(
    "default",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def run_python(
    code: str, *, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs ``code`` in a fresh interpreter (the one running the tests)."""
    full_env = dict(os.environ)
    full_env.pop("RAYON_NUM_THREADS", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=str(ROOT),
    )


def run_python_json(code: str, *, timeout: float = 120, env: dict[str, str] | None = None) -> Any:
    """Runs ``code`` in a fresh interpreter; its last stdout line must be JSON, returned parsed."""
    proc = run_python(code, timeout=timeout, env=env)
    assert proc.returncode == 0, (
        f"subprocess exited with {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )
    lines = proc.stdout.strip().splitlines()
    assert lines, f"subprocess printed nothing\n--- stderr ---\n{proc.stderr}"
    return json.loads(lines[-1])


@pytest.fixture(scope="session")
def lev():
    """The package under test (a failure to import is a failure, not a skip)."""
    import pyo3_levenshtein

    return pyo3_levenshtein
