"""weights=(insert, delete, substitute) and the normalized scores, against a naive
weighted Wagner-Fischer and against rapidfuzz with the same weights."""

from __future__ import annotations

import math

import pyo3_levenshtein as lev
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein as RF


def naive_weighted(a, b, ins: int, dele: int, sub: int) -> int:
    """Full-matrix Wagner-Fischer with weights; insertion = a unit of b missing from a."""
    prev = [j * ins for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur = [i * dele] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else sub
            cur[j] = min(prev[j] + dele, cur[j - 1] + ins, prev[j - 1] + cost)
        prev = cur
    return prev[-1]


ALPHABETS = st.sampled_from(["ab", "a", "abcdefgh", "aé中😀\ud800\x00"])


@st.composite
def pairs(draw, max_size=150):
    alphabet = draw(ALPHABETS)
    text = st.text(alphabet=alphabet, max_size=max_size)
    return draw(text), draw(text)


WEIGHTS = st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 5))


@settings(max_examples=300, deadline=None)
@given(pairs(), WEIGHTS)
def test_weighted_distance_is_the_naive_one_and_rapidfuzzs(pair, w):
    a, b = pair
    want = naive_weighted(a, b, *w)
    assert lev.levenshtein(a, b, weights=w) == want
    if "\ud800" not in a + b:
        assert RF.distance(a, b, weights=w) == want


@settings(max_examples=200, deadline=None)
@given(pairs(), WEIGHTS, st.integers(0, 30))
def test_a_weighted_distance_above_the_bound_is_the_bound_plus_one(pair, w, k):
    a, b = pair
    want = naive_weighted(a, b, *w)
    assert lev.levenshtein(a, b, max_distance=k, weights=w) == (want if want <= k else k + 1)


@pytest.mark.parametrize("n", [63, 64, 65, 127, 128, 129, 700])
@pytest.mark.parametrize("w", [(1, 1, 2), (1, 2, 3), (2, 2, 3), (3, 1, 1)])
def test_lengths_around_the_word_size(n, w):
    import random

    rng = random.Random(n * 7 + sum(w))
    a = "".join(rng.choice("abc") for _ in range(n))
    b = "".join(rng.choice("abc") for _ in range(n + rng.randint(-5, 5)))
    assert lev.levenshtein(a, b, weights=w) == RF.distance(a, b, weights=w)


@settings(max_examples=300, deadline=None)
@given(pairs(60), WEIGHTS, st.floats(0.0, 1.0), st.integers(0, 40))
def test_scores_match_rapidfuzz(pair, w, cutoff, int_cutoff):
    a, b = pair
    if "\ud800" in a + b:
        a, b = a.replace("\ud800", "z"), b.replace("\ud800", "z")
    for ours, theirs, extra in [
        (lev.normalized_distance, RF.normalized_distance, {}),
        (lev.normalized_distance, RF.normalized_distance, {"score_cutoff": cutoff}),
        (lev.normalized_similarity, RF.normalized_similarity, {}),
        (lev.normalized_similarity, RF.normalized_similarity, {"score_cutoff": cutoff}),
    ]:
        got, want = ours(a, b, weights=w, **extra), theirs(a, b, weights=w, **extra)
        assert math.isclose(got, want, abs_tol=1e-9), (ours.__name__, extra, got, want)
    assert lev.similarity(a, b, weights=w) == RF.similarity(a, b, weights=w)
    assert lev.similarity(a, b, weights=w, score_cutoff=int_cutoff) == RF.similarity(
        a, b, weights=w, score_cutoff=int_cutoff
    )


def test_score_definitions_on_a_known_pair():
    assert lev.normalized_distance("", "") == 0.0
    assert lev.normalized_similarity("", "") == 1.0
    assert lev.similarity("kitten", "sitting") == 7 - 3
    assert math.isclose(lev.normalized_distance("kitten", "sitting"), 3 / 7)
    assert lev.normalized_distance("kitten", "sitting", score_cutoff=0.4) == 1.0
    assert lev.normalized_similarity("kitten", "sitting", score_cutoff=0.6) == 0.0
    # InDel: 5 edits out of at most 13
    assert math.isclose(lev.normalized_distance("kitten", "sitting", weights=(1, 1, 2)), 5 / 13)
    # graphemes: one cluster replaced out of one
    assert lev.normalized_distance("👍🏽", "👍", grapheme_segmentation=True) == 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(pairs(40), max_size=30), WEIGHTS)
def test_batch_matrix_and_nearest_take_weights(pairs_, w):
    want = [naive_weighted(a, b, *w) for a, b in pairs_]
    assert lev.levenshtein_batch(pairs_, weights=w) == want
    normalized = lev.levenshtein_batch(pairs_, weights=w, normalized=True)
    assert all(type(x) is float for x in normalized)
    for (a, b), got in zip(pairs_, normalized, strict=True):
        assert math.isclose(got, lev.normalized_distance(a, b, weights=w))
    if pairs_:
        queries = [a for a, _ in pairs_]
        choices = [b for _, b in pairs_]
        m = lev.levenshtein_matrix(queries, choices, weights=w, dtype="uint64")
        for i, q in enumerate(queries):
            for j, c in enumerate(choices):
                assert m[i, j] == naive_weighted(q, c, *w)
        ranked = sorted((naive_weighted(queries[0], c, *w), j) for j, c in enumerate(choices))
        assert lev.nearest(queries[0], choices, k=3, weights=w) == [(j, d) for d, j in ranked[:3]]


@pytest.mark.parametrize(
    "weights, error, match",
    [
        ((1, 1), ValueError, "weights must hold three ints"),
        ((1, 1, 1, 1), ValueError, "weights must hold three ints"),
        ((1, -1, 1), ValueError, r"weights\[1\] must be >= 0"),
        ((1, 1, 2**80), ValueError, r"weights\[2\] must be at most"),
        ((1, 1.0, 1), TypeError, r"weights\[1\] must be an int, not float"),
        ((True, 1, 1), TypeError, r"weights\[0\] must be an int, not bool"),
        (5, TypeError, "weights must be a tuple of three ints"),
        ("abc", TypeError, "weights must be a tuple of three ints"),
    ],
)
def test_malformed_weights_name_the_argument(weights, error, match):
    for call in (
        lambda: lev.levenshtein("a", "b", weights=weights),
        lambda: lev.levenshtein_batch([("a", "b")], weights=weights),
        lambda: lev.normalized_distance("a", "b", weights=weights),
        lambda: lev.nearest("a", ["b"], k=1, weights=weights),
    ):
        with pytest.raises(error, match=match):
            call()


def test_bad_score_cutoffs_and_options_name_the_argument():
    with pytest.raises(ValueError, match="score_cutoff must be between 0.0 and 1.0"):
        lev.normalized_distance("a", "b", score_cutoff=1.5)
    with pytest.raises(TypeError, match="score_cutoff must be a float"):
        lev.normalized_similarity("a", "b", score_cutoff="x")
    with pytest.raises(ValueError, match="score_cutoff must be >= 0"):
        lev.similarity("a", "b", score_cutoff=-1)
    with pytest.raises(TypeError, match="score_cutoff must be an int"):
        lev.similarity("a", "b", score_cutoff=0.5)
    with pytest.raises(ValueError, match="max_distance cannot be combined with normalized"):
        lev.levenshtein_batch([("a", "b")], normalized=True, max_distance=1)
    with pytest.raises(TypeError, match="s2 must be str"):
        lev.normalized_distance("a", 5)


def test_huge_weights_do_not_overflow():
    big = 2**62
    assert lev.levenshtein("ab", "ba", weights=(big, big, big)) == 2 * big
    assert lev.similarity("", "abc", weights=(big, 1, 1)) == 0


def test_the_fast_entry_takes_plain_weights_and_hands_on_the_rest():
    # An exact tuple of exact ints is answered by the METH_FASTCALL entry; lists,
    # int subclasses and bad values go to the full path, with the same results.
    class Int(int):
        pass

    for w in [(1, 1, 2), [1, 1, 2], (Int(1), 1, 2), (1, 1, 2)]:
        assert lev.levenshtein("kitten", "sitting", weights=w) == 5
    assert lev.levenshtein("kitten", "sitting", weights=None) == 3
    with pytest.raises(TypeError, match="weights"):
        lev._noop("a", "b", weights=(1, 1, 1))
    with pytest.raises(ValueError, match=r"weights\[2\] must be >= 0"):
        lev.levenshtein("a", "b", weights=(1, 1, -1))


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)), min_size=2))
def test_the_fast_entrys_cached_weights_follow_each_new_tuple(weights):
    # The fast entry remembers the last weights tuple it read (by identity, holding
    # a reference): fresh tuples, built at run time and dropped after each call, so
    # that an address could be reused, must each be read anew.
    a, b = "kitten sitting", "sitting kitten!"
    for w in weights:
        fresh = tuple(int(str(x)) for x in w)
        assert lev.levenshtein(a, b, weights=fresh) == naive_weighted(a, b, *w)
        del fresh
