"""Weighted distances and normalized scores against rapidfuzz (issue 13's rows).

Per-call rows time ``[f(a, b, weights=w) for a, b in pairs]`` for our function and
rapidfuzz's on the same pairs, interleaved round by round in a shuffled order, and
report the median time per pair and the ratio of medians. Results are checked to
be equal before anything is timed. Benchmarks print; they never fail on a timing.

    .venv/bin/python benchmarks/weights.py [--rounds 7] [--workloads W1,W3]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein as RF

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyo3_levenshtein as lev  # noqa: E402
from workloads import make_workload  # noqa: E402


def loop(call: str):
    """`pairs -> None` running `call` (e.g. "lev.levenshtein(a, b, weights=(1, 1, 2))")
    once per pair, compiled so that no wrapper adds a Python call per pair."""
    namespace = {"lev": lev, "RF": RF}
    exec(f"def run(pairs):\n    for a, b in pairs:\n        {call}\n", namespace)
    return namespace["run"], eval(f"lambda a, b: {call}", namespace)


def rows(weights):
    yield (
        f"distance, weights={weights}",
        loop(f"lev.levenshtein(a, b, weights={weights})"),
        loop(f"RF.distance(a, b, weights={weights})"),
    )


def score_rows():
    yield (
        "normalized_similarity",
        loop("lev.normalized_similarity(a, b)"),
        loop("RF.normalized_similarity(a, b)"),
    )
    yield (
        "normalized_distance, weights=(1, 1, 2)",
        loop("lev.normalized_distance(a, b, weights=(1, 1, 2))"),
        loop("RF.normalized_distance(a, b, weights=(1, 1, 2))"),
    )


def time_loop(run, pairs, min_seconds=0.02):
    passes = 0
    start = time.perf_counter()
    while True:
        run(pairs)
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / (passes * len(pairs))


def fmt(seconds):
    ns = seconds * 1e9
    return f"{ns:,.0f} ns" if ns < 10_000 else f"{ns / 1000:,.1f} us"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--workloads", default="W1,W3")
    args = ap.parse_args()
    print("pyo3-levenshtein weights benchmark (benchmarks/weights.py)")
    print(f"command:  {' '.join([sys.executable, *sys.argv])}")
    print(f"date:     {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"cpu:      {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"python:   {platform.python_version()}; rapidfuzz {__import__('rapidfuzz').__version__}")
    print(f"method:   {args.rounds} rounds, ours and rapidfuzz interleaved in shuffled order\n")
    rng = random.Random(1)
    for name in args.workloads.split(","):
        w = make_workload(name)
        pairs = w.pairs if name != "W1" else w.pairs[:4096]
        table = [*rows((1, 1, 2)), *rows((1, 2, 3)), *(score_rows() if name == "W1" else [])]
        for label, (_, ours), (_, theirs) in table:
            for a, b in pairs[:500]:
                x, y = ours(a, b), theirs(a, b)
                assert (abs(x - y) < 1e-9) if isinstance(x, float) else x == y, (label, a, b)
        samples = {(label, who): [] for label, *_ in table for who in ("ours", "rf")}
        for _ in range(args.rounds):
            jobs = [
                (label, who, run)
                for label, (o, _), (t, _) in table
                for who, run in (("ours", o), ("rf", t))
            ]
            rng.shuffle(jobs)
            for label, who, f in jobs:
                samples[(label, who)].append(time_loop(f, pairs))
        print(f"### {name}: {w.description} ({len(pairs)} pairs timed)\n")
        print("| call | ours / pair | rapidfuzz / pair | ratio |")
        print("|---|---:|---:|---:|")
        for label, *_ in table:
            o = statistics.median(samples[(label, "ours")])
            t = statistics.median(samples[(label, "rf")])
            print(f"| {label} | {fmt(o)} | {fmt(t)} | {o / t:.2f} |")
        print()


if __name__ == "__main__":
    main()
