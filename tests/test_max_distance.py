"""max_distance: results equal min(distance, k + 1), on every kernel's path, and bad bounds fail."""

from __future__ import annotations

import random

import pyo3_levenshtein as lev
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein as RFLevenshtein
from reference import naive

SYMBOLS = st.one_of(
    st.sampled_from("ab"),
    st.sampled_from("abcd\u00e9\u4e2d\U0001f600\ud800"),
    st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
)


@st.composite
def related_pairs(draw, max_len=200):
    """A string and a copy with a few random edits, so distances sit near small bounds."""
    a = draw(st.lists(SYMBOLS, max_size=max_len))
    b = list(a)
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.integers(0, 2))
        if op == 0 and b:
            b[draw(st.integers(0, len(b) - 1))] = draw(SYMBOLS)
        elif op == 1:
            b.insert(draw(st.integers(0, len(b))), draw(SYMBOLS))
        elif b:
            del b[draw(st.integers(0, len(b) - 1))]
    return "".join(a), "".join(b)


def bounds_around(d: int) -> list[int]:
    return sorted({0, 1, 2, 3, 4, 5, max(d - 1, 0), d, d + 1, 31, 63, 64, 65, 129, 10**6})


@settings(max_examples=300)
@given(related_pairs())
def test_bounded_distance_is_min_of_distance_and_bound_plus_one(pair):
    a, b = pair
    d = naive(a, b)
    for k in bounds_around(d):
        assert lev.levenshtein(a, b, max_distance=k) == min(d, k + 1), k


@settings(max_examples=40)
@given(related_pairs(max_len=3000), st.integers(0, 300))
def test_long_bounded_distance_matches_rapidfuzz_score_cutoff(pair, k):
    a, b = pair
    assert lev.levenshtein(a, b, max_distance=k) == RFLevenshtein.distance(a, b, score_cutoff=k)


@pytest.mark.parametrize("k", [1, 4, 10, 50])
def test_long_unrelated_strings_with_small_bounds(k):
    rng = random.Random(k)
    a = "".join(rng.choice("abcdefgh") for _ in range(5000))
    b = "".join(rng.choice("abcdefgh") for _ in range(4990))
    c = a[:2500] + "xy" + a[2503:]
    for x, y in ((a, b), (a, c), (c, a)):
        want = RFLevenshtein.distance(x, y, score_cutoff=k)
        assert lev.levenshtein(x, y, max_distance=k) == want


@settings(max_examples=60)
@given(st.lists(related_pairs(max_len=120), max_size=40), st.integers(0, 70), st.booleans())
def test_batch_with_bound_equals_single_calls(pairs, k, graphemes):
    want = [lev.levenshtein(a, b, graphemes, max_distance=k) for a, b in pairs]
    got = lev.levenshtein_batch(pairs, 2, graphemes, max_distance=k)
    assert got == want


def test_grapheme_mode_bounds_count_clusters():
    flags = "\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea"  # two flags, four code points
    assert lev.levenshtein(flags, "", grapheme_segmentation=True, max_distance=1) == 2
    assert lev.levenshtein(flags, "", grapheme_segmentation=True, max_distance=2) == 2
    assert lev.levenshtein(flags, "", max_distance=2) == 3


@pytest.mark.parametrize("huge", [2**63, 2**64, 2**200])
def test_bounds_beyond_any_length_mean_no_bound(huge):
    assert lev.levenshtein("kitten", "sitting", max_distance=huge) == 3
    assert lev.levenshtein_batch([("kitten", "sitting")], max_distance=huge) == [3]


@pytest.mark.parametrize("bad", [-1, -(2**70)])
def test_negative_bound_is_a_value_error_naming_the_argument(bad):
    with pytest.raises(ValueError, match="max_distance"):
        lev.levenshtein("a", "b", max_distance=bad)
    with pytest.raises(ValueError, match="max_distance"):
        lev.levenshtein_batch([], max_distance=bad)


@pytest.mark.parametrize("bad", [1.0, "3", True, [1]])
def test_non_int_bound_is_a_type_error_naming_the_argument(bad):
    with pytest.raises(TypeError, match="max_distance"):
        lev.levenshtein("a", "b", max_distance=bad)
    with pytest.raises(TypeError, match="max_distance"):
        lev.levenshtein_batch([("a", "b")], max_distance=bad)


def test_bound_is_keyword_only():
    with pytest.raises(TypeError):
        lev.levenshtein("a", "b", False, 3)  # type: ignore[misc]
