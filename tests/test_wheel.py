"""Packaging: build the release wheel, install it into a fresh venv, use it there.

Part of the normal run. The release build reuses the repository's ``target/`` (or
``$CARGO_TARGET_DIR``), so after ``make develop`` it mostly relinks: about 1-3
minutes on a small machine. Set ``PYO3_LEV_SKIP_WHEEL=1`` to skip it.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 1800

pytestmark = pytest.mark.skipif(
    os.environ.get("PYO3_LEV_SKIP_WHEEL") == "1", reason="PYO3_LEV_SKIP_WHEEL=1"
)

# name-version-python-abi-platform.whl (no build tag)
WHEEL_RE = re.compile(
    r"^pyo3_levenshtein-(?P<version>[^-]+)-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<platform>[^-]+)\.whl$"
)


def cargo_version() -> str:
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        match = re.search(r'(?ms)^\[package\].*?^version\s*=\s*"([^"]+)"', text)
        assert match, "no [package] version in Cargo.toml"
        return match.group(1)
    return str(tomllib.loads(text)["package"]["version"])


def find_maturin() -> str:
    exe = Path(sys.executable).parent / ("maturin.exe" if os.name == "nt" else "maturin")
    if exe.exists():
        return str(exe)
    found = shutil.which("maturin")
    if found is None:
        pytest.skip("maturin not installed next to the test interpreter")
    return found


def venv_bin(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", str(ROOT / "target"))
    env.pop("VIRTUAL_ENV", None)  # maturin build does not need it; keep the build plain
    proc = subprocess.run(
        [
            find_maturin(),
            "build",
            "--release",
            "--interpreter",
            sys.executable,
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    assert proc.returncode == 0, f"maturin build failed:\n{proc.stdout}\n{proc.stderr}"
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed; returns its python."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv_bin(venv) / ("python.exe" if os.name == "nt" else "python")
    proc = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"pip install failed:\n{proc.stdout}\n{proc.stderr}"
    return python


def test_wheel_name_is_version_specific_manylinux(wheel: Path) -> None:
    match = WHEEL_RE.match(wheel.name)
    assert match, wheel.name
    assert match["version"] == cargo_version()
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert match["python"] == tag, wheel.name
    # Not abi3: the binding reads CPython's str storage, which the limited API hides.
    assert match["abi"] != "abi3", wheel.name
    assert match["abi"] in (tag, tag + "t"), wheel.name
    if sys.platform.startswith("linux"):
        assert "manylinux" in match["platform"], wheel.name


def test_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "pyo3_levenshtein/py.typed" in names
        stubs = [n for n in names if n.startswith("pyo3_levenshtein/") and n.endswith(".pyi")]
        assert stubs, names
        for module in ("__init__.py", "__main__.py", "cli.py"):
            assert f"pyo3_levenshtein/{module}" in names
        ext = [n for n in names if re.match(r"pyo3_levenshtein/pyo3_levenshtein\..*(so|pyd)$", n)]
        assert len(ext) == 1, names
        dist_info = f"pyo3_levenshtein-{cargo_version()}.dist-info"
        entry_points = configparser.ConfigParser()
        entry_points.read_string(zf.read(f"{dist_info}/entry_points.txt").decode())
        scripts = entry_points["console_scripts"]
        assert scripts["pyo3-levenshtein"].strip() == "pyo3_levenshtein.cli:main"
        metadata = zf.read(f"{dist_info}/METADATA").decode()
        assert f"\nVersion: {cargo_version()}\n" in metadata


CHECK = """
import pathlib, sys
import pyo3_levenshtein as m
assert m.levenshtein("kitten", "sitting") == 3, m.levenshtein("kitten", "sitting")
assert m.levenshtein_batch([("kitten", "sitting"), ("", "ab")]) == [3, 2]
assert m.levenshtein("e\\u0301", "\\u00e9", grapheme_segmentation=True) == 1
here = pathlib.Path(m.__file__).resolve()
assert here.is_relative_to(pathlib.Path(sys.prefix).resolve()), here
print(m.__version__)
"""


def clean_env() -> dict[str, str]:
    """The environment minus anything that could point Python at the source tree."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def test_installed_wheel_works(installed: Path, tmp_path: Path) -> None:
    # Run outside the source tree so nothing there can shadow the installed package.
    proc = subprocess.run(
        [str(installed), "-c", CHECK],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == cargo_version()


def test_installed_script_works(installed: Path, tmp_path: Path) -> None:
    script = installed.parent / ("pyo3-levenshtein.exe" if os.name == "nt" else "pyo3-levenshtein")
    assert script.exists()
    proc = subprocess.run(
        [str(script), "kitten", "sitting"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        timeout=120,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"3\n", b"")
