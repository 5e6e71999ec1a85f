#!/usr/bin/env python3
"""Benchmark editops, opcodes and error_counts against rapidfuzz, jiwer and fastwer.

    python benchmarks/alignment.py                    # every row, 7 rounds
    python benchmarks/alignment.py --quick            # smoke test: small data, 3 rounds
    python benchmarks/alignment.py --rounds 11 --skip-memory --json alignment.json

Rows (issue 14's targets):

* ``editops`` on W1 (2**14 pairs, lengths 1..50), W3 (1,000 pairs, 100..500) and W4rand
  (20 unrelated pairs of 5,000) against ``rapidfuzz.distance.Levenshtein.editops``, and
  ``opcodes`` on W1 against rapidfuzz's ``opcodes``: a Python loop over the pairs, as
  compare.py times per-call rows;
* the WER and the CER of 20,000 seeded sentence pairs (5..40 words, about 15% of the
  words edited) with ``error_counts`` (the default pool, and one thread) against
  ``jiwer.wer`` / ``jiwer.cer`` and ``fastwer.score``;
* the extra peak memory of ``editops`` on two 100,000-character strings (W5: related
  and unrelated), in a fresh process per library, from VmHWM reset by clear_refs.

Every row's results are checked first (our alignments against rapidfuzz's item for
item, our rates against jiwer's exactly and fastwer's to its rounding); a row that
disagrees is not timed and the script exits with status 1. The rows of a group run in
one process, interleaved round by round in a shuffled order with the garbage collector
off; the report gives medians, and ratios to the peer. A timing never fails the script.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyo3_levenshtein as lev  # noqa: E402
from compare import (  # noqa: E402
    OtherCpuMeter,
    describe_other_cpu,
    read_peak_rss,
    reset_peak_rss,
)
from workloads import SEED, make_w5, make_workload  # noqa: E402

try:
    from rapidfuzz.distance import Levenshtein as rf
except ImportError:  # the rows that need it are skipped
    rf = None
try:
    import jiwer
except ImportError:
    jiwer = None
try:
    import fastwer
except ImportError:
    fastwer = None

WER_SEED = SEED + 14
WER_PAIRS = 20_000


@dataclass
class Row:
    group: str
    key: str
    label: str
    run: Callable[[], Any]
    n: int  # items per pass (pairs), for the time per item
    ours: bool = False
    status: str = "ok"
    note: str = ""
    number: int = 1
    samples: list[float] = field(default_factory=list)  # seconds per pass

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None


def corpus(n: int, seed: int = WER_SEED) -> tuple[list[str], list[str]]:
    """``n`` reference sentences of 5..40 words from a 5,000-word vocabulary, and
    hypotheses with about 15% of the words edited (substituted, deleted, or followed
    by an inserted word, equally often)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(5_000)]
    refs, hyps = [], []
    for _ in range(n):
        ref = rng.choices(vocabulary, k=rng.randint(5, 40))
        hyp: list[str] = []
        for word in ref:
            r = rng.random()
            if r < 0.05:
                hyp.append(rng.choice(vocabulary))
            elif r < 0.10:
                continue
            elif r < 0.15:
                hyp += [word, rng.choice(vocabulary)]
            else:
                hyp.append(word)
        refs.append(" ".join(ref))
        hyps.append(" ".join(hyp))
    return refs, hyps


def per_call(f: Callable[[str, str], Any], pairs: list[tuple[str, str]]) -> Callable[[], list]:
    return lambda: [f(a, b) for a, b in pairs]


def check_alignments(row: Row, want: list[Any] | None) -> None:
    got = row.run()
    if want is None:
        row.note = "unchecked (no rapidfuzz)"
        return
    bad = sum(1 for g, w in zip(got, want, strict=True) if g.as_list() != w.as_list())
    if bad:
        row.status, row.note = "wrong", f"{bad}/{len(want)} alignments differ from rapidfuzz's"
    else:
        row.note = "same as rapidfuzz, item for item"


def build_alignment_rows(quick: bool) -> list[Row]:
    rows: list[Row] = []
    plan = [("W1", ("editops", "opcodes")), ("W3", ("editops",)), ("W4rand", ("editops",))]
    for name, functions in plan:
        pairs = make_workload(name).pairs
        if quick:
            pairs = pairs[: {"W1": 2_000, "W3": 100, "W4rand": 2}[name]]
        for fn in functions:
            group = f"{fn} {name}"
            ours = Row(
                group,
                "ours",
                f"pyo3_levenshtein.{fn}",
                per_call(getattr(lev, fn), pairs),
                len(pairs),
                ours=True,
            )
            rows.append(ours)
            want = None
            if rf is not None:
                peer = Row(
                    group,
                    "rapidfuzz",
                    f"rapidfuzz Levenshtein.{fn}",
                    per_call(getattr(rf, fn), pairs),
                    len(pairs),
                )
                want = peer.run()
                peer.note = "reference"
                rows.append(peer)
            check_alignments(ours, want)
    return rows


def build_rate_rows(quick: bool) -> tuple[list[Row], int]:
    refs, hyps = corpus(2_000 if quick else WER_PAIRS)
    words = sum(len(r.split()) for r in refs)
    rows: list[Row] = []
    for unit, name in (("word", "WER"), ("char", "CER")):
        group = f"{name} of {len(refs):,} sentence pairs"
        ours = lev.error_counts(refs, hyps, unit=unit).error_rate
        for key, label, threads in (
            ("ours", f'error_counts(unit="{unit}")', None),
            ("ours_t1", f'error_counts(unit="{unit}", num_threads=1)', 1),
        ):
            row = Row(
                group,
                key,
                label,
                lambda u=unit, t=threads: (
                    lev.error_counts(refs, hyps, unit=u, num_threads=t).error_rate
                ),
                len(refs),
                ours=True,
            )
            got = row.run()
            row.note = (
                "same as the default pool" if got == ours else f"got {got}, default pool {ours}"
            )
            row.status = "ok" if got == ours else "wrong"
            rows.append(row)
        if jiwer is not None:
            f = jiwer.wer if unit == "word" else jiwer.cer
            peer = Row(group, "jiwer", f"jiwer.{f.__name__}", lambda f=f: f(refs, hyps), len(refs))
            want = peer.run()
            peer.note = "reference"
            rows.append(peer)
            first = rows[-3]
            if want != ours:
                first.status, first.note = "wrong", f"{ours!r} != jiwer's {want!r}"
            else:
                first.note = f"== jiwer ({want:.6f}), exactly"
        if fastwer is not None:
            char_level = unit == "char"
            peer = Row(
                group,
                "fastwer",
                f"fastwer.score(char_level={char_level})",
                lambda c=char_level: fastwer.score(hyps, refs, char_level=c),
                len(refs),
            )
            score = peer.run()
            peer.note = f"{score} % (rounded to 4 places); ours {100 * ours:.4f} %"
            if abs(score - 100 * ours) > 1e-3:
                peer.note += " -- DIFFERS"
            rows.append(peer)
    return rows, words


def time_rows(rows: list[Row], rounds: int, min_sample_s: float, seed: int) -> None:
    active = [r for r in rows if r.status == "ok"]
    for row in active:
        t0 = time.perf_counter()
        row.run()
        one = max(time.perf_counter() - t0, 1e-6)
        row.number = max(1, round(min_sample_s / one))
    order = random.Random(seed)
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            shuffled = active[:]
            order.shuffle(shuffled)
            for row in shuffled:
                time.sleep(0.02)  # let the previous row's thread pool go idle
                t0 = time.perf_counter()
                for _ in range(row.number):
                    row.run()
                row.samples.append((time.perf_counter() - t0) / row.number)
    finally:
        gc.enable()


# --- memory: one fresh process per library and case ---------------------------------------


def memory_worker(library: str, case: str) -> None:
    a, b = make_w5(case)
    f = lev.editops if library == "ours" else rf.editops
    f("kitten", "sitting")
    gc.collect()
    before, method = reset_peak_rss()
    ops = f(a, b)
    after = read_peak_rss(method)
    print(json.dumps({"extra_mib": (after - before) / 1024, "ops": len(ops), "method": method}))


def run_memory() -> list[dict[str, Any]]:
    entries = []
    for case in ("mut", "rand"):
        for library in ("ours", "rapidfuzz") if rf is not None else ("ours",):
            proc = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--memory-worker", library, case],
                capture_output=True,
                text=True,
                timeout=900,
            )
            entry: dict[str, Any] = {"library": library, "case": case}
            if proc.returncode == 0:
                entry.update(json.loads(proc.stdout.strip().splitlines()[-1]))
            else:
                entry["error"] = (proc.stderr.strip().splitlines() or ["?"])[-1]
            entries.append(entry)
    return entries


# --- report --------------------------------------------------------------------------------


def fmt(seconds: float | None, n: int) -> str:
    if seconds is None:
        return "-"
    per = seconds / n
    if per < 1e-3:
        return f"{per * 1e6:.2f} µs/pair" if n > 1 else f"{per * 1e6:.0f} µs"
    return f"{per * 1e3:.3f} ms/pair" if n > 1 else f"{per * 1e3:.1f} ms"


TARGETS = [
    # (group prefix, ours key, peer key, target ratio)
    ("editops W1", "ours", "rapidfuzz", 0.5),
    ("editops W3", "ours", "rapidfuzz", 0.5),
    ("editops W4rand", "ours", "rapidfuzz", 0.7),
    ("opcodes W1", "ours", "rapidfuzz", 0.5),
    ("WER", "ours", "jiwer", 0.05),
    ("WER", "ours", "fastwer", 0.5),
    ("CER", "ours", "jiwer", 0.05),
    ("CER", "ours", "fastwer", 0.2),
]


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for dist in ("pyo3-levenshtein", "rapidfuzz", "jiwer", "fastwer"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()}; " + ", ".join(versions)
    )


def report(
    rows: list[Row],
    memory: list[dict[str, Any]],
    words: int,
    other_cpu: float | None,
    args: argparse.Namespace,
) -> tuple[list[str], list[dict[str, Any]]]:
    out = [
        "## editops, opcodes and error_counts (issue 14)",
        "",
        f"Machine: {machine()}",
        f"Command: {' '.join([os.path.basename(sys.executable), *sys.argv])}",
        f"Rounds: {args.rounds}, medians; {describe_other_cpu(other_cpu)}.",
        f"WER/CER corpus: {WER_PAIRS if not args.quick else 2000:,} pairs, "
        f"{words:,} reference words.",
        "",
        "| group | call | median | × peer | check |",
        "|---|---|---:|---:|---|",
    ]
    by = {(r.group, r.key): r for r in rows}
    for r in rows:
        peer_key = "rapidfuzz" if (r.group, "rapidfuzz") in by else "jiwer"
        peer = by.get((r.group, peer_key))
        ratio = "-"
        if r.ours and peer and r.median and peer.median:
            ratio = f"{r.median / peer.median:.3f}"
        label = f"**{r.label}**" if r.ours else r.label
        out.append(
            f"| {r.group} | {label} | {fmt(r.median, r.n)} | {ratio} | {r.status}: {r.note} |"
        )
    targets: list[dict[str, Any]] = []
    out += [
        "",
        "### Ratios and targets (issue 14)",
        "",
        "| row | ours | peer | ratio | target | verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for prefix, ours_key, peer_key, target in TARGETS:
        group = next((r.group for r in rows if r.group.startswith(prefix)), None)
        ours, peer = by.get((group, ours_key)), by.get((group, peer_key))
        if not (ours and peer and ours.median and peer.median):
            out.append(f"| {prefix} vs {peer_key} | - | - | - | <= {target} | not measured |")
            continue
        ratio = ours.median / peer.median
        verdict = "met" if ratio <= target else "NOT met"
        targets.append(
            {"row": f"{prefix} vs {peer_key}", "ratio": ratio, "target": target, "verdict": verdict}
        )
        times = f"{fmt(ours.median, ours.n)} | {fmt(peer.median, peer.n)}"
        out.append(
            f"| {prefix} vs {peer.label} | {times} | {ratio:.3f} | <= {target} | {verdict} |"
        )
    for e in memory:
        what = f"editops memory, W5 {e['case']} (100,000 × 100,000), {e['library']}"
        if "extra_mib" not in e:
            out.append(f"| {what} | error: {e.get('error')} | | | | |")
            continue
        verdict = "met" if e["extra_mib"] <= 6 else "NOT met"
        if e["library"] != "ours":
            verdict = "(peer)"
        else:
            targets.append(
                {"row": what, "extra_mib": e["extra_mib"], "target": "<= 6 MiB", "verdict": verdict}
            )
        out.append(
            f"| {what} | +{e['extra_mib']:.2f} MiB ({e['ops']:,} ops) | | | <= 6 MiB | {verdict} |"
        )
    return out, targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="small data, 3 rounds, short samples")
    parser.add_argument("--skip-memory", action="store_true", help="no 100k x 100k memory rows")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--memory-worker", nargs=2, metavar=("LIBRARY", "CASE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.memory_worker:
        memory_worker(*args.memory_worker)
        return 0
    if args.quick:
        args.rounds = min(args.rounds, 3)
    rows = build_alignment_rows(args.quick)
    rate_rows, words = build_rate_rows(args.quick)
    rows += rate_rows
    meter = OtherCpuMeter()
    time_rows(rows, args.rounds, 0.02 if args.quick else 0.2, args.seed)
    other = meter.share()
    memory = [] if args.skip_memory else run_memory()
    lines, targets = report(rows, memory, words, other, args)
    print("\n".join(lines))
    if args.json:
        data = {
            "machine": machine(),
            "rows": [
                {
                    "group": r.group,
                    "key": r.key,
                    "label": r.label,
                    "status": r.status,
                    "note": r.note,
                    "n": r.n,
                    "samples_s": r.samples,
                }
                for r in rows
            ],
            "memory": memory,
            "targets": targets,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
    return 1 if any(r.status != "ok" for r in rows if r.ours) else 0


if __name__ == "__main__":
    sys.exit(main())
