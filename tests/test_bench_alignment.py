"""Smoke test of ``benchmarks/alignment.py``: it runs, checks every row against the
peers and reports each target. Timings are not asserted (benchmarks never fail on a
timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"


def test_alignment_benchmark_quick_run(tmp_path: Path) -> None:
    pytest.importorskip("rapidfuzz")
    pytest.importorskip("jiwer")
    out = tmp_path / "alignment.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "alignment.py"), "--quick", "--skip-memory"]
        + ["--rounds", "2", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(ROOT),
    )
    assert proc.returncode == 0, f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    report = json.loads(out.read_text(encoding="utf-8"))
    for row in report["rows"]:
        assert row["status"] == "ok", row
        assert len(row["samples_s"]) == 2, row
    ours = [row for row in report["rows"] if row["key"] == "ours"]
    assert {row["group"].split(" of ")[0] for row in ours} >= {
        "editops W1",
        "opcodes W1",
        "editops W3",
        "editops W4rand",
        "WER",
        "CER",
    }
    assert any("same as rapidfuzz" in row["note"] for row in ours)
    assert any("== jiwer" in row["note"] for row in ours)
    rows = {t["row"] for t in report["targets"]}
    assert "editops W1 vs rapidfuzz" in rows and "WER vs jiwer" in rows
    assert "### Ratios and targets (issue 14)" in proc.stdout


def test_the_wer_corpus_is_seeded_and_sized_as_the_issue_says() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from alignment import corpus
    finally:
        sys.path.remove(str(BENCH))
    refs, hyps = corpus(2_000)
    assert (refs, hyps) == corpus(2_000)
    lengths = [len(r.split()) for r in refs]
    assert min(lengths) >= 5 and max(lengths) <= 40
    assert 21 < sum(lengths) / len(lengths) < 24  # 20,000 pairs: about 451,000 words
