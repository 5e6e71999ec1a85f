"""Smoke test of ``benchmarks/batch.py``: it runs, checks every row and reports each
target.  Timings are not asserted (benchmarks never fail on a timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"


def test_batch_benchmark_quick_run(tmp_path: Path) -> None:
    pytest.importorskip("numpy", reason="rapidfuzz's cpdist needs numpy")
    out = tmp_path / "batch.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "batch.py"), "--quick", "--workloads", "W2"]
        + ["--pairs-1m", "20000", "--rounds", "2", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )
    assert proc.returncode == 0, f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    report = json.loads(out.read_text(encoding="utf-8"))
    w2, many = report["workloads"]
    assert [w2["workload"], many["workload"]] == ["W2", "1M"]
    for w in (w2, many):
        for row in w["rows"]:
            assert (row["status"], row["note"]) == ("ok", "ok"), row
            assert len(row["samples_ns_per_pair"]) == 2, row
    keys = {row["key"] for row in w2["rows"]}
    assert {"ours", "cpdist", "ours_t1", "ours_t2", "cpdist_w1", "loop", "graphemes"} <= keys
    for entry in many["rss"]:
        assert entry["status"] == "ok", entry
        assert entry["n"] == 20000
    targets = {(t["workload"], t["what"]): t for t in report["targets"]}
    assert targets[("W2", "levenshtein_batch / cpdist(workers=-1)")]["target"] == "<= 0.4"
    assert targets[("1M", "levenshtein_batch / cpdist(workers=-1)")]["value"] > 0
    rss = targets[("1M", "extra peak RSS of one levenshtein_batch(pairs)")]
    assert rss["target"] == "<= 64 MiB" and rss["verdict"] in ("met", "NOT met")
    assert "### Ratios and targets (issue 5)" in proc.stdout


def test_many_pairs_are_deterministic_w1_like_data() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from workloads import ALNUM, make_many_pairs
    finally:
        sys.path.remove(str(BENCH))
    pairs = make_many_pairs(5000)
    assert pairs == make_many_pairs(5000)
    assert make_many_pairs(5000, seed=1) != pairs
    strings = [s for pair in pairs for s in pair]
    assert {len(s) for s in strings} == set(range(1, 51))
    assert set("".join(strings)) == set(ALNUM)
    # Fresh strings: hardly any repeats (a few short ones by chance).
    assert len(set(strings)) > 0.95 * len(strings)
