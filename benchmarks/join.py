#!/usr/bin/env python3
"""Benchmark levenshtein_join and LevenshteinIndex against their peers (issue 15).

    python benchmarks/join.py              # every row, 5 rounds (a few minutes)
    python benchmarks/join.py --rounds 3 --full-brute-force
    python benchmarks/join.py --quick      # smoke test: a tenth of the dictionary

Data: the English frequency dictionary shipped inside symspellpy (82,834 distinct
words), 300 queries made from dictionary words with 0-3 random edits, and for the
long-string rows 50,000 strings of 60-200 characters in near-duplicate clusters.

Rows and peers:
- self-join k = 1, 2 against patternjoin.join(words, cutoff=k, threads=2);
- self-join k = 3 against our brute force, levenshtein_matrix(words, words,
  max_distance=3) over all pairs (timed on a slice of rows and scaled to all, unless
  --full-brute-force), timed in the rounds like every other peer: the host's speed
  drifts by a fifth over minutes, so a brute force timed once apart from the joins
  made the ratio swing with it;
- index build (the index, then its filters for max_distance 1, 2 and 3, which a
  first search at each bound builds) against SymSpell(max_dictionary_edit_distance=3)
  loading the dictionary;
- search(q, max_distance=d) for d = 1, 2, 3 against symspellpy's
  lookup(q, Verbosity.ALL, d) on the same queries (symspellpy returns suggestions with
  counts, a different contract: only the time is compared);
- long strings, k = 4 and 8, against the same brute force (no target);
- memory of the index (filters for bounds 1-3 built) against symspellpy's, as the
  growth of the resident set of a fresh process.

Every result is checked before timing: joins against patternjoin's pairs (or the brute
force's on the sampled rows), searches against nearest. Rounds interleave ours and the
peer in a shuffled order with the garbage collector off; medians are reported with
their ratio ours / peer. A missing peer is skipped; timings never fail the run.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyo3_levenshtein as lev

SEED = 15
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def dictionary_path() -> str | None:
    try:
        import symspellpy
    except ImportError:
        return None
    return os.path.join(os.path.dirname(symspellpy.__file__), "frequency_dictionary_en_82_765.txt")


def load_words(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return list(dict.fromkeys(line.split()[0] for line in f if line.strip()))


def mutate(rng: random.Random, word: str, edits: int) -> str:
    w = list(word)
    for _ in range(edits):
        op = rng.randrange(3)
        if op == 0:
            w.insert(rng.randint(0, len(w)), rng.choice(ALPHABET))
        elif w and op == 1:
            del w[rng.randrange(len(w))]
        elif w:
            w[rng.randrange(len(w))] = rng.choice(ALPHABET)
    return "".join(w)


def long_clusters(rng: random.Random, count: int) -> list[str]:
    """`count` strings of 60..200 characters: seeds and copies with 0-10 edits."""
    out = []
    while len(out) < count:
        seed = "".join(rng.choices(ALPHABET, k=rng.randint(60, 200)))
        out.append(seed)
        for _ in range(rng.randint(0, 9)):
            out.append(mutate(rng, seed, rng.randint(0, 10))[:200])
    out = [s if len(s) >= 60 else s + "x" * (60 - len(s)) for s in out[:count]]
    rng.shuffle(out)
    return out


def brute_force(words: list[str], k: int, rows: int, repeat: int = 1) -> tuple[float, int, int]:
    """(seconds for all rows, pairs i < j within k among the first `rows` rows, rows).

    levenshtein_matrix of row slices against all words; scaled to every row when
    `rows` is smaller than the list (the matrix costs the same per row)."""
    rows = min(rows, len(words))
    step = max(1, min(rows, 50_000_000 // max(1, len(words))))
    best = float("inf")
    pairs = 0
    cols = np.arange(len(words))
    for _ in range(repeat):
        spent, pairs = 0.0, 0
        for start in range(0, rows, step):
            # Only the matrix is timed; counting its pairs is not the brute force.
            t0 = time.perf_counter()
            m = lev.levenshtein_matrix(
                words[start : min(start + step, rows)], words, max_distance=k, dtype="uint8"
            )
            spent += time.perf_counter() - t0
            upper = cols[None, :] > np.arange(start, start + m.shape[0])[:, None]
            pairs += int(np.count_nonzero((m <= k) & upper))
        best = min(best, spent)
    return best * len(words) / rows, pairs, rows


def brute_force_rows(words: list[str], k: int, rows: int) -> Callable[[], None]:
    """The matrices of `brute_force` over the first `rows` rows, as one call to time
    in the rounds (interleaved with ours, as every other peer is)."""
    step = max(1, min(rows, 50_000_000 // max(1, len(words))))

    def run() -> None:
        for start in range(0, rows, step):
            lev.levenshtein_matrix(
                words[start : min(start + step, rows)], words, max_distance=k, dtype="uint8"
            )

    return run


def rss_growth(code: str) -> int | None:
    """Bytes the resident set grows by while `code` runs in a fresh interpreter."""
    script = (
        "import gc, resource, sys\n"
        "def rss():\n"
        "    with open('/proc/self/statm') as f:\n"
        "        return int(f.read().split()[1]) * resource.getpagesize()\n"
        "import pyo3_levenshtein as lev\n"
        "import symspellpy\n"
        "before = rss()\n" + code + "\ngc.collect()\nprint(rss() - before)\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
        )
        return int(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return None


def per_query(t: float) -> str:
    return f"{t * 1e6:9.1f} us"


def seconds(t: float) -> str:
    return f"{t:10.3f} s"


@dataclass
class Row:
    name: str
    ours: Callable[[], object]
    theirs: Callable[[], object] | None
    peer: str
    target: float | None
    per: int = 1  # divide times by this (per query)
    fixed_theirs: float | None = None  # a peer time measured once (brute force)
    theirs_scale: float = 1.0  # multiply the peer's times by this (a sampled brute force)
    times: dict[str, list[float]] = field(default_factory=lambda: {"ours": [], "theirs": []})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, 3 rounds")
    parser.add_argument(
        "--full-brute-force", action="store_true", help="time the brute force on every row"
    )
    parser.add_argument("--threads", type=int, default=2, help="threads for both sides")
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    threads = args.threads
    path = dictionary_path()
    if path is None:
        print("symspellpy is not installed: it ships the dictionary (pip install symspellpy)")
        return
    rng = random.Random(SEED)
    words = load_words(path)
    if args.quick:
        # symspellpy loads the same words, with their counts, from a file of them.
        words = rng.sample(words, len(words) // 10)
        keep = set(words)
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f if line.split() and line.split()[0] in keep]
        path = os.path.join(tempfile.mkdtemp(), "words.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(lines)
    queries = [mutate(rng, rng.choice(words), rng.randint(0, 3)) for _ in range(300)]
    try:
        import patternjoin
    except ImportError:
        patternjoin = None
        print("patternjoin is not installed: the k = 1, 2 rows have no peer")
    try:
        from symspellpy import SymSpell, Verbosity
    except ImportError:
        SymSpell = Verbosity = None

    print(
        f"pyo3_levenshtein {lev.__version__}; python {sys.version.split()[0]}; "
        f"{platform.machine()} {os.cpu_count()} CPUs; load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"{len(words):,} words, {len(queries)} queries, {threads} threads, {rounds} rounds")

    def join(k: int, strings: list[str] = words):
        return lev.levenshtein_join(strings, max_distance=k, num_threads=threads)

    rows: list[Row] = []
    # Self-joins against patternjoin: same pairs (theirs include (i, i) and both orders).
    for k in (1, 2):
        ours = join(k)
        if patternjoin is not None:
            theirs = patternjoin.join(words, cutoff=k, threads=threads)
            want = sorted((i, j) for i, j in theirs if i < j)
            assert [(i, j) for i, j, _ in ours] == want, f"k = {k}: pairs differ"
            peer = lambda k=k: patternjoin.join(words, cutoff=k, threads=threads)  # noqa: E731
        else:
            peer = None
        sample = random.Random(k).sample(list(ours), min(2000, len(ours)))
        assert all(lev.levenshtein(words[i], words[j]) == d for i, j, d in sample)
        rows.append(Row(f"self-join k={k}", lambda k=k: join(k), peer, "patternjoin", 0.2))

    # k = 3 against our brute force over all pairs.
    sample_rows = len(words) if args.full_brute_force else max(1000, len(words) // 10)
    _, brute_pairs, brute_rows = brute_force(words, 3, sample_rows)
    ours3 = join(3)
    mine = sum(1 for i, _, _ in ours3 if i < brute_rows)
    assert mine == brute_pairs, (
        f"k = 3: {mine} pairs in the sampled rows, brute force {brute_pairs}"
    )
    scaled = "" if brute_rows == len(words) else f", timed on {brute_rows:,} rows and scaled"
    rows.append(
        Row(
            f"self-join k=3 ({len(ours3):,} pairs)",
            lambda: join(3),
            brute_force_rows(words, 3, brute_rows),
            f"levenshtein_matrix brute force{scaled}",
            0.05,
            theirs_scale=len(words) / brute_rows,
        )
    )

    # Index build against symspellpy's dictionary for max distance 3.
    def build_ours():
        index = lev.LevenshteinIndex(words)
        for d in (1, 2, 3):
            index.search("x", max_distance=d)
        return index

    def build_theirs():
        s = SymSpell(max_dictionary_edit_distance=3)
        s.load_dictionary(path, 0, 1)
        return s

    index = build_ours()
    speller = build_theirs() if SymSpell is not None else None
    rows.append(
        Row(
            "index build (bounds 1-3)",
            build_ours,
            build_theirs if SymSpell else None,
            "SymSpell(3).load_dictionary",
            0.1,
        )
    )
    for d, target in ((1, 0.1), (2, 0.05), (3, 0.05)):
        for q in queries[:50]:
            assert index.search(q, max_distance=d) == lev.nearest(q, words, max_distance=d)

        def ours(d=d):
            search = index.search
            for q in queries:
                search(q, max_distance=d)

        def theirs(d=d):
            lookup = speller.lookup
            for q in queries:
                lookup(q, Verbosity.ALL, d)

        rows.append(
            Row(
                f"search max_distance={d}",
                ours,
                theirs if speller else None,
                "symspellpy lookup(ALL)",
                target,
                per=len(queries),
            )
        )

    # Long strings, no target: the join against the brute force.
    long_words = long_clusters(random.Random(SEED + 1), 5_000 if args.quick else 50_000)
    for k in (4, 8):
        t, pairs, n = brute_force(long_words, k, max(200, len(long_words) // 50))
        got = join(k, long_words)
        assert sum(1 for i, _, _ in got if i < n) == pairs, f"long k = {k}: pairs differ"
        rows.append(
            Row(
                f"long strings k={k} ({len(got):,} pairs)",
                lambda k=k: join(k, long_words),
                None,
                f"brute force, timed on {n:,} rows and scaled",
                None,
                fixed_theirs=t,
            )
        )

    gc.disable()
    try:
        for _ in range(rounds):
            jobs = [(r, side) for r in rows for side in ("ours", "theirs")]
            rng.shuffle(jobs)
            for row, side in jobs:
                fn = row.ours if side == "ours" else row.theirs
                if fn is None:
                    continue
                t0 = time.perf_counter()
                fn()
                row.times[side].append(time.perf_counter() - t0)
    finally:
        gc.enable()

    print(f"{'row':<40} {'ours':>12} {'peer':>12} {'ratio':>7} {'target':>7}  peer")
    for row in rows:
        ours_t = statistics.median(row.times["ours"]) / row.per
        if row.fixed_theirs is not None:
            theirs_t = row.fixed_theirs
        elif row.times["theirs"]:
            theirs_t = statistics.median(row.times["theirs"]) / row.per * row.theirs_scale
        else:
            theirs_t = None
        ratio = f"{ours_t / theirs_t:7.3f}" if theirs_t else "      -"
        target = f"{row.target:7.2f}" if row.target else "      -"
        fmt = per_query if row.per > 1 else seconds
        print(
            f"{row.name:<40} {fmt(ours_t):>12} "
            f"{fmt(theirs_t) if theirs_t else '-':>12} {ratio} {target}  {row.peer}"
        )

    ours_mem = rss_growth(
        f"words = [l.split()[0] for l in open({path!r}, encoding='utf-8')]\n"
        "words = list(dict.fromkeys(words))\n"
        "index = lev.LevenshteinIndex(words)\n"
        "for d in (1, 2, 3): index.search('x', max_distance=d)"
    )
    theirs_mem = rss_growth(
        "s = symspellpy.SymSpell(max_dictionary_edit_distance=3)\n"
        f"s.load_dictionary({path!r}, 0, 1)"
    )
    if ours_mem and theirs_mem:
        print(
            f"{'index memory (bounds 1-3, RSS growth)':<40} {ours_mem / 2**20:8.1f} MiB "
            f"{theirs_mem / 2**20:8.1f} MiB {ours_mem / theirs_mem:7.3f}        -  symspellpy"
        )


if __name__ == "__main__":
    main()
