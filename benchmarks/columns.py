"""Columns: 1,000,000 W1-like pairs in a Polars DataFrame, end to end.

Compares, in one process, interleaved rounds, medians:

* ours: ``pl.col("a").levenshtein.distance(pl.col("b"))`` (pyo3_levenshtein.polars);
* rapidfuzz: ``cpdist(df["a"].to_list(), df["b"].to_list(), workers=-1)`` with
  ``scorer=Levenshtein.distance`` (its default scorer is ``ratio``), the
  to_list conversion included (that is what a user of a DataFrame pays);
* polars-ds: ``pds.str_leven("a", "b")`` (a compiled plugin on the rapidfuzz
  crate), as shipped (``parallel=False``) and with ``parallel=True``.

Then the peak extra memory per pair of each, each in a fresh process that loads
the same frame from an Arrow IPC file, resets its VmHWM (clear_refs, as
compare.py measures W5) and runs the query once.

    .venv/bin/python benchmarks/columns.py [--pairs N] [--rounds R]

The pairs follow workloads.py's W1 recipe (lengths U(1, 50), ASCII letters and
digits; its first 2**14 pairs are W1 itself). Prints figures; never fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pyo3_levenshtein.polars  # noqa: F401  (registers the namespace)
from compare import read_peak_rss, reset_peak_rss
from workloads import SEED, _short_pairs

TARGETS = {"rapidfuzz cpdist": 0.3, "polars-ds str_leven": 1.0}


def runners() -> dict[str, Callable[[pl.DataFrame], object]]:
    out: dict[str, Callable[[pl.DataFrame], object]] = {
        "ours": lambda df: df.select(pl.col("a").levenshtein.distance(pl.col("b"))),
    }
    try:
        from rapidfuzz.distance import Levenshtein
        from rapidfuzz.process import cpdist

        out["rapidfuzz cpdist"] = lambda df: cpdist(
            df["a"].to_list(), df["b"].to_list(), scorer=Levenshtein.distance, workers=-1
        )
    except ImportError:
        print("rapidfuzz not installed: skipped")
    try:
        import polars_ds as pds

        out["polars-ds str_leven"] = lambda df: df.select(pds.str_leven("a", "b"))
        out["polars-ds str_leven parallel"] = lambda df: df.select(
            pds.str_leven("a", "b", parallel=True)
        )
    except ImportError:
        print("polars-ds not installed: skipped")
    return out


def make_frame(pairs: int) -> pl.DataFrame:
    data = _short_pairs(SEED + 1, 50, pairs)
    return pl.DataFrame({"a": [a for a, _ in data], "b": [b for _, b in data]})


def check(results: dict[str, object]) -> None:
    ours = results["ours"].to_series().to_list()  # type: ignore[attr-defined]
    for name, r in results.items():
        got = r.to_series().to_list() if isinstance(r, pl.DataFrame) else list(r)  # type: ignore[arg-type]
        if got != ours:
            raise SystemExit(f"{name} disagrees with ours")


def memory_child(name: str, path: str) -> None:
    df = pl.read_parquet(path)  # decoded onto the heap, not memory-mapped
    run = runners()[name]
    run(df.head(1000))  # warm up: pools, plugin loading
    gc.collect()
    before, method = reset_peak_rss()
    run(df)
    peak = read_peak_rss(method)
    print(json.dumps({"before_kib": before, "peak_kib": peak, "method": method}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--memory-child", nargs=2, metavar=("NAME", "PARQUET"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return 0

    t0 = time.perf_counter()
    df = make_frame(args.pairs)
    print(f"{args.pairs:,} pairs built in {time.perf_counter() - t0:.1f} s; CPUs: {os.cpu_count()}")
    run = runners()
    check({name: f(df) for name, f in run.items()})
    times: dict[str, list[float]] = {name: [] for name in run}
    for _ in range(args.rounds):
        for name, f in run.items():
            gc.collect()
            start = time.perf_counter()
            f(df)
            times[name].append(time.perf_counter() - start)

    ours = statistics.median(times["ours"])
    print(f"\nTime, median of {args.rounds} interleaved rounds (min..max):")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:30s} {med * 1e3:8.1f} ms  ({min(ts) * 1e3:.1f}..{max(ts) * 1e3:.1f})")
    print("\nRatios (ours / peer; target in brackets):")
    for name, ts in times.items():
        if name != "ours":
            target = TARGETS.get(name)
            note = f"  [<= {target}]" if target is not None else ""
            print(f"  ours / {name:30s} {ours / statistics.median(ts):6.3f}{note}")

    print("\nPeak extra memory per pair (fresh process each, VmHWM after clear_refs):")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "pairs.parquet")
        df.write_parquet(path)
        for name in run:
            proc = subprocess.run(
                [sys.executable, __file__, "--memory-child", name, path],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if proc.returncode != 0:
                print(f"  {name:30s} failed: {proc.stderr.strip()[-300:]}")
                continue
            m = json.loads(proc.stdout.strip().splitlines()[-1])
            extra = (m["peak_kib"] - m["before_kib"]) * 1024 / args.pairs
            target = "  [<= 16]" if name == "ours" else ""
            print(f"  {name:30s} {extra:8.1f} bytes/pair{target}  ({m['method']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
