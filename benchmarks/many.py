#!/usr/bin/env python3
"""Benchmark nearest and levenshtein_matrix against rapidfuzz's process module.

    python benchmarks/many.py               # 7 rounds
    python benchmarks/many.py --rounds 11 --queries 100
    python benchmarks/many.py --quick       # smoke test (small sizes, 3 rounds)

Strings are W1-like (lengths U(1, 50), ASCII letters and digits, as in
workloads.py), except the non-ASCII and grapheme rows, which draw from
workloads.UNICODE_UNITS (the W6 alphabet). Each row times ours and rapidfuzz's
call on the same data, both checked to agree first; rounds interleave the rows in
a shuffled order, with the garbage collector off, and the report gives medians
and the ratio ours / rapidfuzz. Grapheme rows compare with rapidfuzz on code
points (it has no grapheme mode): the ratio shows the cost of segmentation.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyo3_levenshtein as lev
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from workloads import ALNUM, SEED, UNICODE_UNITS


def strings(rng: random.Random, count: int, alphabet: str | list[str]) -> list[str]:
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 50))) for _ in range(count)]


@dataclass
class Row:
    name: str
    unit: str  # what one timed call is divided by
    per: int
    ours: Callable[[], object]
    theirs: Callable[[], object]
    times: dict[str, list[float]] = field(default_factory=lambda: {"ours": [], "theirs": []})


def nearest_rows(name: str, queries: list[str], choices: list[str], grapheme: bool) -> list[Row]:
    g = {"grapheme_segmentation": True} if grapheme else {}
    d = Levenshtein.distance

    def each(f):
        return lambda: [f(q) for q in queries]

    cases = [
        (
            "k=5",
            lambda q: lev.nearest(q, choices, k=5, **g),
            lambda q: process.extract(q, choices, scorer=d, limit=5),
        ),
        (
            "k=1",
            lambda q: lev.nearest(q, choices, k=1, **g),
            lambda q: process.extractOne(q, choices, scorer=d),
        ),
        (
            "max_distance=3, k=5",
            lambda q: lev.nearest(q, choices, k=5, max_distance=3, **g),
            lambda q: process.extract(q, choices, scorer=d, limit=5, score_cutoff=3),
        ),
    ]
    rows = []
    for label, ours, theirs in cases:
        if not grapheme:
            for q in queries[:20]:
                got = [dist for _, dist in ours(q)]
                want = theirs(q)
                want = [] if want is None else [want] if isinstance(want, tuple) else want
                assert got == [s for _, s, _ in want], (label, q)
        rows.append(
            Row(f"{name}: nearest {label}", "query", len(queries), each(ours), each(theirs))
        )
    return rows


def matrix_row(name: str, queries: list[str], choices: list[str], grapheme: bool) -> Row:
    def ours():
        return lev.levenshtein_matrix(queries, choices, grapheme_segmentation=grapheme)

    def theirs():
        return process.cdist(
            queries, choices, scorer=Levenshtein.distance, workers=-1, dtype=np.uint32
        )

    if not grapheme:
        assert np.array_equal(ours(), theirs()), name
    cells = len(queries) * len(choices)
    label = f"{name}: matrix {len(queries):,} x {len(choices):,}"
    return Row(label, "cell", cells, ours, theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--queries", type=int, default=50, help="nearest queries per round")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    scale = 10 if args.quick else 1
    rng = random.Random(SEED + 70)
    w1_choices = strings(rng, 20_000 // scale, ALNUM)
    w1_queries = strings(rng, 1_000 // scale, ALNUM)
    u_choices = strings(rng, 20_000 // scale, UNICODE_UNITS)
    u_queries = strings(rng, 1_000 // scale, UNICODE_UNITS)
    nq = max(1, args.queries // scale)
    rows = [
        matrix_row("W1", w1_queries, w1_choices, False),
        *nearest_rows("W1", w1_queries[:nq], w1_choices, False),
        matrix_row("non-ASCII", u_queries, u_choices, False),
        nearest_rows("non-ASCII", u_queries[:nq], u_choices, False)[0],
        matrix_row("grapheme", u_queries, u_choices, True),
        nearest_rows("grapheme", u_queries[:nq], u_choices, True)[0],
    ]
    print(
        f"pyo3_levenshtein {lev.__version__} vs rapidfuzz; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, {rounds} rounds, medians (min..max)"
    )
    gc.disable()
    try:
        for _ in range(rounds):
            jobs = [(row, side) for row in rows for side in ("ours", "theirs")]
            rng.shuffle(jobs)
            for row, side in jobs:
                fn = row.ours if side == "ours" else row.theirs
                t0 = time.perf_counter()
                fn()
                row.times[side].append(time.perf_counter() - t0)
    finally:
        gc.enable()
    for row in rows:
        med = {s: statistics.median(t) for s, t in row.times.items()}
        spread = {s: f"{min(t) * 1e3:.1f}..{max(t) * 1e3:.1f}" for s, t in row.times.items()}
        per = {s: med[s] / row.per for s in med}
        scale_name, factor = ("ns", 1e9) if row.unit == "cell" else ("ms", 1e3)
        print(
            f"{row.name:<44} ours {med['ours'] * 1e3:8.2f} ms ({per['ours'] * factor:7.3f} "
            f"{scale_name}/{row.unit}; {spread['ours']})  rapidfuzz {med['theirs'] * 1e3:8.2f} ms "
            f"({per['theirs'] * factor:7.3f} {scale_name}/{row.unit}; {spread['theirs']})  "
            f"ratio {med['ours'] / med['theirs']:.3f}"
        )


if __name__ == "__main__":
    main()
