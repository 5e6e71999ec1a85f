"""The public API: names, signatures, return types and documented behaviour."""

from __future__ import annotations

import importlib.metadata
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import graphemes, naive

# ------------------------------------------------------------------------------------------
# Module attributes
# ------------------------------------------------------------------------------------------


def test_version_matches_installed_distribution_metadata(lev):
    assert isinstance(lev.__version__, str)
    assert lev.__version__ == importlib.metadata.version("pyo3-levenshtein")


def test_unicode_version_is_17(lev):
    assert isinstance(lev.UNICODE_VERSION, str)
    assert re.fullmatch(r"\d+\.\d+\.\d+", lev.UNICODE_VERSION)
    # Grapheme segmentation follows unicode-segmentation 1.13, i.e. Unicode 17.0.
    assert lev.UNICODE_VERSION == "17.0.0"


def test_max_threads_is_an_int_of_at_least_256(lev):
    assert type(lev.MAX_THREADS) is int
    assert lev.MAX_THREADS >= 256


def test_package_reexports_the_compiled_module(lev):
    from pyo3_levenshtein import pyo3_levenshtein as native

    for name in ("levenshtein", "levenshtein_batch", "UNICODE_VERSION", "MAX_THREADS"):
        assert getattr(lev, name) is getattr(native, name), name


def test_noop_returns_zero_for_any_str_arguments(lev):
    assert lev._noop("", "") == 0
    assert lev._noop("kitten", "sitting") == 0
    assert lev._noop("kitten", "sitting", True) == 0
    assert lev._noop("\ud800", "\U0001f600", grapheme_segmentation=True) == 0
    assert type(lev._noop("a", "b")) is int


# Two str and nothing else take a fast entry; every other call goes through the full
# argument handling. Both must agree, and the function must look like any builtin.
_SPELLINGS = (
    lambda f, a, b: f(a, b),
    lambda f, a, b: f(a, b, False),
    lambda f, a, b: f(a, b, max_distance=None),
    lambda f, a, b: f(s1=a, s2=b),
    lambda f, a, b: f(a, s2=b, grapheme_segmentation=False),
)


@given(a=st.text(max_size=80), b=st.text(max_size=80))
def test_every_spelling_of_a_call_gives_the_same_distance(lev, a, b):
    got = {spell(lev.levenshtein, a, b) for spell in _SPELLINGS}
    assert got == {naive(a, b)}


class _Int(int):
    """An int the fast entry does not read, so the call takes the full path."""


@given(
    a=st.text(alphabet="ab\u0301\U0001f600\ud800", max_size=40),
    b=st.text(alphabet="ab\u0301\U0001f600\ud800", max_size=40),
    grapheme=st.booleans(),
    k=st.one_of(st.none(), st.integers(0, 6), st.just(2**70)),
)
def test_the_fast_entry_and_the_full_path_agree_on_options(lev, a, b, grapheme, k):
    f = lev.levenshtein
    fast = {
        f(a, b, grapheme, max_distance=k),
        f(a, b, grapheme_segmentation=grapheme, max_distance=k),
        f(a, b, max_distance=k, grapheme_segmentation=grapheme),
    }
    full = f(a, s2=b, grapheme_segmentation=grapheme, max_distance=None if k is None else _Int(k))
    unbounded = f(a, b, grapheme)
    want = unbounded if k is None else min(unbounded, k + 1)
    assert fast == {full} == {want}


@pytest.mark.parametrize("n", [255, 256, 257, 2_000])
def test_long_pairs_past_the_fast_entry_are_exact(lev, n):
    # 256 x 256 cells and more are handed to the full path (GIL released).
    a = "ab" * (n // 2) + "c" * (n % 2)
    b = "ba" * (n // 2)
    assert lev.levenshtein(a, b) == naive(a, b) == lev.levenshtein(a, b, False)


def test_levenshtein_pickles_by_name_and_keeps_its_signature(lev):
    import inspect
    import pickle

    assert pickle.loads(pickle.dumps(lev.levenshtein)) is lev.levenshtein
    assert pickle.loads(pickle.dumps(lev._noop)) is lev._noop
    assert str(inspect.signature(lev.levenshtein)) == (
        "(s1, s2, grapheme_segmentation=False, *, max_distance=None, weights=None)"
    )
    assert lev.levenshtein.__name__ == "levenshtein"
    assert lev.levenshtein.__doc__.startswith("Levenshtein distance between two strings.")


# ------------------------------------------------------------------------------------------
# levenshtein: code points
# ------------------------------------------------------------------------------------------


def test_kitten_sitting_is_three(lev):
    assert lev.levenshtein("kitten", "sitting") == 3 == naive("kitten", "sitting")


def test_result_is_a_plain_int(lev):
    assert type(lev.levenshtein("a", "b")) is int
    assert type(lev.levenshtein("a", "b", grapheme_segmentation=True)) is int


def test_empty_strings(lev):
    assert lev.levenshtein("", "") == 0
    assert lev.levenshtein("", "abc") == 3
    assert lev.levenshtein("abc", "") == 3
    assert lev.levenshtein("", "\U0001f600\U0001f600") == 2


def test_identical_strings_have_distance_zero(lev):
    for s in ["a", "kitten", "\x00", "\ud800", "é", "\U0010ffff" * 70, "ab" * 1000]:
        assert lev.levenshtein(s, s) == 0
        assert lev.levenshtein(s, s, grapheme_segmentation=True) == 0


def test_arguments_by_keyword(lev):
    assert lev.levenshtein(s1="kitten", s2="sitting") == 3
    assert lev.levenshtein("kitten", s2="sitting", grapheme_segmentation=False) == 3


def test_grapheme_flag_positionally(lev):
    assert lev.levenshtein("é", "e\u0301", True) == 1
    assert lev.levenshtein("é", "e\u0301", False) == 2


def test_str_subclasses_are_accepted(lev):
    class MyStr(str):
        pass

    assert lev.levenshtein(MyStr("kitten"), MyStr("sitting")) == 3
    assert lev.levenshtein_batch([(MyStr("kitten"), "sitting")]) == [3]


def test_astral_code_point_counts_as_one(lev):
    assert lev.levenshtein("\U0001f600", "a") == 1
    assert lev.levenshtein("a\U0001f600b", "ab") == 1
    assert lev.levenshtein("\U0010ffff", "\U0010fffe") == 1


def test_nul_is_an_ordinary_code_point(lev):
    assert lev.levenshtein("\x00", "") == 1
    assert lev.levenshtein("a\x00b", "ab") == 1
    assert lev.levenshtein("\x00\x00", "\x00") == 1
    assert lev.levenshtein("\x00", "\x00") == 0


def test_lone_surrogates_count_as_one_code_point(lev):
    assert lev.levenshtein("\ud800", "\udc00") == 1
    assert lev.levenshtein("\ud800", "a") == 1
    assert lev.levenshtein("\ud800", "") == 1
    assert lev.levenshtein("\udfff", "\udfff") == 0


def test_reversed_surrogate_pair_is_two_code_points(lev):
    assert lev.levenshtein("\udc00\ud800", "\ud800\udc00") == 2


def test_surrogate_pair_in_a_str_is_not_the_astral_character(lev):
    # In a Python str, "\ud83d\ude00" is two code points; it is not U+1F600.
    assert lev.levenshtein("\ud83d\ude00", "\U0001f600") == 2
    assert lev.levenshtein("\ud83d\ude00", "\U0001f600", grapheme_segmentation=True) == 2


def test_surrogates_never_raise_unicode_errors(lev):
    s = "".join(chr(c) for c in range(0xD800, 0xE000, 7))
    assert lev.levenshtein(s, s[::-1]) == naive(s, s[::-1])
    assert lev.levenshtein(s, s[::-1], grapheme_segmentation=True) == naive(
        graphemes(s), graphemes(s[::-1])
    )
    assert lev.levenshtein_batch([(s, "a"), ("\ud800", "\udc00")]) == [len(s), 1]


def test_no_unicode_normalisation(lev):
    assert lev.levenshtein("é", "e\u0301") == 2
    assert lev.levenshtein("é", "e\u0301", grapheme_segmentation=True) == 1


def test_mixed_storage_widths(lev):
    # CPython stores these in 1, 2 and 4 bytes per code point respectively.
    ucs1, ucs2, ucs4 = "abc\xe9", "abc\u4e2d", "abc\U0001f600"
    for a in (ucs1, ucs2, ucs4):
        for b in (ucs1, ucs2, ucs4):
            assert lev.levenshtein(a, b) == naive(a, b)


def test_long_strings_agree_with_oracle(lev):
    from rapidfuzz.distance import Levenshtein

    a = "abcdefghij" * 300
    b = a[:1000] + "XYZ" + a[1500:] + "Q"
    assert lev.levenshtein(a, b) == Levenshtein.distance(a, b)


# ------------------------------------------------------------------------------------------
# levenshtein: grapheme clusters
# ------------------------------------------------------------------------------------------


def test_grapheme_mode_counts_clusters(lev):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert lev.levenshtein(family, "", grapheme_segmentation=True) == 1
    assert lev.levenshtein(family, "") == 7
    assert lev.levenshtein("\r\n", "", grapheme_segmentation=True) == 1


def test_grapheme_mode_lone_surrogate_takes_a_combining_mark(lev):
    # Lone surrogates behave as GCB=Other: "\ud800\u0301" is one cluster.
    assert graphemes("\ud800\u0301") == ["\ud800\u0301"]
    assert lev.levenshtein("\ud800\u0301", "", grapheme_segmentation=True) == 1
    assert lev.levenshtein("\ud800\u0301", "\udc00\u0301", grapheme_segmentation=True) == 1
    assert lev.levenshtein("\ud800\u0301", "\ud800", grapheme_segmentation=True) == 1


def test_grapheme_mode_compares_clusters_by_exact_code_points(lev):
    assert lev.levenshtein("\ud800", "\udc00", grapheme_segmentation=True) == 1
    assert lev.levenshtein("a\u0301\u0302", "a\u0302\u0301", grapheme_segmentation=True) == 1
    assert lev.levenshtein("e\u0301x", "e\u0301x", grapheme_segmentation=True) == 0


# ------------------------------------------------------------------------------------------
# levenshtein_batch
# ------------------------------------------------------------------------------------------

PAIRS = [
    ("kitten", "sitting"),
    ("", ""),
    ("", "abc"),
    ("é", "e\u0301"),
    ("\ud800", "\udc00"),
    ("\U0001f600" * 3, "\U0001f600"),
    ("a\x00b", "ab"),
    ("flaw", "lawn"),
]


def expected_for(pairs, grapheme=False):
    if grapheme:
        return [naive(graphemes(a), graphemes(b)) for a, b in pairs]
    return [naive(a, b) for a, b in pairs]


def test_batch_of_tuples_in_input_order(lev):
    assert lev.levenshtein_batch(PAIRS) == expected_for(PAIRS)
    assert lev.levenshtein_batch(PAIRS[::-1]) == expected_for(PAIRS[::-1])


def test_batch_returns_a_list_of_plain_ints(lev):
    got = lev.levenshtein_batch(PAIRS)
    assert type(got) is list
    assert all(type(x) is int for x in got)


def test_batch_of_empty_list_is_empty_list(lev):
    assert lev.levenshtein_batch([]) == []
    assert lev.levenshtein_batch(()) == []
    assert lev.levenshtein_batch(iter([])) == []
    assert lev.levenshtein_batch([], num_threads=3, grapheme_segmentation=True) == []


def test_batch_of_lists(lev):
    assert lev.levenshtein_batch([list(p) for p in PAIRS]) == expected_for(PAIRS)


def test_batch_mixing_tuples_and_lists(lev):
    pairs = [p if i % 2 else list(p) for i, p in enumerate(PAIRS)]
    assert lev.levenshtein_batch(pairs) == expected_for(PAIRS)


def test_batch_from_a_generator(lev):
    assert lev.levenshtein_batch(p for p in PAIRS) == expected_for(PAIRS)


def test_batch_from_zip_and_tuple(lev):
    a = [p[0] for p in PAIRS]
    b = [p[1] for p in PAIRS]
    assert lev.levenshtein_batch(zip(a, b, strict=True)) == expected_for(PAIRS)
    assert lev.levenshtein_batch(tuple(PAIRS)) == expected_for(PAIRS)


def test_batch_iterates_its_argument_exactly_once(lev):
    class OneShot:
        def __init__(self, items):
            self.items = items
            self.calls = 0

        def __iter__(self):
            self.calls += 1
            if self.calls > 1:
                raise AssertionError("iterated twice")
            return iter(self.items)

    pairs = OneShot(PAIRS)
    assert lev.levenshtein_batch(pairs) == expected_for(PAIRS)
    assert pairs.calls == 1


def test_batch_accepts_named_tuples(lev):
    from collections import namedtuple

    Pair = namedtuple("Pair", "a b")
    assert lev.levenshtein_batch([Pair("kitten", "sitting")]) == [3]


@pytest.mark.parametrize("num_threads", [None, 1, 2, 3, 4, 8])
def test_batch_num_threads_gives_same_results(lev, num_threads):
    pairs = PAIRS * 50
    assert lev.levenshtein_batch(pairs, num_threads=num_threads) == expected_for(PAIRS) * 50


def test_batch_grapheme_mode(lev):
    got = lev.levenshtein_batch(PAIRS, grapheme_segmentation=True)
    assert got == expected_for(PAIRS, grapheme=True)
    got = lev.levenshtein_batch(PAIRS, num_threads=2, grapheme_segmentation=True)
    assert got == expected_for(PAIRS, grapheme=True)


def test_batch_num_threads_positionally(lev):
    assert lev.levenshtein_batch(PAIRS, 2) == expected_for(PAIRS)


def test_batch_max_threads_is_accepted(lev):
    from conftest import run_python_json

    got = run_python_json(
        """
        import json, pyo3_levenshtein as m
        print(json.dumps(m.levenshtein_batch([("kitten", "sitting")] * 3,
                                              num_threads=m.MAX_THREADS)))
        """
    )
    assert got == [3, 3, 3]


def test_batch_equals_per_call_results_for_many_pairs(lev):
    import random

    rng = random.Random(7)
    alphabet = "ab\xe9\u4e2d\U0001f600\ud800\u0301"
    pairs = []
    for _ in range(300):
        n, m = rng.randint(0, 150), rng.randint(0, 150)
        pairs.append(("".join(rng.choices(alphabet, k=n)), "".join(rng.choices(alphabet, k=m))))
    for g in (False, True):
        per_call = [lev.levenshtein(a, b, grapheme_segmentation=g) for a, b in pairs]
        assert lev.levenshtein_batch(pairs, grapheme_segmentation=g) == per_call
        assert lev.levenshtein_batch(pairs, num_threads=2, grapheme_segmentation=g) == per_call
