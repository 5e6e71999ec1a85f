#!/usr/bin/env python3
"""Benchmark levenshtein and levenshtein_batch on token sequences against rapidfuzz.

    python benchmarks/sequences.py               # 7 rounds
    python benchmarks/sequences.py --rounds 11 --pairs 50000
    python benchmarks/sequences.py --quick       # smoke test (2,000 pairs, 3 rounds)

Data (seeded): a vocabulary of 20,000 distinct lowercase words of 2..10 letters;
pairs of word lists of 5..40 words drawn from it, the second list being the first
after about 15% word edits (substitutions, insertions, deletions in equal parts).
The int rows use the same shapes with ints from 0..50,000 (token ids).

Rows (ours / rapidfuzz, the issue's targets in brackets):

* per call: ``[levenshtein(a, b) for a, b in pairs]`` against the same loop over
  ``rapidfuzz.distance.Levenshtein.distance`` (target <= 0.5);
* batch: ``levenshtein_batch(pairs)`` against
  ``rapidfuzz.process.cpdist(A, B, scorer=Levenshtein.distance, workers=-1)``
  (target <= 0.4).

Every row's results are checked against rapidfuzz before anything is timed. The
rounds interleave all rows and both libraries in a shuffled order, with the
garbage collector off; the report gives the median per pair over the rounds, the
fastest and slowest round, and the ratio of the medians. A benchmark prints; it
never fails on a ratio.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shlex
import statistics
import string
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pyo3_levenshtein as lev
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

SEED = 20261201
VOCABULARY = 20_000
EDIT_RATE = 0.15


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))))
    return sorted(words)


def edited(rng: random.Random, tokens: list[Any], draw: Callable[[], Any]) -> list[Any]:
    """``tokens`` after round(15%) random word substitutions, insertions and deletions."""
    out = list(tokens)
    for _ in range(round(EDIT_RATE * len(tokens))):
        op = rng.randrange(3)
        if op == 0 and out:
            out[rng.randrange(len(out))] = draw()
        elif op == 1 and out:
            del out[rng.randrange(len(out))]
        else:
            out.insert(rng.randrange(len(out) + 1), draw())
    return out


def pairs_of(rng: random.Random, count: int, draw: Callable[[], Any]) -> list[tuple[list, list]]:
    pairs = []
    for _ in range(count):
        a = [draw() for _ in range(rng.randint(5, 40))]
        pairs.append((a, edited(rng, a, draw)))
    return pairs


@dataclass
class Row:
    name: str
    target: float
    pairs: int
    ours: Callable[[], object]
    theirs: Callable[[], object]
    times: dict[str, list[float]] = field(default_factory=lambda: {"ours": [], "theirs": []})


def rows_for(label: str, pairs: list[tuple[list, list]]) -> list[Row]:
    d, distance, batch = Levenshtein.distance, lev.levenshtein, lev.levenshtein_batch
    a_side = [a for a, _ in pairs]
    b_side = [b for _, b in pairs]

    def per_call_ours() -> list[int]:
        return [distance(a, b) for a, b in pairs]

    def per_call_theirs() -> list[int]:
        return [d(a, b) for a, b in pairs]

    def batch_ours() -> list[int]:
        return batch(pairs)

    def batch_theirs() -> Any:
        return cpdist(a_side, b_side, scorer=d, workers=-1)

    want = per_call_theirs()
    assert per_call_ours() == want, f"{label}: levenshtein disagrees with rapidfuzz"
    assert batch_ours() == want, f"{label}: levenshtein_batch disagrees with rapidfuzz"
    assert batch_theirs().tolist() == want, f"{label}: cpdist disagrees with distance"
    n = len(pairs)
    return [
        Row(f"{label}, per call", 0.5, n, per_call_ours, per_call_theirs),
        Row(f"{label}, levenshtein_batch vs cpdist(workers=-1)", 0.4, n, batch_ours, batch_theirs),
    ]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def per_pair(seconds: float, count: int) -> str:
    ns = seconds / count * 1e9
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 pairs, 3 rounds")
    args = parser.parse_args()
    rounds, count = (3, 2_000) if args.quick else (args.rounds, args.pairs)

    rng = random.Random(SEED)
    vocab = vocabulary(rng, VOCABULARY)
    words = pairs_of(rng, count, lambda: rng.choice(vocab))
    ints = pairs_of(rng, count, lambda: rng.randrange(50_000))
    rows = [*rows_for("word lists", words), *rows_for("int lists", ints)]

    print(f"$ {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"pyo3_levenshtein {lev.__version__}, rapidfuzz {metadata.version('rapidfuzz')}; "
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{cpu_model()}, {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{count:,} pairs of 5..40 tokens, ~{EDIT_RATE:.0%} token edits, vocabulary "
        f"{VOCABULARY:,} words / 50,000 ints; {rounds} rounds, interleaved, gc off"
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
    print()
    print(
        "| row | pyo3_levenshtein / pair | (min - max) | rapidfuzz / pair | (min - max) "
        "| ratio | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        t = row.times
        med = {side: statistics.median(t[side]) for side in t}
        spread = {
            side: f"{per_pair(min(t[side]), row.pairs)} - {per_pair(max(t[side]), row.pairs)}"
            for side in t
        }
        ratio = med["ours"] / med["theirs"]
        print(
            f"| {row.name} | {per_pair(med['ours'], row.pairs)} | {spread['ours']} "
            f"| {per_pair(med['theirs'], row.pairs)} | {spread['theirs']} "
            f"| {ratio:.2f} | <= {row.target} |"
        )
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
