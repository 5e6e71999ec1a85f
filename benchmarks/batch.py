#!/usr/bin/env python3
"""Benchmark pyo3_levenshtein.levenshtein_batch against rapidfuzz.process.cpdist.

    python benchmarks/batch.py                        # W1, W2, W6, W3 and 1,000,000 pairs
    python benchmarks/batch.py --quick                # smoke test (3 rounds, short samples)
    python benchmarks/batch.py --workloads W1 --rounds 11 --pairs-1m 0
    python benchmarks/batch.py --json batch.json

For each workload (the data of compare.py and ../shared/bench/peers.py) one
process times, interleaved round by round in a shuffled order with the garbage
collector off: levenshtein_batch with the default pool and with 1, 2 (and
os.cpu_count()) threads, cpdist with workers=-1 and workers=1 (A and B split from
the pairs before timing), our own per-call loop, and levenshtein_batch in
grapheme mode.  Every row's results are checked first (against rapidfuzz, or a
naive DP over grapheme clusters).  Then 1,000,000 fresh W1-like pairs: the time
of levenshtein_batch and cpdist(workers=-1), and the extra peak RSS of one call
of each, measured in a fresh subprocess per library.  The report ends with the
ratios and issue 5's targets, met or not.  A timing never fails the script; a
wrong pyo3_levenshtein result exits with status 1.  See README.md.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import import_module, metadata
from typing import Any

from compare import (
    OtherCpuMeter,
    Row,
    _grid,
    describe_other_cpu,
    fmt_ratio,
    fmt_time,
    read_peak_rss,
    reset_peak_rss,
    time_rows,
    wagner_fischer,
)
from workloads import Workload, fingerprint, make_many_pairs, make_workload

BATCH_WORKLOADS = ("W1", "W2", "W6", "W3")
MANY_PAIRS = 1_000_000
RSS_TIMEOUT_S = 300

# Issue 5's targets.  Ratios are ours / theirs (lower is better) unless named
# "speedup" (higher is better).
TARGET_VS_CPDIST = {"W1": 0.4, "W2": 0.4, "W6": 0.4, "W3": 0.8, "1M": 0.4}
TARGET_LOOP_SPEEDUP = {"W1": 2.0}  # per-call loop / batch
TARGET_GRAPHEME = 2.0  # grapheme batch / code-point batch
TARGET_RSS_MIB = 64.0
# What issue 5 recorded for the million-pair row, for context in the report.
ISSUE_RSS_NOTE = "issue 5 recorded 129 MiB for cpdist, 143 MiB for the seed's levenshtein_batch"


# ---------------------------------------------------------------------------
# Libraries
# ---------------------------------------------------------------------------
def _version(distribution: str, module: Any) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return str(getattr(module, "__version__", "?"))


def load(extra_modules: Sequence[str]) -> dict[str, Any]:
    """The modules under test; a missing one is fatal (this script compares two)."""
    import numpy
    import pyo3_levenshtein as ours
    import rapidfuzz
    from rapidfuzz.distance import Levenshtein as RL
    from rapidfuzz.process import cpdist

    extras = {name: import_module(name) for name in extra_modules}
    return dict(
        ours=ours,
        distance=RL.distance,
        cpdist=cpdist,
        extras=extras,
        versions={
            "pyo3_levenshtein": str(
                getattr(ours, "__version__", _version("pyo3-levenshtein", ours))
            )
            + f" (from {os.path.dirname(ours.__file__ or '?')})",
            "rapidfuzz": _version("rapidfuzz", rapidfuzz),
            "numpy": _version("numpy", numpy),
            **{name: _version(name, m) for name, m in extras.items()},
        },
    )


def thread_counts(ours: Any) -> list[int]:
    """1, 2 and the machine's core count when it is larger (capped by MAX_THREADS)."""
    cores = min(os.cpu_count() or 1, getattr(ours, "MAX_THREADS", 1 << 16))
    return [1, 2] + ([cores] if cores > 2 else [])


# ---------------------------------------------------------------------------
# Rows and checks
# ---------------------------------------------------------------------------
@dataclass
class Spec:
    key: str  # for the ratios: "ours", "cpdist", "ours_t1", "loop", "graphemes", ...
    row: Row


def build_specs(pairs: list[tuple[str, str]], libs: dict[str, Any], full: bool) -> list[Spec]:
    """The rows of one workload (``full``: all of them; else the million-pair
    set: batch vs cpdist(workers=-1) only).  cpdist's A and B are split here,
    outside the timed calls."""
    ours, cpdist, scorer = libs["ours"], libs["cpdist"], libs["distance"]
    batch, per_call = ours.levenshtein_batch, ours.levenshtein
    firsts = [a for a, _ in pairs]
    seconds = [b for _, b in pairs]
    n = len(pairs)

    def row(label: str, run: Callable[[], Any], check: str = "codepoints", **kw: Any) -> Row:
        return Row(label, "batch", run, n, check, "batch", **kw)

    specs = [
        Spec("ours", row("levenshtein_batch(pairs)", lambda: batch(pairs), ours=True)),
        Spec(
            "cpdist",
            row(
                "cpdist(A, B, workers=-1)",
                lambda: cpdist(firsts, seconds, scorer=scorer, workers=-1),
                reference=True,
            ),
        ),
    ]
    for name, module in libs["extras"].items():
        extra = module.levenshtein_batch
        label = f"{name}.levenshtein_batch(pairs)"
        specs.append(Spec(f"extra:{name}", row(label, lambda extra=extra: extra(pairs))))
    if not full:
        return specs
    for t in thread_counts(ours):
        specs.append(
            Spec(
                f"ours_t{t}",
                row(
                    f"levenshtein_batch(pairs, num_threads={t})",
                    lambda t=t: batch(pairs, num_threads=t),
                    ours=True,
                ),
            )
        )
    specs += [
        Spec(
            "cpdist_w1",
            row(
                "cpdist(A, B, workers=1)", lambda: cpdist(firsts, seconds, scorer=scorer, workers=1)
            ),
        ),
        Spec(
            "loop",
            row(
                "[levenshtein(a, b) for a, b in pairs]",
                lambda: [per_call(a, b) for a, b in pairs],
                ours=True,
            ),
        ),
        Spec(
            "graphemes",
            row(
                "levenshtein_batch(pairs, grapheme_segmentation=True)",
                lambda: batch(pairs, grapheme_segmentation=True),
                check="graphemes",
                ours=True,
            ),
        ),
    ]
    return specs


def grapheme_reference(w: Workload, cp_ref: list[int]) -> tuple[list[int], str]:
    if w.units is not None:
        return (
            [wagner_fischer(ua, ub) for ua, ub in w.units],
            "naive DP over the generator's grapheme clusters",
        )
    # ASCII without CR: every code point is a cluster of its own.
    if all(a.isascii() and b.isascii() and "\r" not in a + b for a, b in w.pairs):
        return cp_ref, "ASCII without CR, so clusters are code points: rapidfuzz"
    raise ValueError(f"no grapheme reference for {w.name}")


def check(pairs: list[tuple[str, str]], row: Row, want: list[int]) -> None:
    """Run the row once (also the warm-up that starts thread pools) and compare."""
    try:
        result = row.run()
    except Exception as exc:  # reported in the table, not fatal
        row.status, row.note = "error", f"{type(exc).__name__}: {exc}"[:160]
        return
    got = result.tolist() if hasattr(result, "tolist") else list(result)
    if got == want:
        row.note = "ok"
        return
    bad = [i for i, (x, y) in enumerate(zip(got, want, strict=False)) if x != y]
    row.status = "wrong"
    if len(got) != len(want):
        row.note = f"returned {len(got)} results for {len(want)} pairs"
    else:
        i = bad[0]
        a, b = (s if len(s) <= 24 else s[:21] + "..." for s in pairs[i])
        row.note = f"{len(bad)}/{len(want)} differ, e.g. ({a!r}, {b!r}): {got[i]!r} != {want[i]}"


def calibrate(row: Row, rounds: int, min_sample_s: float) -> None:
    """Repeat short passes so that one sample lasts at least min_sample_s."""
    t0 = time.perf_counter()
    row.run()
    one = max(time.perf_counter() - t0, 1e-7)
    row.number = max(1, math.ceil(min_sample_s / one))
    row.reps = rounds


def run_rows(specs: list[Spec], args: argparse.Namespace) -> float | None:
    rows = [s.row for s in specs if s.row.status == "ok"]
    for r in rows:
        calibrate(r, args.rounds, args.min_sample_ms / 1e3)
    meter = OtherCpuMeter()
    time_rows(rows, args.rounds, args.settle_ms / 1e3, args.seed)
    return meter.share()


# ---------------------------------------------------------------------------
# Extra peak RSS of one call on the million pairs, in a fresh process
# ---------------------------------------------------------------------------
def digest(values: Sequence[int]) -> str:
    return hashlib.sha256(array("q", values).tobytes()).hexdigest()[:16]


def rss_worker(key: str, count: int) -> dict[str, Any]:
    """Body of the child: build the data, warm up, reset the peak, call once
    keeping the result alive, read the peak again."""
    pairs = make_many_pairs(count)
    if key == "cpdist":
        from rapidfuzz.distance import Levenshtein as RL
        from rapidfuzz.process import cpdist

        # pairs stays alive, as in the timing process: memory freed before
        # the call could be reused by it without raising the peak.
        firsts = [a for a, _ in pairs]
        seconds = [b for _, b in pairs]

        def call() -> Any:
            return cpdist(firsts, seconds, scorer=RL.distance, workers=-1)

        warm = cpdist(["kitten"], ["sitting"], scorer=RL.distance, workers=-1).tolist()
    else:
        batch = import_module("pyo3_levenshtein" if key == "ours" else key).levenshtein_batch

        def call() -> Any:
            return batch(pairs)

        warm = batch([("kitten", "sitting")])  # starts the thread pool
    if list(warm) != [3]:
        raise SystemExit(f"warm-up call returned {warm!r}, expected [3]")
    gc.collect()
    gc.disable()
    before, method = reset_peak_rss()
    t0 = time.perf_counter_ns()
    result = call()
    t1 = time.perf_counter_ns()
    after = read_peak_rss(method)
    gc.enable()
    # The Python-visible size of the result (small ints are shared objects).
    size = result.nbytes if hasattr(result, "nbytes") else sys.getsizeof(result)
    values = result.tolist() if hasattr(result, "tolist") else result
    return dict(
        key=key,
        n=len(values),
        digest=digest(values),
        call_ns=t1 - t0,
        before_kb=before,
        after_kb=after,
        rss_method=method,
        result_bytes=size,
        result_type=type(result).__name__,
    )


def rss_child(key: str, count: int) -> dict[str, Any]:
    cmd = [sys.executable, os.path.abspath(__file__), "--rss-worker", key, "--pairs-1m", str(count)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RSS_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return dict(key=key, status="error", note=f"no result within {RSS_TIMEOUT_S} s")
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return dict(key=key, status="error", note=f"exit status {proc.returncode}: {err}"[:160])
    return dict(status="ok", **json.loads(lines[-1]))


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------
def median(specs: list[Spec], key: str) -> float | None:
    s = next((s for s in specs if s.key == key), None)
    return statistics.median(s.row.samples) if s and s.row.timed else None


def ratio(specs: list[Spec], num: str, den: str) -> float | None:
    a, b = median(specs, num), median(specs, den)
    return a / b if a is not None and b is not None else None


def verdict(value: float | None, target: float | None, higher_is_better: bool = False) -> str:
    if target is None:
        return "-"
    if value is None:
        return "not measured"
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "NOT met"


def workload_targets(name: str, specs: list[Spec], threads: list[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(what: str, value: float | None, target: float | None, op: str = "<=") -> None:
        out.append(
            dict(
                workload=name,
                what=what,
                value=value,
                target=None if target is None else f"{op} {target:g}",
                verdict=verdict(value, target, higher_is_better=op == ">="),
            )
        )

    add(
        "levenshtein_batch / cpdist(workers=-1)",
        ratio(specs, "ours", "cpdist"),
        TARGET_VS_CPDIST.get(name),
    )
    for s in specs:
        if s.key.startswith("extra:"):
            add(f"{s.row.label} / cpdist(workers=-1)", ratio(specs, s.key, "cpdist"), None)
    if any(s.key == "cpdist_w1" for s in specs):
        add("batch(num_threads=1) / cpdist(workers=1)", ratio(specs, "ours_t1", "cpdist_w1"), None)
        for t in threads[1:]:
            add(
                f"speedup, 1 -> {t} threads: batch(1) / batch({t})",
                ratio(specs, "ours_t1", f"ours_t{t}"),
                None,
                ">=",
            )
        add(
            "speedup over per-call loop: loop / batch",
            ratio(specs, "loop", "ours"),
            TARGET_LOOP_SPEEDUP.get(name),
            ">=",
        )
        add("grapheme batch / code-point batch", ratio(specs, "graphemes", "ours"), TARGET_GRAPHEME)
    return out


def timing_table(specs: list[Spec]) -> list[str]:
    head = ["call", "median / pair", "min – max / pair", "median / call", "check"]
    body = []
    for s in specs:
        r = s.row
        label = f"**{r.label}**" if r.ours else r.label
        if r.timed:
            med = statistics.median(r.samples)
            cells = [
                fmt_time(med),
                f"{fmt_time(min(r.samples))} – {fmt_time(max(r.samples))}",
                fmt_time(med * r.n),
            ]
        else:
            cells = ["-", "-", "-"]
        note = r.note if r.status == "ok" else f"{r.status.upper()}: {r.note}"
        body.append([label, *cells, note.replace("|", "\\|")])
    return _grid(head, body, right={1, 2, 3})


def rss_table(entries: list[dict[str, Any]]) -> list[str]:
    head = [
        "call (one, in a fresh process)",
        "extra peak RSS",
        "result object",
        "call time",
        "check",
    ]
    body = []
    for e in entries:
        if e["status"] == "ok" and e.get("extra_mib") is not None:
            cells = [
                f"{e['extra_mib']:.1f} MiB",
                f"{e['result_type']}, {e['result_bytes'] / 2**20:.1f} MiB",
                fmt_time(e["call_ns"]),
            ]
        else:
            cells = ["-", "-", "-"]
        note = e.get("note", "") if e["status"] == "ok" else f"{e['status'].upper()}: {e['note']}"
        body.append([e["label"], *cells, note])
    return _grid(head, body, right={1, 3})


def targets_table(targets: list[dict[str, Any]]) -> list[str]:
    head = ["workload", "ratio", "value", "target", "status"]
    body = []
    for t in targets:
        value = t["value"]
        text = (
            "-"
            if value is None
            else (f"{value:.1f} MiB" if t.get("unit") == "MiB" else fmt_ratio(value))
        )
        body.append([t["workload"], t["what"], text, t["target"] or "-", t["verdict"]])
    return _grid(head, body, right={2})


def header(args: argparse.Namespace, libs: dict[str, Any]) -> list[str]:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((x.split(":", 1)[1].strip() for x in fh if x.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        affinity = str(len(os.sched_getaffinity(0)))
    except AttributeError:
        affinity = "n/a"
    try:
        load_avg = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load_avg = "n/a"
    lines = [
        f"command:   {shlex.join([sys.executable, *sys.argv])}",
        f"date:      {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"cpu:       {cpu}",
        f"cores:     os.cpu_count()={os.cpu_count()}, len(os.sched_getaffinity(0))={affinity}",
        f"load avg:  {load_avg} (at start)",
        f"python:    {sys.version.split()[0]} ({platform.python_implementation()}), "
        f"{platform.platform()}",
    ]
    lines += [f"library:   {name} {v}" for name, v in libs["versions"].items()]
    if "RAYON_NUM_THREADS" in os.environ:
        lines.append(f"env:       RAYON_NUM_THREADS={os.environ['RAYON_NUM_THREADS']}")
    lines.append(
        f"method:    {args.rounds} rounds, rows interleaved in a shuffled order each round, "
        f"gc off, {args.settle_ms:g} ms pause before each sample, samples >= "
        f"{args.min_sample_ms:g} ms; ratios are ratios of medians"
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
        default=",".join(BATCH_WORKLOADS),
        help="comma-separated subset of %(default)s",
    )
    ap.add_argument("--rounds", type=int, default=None, help="timed rounds per row (default 7)")
    ap.add_argument("--quick", action="store_true", help="smoke test: 3 rounds, samples >= 5 ms")
    ap.add_argument(
        "--pairs-1m",
        type=int,
        default=MANY_PAIRS,
        metavar="N",
        help="pairs in the million-pair row (default %(default)s; 0 leaves it out)",
    )
    ap.add_argument(
        "--min-sample-ms",
        type=float,
        default=None,
        help="repeat short passes so one sample lasts at least this long (default 25)",
    )
    ap.add_argument(
        "--settle-ms",
        type=float,
        default=5.0,
        help="pause before each sample so thread pools go idle (default %(default)s)",
    )
    ap.add_argument("--seed", type=int, default=1, help="seed for the interleaving order")
    ap.add_argument(
        "--extra-modules",
        action="append",
        default=[],
        metavar="MODULE",
        help="also time MODULE.levenshtein_batch (e.g. a renamed build of the seed); repeatable",
    )
    ap.add_argument("--json", metavar="FILE", help="also write all samples and ratios as JSON")
    ap.add_argument("--rss-worker", metavar="KEY", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds = args.rounds or 3
        args.min_sample_ms = 5.0 if args.min_sample_ms is None else args.min_sample_ms
    args.rounds = args.rounds or 7
    args.min_sample_ms = 25.0 if args.min_sample_ms is None else args.min_sample_ms
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if args.pairs_1m < 0:
        ap.error("--pairs-1m must be at least 0")
    args.workload_names = [x.strip() for x in args.workloads.split(",") if x.strip()]
    unknown = [x for x in args.workload_names if x not in BATCH_WORKLOADS]
    if unknown:
        ap.error(
            f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(BATCH_WORKLOADS)}"
        )
    return args


def run_workload(
    name: str, libs: dict[str, Any], args: argparse.Namespace, failed: list[str]
) -> tuple[list[str], dict[str, Any]]:
    t0 = time.perf_counter()
    w = make_workload(name)
    specs = build_specs(w.pairs, libs, full=True)
    want = [libs["distance"](a, b) for a, b in w.pairs]
    g_want, g_source = grapheme_reference(w, want)
    for s in specs:
        check(w.pairs, s.row, g_want if s.row.check == "graphemes" else want)
    other = run_rows(specs, args)
    failed += [
        f"{name}: {s.row.label}: {s.row.note}" for s in specs if s.row.ours and not s.row.timed
    ]
    targets = workload_targets(name, specs, thread_counts(libs["ours"]))
    info = (
        f"{len(w)} pairs, data sha256 {fingerprint(w.pairs)}; reference: rapidfuzz; grapheme "
        f"reference: {g_source}; {describe_other_cpu(other)}; {time.perf_counter() - t0:.1f} s"
    )
    lines = ["", f"### {name}: {w.description}", "", info, "", *timing_table(specs)]
    data = dict(workload=name, info=info, rows=[_row_json(s) for s in specs], targets=targets)
    return lines, data


def run_many(
    libs: dict[str, Any], args: argparse.Namespace, failed: list[str]
) -> tuple[list[str], dict[str, Any]]:
    """The million-pair row: time in this process, memory in fresh ones."""
    t0 = time.perf_counter()
    count = args.pairs_1m
    pairs = make_many_pairs(count)
    built_s = time.perf_counter() - t0
    print_ = fingerprint(pairs)
    specs = build_specs(pairs, libs, full=False)
    want = [libs["distance"](a, b) for a, b in pairs]
    for s in specs:
        check(pairs, s.row, want)
    other = run_rows(specs, args)
    failed += [f"1M: {s.row.label}: {s.row.note}" for s in specs if s.row.ours and not s.row.timed]
    want_digest = digest(want)
    targets = workload_targets("1M", specs, [])
    timings = timing_table(specs)
    rows_json = [_row_json(s) for s in specs]
    # Free the pairs (the rows' closures hold them) before the children run.
    del specs, pairs, want
    gc.collect()

    entries = []
    keys = [("ours", "levenshtein_batch(pairs)"), ("cpdist", "cpdist(A, B, workers=-1)")]
    keys += [(name, f"{name}.levenshtein_batch(pairs)") for name in libs["extras"]]
    for key, label in keys:
        e: dict[str, Any] = dict(label=f"**{label}**" if key == "ours" else label)
        e.update(rss_child(key, count))
        if e["status"] == "ok":
            if e["digest"] != want_digest or e["n"] != count:
                e.update(status="wrong", note="results differ from rapidfuzz's")
            else:
                e["note"] = f"ok; {e['rss_method']}"
                if e["before_kb"] is not None and e["after_kb"] is not None:
                    e["extra_mib"] = (e["after_kb"] - e["before_kb"]) / 1024
        if key == "ours" and e["status"] != "ok":
            failed.append(f"1M RSS: {label}: {e['note']}")
        entries.append(e)

    for e in entries:
        targets.append(
            dict(
                workload="1M",
                what=f"extra peak RSS of one {e['label'].strip('*')}",
                value=e.get("extra_mib"),
                unit="MiB",
                target=f"<= {TARGET_RSS_MIB:g} MiB" if e["key"] == "ours" else None,
                verdict=verdict(e.get("extra_mib"), TARGET_RSS_MIB) if e["key"] == "ours" else "-",
            )
        )
    info = (
        f"{count:,} W1-like pairs (workloads.make_many_pairs, built in {built_s:.1f} s), data "
        f"sha256 {print_}; reference: rapidfuzz; {describe_other_cpu(other)}; "
        f"{time.perf_counter() - t0:.1f} s"
    )
    rss_info = (
        "Extra peak RSS: one fresh process per call builds the same pairs (and, for cpdist, A "
        "and B, all kept alive), warms up with one tiny call (starting the thread pool), runs "
        "gc.collect(), resets the peak RSS, makes the call once keeping its result alive, and "
        f"reads the peak again. {ISSUE_RSS_NOTE}."
    )
    lines = [
        "",
        f"### 1M: {count:,} pairs, lengths U(1,50), ASCII letters+digits, fresh strings",
        "",
        info,
        "",
        *timings,
        "",
        rss_info,
        "",
        *rss_table(entries),
    ]
    data = dict(
        workload="1M",
        info=info,
        rows=rows_json,
        rss=entries,
        targets=targets,
    )
    return lines, data


def _row_json(s: Spec) -> dict[str, Any]:
    r = s.row
    return dict(
        key=s.key,
        label=r.label,
        status=r.status,
        note=r.note,
        n_pairs=r.n,
        passes_per_sample=r.number,
        samples_ns_per_pair=r.samples,
        median_ns_per_pair=statistics.median(r.samples) if r.timed else None,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rss_worker:
        print(json.dumps(rss_worker(args.rss_worker, args.pairs_1m)))
        return 0
    started = time.perf_counter()
    libs = load(args.extra_modules)
    head = header(args, libs)
    print("pyo3-levenshtein batch benchmark (benchmarks/batch.py)")
    print("\n".join(head), flush=True)
    failed: list[str] = []
    targets: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for name in args.workload_names:
        lines, data = run_workload(name, libs, args, failed)
        print("\n".join(lines), flush=True)
        targets += data["targets"]
        results.append(data)
        gc.collect()
    if args.pairs_1m:
        lines, data = run_many(libs, args, failed)
        print("\n".join(lines), flush=True)
        targets += data["targets"]
        results.append(data)
    print("\n### Ratios and targets (issue 5)\n")
    print("\n".join(targets_table(targets)))
    print(
        "\nRatios of medians from the same process and rounds; ours / theirs below 1 is faster "
        "than theirs, a speedup above 1 is faster than the row it divides."
        f"\ntotal {time.perf_counter() - started:.0f} s"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(dict(header=head, workloads=results, targets=targets), fh, indent=1)
    if failed:
        print("\npyo3_levenshtein rows FAILED their checks:", file=sys.stderr)
        print("\n".join(f"  {x}" for x in failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
