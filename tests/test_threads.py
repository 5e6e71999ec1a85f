"""Threads, thread pools, fork and Ctrl-C."""

from __future__ import annotations

import random
import sys
import threading
import time

import pytest
from conftest import run_python, run_python_json
from rapidfuzz.distance import Levenshtein as RFLevenshtein

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="counts threads in /proc/self/task"
)


def _random_pairs(seed, count, max_len, alphabet="abcd\xe9\u4e2d\U0001f600\ud800"):
    rng = random.Random(seed)
    return [
        (
            "".join(rng.choices(alphabet, k=rng.randint(0, max_len))),
            "".join(rng.choices(alphabet, k=rng.randint(0, max_len))),
        )
        for _ in range(count)
    ]


# ------------------------------------------------------------------------------------------
# Many Python threads at once
# ------------------------------------------------------------------------------------------


def test_eight_python_threads_calling_at_once_get_correct_results(lev):
    pairs = _random_pairs(1, 200, 1500)
    expected = [RFLevenshtein.distance(a, b) for a, b in pairs]
    barrier = threading.Barrier(8)
    errors: list[str] = []

    def worker(k):
        try:
            barrier.wait()
            for rep in range(12):
                if (k + rep) % 2:
                    got = [lev.levenshtein(a, b) for a, b in pairs]
                else:
                    nt = [None, 1, 2, 3][(k + rep) % 4]
                    got = lev.levenshtein_batch(pairs, num_threads=nt)
                if got != expected:
                    errors.append(f"thread {k} rep {rep}: wrong results")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(f"thread {k}: {exc!r}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert errors == []


def test_threads_mixing_grapheme_and_codepoint_batches(lev):
    pairs = _random_pairs(2, 100, 200, alphabet="ae\u0301\u200d\U0001f468\r\n\ud800")
    exp_cp = [lev.levenshtein(a, b) for a, b in pairs]
    exp_g = [lev.levenshtein(a, b, grapheme_segmentation=True) for a, b in pairs]
    errors: list[str] = []

    def worker(k):
        for rep in range(5):
            g = bool((k + rep) % 2)
            got = lev.levenshtein_batch(pairs, num_threads=1 + k % 3, grapheme_segmentation=g)
            if got != (exp_g if g else exp_cp):
                errors.append(f"thread {k} rep {rep}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []


# ------------------------------------------------------------------------------------------
# The GIL is released during long computations
# ------------------------------------------------------------------------------------------


def _other_thread_share(call):
    """Runs ``call()`` in this thread while another Python thread counts loop iterations.

    Returns (share, seconds the call took), where share is the other thread's iterations
    during the call divided by what it manages alone in as much time. With the GIL held for
    the whole call the other thread only runs in the switch intervals just before and after
    it (a few milliseconds' worth: share ~0.01); released, it runs throughout (share ~1, less
    on a loaded machine).
    """
    counter = [0]
    stop = threading.Event()
    started = threading.Event()

    def spin():
        started.set()
        n = 0
        while not stop.is_set():
            n += 1
            counter[0] = n

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    t = threading.Thread(target=spin)
    try:
        t.start()
        started.wait()
        c0, t0 = counter[0], time.perf_counter()
        time.sleep(0.3)  # the spinner alone: its rate
        rate = (counter[0] - c0) / (time.perf_counter() - t0)
        before = counter[0]
        t0 = time.perf_counter()
        call()
        elapsed = time.perf_counter() - t0
        during = counter[0] - before
    finally:
        stop.set()
        t.join()
        sys.setswitchinterval(old_interval)
    return during / (rate * elapsed), elapsed


MIN_SHARE = 0.1


def _for_at_least(call, seconds=0.4):
    """`call` again and again until `seconds` have passed: kernels get faster and CI machines
    differ, so a fixed input size cannot promise a call long enough for the probe to measure.
    Between repeats the caller holds the GIL only for a few bytecodes, so a call that keeps the
    GIL still reads as a share near zero (the probe test below checks that)."""

    def repeated():
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            call()

    return repeated


def test_gil_probe_sees_a_call_that_holds_the_gil():
    # Guards the probe itself: sum() over a range runs in C without releasing the GIL.
    share, elapsed = _other_thread_share(_for_at_least(lambda: sum(range(5_000_000))))
    assert elapsed > 0.2
    assert share < MIN_SHARE


def test_single_long_levenshtein_call_releases_the_gil(lev):
    rng = random.Random(9)
    a = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=200_000))
    b = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=200_000))
    share, elapsed = _other_thread_share(_for_at_least(lambda: lev.levenshtein(a, b)))
    assert elapsed > 0.2, f"call too short ({elapsed:.3f}s) to tell"
    assert share > MIN_SHARE, f"other thread ran {share:.1%} of its speed for {elapsed:.2f}s"


def test_single_long_grapheme_call_releases_the_gil(lev):
    rng = random.Random(10)
    a = "".join(rng.choices(["a", "e\u0301", "b", "\r\n", "\U0001f468"], k=120_000))
    b = "".join(rng.choices(["a", "e\u0301", "b", "\r\n", "\U0001f468"], k=120_000))
    share, elapsed = _other_thread_share(
        _for_at_least(lambda: lev.levenshtein(a, b, grapheme_segmentation=True))
    )
    assert elapsed > 0.2, f"call too short ({elapsed:.3f}s) to tell"
    assert share > MIN_SHARE, f"other thread ran {share:.1%} of its speed for {elapsed:.2f}s"


def test_long_batch_releases_the_gil(lev):
    rng = random.Random(11)
    pairs = [
        (
            "".join(rng.choices("abcdefgh", k=20_000)),
            "".join(rng.choices("abcdefgh", k=20_000)),
        )
        for _ in range(60)
    ]
    share, elapsed = _other_thread_share(
        _for_at_least(lambda: lev.levenshtein_batch(pairs, num_threads=1))
    )
    assert elapsed > 0.2, f"call too short ({elapsed:.3f}s) to tell"
    assert share > MIN_SHARE, f"other thread ran {share:.1%} of its speed for {elapsed:.2f}s"


# ------------------------------------------------------------------------------------------
# Mutating the input from another thread during a batch
# ------------------------------------------------------------------------------------------


def _pair_at(rng, i, as_list):
    """A fresh pair whose distance is exactly i (whatever the random common part)."""
    common = "".join(rng.choices("abcdefghij\U0001f600\u4e2d", k=rng.randint(1500, 2500)))
    prefix = "x" * i
    variant = rng.randrange(3)
    if variant == 0:
        pair = (prefix + common, common)
    elif variant == 1:
        pair = (common, common + prefix)
    else:
        pair = (common + prefix, common)
    return list(pair) if as_list else pair


def test_mutating_the_input_list_during_a_batch_is_safe(lev):
    # Every pair at index i has distance i, so the only correct results are
    # [0, 1, ..., L-1] for a length L the list had at some moment. The strings are fresh
    # objects, freed as the other thread replaces them: an implementation that borrowed
    # them without holding references would read freed memory.
    rng = random.Random(12)
    pairs: list = [_pair_at(rng, i, i % 2 == 0) for i in range(150)]
    stop = threading.Event()
    mutations = [0]

    def mutate():
        mrng = random.Random(13)
        while not stop.is_set():
            op = mrng.randrange(6)
            n = len(pairs)
            if op == 0 and n:
                i = mrng.randrange(n)
                pairs[i] = _pair_at(mrng, i, mrng.random() < 0.5)
            elif op == 1:
                pairs.append(_pair_at(mrng, n, False))
            elif op == 2 and n > 20:
                del pairs[mrng.randrange(n // 2, n) :]
            elif op == 3 and mrng.random() < 0.1:
                pairs.clear()
                pairs.extend(_pair_at(mrng, i, True) for i in range(mrng.randint(0, 150)))
            elif op == 4 and n:
                i = mrng.randrange(n)
                if isinstance(pairs[i], list):  # mutate the pair list itself in place
                    fresh = _pair_at(mrng, i, True)
                    pairs[i][0], pairs[i][1] = fresh
            else:
                time.sleep(0)
            mutations[0] += 1

    t = threading.Thread(target=mutate)
    t.start()
    try:
        deadline = time.monotonic() + 3.0
        calls = 0
        while time.monotonic() < deadline:
            nt = [None, 1, 2][calls % 3]
            got = lev.levenshtein_batch(pairs, num_threads=nt)
            assert got == list(range(len(got))), "results do not match any reading of the list"
            calls += 1
    finally:
        stop.set()
        t.join()
    assert calls >= 3
    assert mutations[0] > 0


# ------------------------------------------------------------------------------------------
# Thread pools
# ------------------------------------------------------------------------------------------


@linux_only
def test_a_sweep_over_thread_counts_keeps_threads_within_the_budget():
    result = run_python_json(
        """
        import json, os, time
        import pyo3_levenshtein as m
        pairs = [("kitten", "sitting")] * 64
        ok = True
        for n in range(1, 101):
            ok = ok and m.levenshtein_batch(pairs, num_threads=n) == [3] * 64
        def count():
            return len(os.listdir("/proc/self/task"))
        # Evicted pools' threads exit once idle, not at once.
        deadline = time.monotonic() + 10
        time.sleep(0.2)
        c = count()
        while c >= 300 and time.monotonic() < deadline:
            time.sleep(0.2)
            c = count()
        print(json.dumps({"ok": ok, "threads": c, "cpus": len(os.sched_getaffinity(0))}))
        """,
        timeout=180,
    )
    assert result["ok"]
    # A pool per value would keep 1 + 2 + ... + 100 = 5050 threads, four cached pools
    # 394. The rule: the pool in use (100) plus older pools of at most
    # max(4 x CPUs, 64) threads together, plus the main thread.
    budget = max(4 * result["cpus"], 64)
    assert result["threads"] <= 100 + budget + 1, result
    if budget <= 128:
        assert result["threads"] < 300, result


@linux_only
@pytest.mark.parametrize("n", [1, 3])
def test_default_pool_respects_rayon_num_threads(n):
    result = run_python_json(
        """
        import json, os
        import pyo3_levenshtein as m
        before = len(os.listdir("/proc/self/task"))
        pairs = [("kitten" * 50, "sitting" * 50)] * 2000
        ok = m.levenshtein_batch(pairs) == [m.levenshtein("kitten" * 50, "sitting" * 50)] * 2000
        after = len(os.listdir("/proc/self/task"))
        print(json.dumps({"ok": ok, "new_threads": after - before}))
        """,
        env={"RAYON_NUM_THREADS": str(n)},
    )
    assert result["ok"]
    assert result["new_threads"] == n, result


def test_explicit_pool_reused_after_other_pools_evicted():
    result = run_python_json(
        """
        import json
        import pyo3_levenshtein as m
        pairs = [("flaw", "lawn")] * 100
        ok = True
        for rep in range(3):
            for n in (1, 2, 3, 4, 5, 6, 7, 2, 1, 8):
                ok = ok and m.levenshtein_batch(pairs, num_threads=n) == [2] * 100
        print(json.dumps({"ok": ok}))
        """
    )
    assert result["ok"]


# ------------------------------------------------------------------------------------------
# fork
# ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_batch_works_in_a_forked_child():
    result = run_python_json(
        """
        import json, os
        import pyo3_levenshtein as m
        pairs = [("kitten", "sitting"), ("flaw", "lawn")] * 200
        expected = [3, 2] * 200
        parent_before = (m.levenshtein_batch(pairs) == expected
                         and m.levenshtein_batch(pairs, num_threads=2) == expected)
        pid = os.fork()
        if pid == 0:
            try:
                ok = (m.levenshtein_batch(pairs) == expected
                      and m.levenshtein_batch(pairs, num_threads=2) == expected
                      and m.levenshtein_batch(pairs, num_threads=3) == expected
                      and m.levenshtein("kitten", "sitting") == 3)
            except BaseException:
                ok = False
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        parent_after = m.levenshtein_batch(pairs, num_threads=2) == expected
        print(json.dumps({"parent_before": parent_before, "parent_after": parent_after,
                          "child_exit": os.waitstatus_to_exitcode(status)}))
        """,
        timeout=60,
    )
    assert result == {"parent_before": True, "parent_after": True, "child_exit": 0}


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_batch_works_in_multiprocessing_fork_workers():
    result = run_python_json(
        """
        import json, multiprocessing as mp
        import pyo3_levenshtein as m

        def work(k):
            pairs = [("kitten" * k, "sitting" * k)] * 50
            return m.levenshtein_batch(pairs) == [m.levenshtein("kitten" * k, "sitting" * k)] * 50

        if __name__ == "__main__":
            m.levenshtein_batch([("a", "b")] * 100)  # start the default pool in the parent
            m.levenshtein_batch([("a", "b")] * 100, num_threads=2)
            ctx = mp.get_context("fork")
            with ctx.Pool(2) as pool:
                results = pool.map(work, range(1, 9))
            print(json.dumps({"results": results}))
        """,
        timeout=90,
    )
    assert result["results"] == [True] * 8


# ------------------------------------------------------------------------------------------
# Ctrl-C
# ------------------------------------------------------------------------------------------

CTRL_C_SCRIPT = """
import json, os, random, signal, sys, threading, time
import pyo3_levenshtein as m

MODE = {mode!r}
rng = random.Random(4)
if MODE == "many-pairs":
    big = rng.randbytes(4_000_000).decode("latin-1")
    pairs = [(big[i * 2000 : i * 2000 + 20_000], big[-(i * 2000) - 20_001 : -(i * 2000) - 1])
             for i in range(600)]
    call = lambda: m.levenshtein_batch(pairs)
elif MODE == "one-long-pair":
    pairs = [(rng.randbytes(300_000).decode("latin-1"), rng.randbytes(300_000).decode("latin-1"))]
    call = lambda: m.levenshtein_batch(pairs, num_threads=1)
else:  # a single levenshtein() call
    a, b = rng.randbytes(300_000).decode("latin-1"), rng.randbytes(300_000).decode("latin-1")
    call = lambda: m.levenshtein(a, b)

m.levenshtein_batch([("a", "b")] * 10)  # warm up pools
sent = []
def fire():
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)
timer = threading.Timer(0.5, fire)
t0 = time.monotonic()
timer.start()
outcome = "returned"
try:
    call()
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
raised_at = time.monotonic()
timer.join()
latency = raised_at - sent[0] if sent else None

# The process must still work, including the same kind of long computation.
small = [("kitten", "sitting"), ("flaw", "lawn")] * 500
later_ok = (m.levenshtein_batch(small) == [3, 2] * 500
            and m.levenshtein_batch(small, num_threads=2) == [3, 2] * 500
            and m.levenshtein("kitten", "sitting") == 3)
x = rng.randbytes(20_000).decode("latin-1")
y = x[:5000] + "!" + x[5001:]
later_ok = later_ok and m.levenshtein_batch([(x, y)] * 4) == [1] * 4
print(json.dumps({{"outcome": outcome, "latency": latency, "elapsed": raised_at - t0,
                  "later_ok": later_ok}}))
"""


@pytest.mark.parametrize("mode", ["many-pairs", "one-long-pair"])
def test_ctrl_c_interrupts_a_long_batch_quickly(mode):
    result = run_python_json(CTRL_C_SCRIPT.format(mode=mode), timeout=180)
    assert result["outcome"] == "KeyboardInterrupt", result
    assert result["latency"] is not None
    assert result["latency"] < 0.5, f"KeyboardInterrupt {result['latency']:.3f}s after SIGINT"
    assert result["later_ok"], result


def test_ctrl_c_interrupts_a_long_single_levenshtein_call():
    # Not spelled out for levenshtein() in the contract (it is for levenshtein_batch), but a
    # 300,000-code-point pair takes seconds either way.
    result = run_python_json(CTRL_C_SCRIPT.format(mode="single-call"), timeout=180)
    assert result["outcome"] == "KeyboardInterrupt", result
    assert result["latency"] < 0.5, f"KeyboardInterrupt {result['latency']:.3f}s after SIGINT"
    assert result["later_ok"], result


def test_sigint_before_any_work_leaves_module_usable():
    proc = run_python(
        """
        import os, signal, pyo3_levenshtein as m
        try:
            os.kill(os.getpid(), signal.SIGINT)
            m.levenshtein_batch([("kitten", "sitting")] * 1000)
        except KeyboardInterrupt:
            pass
        assert m.levenshtein_batch([("kitten", "sitting")] * 1000) == [3] * 1000
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
