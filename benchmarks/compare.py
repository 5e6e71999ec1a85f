#!/usr/bin/env python3
"""Benchmark pyo3_levenshtein against the other Levenshtein packages for Python.

    python benchmarks/compare.py                          # all workloads, 7 rounds
    python benchmarks/compare.py --workloads W1,W6 --rounds 11
    python benchmarks/compare.py --quick                  # smoke test (3 rounds)
    python benchmarks/compare.py --no-cutoff --skip-w5    # no max_distance rows, no W5
    python benchmarks/compare.py --markdown results.md --json results.json

Every library that is importable is measured; missing ones are listed in the
header and skipped.  All rows of a workload run in this one process, interleaved
round by round in a shuffled order, with the garbage collector disabled while
timing.  Each row's results are first checked against rapidfuzz (code points) or
against a naive dynamic programme over grapheme clusters (grapheme rows); a row
that disagrees is not timed.  The report gives, per row, the median time per pair
over the rounds, the fastest and slowest round, and the ratio of the median to
rapidfuzz's (per-call rows: rapidfuzz.distance.Levenshtein.distance in the same
loop; batch rows: rapidfuzz.process.cpdist with workers=-1; max_distance rows:
rapidfuzz's distance(a, b, score_cutoff=k) at the same k).  W5 (one pair of
100,000-char strings) runs last, in a fresh process per library and case, and
also reports the extra peak RSS of the call.  See README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import import_module, metadata
from types import ModuleType
from typing import Any

from workloads import (
    W5_CASES,
    W5_DESCRIPTION,
    WORKLOADS,
    Workload,
    fingerprint,
    make_w5,
    make_workload,
)

# W5 is not a list of pairs timed in this process: it always runs last, in
# subprocesses (see run_w5), whatever its place in --workloads.
ALL_WORKLOADS = (*WORKLOADS, "W5")
DEFAULT_WORKLOADS = "W1,W2,W6,W3,W4sim,W4rand,W5"
QUICK_WORKLOADS = "W1,W2,W6,W3"
# max_distance / score_cutoff rows: on these workloads, at these k.
CUTOFF_WORKLOADS = ("W3", "W4sim", "W4rand")
CUTOFFS = (1, 4, 10, 50)
# The pure-Python reference is timed on this many leading pairs only.
PURE_PYTHON_SAMPLE = 512
PURE_PYTHON_WORKLOADS = ("W1", "W2")
GRAPHEME_WORKLOADS = ("W1", "W2", "W6")


# ---------------------------------------------------------------------------
# Pure-Python implementations (timed baseline and independent grapheme oracle)
# ---------------------------------------------------------------------------
def wagner_fischer(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Two-row Wagner-Fischer dynamic programme over any two sequences."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        left = i
        for j, cb in enumerate(b, 1):
            cost = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if left + 1 < cost:
                cost = left + 1
            current.append(cost)
            left = cost
        previous = current
    return previous[-1]


# ---------------------------------------------------------------------------
# Libraries
# ---------------------------------------------------------------------------
@dataclass
class Library:
    label: str
    distribution: str
    module: ModuleType | None = None
    version: str = "-"
    error: str | None = None


def _load(label: str, module_name: str, distribution: str) -> Library:
    lib = Library(label, distribution)
    try:
        lib.module = import_module(module_name)
    except Exception as exc:  # any import failure means "not available"
        lib.error = f"{type(exc).__name__}: {exc}"
        return lib
    try:
        lib.version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        lib.version = str(getattr(lib.module, "__version__", "?"))
    return lib


def load_libraries() -> dict[str, Library]:
    libs = {
        "ours": _load("pyo3_levenshtein", "pyo3_levenshtein", "pyo3-levenshtein"),
        "rapidfuzz": _load("rapidfuzz", "rapidfuzz", "rapidfuzz"),
        "Levenshtein": _load("Levenshtein (python-Levenshtein)", "Levenshtein", "Levenshtein"),
        "polyleven": _load("polyleven", "polyleven", "polyleven"),
        "jellyfish": _load("jellyfish", "jellyfish", "jellyfish"),
        "edlib": _load("edlib", "edlib", "edlib"),
        "numpy": _load("numpy (for rapidfuzz cpdist)", "numpy", "numpy"),
        "regex": _load("regex (grapheme oracle)", "regex", "regex"),
    }
    ours = libs["ours"]
    if ours.module is not None:
        # __version__ is what the package says about itself; prefer it if the
        # installed metadata is missing or stale.
        ours.version = str(getattr(ours.module, "__version__", ours.version))
    return libs


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------
@dataclass
class Row:
    label: str
    kind: str  # "per-call", "floor", "batch", "grapheme" or "cutoff"
    run: Callable[[], Any]  # one full pass over `n` pairs; returns the distances
    n: int  # pairs per pass
    check: str  # "codepoints", "graphemes", "zeros" or "cutoff" (min(d, k + 1))
    # "call", "batch" or "cutoff": which rapidfuzz row the ratio is taken
    # against ("cutoff": rapidfuzz's score_cutoff row with the same k).
    baseline: str
    ours: bool = False
    reference: bool = False
    footnote: str | None = None
    k: int | None = None  # the max_distance of a cutoff row
    # Filled in by the harness.
    status: str = "ok"
    note: str = ""
    number: int = 1  # passes per timed sample
    reps: int = 0  # timed samples wanted
    samples: list[float] = field(default_factory=list)  # ns per pair

    @property
    def timed(self) -> bool:
        return self.status == "ok" and bool(self.samples)


def _per_call(f: Callable[..., Any], pairs: list[tuple[str, str]]) -> Callable[[], list[Any]]:
    return lambda: [f(a, b) for a, b in pairs]


def _per_call_graphemes(
    f: Callable[..., Any], pairs: list[tuple[str, str]]
) -> Callable[[], list[Any]]:
    # Spelled out: f(a, b, **kwargs) would build a dict per call and go
    # through the slower CALL_FUNCTION_EX path, inflating the figure.
    return lambda: [f(a, b, grapheme_segmentation=True) for a, b in pairs]


# The cutoff loops spell their keyword out for the same reason.  `k` is a
# closure variable of each lambda, as `f` and `pairs` are.
def _cutoff_max_distance(
    f: Callable[..., Any], pairs: list[tuple[str, str]], k: int
) -> Callable[[], list[Any]]:
    return lambda: [f(a, b, max_distance=k) for a, b in pairs]


def _cutoff_score_cutoff(
    f: Callable[..., Any], pairs: list[tuple[str, str]], k: int
) -> Callable[[], list[Any]]:
    return lambda: [f(a, b, score_cutoff=k) for a, b in pairs]


def _cutoff_positional(
    f: Callable[..., Any], pairs: list[tuple[str, str]], k: int
) -> Callable[[], list[Any]]:
    return lambda: [f(a, b, k) for a, b in pairs]


def _has_max_distance(f: Callable[..., Any]) -> bool:
    """Whether f takes the keyword (whether it is right is the check's job)."""
    try:
        f("a", "a", max_distance=0)
    except TypeError:
        return False
    return True


def build_cutoff_rows(w: Workload, libs: dict[str, Library]) -> list[Row]:
    """Per-call rows with a distance bound k: each returns min(d, k + 1)."""
    pairs = w.pairs
    n = len(pairs)
    ours = libs["ours"].module
    rf = libs["rapidfuzz"].module
    poly = libs["polyleven"].module
    rows: list[Row] = []
    for k in CUTOFFS:
        if ours is not None and _has_max_distance(ours.levenshtein):
            rows.append(
                Row(
                    f"pyo3_levenshtein.levenshtein(a, b, max_distance={k})",
                    "cutoff",
                    _cutoff_max_distance(ours.levenshtein, pairs, k),
                    n,
                    "cutoff",
                    "cutoff",
                    ours=True,
                    k=k,
                )
            )
        if rf is not None:
            from rapidfuzz.distance import Levenshtein as RL

            rows.append(
                Row(
                    f"rapidfuzz.distance.Levenshtein.distance(a, b, score_cutoff={k})",
                    "cutoff",
                    _cutoff_score_cutoff(RL.distance, pairs, k),
                    n,
                    "cutoff",
                    "cutoff",
                    reference=True,
                    k=k,
                )
            )
        if poly is not None:
            rows.append(
                Row(
                    f"polyleven.levenshtein(a, b, {k})",
                    "cutoff",
                    _cutoff_positional(poly.levenshtein, pairs, k),
                    n,
                    "cutoff",
                    "cutoff",
                    k=k,
                )
            )
    return rows


def build_rows(w: Workload, libs: dict[str, Library], cutoffs: bool = True) -> list[Row]:
    pairs = w.pairs
    n = len(pairs)
    rows: list[Row] = []
    ours = libs["ours"].module
    rf = libs["rapidfuzz"].module

    # --- per-call rows: [f(a, b) for a, b in pairs] ---
    if ours is not None:
        rows.append(
            Row(
                "pyo3_levenshtein.levenshtein",
                "per-call",
                _per_call(ours.levenshtein, pairs),
                n,
                "codepoints",
                "call",
                ours=True,
            )
        )
        if hasattr(ours, "_noop"):
            rows.append(
                Row(
                    "pyo3_levenshtein._noop (call floor)",
                    "floor",
                    _per_call(ours._noop, pairs),
                    n,
                    "zeros",
                    "call",
                    ours=True,
                )
            )
    if rf is not None:
        from rapidfuzz.distance import Levenshtein as RL

        rows.append(
            Row(
                "rapidfuzz.distance.Levenshtein.distance",
                "per-call",
                _per_call(RL.distance, pairs),
                n,
                "codepoints",
                "call",
                reference=True,
            )
        )
    for lib, attr in (
        ("Levenshtein", "distance"),
        ("polyleven", "levenshtein"),
        ("jellyfish", "levenshtein_distance"),
    ):
        if libs[lib].module is not None:
            f = getattr(libs[lib].module, attr)
            rows.append(
                Row(f"{lib}.{attr}", "per-call", _per_call(f, pairs), n, "codepoints", "call")
            )
    if libs["edlib"].module is not None:
        align = libs["edlib"].module.align
        rows.append(
            Row(
                'edlib.align(a, b)["editDistance"]',
                "per-call",
                lambda: [align(a, b)["editDistance"] for a, b in pairs],
                n,
                "codepoints",
                "call",
            )
        )
    if w.name in PURE_PYTHON_WORKLOADS:
        sample = pairs[:PURE_PYTHON_SAMPLE]
        rows.append(
            Row(
                "pure-Python Wagner-Fischer (two rows)",
                "per-call",
                _per_call(wagner_fischer, sample),
                len(sample),
                "codepoints",
                "call",
                footnote=f"timed on the first {len(sample)} pairs only (too slow for all {n})",
            )
        )

    # --- batch rows: one call for the whole workload ---
    if ours is not None and hasattr(ours, "levenshtein_batch"):
        batch = ours.levenshtein_batch
        rows.append(
            Row(
                "pyo3_levenshtein.levenshtein_batch(pairs)",
                "batch",
                lambda: batch(pairs),
                n,
                "codepoints",
                "batch",
                ours=True,
            )
        )
        rows.append(
            Row(
                "pyo3_levenshtein.levenshtein_batch(pairs, num_threads=1)",
                "batch",
                lambda: batch(pairs, num_threads=1),
                n,
                "codepoints",
                "batch",
                ours=True,
            )
        )
    if rf is not None and libs["numpy"].module is not None:
        from rapidfuzz.distance import Levenshtein as RL
        from rapidfuzz.process import cpdist

        firsts = [a for a, _ in pairs]
        seconds = [b for _, b in pairs]
        scorer = RL.distance
        rows.append(
            Row(
                "rapidfuzz.process.cpdist(A, B, workers=-1)",
                "batch",
                lambda: cpdist(firsts, seconds, scorer=scorer, workers=-1),
                n,
                "codepoints",
                "batch",
                reference=True,
                footnote="A and B split from the pairs before timing; returns a numpy array",
            )
        )
        rows.append(
            Row(
                "rapidfuzz.process.cpdist(A, B, workers=1)",
                "batch",
                lambda: cpdist(firsts, seconds, scorer=scorer, workers=1),
                n,
                "codepoints",
                "batch",
            )
        )
        rows.append(
            Row(
                "rapidfuzz cpdist(workers=-1) incl. unzip + .tolist()",
                "batch",
                lambda: cpdist(
                    [p[0] for p in pairs], [p[1] for p in pairs], scorer=scorer, workers=-1
                ).tolist(),
                n,
                "codepoints",
                "batch",
                footnote="same input and output types as levenshtein_batch: list of pairs in, "
                "list of ints out",
            )
        )

    # --- grapheme rows ---
    if ours is not None and w.name in GRAPHEME_WORKLOADS:
        rows.append(
            Row(
                "pyo3_levenshtein.levenshtein(a, b, grapheme_segmentation=True)",
                "grapheme",
                _per_call_graphemes(ours.levenshtein, pairs),
                n,
                "graphemes",
                "call",
                ours=True,
            )
        )
        if hasattr(ours, "levenshtein_batch"):
            batch = ours.levenshtein_batch
            rows.append(
                Row(
                    "pyo3_levenshtein.levenshtein_batch(pairs, grapheme_segmentation=True)",
                    "grapheme",
                    lambda: batch(pairs, grapheme_segmentation=True),
                    n,
                    "graphemes",
                    "batch",
                    ours=True,
                )
            )

    # --- max_distance rows: [f(a, b, <bound>=k) for a, b in pairs] ---
    if cutoffs and w.name in CUTOFF_WORKLOADS:
        rows += build_cutoff_rows(w, libs)
    return rows


# ---------------------------------------------------------------------------
# Reference results
# ---------------------------------------------------------------------------
def codepoint_reference(w: Workload, libs: dict[str, Library]) -> tuple[list[int] | None, str]:
    if libs["rapidfuzz"].module is None:
        return None, "rapidfuzz not importable: code-point rows are NOT checked"
    from rapidfuzz.distance import Levenshtein as RL

    return [RL.distance(a, b) for a, b in w.pairs], "rapidfuzz.distance.Levenshtein.distance"


def grapheme_reference(
    w: Workload, libs: dict[str, Library], cp_ref: list[int] | None
) -> tuple[list[int] | None, str]:
    regex = libs["regex"].module
    if regex is not None:
        cluster = regex.compile(r"\X")
        segmented = [(cluster.findall(a), cluster.findall(b)) for a, b in w.pairs]
        source = f"naive DP over regex \\X clusters (regex {libs['regex'].version})"
        if w.units is not None and segmented != w.units:
            bad = sum(1 for s, u in zip(segmented, w.units, strict=True) if s != u)
            source += f"; NOTE: regex splits {bad} pairs differently from the generator's clusters"
        if cp_ref is not None and all(
            len(sa) == len(a) and len(sb) == len(b)
            for (sa, sb), (a, b) in zip(segmented, w.pairs, strict=True)
        ):
            # Every cluster is a single code point: the distances are the
            # code-point ones, already computed independently by rapidfuzz.
            return cp_ref, (
                f"regex \\X clusters (regex {libs['regex'].version}) are all single code points, "
                "so the code-point reference applies"
            )
        return [wagner_fischer(sa, sb) for sa, sb in segmented], source
    if w.units is not None:
        return (
            [wagner_fischer(ua, ub) for ua, ub in w.units],
            "naive DP over the generator's clusters (regex not importable)",
        )
    return None, "regex not importable: grapheme rows are NOT checked"


def _describe_mismatch(w: Workload, row: Row, got: list[Any], want: list[int]) -> str:
    bad = [i for i, (x, y) in enumerate(zip(got, want, strict=True)) if x != y]
    i = bad[0]
    a, b = w.pairs[i]

    def short(s: str) -> str:
        return repr(s) if len(s) <= 24 else repr(s[:21]) + "..."

    return (
        f"{len(bad)}/{len(want)} results differ, e.g. pair {i} ({short(a)}, {short(b)}): "
        f"got {got[i]!r}, expected {want[i]}"
    )


def _check_cutoff(w: Workload, row: Row, got: list[Any], cp_ref: list[int] | None) -> None:
    """A bounded row must return min(d, k + 1) for every pair."""
    if cp_ref is None or row.k is None:
        row.note = "unchecked"
        return
    k = row.k
    want = [min(d, k + 1) for d in cp_ref[: row.n]]
    above = sum(1 for d in cp_ref[: row.n] if d > k)
    if got == want:
        row.note = f"ok (min(d, k+1)); d > k on {above}/{row.n}"
        return
    # Normalise a library that returns some other value above k (it is then
    # compared as min(result, k + 1); the note says so).
    clipped = [min(x, k + 1) if isinstance(x, int) else x for x in got]
    if clipped == want:
        row.note = f"ok as min(result, k+1): returns > k+1 above k; d > k on {above}/{row.n}"
        return
    row.status = "wrong"
    row.note = _describe_mismatch(w, row, got, want)


def check_row(
    w: Workload,
    row: Row,
    result: Any,
    cp_ref: list[int] | None,
    g_ref: Callable[[], list[int] | None],
) -> None:
    got = result.tolist() if hasattr(result, "tolist") else list(result)
    if len(got) != row.n:
        row.status = "wrong"
        row.note = f"returned {len(got)} results for {row.n} pairs"
        return
    if row.check == "zeros":
        if any(x != 0 for x in got):
            row.status = "wrong"
            row.note = "call floor should return 0"
        else:
            row.note = "returns 0 (no work)"
        return
    if row.check == "cutoff":
        _check_cutoff(w, row, got, cp_ref)
        return
    want = cp_ref if row.check == "codepoints" else g_ref()
    if want is None:
        row.note = "unchecked"
        return
    want = want[: row.n]
    if got == want:
        row.note = "ok" if row.check == "codepoints" else "ok (graphemes)"
        return
    row.status = "wrong"
    row.note = _describe_mismatch(w, row, got, want)
    if row.check == "codepoints":
        graphemes = g_ref()
        if graphemes is not None and got == graphemes[: row.n]:
            if row.ours:
                row.note += " (they are the grapheme distances)"
            else:
                # A peer that counts grapheme clusters (jellyfish does): it is
                # a grapheme peer on this workload, not a wrong code-point one.
                row.status = "ok"
                row.kind = "grapheme"
                row.check = "graphemes"
                row.label += " [counts graphemes]"
                row.note = "ok (graphemes; differs from code points)"


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------
def prepare(
    w: Workload,
    rows: list[Row],
    libs: dict[str, Library],
    rounds: int,
    min_sample_s: float,
    row_budget_s: float,
) -> tuple[str, str]:
    cp_ref, cp_source = codepoint_reference(w, libs)
    g_cache: dict[str, Any] = {}

    def g_ref() -> list[int] | None:
        # Computed on first use only (the naive DP takes about a second on W6).
        if "ref" not in g_cache:
            g_cache["ref"], g_cache["source"] = grapheme_reference(w, libs, cp_ref)
        return g_cache["ref"]

    for row in rows:
        try:
            result = row.run()  # warm-up (first call may start thread pools) + check
        except Exception as exc:  # a failing library is reported, not fatal
            row.status = "error"
            row.note = f"{type(exc).__name__}: {exc}"[:160]
            continue
        check_row(w, row, result, cp_ref, g_ref)
        if row.status != "ok":
            continue
        # Calibrate: make each timed sample last at least min_sample_s, so
        # that very short passes are not dominated by timer and scheduler noise,
        # and cap the number of rounds of very slow rows.
        t0 = time.perf_counter()
        row.run()
        one = max(time.perf_counter() - t0, 1e-7)
        row.number = max(1, math.ceil(min_sample_s / one))
        sample_s = one * row.number
        row.reps = min(rounds, max(3, int(row_budget_s / sample_s)))
        if row.reps < rounds:
            row.note += f"; {row.reps} rounds (slow)"
    return cp_source, g_cache.get("source", "-")


def time_rows(rows: list[Row], rounds: int, settle_s: float, seed: int) -> None:
    active = [r for r in rows if r.status == "ok"]
    order_rng = random.Random(seed)
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            order = active[:]
            order_rng.shuffle(order)
            for row in order:
                if len(row.samples) >= row.reps:
                    continue
                run, number = row.run, row.number
                # Let thread pools of the previous row (rayon, cpdist) go idle.
                time.sleep(settle_s)
                t0 = time.perf_counter_ns()
                for _ in range(number):
                    result = run()
                t1 = time.perf_counter_ns()
                del result
                row.samples.append((t1 - t0) / (number * row.n))
    finally:
        gc.enable()


class OtherCpuMeter:
    """CPU time used by *other* processes while we time (Linux only).

    System-wide busy time from /proc/stat (steal included: on a VM that is
    time taken by other guests) minus this process's own CPU time (all its
    threads, and its finished W5 subprocesses), as a share of the machine's CPU
    capacity over the interval.
    """

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.ncpu = os.cpu_count() or 1
        self.start = self._snapshot()

    @staticmethod
    def _system_busy() -> int | None:
        try:
            with open("/proc/stat", encoding="ascii") as fh:
                fields = [int(x) for x in fh.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        # user nice system idle iowait irq softirq steal [guest guest_nice]
        # (guest time is already counted in user).
        return sum(fields[:8]) - fields[3] - fields[4]

    def _snapshot(self) -> tuple[int | None, float, float]:
        own = os.times()
        mine = own.user + own.system + own.children_user + own.children_system
        return self._system_busy(), mine, time.perf_counter()

    def share(self) -> float | None:
        busy0, own0, wall0 = self.start
        busy1, own1, wall1 = self._snapshot()
        if busy0 is None or busy1 is None or wall1 <= wall0:
            return None
        other = (busy1 - busy0) / self.tick - (own1 - own0)
        return max(0.0, other / ((wall1 - wall0) * self.ncpu))


def describe_other_cpu(share: float | None) -> str:
    if share is None:
        return "other processes' CPU use: unknown"
    text = f"other processes used {share:.0%} of the CPUs while timing"
    if share > 0.05:
        text += " -- WARNING: figures are disturbed, rerun on a quiet machine"
    return text


# ---------------------------------------------------------------------------
# W5: one long pair, one fresh process per library and case
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class W5Call:
    key: str  # the call's key in _w5_function()
    label: str
    repeats: int = 3  # timed calls inside the child process
    lib: str = ""  # the library's key in load_libraries(), if not `key`

    @property
    def library(self) -> str:
        return self.lib or self.key


# jellyfish is left out: it takes about a minute per call at this length.
W5_CALLS = (
    W5Call("ours", "pyo3_levenshtein.levenshtein(a, b)"),
    # The one long pair as a batch: with two threads its whole-matrix pass runs
    # as a pipeline of two bands of rows (issue 16: <= 0.6 x one thread).
    W5Call(
        "ours_batch1", "pyo3_levenshtein.levenshtein_batch([(a, b)], num_threads=1)", lib="ours"
    ),
    W5Call(
        "ours_batch2", "pyo3_levenshtein.levenshtein_batch([(a, b)], num_threads=2)", lib="ours"
    ),
    W5Call("rapidfuzz", "rapidfuzz.distance.Levenshtein.distance(a, b)"),
    W5Call("Levenshtein", "Levenshtein.distance(a, b)"),
    W5Call("edlib", 'edlib.align(a, b)["editDistance"]'),
    # About 1.5-2 s a call: one timed call only.
    W5Call("polyleven", "polyleven.levenshtein(a, b)", repeats=1),
)
W5_TIMEOUT_S = 300


def _w5_function(key: str) -> Callable[[str, str], int]:
    """Import only the library under test (in the child process)."""
    if key == "ours":
        from pyo3_levenshtein import levenshtein

        return levenshtein
    if key in ("ours_batch1", "ours_batch2"):
        from pyo3_levenshtein import levenshtein_batch

        threads = int(key[-1])
        return lambda a, b: levenshtein_batch([(a, b)], num_threads=threads)[0]
    if key == "rapidfuzz":
        from rapidfuzz.distance.Levenshtein import distance

        return distance
    if key == "Levenshtein":
        from Levenshtein import distance

        return distance
    if key == "edlib":
        from edlib import align

        return lambda a, b: align(a, b)["editDistance"]
    if key == "polyleven":
        from polyleven import levenshtein

        return levenshtein
    raise ValueError(f"no W5 call for {key!r}")


def _ru_maxrss_kb() -> int | None:
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS


def _vm_hwm_kb() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for text in fh:
                if text.startswith("VmHWM:"):
                    return int(text.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def reset_peak_rss() -> tuple[int | None, str]:
    """Reset this process's peak-RSS mark to its current RSS and return
    (peak in KiB, method).

    ru_maxrss cannot be used: on Linux, exec carries the parent's peak over
    into the child's ru_maxrss (and clear_refs does not reset that part), so a
    child of a big parent sees no growth.  VmHWM is the peak of this process's
    own address space; writing "5" to /proc/self/clear_refs resets it to the
    current RSS, which drops the peaks of building the strings and warming up.
    Where that is impossible, fall back to ru_maxrss, which may then be blind.
    """
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        peak = _vm_hwm_kb()
        if peak is not None:
            return peak, "VmHWM after clear_refs"
    except OSError:
        pass
    return _ru_maxrss_kb(), "ru_maxrss (not reset)"


def read_peak_rss(method: str) -> int | None:
    if method.startswith("VmHWM"):
        peak = _vm_hwm_kb()
        if peak is not None:
            return peak
    return _ru_maxrss_kb()


def w5_worker(key: str, case: str, repeats: int) -> dict[str, Any]:
    """Body of the child process: build the pair, warm up, time, measure."""
    a, b = make_w5(case)
    f = _w5_function(key)
    warm = f("kitten", "sitting")  # first call: lazy initialisation, not timed
    if warm != 3:
        raise SystemExit(f"warm-up call returned {warm!r}, expected 3")
    gc.collect()
    gc.disable()
    peak_before, method = reset_peak_rss()
    times: list[int] = []
    distances: list[Any] = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        d = f(a, b)
        t1 = time.perf_counter_ns()
        times.append(t1 - t0)
        distances.append(d)
    peak_after = read_peak_rss(method)
    gc.enable()
    return dict(
        key=key,
        case=case,
        distances=distances,
        times_ns=times,
        peak_before_kb=peak_before,
        peak_after_kb=peak_after,
        rss_method=method,
    )


def _w5_child(call: W5Call, case: str) -> dict[str, Any]:
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--w5-worker",
        call.key,
        "--w5-case",
        case,
        "--w5-repeats",
        str(call.repeats),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=W5_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return dict(status="error", note=f"no result within {W5_TIMEOUT_S} s")
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return dict(status="error", note=f"exit status {proc.returncode}: {err}"[:160])
    return dict(status="ok", **json.loads(lines[-1]))


def run_w5(libs: dict[str, Library]) -> list[dict[str, Any]]:
    """Run every W5 child, check its distances against rapidfuzz's and work out
    the ratios; returns one entry per (case, library)."""
    entries: list[dict[str, Any]] = []
    for case in W5_CASES:
        for call in W5_CALLS:
            if libs[call.library].module is None:
                continue  # the header lists it as not importable
            t0 = time.perf_counter()
            child = _w5_child(call, case)
            print(
                f"  W5 {case:<4} {call.label}: {time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            entry = dict(case=case, label=call.label, ours=call.library == "ours", key=call.key)
            entry.update((k, v) for k, v in child.items() if k not in entry)
            entries.append(entry)
    for case in W5_CASES:
        rows = [e for e in entries if e["case"] == case]
        ref = next((e for e in rows if e["key"] == "rapidfuzz" and e["status"] == "ok"), None)
        want = ref["distances"][0] if ref else None
        for e in rows:
            if e["status"] != "ok":
                continue
            got = e["distances"]
            if any(d != got[0] for d in got):
                e.update(status="wrong", note=f"repeated calls disagree: {got}")
            elif want is None:
                e["note"] = "unchecked (no rapidfuzz result)"
            elif got[0] != want:
                e.update(status="wrong", note=f"got {got[0]!r}, expected {want}")
            else:
                e["note"] = "ok"
            if e["status"] == "ok":
                e["median_ns"] = statistics.median(e["times_ns"])
                before, after = e["peak_before_kb"], e["peak_after_kb"]
                if before is not None and after is not None:
                    e["extra_peak_mib"] = (after - before) / 1024
        for base in ("rapidfuzz", "edlib"):
            ref_e = next((e for e in rows if e["key"] == base and "median_ns" in e), None)
            for e in rows:
                if ref_e is not None and "median_ns" in e:
                    e[f"ratio_{base}"] = e["median_ns"] / ref_e["median_ns"]
    return entries


def w5_thread_scaling(entries: list[dict[str, Any]]) -> str:
    """The line comparing levenshtein_batch([(a, b)]) on two threads with one."""
    parts = []
    for case in W5_CASES:
        times = {
            e["key"]: e["median_ns"]
            for e in entries
            if e["case"] == case and e["key"] in ("ours_batch1", "ours_batch2") and "median_ns" in e
        }
        if len(times) == 2:
            parts.append(f"{case} {times['ours_batch2'] / times['ours_batch1']:.2f}")
    if not parts:
        return ""
    return (
        "levenshtein_batch([(a, b)], num_threads=2) / num_threads=1 (separate processes): "
        + ", ".join(parts)
        + " (issue 16 target on rand: <= 0.60)"
    )


def w5_markdown_table(entries: list[dict[str, Any]]) -> list[str]:
    head = [
        "case",
        "call",
        "runs",
        "median",
        "min – max",
        "× rapidfuzz",
        "× edlib",
        "extra peak RSS",
        "distance",
        "check",
    ]
    body = []
    for e in entries:
        label = f"**{e['label']}**" if e["ours"] else e["label"]
        if "median_ns" in e:
            times = e["times_ns"]
            extra = e.get("extra_peak_mib")
            cells = [
                str(len(times)),
                fmt_time(e["median_ns"]),
                f"{fmt_time(min(times))} – {fmt_time(max(times))}",
                fmt_ratio(e.get("ratio_rapidfuzz")),
                fmt_ratio(e.get("ratio_edlib")),
                "?" if extra is None else f"{extra:.1f} MiB",
                str(e["distances"][0]),
            ]
        else:
            cells = ["-"] * 7
        status = e["note"] if e["status"] == "ok" else f"{e['status'].upper()}: {e['note']}"
        body.append([e["case"], label, *cells, status.replace("|", "\\|")])
    return _grid(head, body, right={2, 3, 4, 5, 6, 7, 8})


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------
def fmt_time(ns: float) -> str:
    if ns < 1e3:
        return f"{ns:.0f} ns" if ns >= 10 else f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.3g} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.3g} ms"
    return f"{ns / 1e9:.3g} s"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return "<0.01" if ratio < 0.005 else f"{ratio:.2f}"


def summarise(rows: list[Row]) -> list[dict[str, Any]]:
    medians = {r.label: statistics.median(r.samples) for r in rows if r.timed}
    call_ref = next((r for r in rows if r.reference and r.baseline == "call" and r.timed), None)
    batch_ref = next((r for r in rows if r.reference and r.baseline == "batch" and r.timed), None)
    cutoff_refs = {r.k: r for r in rows if r.reference and r.baseline == "cutoff" and r.timed}
    group = {"per-call": 0, "floor": 0, "batch": 1, "grapheme": 2, "cutoff": 3}
    out = []
    # Stable sort: within a group, rows keep the order build_rows made them in
    # (cutoff rows by k, then ours, rapidfuzz, polyleven).
    for r in sorted(rows, key=lambda r: group[r.kind]):
        entry: dict[str, Any] = dict(
            label=r.label,
            kind=r.kind,
            baseline=r.baseline,
            ours=r.ours,
            status=r.status,
            note=r.note,
            n_pairs=r.n,
            footnote=r.footnote,
        )
        if r.k is not None:
            entry["k"] = r.k
        if r.timed:
            if r.baseline == "cutoff":
                ref = cutoff_refs.get(r.k)
            elif r.baseline == "call":
                ref = call_ref
            else:
                ref = batch_ref or call_ref
            entry.update(
                median_ns=medians[r.label],
                min_ns=min(r.samples),
                max_ns=max(r.samples),
                samples_ns=r.samples,
                passes_per_sample=r.number,
                ratio=(medians[r.label] / medians[ref.label]) if ref else None,
                ratio_vs=ref.label if ref else None,
            )
        out.append(entry)
    return out


def _grid(head: list[str], body: list[list[str]], right: set[int]) -> list[str]:
    """A markdown table, padded so that it also reads as plain text."""
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        padded = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "| " + " | ".join(padded) + " |"

    sep = ["-" * (w - 1) + ":" if i in right else "-" * w for i, w in enumerate(widths)]
    return [line(head), "| " + " | ".join(sep) + " |", *(line(r) for r in body)]


def markdown_table(summary: list[dict[str, Any]]) -> list[str]:
    head = ["kind", "call", "median / pair", "min – max / pair", "× rapidfuzz", "check"]
    body = []
    footnotes: list[str] = []
    for e in summary:
        label = f"**{e['label']}**" if e["ours"] else e["label"]
        if e.get("footnote"):
            footnotes.append(e["footnote"])
            label += f" ({len(footnotes)})"
        if "median_ns" in e:
            ratio = fmt_ratio(e["ratio"])
            if (
                e["ratio"] is not None
                and e["baseline"] == "batch"
                and "cpdist" not in e["ratio_vs"]
            ):
                ratio += " (vs per-call)"
            cells = [
                fmt_time(e["median_ns"]),
                f"{fmt_time(e['min_ns'])} – {fmt_time(e['max_ns'])}",
                ratio,
            ]
        else:
            cells = ["-", "-", "-"]
        status = e["note"] if e["status"] == "ok" else f"{e['status'].upper()}: {e['note']}"
        body.append([e["kind"], label, *cells, status.replace("|", "\\|")])
    lines = _grid(head, body, right={2, 3, 4})
    lines += ["", *(f"({i}) {text}" for i, text in enumerate(footnotes, 1))] if footnotes else []
    return lines


def machine_header(args: argparse.Namespace, libs: dict[str, Library]) -> list[str]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for text in fh:
                if text.startswith("model name"):
                    cpu = text.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor() or "?"
    try:
        affinity = str(len(os.sched_getaffinity(0)))
    except AttributeError:
        affinity = "n/a"
    try:
        loadavg = os.getloadavg()
        load = " ".join(f"{x:.2f}" for x in loadavg) + " (at start)"
    except OSError:
        load = "n/a"
    gil = getattr(sys, "_is_gil_enabled", None)
    gil_state = "enabled" if gil is None or gil() else "disabled (free-threaded)"
    impl = f"{platform.python_implementation()}, GIL {gil_state}"
    command = shlex.join([sys.executable, *sys.argv])
    lines = [
        f"command:   {command}",
        f"date:      {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"cpu:       {cpu}",
        f"cores:     os.cpu_count()={os.cpu_count()}, len(os.sched_getaffinity(0))={affinity}",
        f"load avg:  {load}",
        f"python:    {sys.version.split()[0]} ({impl})",
        f"platform:  {platform.platform()}",
    ]
    for var in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS"):
        if var in os.environ:
            lines.append(f"env:       {var}={os.environ[var]}")
    for key, lib in libs.items():
        if lib.module is None:
            text = f"not importable ({lib.error}); its rows are skipped"
        else:
            text = lib.version
            if key == "ours":
                text += (
                    f", UNICODE_VERSION={getattr(lib.module, 'UNICODE_VERSION', '?')}"
                    f", from {os.path.dirname(lib.module.__file__ or '?')}"
                )
        lines.append(f"library:   {lib.label} {text}")
    lines.append(
        f"method:    {args.rounds} rounds, rows interleaved in a shuffled order each round, gc off "
        f"while timing, each sample >= {args.min_sample_ms:g} ms of passes; median/min/max per pair"
    )
    return lines


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--workloads",
        default=DEFAULT_WORKLOADS,
        help=f"comma-separated subset of {','.join(ALL_WORKLOADS)} (default: %(default)s); "
        "W5 always runs last",
    )
    ap.add_argument("--rounds", type=int, default=None, help="timed rounds per row (default 7)")
    ap.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke test: 3 rounds, short samples, workloads {QUICK_WORKLOADS} (no W4*, no W5)",
    )
    ap.add_argument(
        "--no-cutoff",
        action="store_true",
        help="leave out the max_distance / score_cutoff rows (k = "
        f"{', '.join(map(str, CUTOFFS))} on {', '.join(CUTOFF_WORKLOADS)})",
    )
    ap.add_argument("--skip-w5", action="store_true", help="leave out W5 even if selected")
    ap.add_argument(
        "--min-sample-ms",
        type=float,
        default=None,
        help="repeat short passes so one timed sample lasts at least this long (default 25)",
    )
    ap.add_argument(
        "--row-budget-s",
        type=float,
        default=8.0,
        help="fewer rounds (at least 3) for a row whose rounds would take longer than this",
    )
    ap.add_argument(
        "--settle-ms",
        type=float,
        default=5.0,
        help="pause before each timed sample so thread pools go idle (default %(default)s)",
    )
    ap.add_argument("--seed", type=int, default=1, help="seed for the interleaving order")
    ap.add_argument("--markdown", metavar="FILE", help="also write the report as markdown")
    ap.add_argument("--json", metavar="FILE", help="also write all samples as JSON")
    # The W5 child process (see run_w5).
    ap.add_argument("--w5-worker", metavar="LIBRARY", help=argparse.SUPPRESS)
    ap.add_argument("--w5-case", default="mut", choices=W5_CASES, help=argparse.SUPPRESS)
    ap.add_argument("--w5-repeats", type=int, default=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds = args.rounds or 3
        args.min_sample_ms = 5.0 if args.min_sample_ms is None else args.min_sample_ms
        if args.workloads == DEFAULT_WORKLOADS:
            args.workloads = QUICK_WORKLOADS
    args.rounds = args.rounds or 7
    args.min_sample_ms = 25.0 if args.min_sample_ms is None else args.min_sample_ms
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    names = [x.strip() for x in args.workloads.split(",") if x.strip()]
    unknown = [x for x in names if x not in ALL_WORKLOADS]
    if unknown:
        ap.error(
            f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(ALL_WORKLOADS)}"
        )
    args.workload_names = [x for x in names if x != "W5"]
    args.w5 = "W5" in names and not args.skip_w5
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.w5_worker:
        print(json.dumps(w5_worker(args.w5_worker, args.w5_case, args.w5_repeats)))
        return 0
    libs = load_libraries()
    started = time.perf_counter()
    header = machine_header(args, libs)
    print("pyo3-levenshtein benchmark (benchmarks/compare.py)")
    print("\n".join(header), flush=True)

    md = ["## Benchmark results", "", "```", *header, "```"]
    results = []
    failed_ours: list[str] = []
    disturbed: list[str] = []
    for name in args.workload_names:
        t0 = time.perf_counter()
        w = make_workload(name)
        rows = build_rows(w, libs, cutoffs=not args.no_cutoff)
        cp_source, g_source = prepare(
            w, rows, libs, args.rounds, args.min_sample_ms / 1e3, args.row_budget_s
        )
        meter = OtherCpuMeter()
        time_rows(rows, args.rounds, args.settle_ms / 1e3, args.seed)
        other_cpu = meter.share()
        summary = summarise(rows)
        failed_ours += [f"{name}: {r.label}: {r.note}" for r in rows if r.ours and r.status != "ok"]
        title = f"### {name}: {w.description}"
        info = (
            f"{len(w)} pairs, data sha256 {fingerprint(w.pairs)}; reference: {cp_source}"
            + (f"; grapheme reference: {g_source}" if g_source != "-" else "")
            + f"; {describe_other_cpu(other_cpu)}"
        )
        if other_cpu is not None and other_cpu > 0.05:
            disturbed.append(f"{name} ({other_cpu:.0%})")
        table = markdown_table(summary)
        print(f"\n{title}\n{info}\n", flush=True)
        print("\n".join(table))
        print(f"({time.perf_counter() - t0:.1f} s)", flush=True)
        md += ["", title, "", info, "", *table]
        results.append(
            dict(
                workload=name,
                description=w.description,
                n_pairs=len(w),
                fingerprint=fingerprint(w.pairs),
                reference=cp_source,
                grapheme_reference=g_source,
                other_cpu_share=other_cpu,
                rows=summary,
            )
        )
        gc.collect()

    if args.w5:
        t0 = time.perf_counter()
        meter = OtherCpuMeter()
        entries = run_w5(libs)
        other_cpu = meter.share()
        failed_ours += [
            f"W5 {e['case']}: {e['label']}: {e['note']}"
            for e in entries
            if e["ours"] and e["status"] != "ok"
        ]
        prints = {case: fingerprint([make_w5(case)]) for case in W5_CASES}
        methods = sorted({e["rss_method"] for e in entries if "rss_method" in e})
        repeats = "; ".join(
            f"{c.key}: {c.repeats} call{'s' if c.repeats > 1 else ''}"
            for c in W5_CALLS
            if c.repeats != W5Call.repeats
        )
        repeats = f"median of {W5Call.repeats} calls" + (f"; {repeats}" if repeats else "")
        title = f"### W5: {W5_DESCRIPTION}"
        info = (
            "data sha256 "
            + ", ".join(f"{case} {fp}" for case, fp in prints.items())
            + "; one fresh process per library and case: build the pair, one tiny warm-up call, "
            f"reset the peak RSS, time the call ({repeats}), read the peak again; "
            "extra peak RSS = peak after - peak before, from "
            + (" / ".join(methods) or "-")
            + "; reference: rapidfuzz; "
            + describe_other_cpu(other_cpu)
        )
        if other_cpu is not None and other_cpu > 0.05:
            disturbed.append(f"W5 ({other_cpu:.0%})")
        table = w5_markdown_table(entries)
        scaling = w5_thread_scaling(entries)
        print(f"\n{title}\n{info}\n", flush=True)
        print("\n".join(table))
        if scaling:
            print(f"\n{scaling}")
            table = [*table, "", scaling]
        print(f"({time.perf_counter() - t0:.1f} s)", flush=True)
        md += ["", title, "", info, "", *table]
        results.append(
            dict(
                workload="W5",
                description=W5_DESCRIPTION,
                fingerprints=prints,
                other_cpu_share=other_cpu,
                rows=entries,
            )
        )

    against = [
        "per-call and grapheme-loop rows against rapidfuzz.distance.Levenshtein.distance "
        "in the same loop",
        "batch rows against rapidfuzz.process.cpdist(workers=-1)",
    ]
    if any(r.get("kind") == "cutoff" for res in results for r in res["rows"]):
        against.append(
            "max_distance rows against rapidfuzz's distance(a, b, score_cutoff=k) with the same k"
        )
    if args.w5:
        against.append("W5 rows against rapidfuzz's (and edlib's) call on the same case")
    footer = (
        "Ratios are median time per pair divided by rapidfuzz's median time per pair on the same "
        f"workload: {', '.join(against)}. Below 1 is faster than rapidfuzz."
    )
    if disturbed:
        footer += (
            " WARNING: other processes took a noticeable share of the CPUs while timing "
            f"{', '.join(disturbed)}; rerun those workloads on a quiet machine."
        )
    if libs["rapidfuzz"].module is not None and libs["numpy"].module is None:
        footer += (
            " numpy is not installed, so there are no cpdist rows: batch ratios marked "
            "'(vs per-call)' are against rapidfuzz's per-call loop instead."
        )
    md += ["", footer]
    print(f"\n{footer}\ntotal {time.perf_counter() - started:.0f} s")
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write("\n".join(md) + "\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(dict(header=header, workloads=results), fh, indent=1, ensure_ascii=False)
    if failed_ours:
        print("\npyo3_levenshtein rows FAILED their checks:", file=sys.stderr)
        print("\n".join(f"  {x}" for x in failed_ours), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
