"""nearest(): against the naive reference and rapidfuzz's process module."""

from __future__ import annotations

import random

import pytest
from conftest import run_python_json
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein as RFLevenshtein
from reference import graphemes, naive

# Few symbols so that distances tie often; Latin-1, BMP, astral, a lone surrogate, NUL.
ALPHABET = "ab\x00\xe9\u4e2d\U0001f600\ud800"
GRAPHEME_ALPHABET = ["a", "e\u0301", "\U0001f44d\U0001f3fd", "\r\n", "\u4e2d", "\ud800"]


def expected(query, choices, k=None, max_distance=None, dist=naive):
    found = sorted((dist(query, c), i) for i, c in enumerate(choices))
    if max_distance is not None:
        found = [(d, i) for d, i in found if d <= max_distance]
    if k is not None:
        found = found[:k]
    return [(i, d) for d, i in found]


def text(alphabet=ALPHABET, max_size=12):
    return st.text(alphabet=alphabet, max_size=max_size)


@given(
    query=st.one_of(text(), text(max_size=80)),
    choices=st.lists(st.one_of(text(), text(max_size=300)), max_size=60),
    k=st.one_of(st.none(), st.integers(1, 10)),
    max_distance=st.one_of(st.none(), st.integers(0, 6)),
    num_threads=st.sampled_from([None, 1, 3]),
)
def test_matches_the_reference(lev, query, choices, k, max_distance, num_threads):
    if k is None and max_distance is None:
        k = 3
    got = lev.nearest(query, choices, k=k, max_distance=max_distance, num_threads=num_threads)
    assert got == expected(query, choices, k, max_distance)


@given(
    query=st.lists(st.sampled_from(GRAPHEME_ALPHABET), max_size=10).map("".join),
    choices=st.lists(
        st.lists(st.sampled_from(GRAPHEME_ALPHABET), max_size=12).map("".join), max_size=30
    ),
    k=st.integers(1, 10),
)
def test_grapheme_mode_matches_the_reference(lev, query, choices, k):
    got = lev.nearest(query, choices, k=k, grapheme_segmentation=True)
    assert got == expected(query, choices, k, dist=lambda a, b: naive(graphemes(a), graphemes(b)))


@pytest.mark.parametrize("num_threads", [1, 2])
def test_grapheme_mode_on_many_choices_matches_per_pair_distances(lev, num_threads):
    # Over 2**16 units of choices: segmented on the pool, not the calling thread.
    rng = random.Random(5)
    units = GRAPHEME_ALPHABET + list("bcdxyz")
    choices = ["".join(rng.choices(units, k=rng.randint(0, 30))) for _ in range(5000)]
    query = "".join(rng.choices(units, k=15))
    assert sum(map(len, choices)) > 2**16
    per_pair = lambda a, b: lev.levenshtein(a, b, grapheme_segmentation=True)  # noqa: E731
    for k, max_distance in [(7, None), (None, 6), (3, 9)]:
        got = lev.nearest(
            query,
            choices,
            k=k,
            max_distance=max_distance,
            grapheme_segmentation=True,
            num_threads=num_threads,
        )
        assert got == expected(query, choices, k, max_distance, dist=per_pair)


def _w1(rng, count):
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return ["".join(rng.choices(alnum, k=rng.randint(1, 50))) for _ in range(count)]


@pytest.mark.parametrize("k", range(1, 11))
def test_agrees_with_rapidfuzz_extract(lev, k):
    rng = random.Random(k)
    choices = _w1(rng, 3000) + ["x" * 5000, "y" * 300]  # long strings mixed in
    for query in _w1(rng, 5) + ["", "z" * 70]:
        got = lev.nearest(query, choices, k=k)
        want = process.extract(query, choices, scorer=RFLevenshtein.distance, limit=k)
        assert [d for _, d in got] == [s for _, s, _ in want]
        assert all(RFLevenshtein.distance(query, choices[i]) == d for i, d in got)
        assert got == sorted(got, key=lambda x: (x[1], x[0]))
        bounded = lev.nearest(query, choices, k=k, max_distance=20)
        cut = process.extract(
            query, choices, scorer=RFLevenshtein.distance, limit=k, score_cutoff=20
        )
        assert [d for _, d in bounded] == [s for _, s, _ in cut]
        best = process.extractOne(query, choices, scorer=RFLevenshtein.distance)
        assert lev.nearest(query, choices, k=1)[0][1] == best[1]


def test_ties_are_broken_by_index(lev):
    choices = ["ab", "ba", "aa", "bb", "ac", "ca"]
    assert lev.nearest("ax", choices, k=3) == [(0, 1), (2, 1), (4, 1)]
    assert lev.nearest("ax", choices, max_distance=1) == [(0, 1), (2, 1), (4, 1)]
    many = ["xy"] * 1000 + ["ab"]
    assert lev.nearest("xz", many, k=4) == [(0, 1), (1, 1), (2, 1), (3, 1)]


def test_empty_query_and_empty_choices(lev):
    assert lev.nearest("", ["abc", "", "a"], k=2) == [(1, 0), (2, 1)]
    assert lev.nearest("abc", [], k=5) == []
    assert lev.nearest("abc", [], max_distance=0) == []
    assert lev.nearest("abc", ["x" * 10], max_distance=2) == []


def test_accepts_tuples_and_iterables(lev):
    choices = ["kitten", "sitting", "mitten"]
    want = [(2, 1), (0, 2)]
    assert lev.nearest("smitten", tuple(choices), k=2) == want
    assert lev.nearest("smitten", iter(choices), k=2) == want
    assert lev.nearest("smitten", (c for c in choices), k=2) == want


def test_huge_k_means_no_limit(lev):
    assert lev.nearest("a", ["b", "a"], k=10**30) == [(1, 0), (0, 1)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, ValueError, "k or max_distance"),
        ({"k": 0}, ValueError, "k must be >= 1"),
        ({"k": -3}, ValueError, "k must be >= 1"),
        ({"k": True}, TypeError, "k must be an int"),
        ({"k": 1.5}, TypeError, "k must be an int"),
        ({"k": 1, "max_distance": -1}, ValueError, "max_distance"),
        ({"k": 1, "max_distance": "3"}, TypeError, "max_distance"),
        ({"k": 1, "num_threads": 0}, ValueError, "num_threads"),
        ({"k": 1, "num_threads": "2"}, TypeError, "num_threads"),
    ],
)
def test_bad_arguments(lev, kwargs, error, match):
    with pytest.raises(error, match=match):
        lev.nearest("abc", ["abd"], **kwargs)


def test_bad_query_and_choices(lev):
    with pytest.raises(TypeError, match="query must be str or a sequence, not int"):
        lev.nearest(5, ["abd"], k=1)
    with pytest.raises(TypeError, match="choices must be a list or iterable of str"):
        lev.nearest("abc", "abd", k=1)
    with pytest.raises(TypeError, match="choices must be a list or iterable of str"):
        lev.nearest("abc", 3, k=1)
    with pytest.raises(TypeError, match=r"choices\[1\] must be str or a sequence, not int"):
        lev.nearest("abc", ["abd", 3], k=1)


CTRL_C = """
import json, os, random, signal, threading, time
import pyo3_levenshtein as m
rng = random.Random(5)
query = rng.randbytes(10_000).decode("latin-1")
choices = [rng.randbytes(10_000).decode("latin-1") for _ in range(6000)]
m.nearest("a", ["b"], k=1)
sent = []
def fire():
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)
timer = threading.Timer(0.5, fire)
timer.start()
outcome = "returned"
try:
    m.nearest(query, choices, k=5, num_threads=2)  # seconds of work
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
latency = time.monotonic() - sent[0] if sent else None
timer.join()
print(json.dumps({"outcome": outcome, "latency": latency,
                  "later_ok": m.nearest("kitten", ["sitting", "kitten"], k=1) == [(1, 0)]}))
"""


def test_ctrl_c_interrupts_a_long_scan():
    result = run_python_json(CTRL_C, timeout=180)
    assert result["outcome"] == "KeyboardInterrupt", result
    assert result["latency"] < 0.5, result
    assert result["later_ok"], result
