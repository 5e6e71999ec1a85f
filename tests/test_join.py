"""levenshtein_join, JoinResult and LevenshteinIndex against brute force and nearest."""

from __future__ import annotations

import copy
import pickle
import random
import subprocess
import sys

import pytest
from conftest import run_python_json
from hypothesis import given
from hypothesis import strategies as st
from reference import graphemes, naive

# Latin-1, BMP, astral, a lone surrogate, NUL: every string width, and code points
# that no UTF-8 round trip would keep.
WIDE = "ab\x00\xe9\u4e2d\U0001f600\ud800"
GRAPHEME_UNITS = ["a", "b", "e\u0301", "\U0001f44d\U0001f3fd", "\r\n", "\u4e2d"]


def clustered(rng: random.Random, count: int, alphabet: str, lo: int, hi: int) -> list[str]:
    """Seeds and copies of them with a few edits: near and exact duplicates, empties."""
    seeds = ["".join(rng.choices(alphabet, k=rng.randint(lo, hi))) for _ in range(count // 8 + 1)]
    out = list(seeds) + ["", ""]
    while len(out) < count:
        s = list(rng.choice(seeds))
        for _ in range(rng.randint(0, 3)):
            op, at = rng.randrange(3), rng.randint(0, len(s))
            if op == 0:
                s.insert(at, rng.choice(alphabet))
            elif s and at < len(s):
                if op == 1:
                    del s[at]
                else:
                    s[at] = rng.choice(alphabet)
        out.append("".join(s))
    rng.shuffle(out)
    return out


def brute(left, right, k, dist):
    """Every (i, j, d) with d <= k, sorted; the self-join (right None) keeps i < j."""
    pairs = []
    for i, a in enumerate(left):
        others = (
            enumerate(right)
            if right is not None
            else ((j, left[j]) for j in range(i + 1, len(left)))
        )
        for j, b in others:
            d = dist(a, b)
            if d <= k:
                pairs.append((i, j, d))
    return pairs


@pytest.fixture(scope="module")
def fast(lev):
    return lambda a, b: lev.levenshtein(a, b)


@pytest.mark.parametrize("k", range(5))
@pytest.mark.parametrize("alphabet", ["abc", "abcdefghij", WIDE])
def test_self_join_of_short_strings_matches_brute_force(lev, fast, k, alphabet):
    rng = random.Random(k * 31 + len(alphabet))
    words = clustered(rng, 300, alphabet, 0, 9)
    assert list(lev.levenshtein_join(words, max_distance=k)) == brute(words, None, k, fast)


@pytest.mark.parametrize("k", [0, 1, 3, 5, 8, 12])
def test_join_of_long_strings_matches_brute_force(lev, fast, k):
    rng = random.Random(k)
    left = clustered(rng, 60, "abcd", 40, 120)
    right = clustered(rng, 60, "abcd", 40, 120) + left[:10]
    got = lev.levenshtein_join(left, right, max_distance=k, num_threads=2)
    assert list(got) == brute(left, right, k, fast)
    assert list(lev.levenshtein_join(left, max_distance=k)) == brute(left, None, k, fast)


@given(
    left=st.lists(st.text(alphabet=WIDE, max_size=10), max_size=25),
    right=st.one_of(st.none(), st.lists(st.text(alphabet=WIDE, max_size=10), max_size=25)),
    k=st.integers(0, 6),
    num_threads=st.sampled_from([None, 1, 3]),
)
def test_matches_the_naive_reference(lev, left, right, k, num_threads):
    got = lev.levenshtein_join(left, right, max_distance=k, num_threads=num_threads)
    assert list(got) == brute(left, right, k, naive)


def test_grapheme_mode_counts_clusters(lev):
    rng = random.Random(7)
    words = ["".join(rng.choices(GRAPHEME_UNITS, k=rng.randint(0, 6))) for _ in range(150)]
    words += ["e\u0301", "\u00e9", "x\r\n", "x\r"]
    per_cluster = lambda a, b: naive(graphemes(a), graphemes(b))  # noqa: E731
    for k in range(4):
        got = lev.levenshtein_join(words, max_distance=k, grapheme_segmentation=True)
        assert list(got) == brute(words, None, k, per_cluster)
        other = words[::3]
        got = lev.levenshtein_join(words, other, max_distance=k, grapheme_segmentation=True)
        assert list(got) == brute(words, other, k, per_cluster)


def test_exact_duplicates_and_empty_strings(lev):
    words = ["", "a", "", "a", "ab", ""]
    assert list(lev.levenshtein_join(words, max_distance=0)) == [
        (0, 2, 0),
        (0, 5, 0),
        (1, 3, 0),
        (2, 5, 0),
    ]
    assert list(lev.levenshtein_join([], max_distance=3)) == []
    assert list(lev.levenshtein_join(["a"], [], max_distance=3)) == []
    assert list(lev.levenshtein_join([], ["a"], max_distance=3)) == []


def test_huge_max_distance_gives_every_pair(lev):
    words = ["kitten", "sitting", "", "x" * 100]
    got = lev.levenshtein_join(words, max_distance=10**30)
    assert list(got) == brute(words, None, 10**9, lev.levenshtein)


def test_join_result_is_a_sequence_of_tuples(lev):
    r = lev.levenshtein_join(["kitten", "sitting", "mitten"], max_distance=3)
    assert len(r) == 3
    assert list(r) == [(0, 1, 3), (0, 2, 1), (1, 2, 3)]
    assert r[0] == (0, 1, 3) and r[-1] == (1, 2, 3)
    with pytest.raises(IndexError):
        r[3]
    assert repr(r) == "JoinResult(len=3)"
    it = iter(r)
    assert next(it) == (0, 1, 3)
    assert list(it) == [(0, 2, 1), (1, 2, 3)]


def test_arrow_output_to_pyarrow_and_polars(lev):
    pa = pytest.importorskip("pyarrow")
    r = lev.levenshtein_join(["kitten", "sitting", "mitten"], max_distance=3)
    table = pa.table(r)
    assert table.column_names == ["left", "right", "distance"]
    assert all(t == pa.uint32() for t in table.schema.types)
    assert table.to_pydict() == {"left": [0, 0, 1], "right": [1, 2, 2], "distance": [3, 1, 3]}
    empty = pa.table(lev.levenshtein_join(["a"], max_distance=1))
    assert empty.num_rows == 0 and empty.column_names == ["left", "right", "distance"]
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(r)
    assert frame.columns == ["left", "right", "distance"]
    assert frame.rows() == list(r)


def test_arrow_input(lev, fast):
    pa = pytest.importorskip("pyarrow")
    words = clustered(random.Random(3), 200, WIDE.replace("\ud800", ""), 0, 8)
    want = brute(words, None, 2, fast)
    for column in [
        pa.array(words),
        pa.array(words, pa.large_string()),
        pa.chunked_array([words[:50], words[50:]]),
    ]:
        assert list(lev.levenshtein_join(column, max_distance=2)) == want
        assert list(lev.levenshtein_join(words, column, max_distance=1)) == brute(
            words, words, 1, fast
        )
    pl = pytest.importorskip("polars")
    assert list(lev.levenshtein_join(pl.Series(words), max_distance=2)) == want
    with pytest.raises(ValueError, match=r"left\[1\] is null"):
        lev.levenshtein_join(pa.array(["a", None]), max_distance=1)


def test_progress_is_called_and_its_exception_stops_the_join(lev):
    words = clustered(random.Random(1), 3000, "abcdefgh", 3, 12)
    calls = []
    lev.levenshtein_join(
        words, max_distance=2, progress=lambda done, total: calls.append((done, total))
    )
    assert calls and calls[-1] == (3000, 3000)
    assert all(0 <= d <= t == 3000 for d, t in calls)

    def boom(done, total):
        raise ZeroDivisionError("stop")

    with pytest.raises(ZeroDivisionError, match="stop"):
        lev.levenshtein_join(words, max_distance=2, progress=boom)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, TypeError, "max_distance"),
        ({"max_distance": None}, TypeError, "max_distance must be an int"),
        ({"max_distance": -1}, ValueError, "max_distance must be >= 0"),
        ({"max_distance": True}, TypeError, "max_distance must be an int"),
        ({"max_distance": 1.0}, TypeError, "max_distance must be an int"),
        ({"max_distance": 1, "num_threads": 0}, ValueError, "num_threads"),
        ({"max_distance": 1, "progress": 3}, TypeError, "progress must be callable"),
    ],
)
def test_join_argument_errors(lev, kwargs, error, match):
    with pytest.raises(error, match=match):
        lev.levenshtein_join(["a", "b"], **kwargs)


def test_join_element_errors(lev):
    with pytest.raises(TypeError, match=r"left\[1\] must be str, not int"):
        lev.levenshtein_join(["a", 1], max_distance=1)
    with pytest.raises(TypeError, match=r"right\[0\] must be str, not bytes"):
        lev.levenshtein_join(["a"], [b"a"], max_distance=1)
    with pytest.raises(TypeError, match="left must be a list or iterable of str"):
        lev.levenshtein_join("abc", max_distance=1)


# --- LevenshteinIndex -----------------------------------------------------------------


def expected(query, choices, k=None, max_distance=None, dist=naive):
    found = sorted((dist(query, c), i) for i, c in enumerate(choices))
    if max_distance is not None:
        found = [(d, i) for d, i in found if d <= max_distance]
    if k is not None:
        found = found[:k]
    return [(i, d) for d, i in found]


@pytest.mark.parametrize("alphabet", ["abcdefghij", WIDE])
def test_search_equals_nearest_for_every_k_and_bound(lev, alphabet):
    rng = random.Random(len(alphabet))
    choices = clustered(rng, 400, alphabet, 0, 14) + clustered(rng, 40, alphabet, 60, 90)
    index = lev.LevenshteinIndex(choices)
    assert len(index) == len(choices)
    queries = clustered(rng, 12, alphabet, 0, 14) + [choices[5], "", choices[-1]]
    for k in [None, 1, 2, 5, 1000]:
        for max_distance in [None, 0, 1, 2, 3, 4, 6, 9, 40]:
            if k is None and max_distance is None:
                continue
            want = [lev.nearest(q, choices, k=k, max_distance=max_distance) for q in queries]
            got = [index.search(q, k=k, max_distance=max_distance) for q in queries]
            assert got == want, (k, max_distance)
            batch = index.search_batch(queries, k=k, max_distance=max_distance, num_threads=2)
            assert batch == want, (k, max_distance)


@given(
    choices=st.lists(st.text(alphabet=WIDE, max_size=12), max_size=40),
    query=st.text(alphabet=WIDE, max_size=12),
    k=st.one_of(st.none(), st.integers(1, 8)),
    max_distance=st.one_of(st.none(), st.integers(0, 8)),
)
def test_search_matches_the_naive_reference(lev, choices, query, k, max_distance):
    if k is None and max_distance is None:
        k = 3
    index = lev.LevenshteinIndex(choices)
    assert index.search(query, k=k, max_distance=max_distance) == expected(
        query, choices, k, max_distance
    )


def test_grapheme_index(lev):
    rng = random.Random(11)
    choices = ["".join(rng.choices(GRAPHEME_UNITS, k=rng.randint(0, 7))) for _ in range(200)]
    index = lev.LevenshteinIndex(choices, grapheme_segmentation=True)
    assert index.grapheme_segmentation
    per_cluster = lambda a, b: naive(graphemes(a), graphemes(b))  # noqa: E731
    # Queries holding clusters no choice has ("a\u0300") too.
    for q in ["e\u0301", "\u00e9b", "a\u0300a", "\r\nab", ""]:
        for k, m in [(3, None), (None, 2), (5, 1)]:
            assert index.search(q, k=k, max_distance=m) == expected(q, choices, k, m, per_cluster)
            assert index.search(q, k=k, max_distance=m) == lev.nearest(
                q, choices, k=k, max_distance=m, grapheme_segmentation=True
            )


def test_index_takes_arrow_and_copies_its_choices(lev):
    pa = pytest.importorskip("pyarrow")
    words = ["kitten", "sitting", "mitten", "smitten"]
    index = lev.LevenshteinIndex(pa.array(words))
    assert index.search("kitten", max_distance=1) == [(0, 0), (2, 1), (3, 2)][:2]
    mutable = list(words)
    copied = lev.LevenshteinIndex(mutable)
    mutable[0] = "zzz"
    assert copied.search("kitten", k=1) == [(0, 0)]
    assert index.search_batch(pa.array(["mitten", "x"]), k=1) == [[(2, 0)], [(0, 6)]]


@pytest.mark.parametrize("grapheme", [False, True])
def test_index_pickles(lev, grapheme):
    choices = ["kitten", "sitting", "e\u0301", "\ud800x", "\U0001f600", ""]
    index = lev.LevenshteinIndex(choices, grapheme_segmentation=grapheme)
    index.search("kitten", max_distance=2)  # filters built: not part of the state
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(index, protocol=protocol))
        assert len(again) == len(index) and again.grapheme_segmentation == grapheme
        for q in choices + ["mitten"]:
            assert again.search(q, k=3) == index.search(q, k=3)
    assert copy.deepcopy(index).search("\ud800", k=1) == index.search("\ud800", k=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, ValueError, "k or max_distance"),
        ({"k": 0}, ValueError, "k must be >= 1"),
        ({"k": True}, TypeError, "k must be an int"),
        ({"k": 1, "max_distance": -1}, ValueError, "max_distance must be >= 0"),
        ({"max_distance": "2"}, TypeError, "max_distance must be an int"),
    ],
)
def test_search_argument_errors(lev, kwargs, error, match):
    index = lev.LevenshteinIndex(["abc"])
    with pytest.raises(error, match=match):
        index.search("abd", **kwargs)
    with pytest.raises(error, match=match):
        index.search_batch(["abd"], **kwargs)


def test_index_element_errors(lev):
    with pytest.raises(TypeError, match=r"choices\[2\] must be str, not NoneType"):
        lev.LevenshteinIndex(["a", "b", None])
    index = lev.LevenshteinIndex(["a"])
    with pytest.raises(TypeError, match="query must be str"):
        index.search(b"a", k=1)
    with pytest.raises(TypeError, match=r"queries\[0\] must be str"):
        index.search_batch([1], k=1)
    with pytest.raises(ValueError, match="num_threads"):
        index.search_batch(["a"], k=1, num_threads=0)
    assert repr(index) == "LevenshteinIndex(len=1, grapheme_segmentation=False)"


CTRL_C = """
import json, os, random, signal, threading, time
import pyo3_levenshtein as m
rng = random.Random(5)
words = ["".join(rng.choices("ab", k=rng.randint(30, 60))) for _ in range(6000)]
sent = []
def fire():
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)
timer = threading.Timer(0.5, fire)
timer.start()
outcome = "returned"
try:
    m.levenshtein_join(words, max_distance=40, num_threads=2)  # minutes of work
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
latency = time.monotonic() - sent[0] if sent else None
timer.join()
later = list(m.levenshtein_join(["ab", "abc"], max_distance=1))
print(json.dumps({"outcome": outcome, "latency": latency, "later_ok": later == [(0, 1, 1)]}))
"""


def test_ctrl_c_interrupts_a_join():
    result = run_python_json(CTRL_C, timeout=300)
    assert result["outcome"] == "KeyboardInterrupt", result
    assert result["latency"] < 1.0, result
    assert result["later_ok"], result


# --- the command line -----------------------------------------------------------------

CMD = [sys.executable, "-m", "pyo3_levenshtein"]


def cli(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CMD, *args], input=input, capture_output=True, timeout=300)


def test_cli_join_writes_tab_separated_pairs(lev, tmp_path):
    words = ["kitten", "sitting", "mitten", "", "a\tb", "caf\u00e9", "cafe"]
    path = tmp_path / "words.txt"
    path.write_bytes("\n".join(words).encode("utf-8"))
    proc = cli("join", "--max-distance", "2", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    want = "".join(f"{i}\t{j}\t{d}\n" for i, j, d in lev.levenshtein_join(words, max_distance=2))
    assert proc.stdout.decode() == want
    stdin = cli("join", "-k", "2", "-", input="\r\n".join(words).encode() + b"\r\n")
    assert stdin.stdout.decode() == want


def test_cli_join_errors(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"ok\n\xff\n")
    proc = cli("join", "-k", "1", str(path))
    assert proc.returncode == 1 and b"line 2: invalid UTF-8" in proc.stderr
    assert proc.stdout == b""
    assert cli("join", "-g", str(path)).returncode == 2  # -k is required
    assert cli("join", "-k", "-1", str(path)).returncode == 2
    assert cli("join", "-k", "1", str(tmp_path / "missing")).returncode == 1


def test_cli_join_with_one_plain_argument_is_still_two_strings():
    proc = cli("join", "joint")
    assert proc.returncode == 0 and proc.stdout == b"1\n"
