"""levenshtein_matrix(): against the naive reference and rapidfuzz's cdist."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import run_python, run_python_json
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein as RFLevenshtein
from reference import graphemes, naive

ALPHABET = "ab\x00\xe9\u4e2d\U0001f600\ud800"
GRAPHEME_ALPHABET = ["a", "e\u0301", "\U0001f44d\U0001f3fd", "\r\n", "\u4e2d", "\ud800"]


def expected(queries, choices, max_distance=None, dist=naive):
    cap = None if max_distance is None else max_distance + 1
    return [[dist(q, c) if cap is None else min(dist(q, c), cap) for c in choices] for q in queries]


@given(
    # Query lengths across every lane width (8, 16, 32, 64 units) and beyond.
    queries=st.lists(st.one_of(st.text(ALPHABET, max_size=10), st.text(ALPHABET, max_size=90))),
    choices=st.lists(st.one_of(st.text(ALPHABET, max_size=12), st.text(ALPHABET, max_size=300))),
    max_distance=st.one_of(st.none(), st.integers(0, 6)),
    num_threads=st.sampled_from([None, 1, 3]),
)
def test_matches_the_reference(lev, queries, choices, max_distance, num_threads):
    got = lev.levenshtein_matrix(
        queries, choices, max_distance=max_distance, num_threads=num_threads
    )
    assert got.shape == (len(queries), len(choices))
    assert got.dtype == np.uint32
    assert got.tolist() == expected(queries, choices, max_distance)


@given(
    queries=st.lists(st.lists(st.sampled_from(GRAPHEME_ALPHABET), max_size=10).map("".join)),
    choices=st.lists(st.lists(st.sampled_from(GRAPHEME_ALPHABET), max_size=12).map("".join)),
)
def test_grapheme_mode_matches_the_reference(lev, queries, choices):
    got = lev.levenshtein_matrix(queries, choices, grapheme_segmentation=True)
    want = expected(queries, choices, dist=lambda a, b: naive(graphemes(a), graphemes(b)))
    assert got.tolist() == want


def test_many_choices_span_several_chunks(lev):
    # Choices are translated chunk by chunk (2,048 at a time); cross a few boundaries.
    rng = random.Random(8)
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789\xe9\u4e2d"
    choices = ["".join(rng.choices(alnum, k=rng.randint(0, 40))) for _ in range(5000)]
    queries = ["".join(rng.choices(alnum, k=rng.randint(0, 70))) for _ in range(40)]
    want = process.cdist(queries, choices, scorer=RFLevenshtein.distance, workers=-1)
    for num_threads in (1, 3):
        got = lev.levenshtein_matrix(queries, choices, num_threads=num_threads)
        np.testing.assert_array_equal(got, want)


def test_agrees_with_rapidfuzz_cdist(lev):
    rng = random.Random(7)
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    words = ["".join(rng.choices(alnum, k=rng.randint(1, 50))) for _ in range(700)]
    queries = [*words[:300], "", "q" * 100, "\u4e2d\u6587" * 30]
    choices = [*words[300:], "", "x" * 3000, "\U0001f600" * 70]
    want = process.cdist(queries, choices, scorer=RFLevenshtein.distance, workers=-1)
    np.testing.assert_array_equal(lev.levenshtein_matrix(queries, choices), want)
    bounded = process.cdist(
        queries, choices, scorer=RFLevenshtein.distance, score_cutoff=4, workers=-1
    )
    np.testing.assert_array_equal(lev.levenshtein_matrix(queries, choices, max_distance=4), bounded)


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64", "int32", "int64"])
def test_dtypes(lev, dtype):
    got = lev.levenshtein_matrix(["kitten", ""], ["sitting", "kit", ""], dtype=dtype)
    assert got.dtype == np.dtype(dtype)
    assert got.tolist() == [[3, 3, 6], [7, 3, 0]]
    assert lev.levenshtein_matrix(["ab"], ["cd"], dtype=np.dtype(dtype)).dtype == np.dtype(dtype)


def test_empty_inputs(lev):
    assert lev.levenshtein_matrix([], ["a"]).shape == (0, 1)
    assert lev.levenshtein_matrix(["a"], []).shape == (1, 0)
    assert lev.levenshtein_matrix([], []).shape == (0, 0)
    assert lev.levenshtein_matrix([""], [""]).tolist() == [[0]]


def test_accepts_tuples_and_iterables(lev):
    want = [[3, 3]]
    assert lev.levenshtein_matrix(("kitten",), iter(["sitting", "kit"])).tolist() == want


def test_narrow_dtype_must_hold_every_possible_distance(lev):
    long = "a" * 300
    with pytest.raises(ValueError, match="dtype uint8 holds values up to 255"):
        lev.levenshtein_matrix([long], ["b"], dtype="uint8")
    # With a bound, only max_distance + 1 needs to fit.
    got = lev.levenshtein_matrix([long], ["b"], dtype="uint8", max_distance=10)
    assert got.tolist() == [[11]]


def test_matrix_too_large_is_refused_before_allocating(lev):
    queries = ["a"] * 100_000
    choices = ["b"] * 10_000_000
    with pytest.raises(MemoryError, match="needs 4000000000000 bytes"):
        lev.levenshtein_matrix(queries, choices)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dtype": "float64"}, ValueError, "dtype must be one of"),
        ({"dtype": "int16"}, ValueError, "dtype must be one of"),
        ({"dtype": 3}, TypeError, "dtype must be"),
        ({"max_distance": -1}, ValueError, "max_distance"),
        ({"max_distance": 1.0}, TypeError, "max_distance"),
        ({"num_threads": 0}, ValueError, "num_threads"),
    ],
)
def test_bad_arguments(lev, kwargs, error, match):
    with pytest.raises(error, match=match):
        lev.levenshtein_matrix(["abc"], ["abd"], **kwargs)


def test_bad_strings(lev):
    with pytest.raises(TypeError, match="queries must be a list or iterable of str"):
        lev.levenshtein_matrix("abc", ["abd"])
    with pytest.raises(TypeError, match=r"choices\[0\] must be str or a sequence, not int"):
        lev.levenshtein_matrix(["abc"], [5])


def test_missing_numpy_is_a_clear_import_error():
    proc = run_python(
        """
        import sys
        sys.modules["numpy"] = None  # makes `import numpy` raise ImportError
        import pyo3_levenshtein as m
        try:
            m.levenshtein_matrix(["a"], ["b"])
        except ImportError as e:
            print("ImportError:", e)
        print(m.nearest("a", ["b"], k=1))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "ImportError: levenshtein_matrix needs NumPy" in proc.stdout
    assert "[(0, 1)]" in proc.stdout


CTRL_C = """
import json, os, random, signal, threading, time
import pyo3_levenshtein as m
rng = random.Random(6)
queries = [rng.randbytes(60).decode("latin-1") for _ in range(2000)]
choices = [rng.randbytes(rng.randint(1, 3000)).decode("latin-1") for _ in range(20000)]
m.levenshtein_matrix(["a"], ["b"])
sent = []
def fire():
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)
timer = threading.Timer(0.5, fire)
timer.start()
outcome = "returned"
try:
    m.levenshtein_matrix(queries, choices, num_threads=2)  # tens of seconds of work
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
latency = time.monotonic() - sent[0] if sent else None
timer.join()
print(json.dumps({"outcome": outcome, "latency": latency,
                  "later_ok": m.levenshtein_matrix(["ab"], ["b"]).tolist() == [[1]]}))
"""


def test_ctrl_c_interrupts_a_long_matrix():
    result = run_python_json(CTRL_C, timeout=180)
    assert result["outcome"] == "KeyboardInterrupt", result
    assert result["latency"] < 0.5, result
    assert result["later_ok"], result


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_matrix_of_very_long_pairs_runs_them_across_the_threads(lev, threads):
    # 20,000 x 20,000 units: past the 2**28 cells from which a job's long pair
    # runs as a pipeline across its pool; the results must not change.
    rng = random.Random(5)
    a = "".join(rng.choices("abcdefgh", k=20_000))
    b = "".join(rng.choices("abcdefgh", k=20_000))
    c = a[:7_000] + "x" + a[7_000:]
    want = [[lev.levenshtein(a, b), lev.levenshtein(a, c)]]
    got = lev.levenshtein_matrix([a], [b, c], num_threads=threads)
    assert got.tolist() == want
    near = lev.nearest(a, [b, c], k=2, num_threads=threads)
    assert near == sorted([(0, want[0][0]), (1, want[0][1])], key=lambda p: (p[1], p[0]))
