"""Sequences of hashable elements wherever a str is taken: levenshtein, levenshtein_batch,
levenshtein_matrix and nearest, against the naive reference over dict-key equality and
against rapidfuzz (which takes lists of hashables too)."""

from __future__ import annotations

import array
import math
import random
from collections import deque
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein as RFLevenshtein
from reference import as_keys, naive, naive_sequences

# The pure-Python naive matrix is used up to this many cells; above it, rapidfuzz.
NAIVE_MAX_CELLS = 300 * 300
# Sizes on both sides of the kernels' 64-element word and of two words.
TARGET_SIZES = [0, 1, 2, 63, 64, 65, 127, 128, 129]
LONG_SIZES = [191, 192, 193, 500, 1_000, 3_000]

WORDS = [
    "the",
    "cat",
    "sat",
    "on",
    "mat",
    "a",
    "",
    "dog",
    "ran",
    "\u00e9t\u00e9",
    "\u4e2d\u6587",
    "\U0001f600",
    "\ud800x",
    "catalogue",
    "mat ",
]


# ------------------------------------------------------------------------------------------
# Strategies
# ------------------------------------------------------------------------------------------

INTS = st.integers(0, 40)
BIG_INTS = st.integers(0, 2**40)
WORD = st.sampled_from(WORDS)
# Elements that compare across types, collide in hash, or are not plain str or int.
MIXED = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([1.0, 2.5, -0.0, True, False, None, (1, 2), (1, "a"), frozenset({1})]),
    st.sampled_from(["a", "b", "ab", "\u00e9"]),
    st.sampled_from([b"a", b"", 2**70, -(2**70), 1j]),
)


@st.composite
def edited(draw, base: list, element, max_edits: int = 12) -> list:
    """``base`` after a few random insertions, deletions and substitutions."""
    out = list(base)
    for _ in range(draw(st.integers(0, max_edits))):
        op = draw(st.sampled_from("ids"))
        if op == "i" or not out:
            out.insert(draw(st.integers(0, len(out))), draw(element))
        elif op == "d":
            del out[draw(st.integers(0, len(out) - 1))]
        else:
            out[draw(st.integers(0, len(out) - 1))] = draw(element)
    return out


@st.composite
def list_of_size(draw, element, sizes, max_size: int = 150) -> list:
    if draw(st.booleans()):
        n = draw(st.sampled_from(sizes))
        return draw(st.lists(element, min_size=n, max_size=n))
    return draw(st.lists(element, max_size=max_size))


@st.composite
def list_pairs(draw, element, sizes=TARGET_SIZES, max_size: int = 150):
    """Unrelated pairs, or a list and a lightly edited copy."""
    a = draw(list_of_size(element, sizes, max_size))
    b = (
        draw(list_of_size(element, sizes, max_size))
        if draw(st.booleans())
        else draw(edited(a, element))
    )
    return (b, a) if draw(st.booleans()) else (a, b)


def oracle(a, b) -> int:
    """Naive over dict-key equality, or rapidfuzz for pairs too long for it (only given
    lists whose elements rapidfuzz compares exactly: non-negative ints, or strs)."""
    if len(a) * len(b) <= NAIVE_MAX_CELLS:
        return naive_sequences(a, b)
    return RFLevenshtein.distance(a, b)


# ------------------------------------------------------------------------------------------
# levenshtein: against the references
# ------------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(list_pairs(INTS))
def test_int_lists_match_the_references(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b) == oracle(a, b)


@settings(max_examples=200)
@given(list_pairs(WORD))
def test_word_lists_match_the_references(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b) == oracle(a, b)


WEIGHTS = st.sampled_from([None, (1, 1, 1), (1, 1, 2), (1, 2, 3), (3, 1, 1), (0, 1, 1)])


@settings(max_examples=200)
# rapidfuzz compares by hash (hash("") == hash(0)): one element type per example.
@given(st.one_of(list_pairs(WORD, max_size=100), list_pairs(INTS, max_size=100)), WEIGHTS)
def test_weights_and_scores_on_sequences_match_rapidfuzz(lev, pair, weights):
    a, b = pair
    rf = {"weights": weights or (1, 1, 1)}
    assert lev.levenshtein(a, b, weights=weights) == RFLevenshtein.distance(a, b, **rf)
    assert lev.similarity(a, b, weights=weights) == RFLevenshtein.similarity(a, b, **rf)
    for name in ("normalized_distance", "normalized_similarity"):
        got = getattr(lev, name)(a, b, weights=weights)
        assert math.isclose(got, getattr(RFLevenshtein, name)(a, b, **rf), abs_tol=1e-12), name
    assert lev.levenshtein_batch([(a, b)], weights=weights, normalized=True) == [
        lev.normalized_distance(a, b, weights=weights)
    ]


def test_scores_on_sequences_name_a_bad_argument(lev):
    with pytest.raises(TypeError, match=r"s2\[0\]"):
        lev.normalized_similarity(["a"], [["b"]])
    with pytest.raises(ValueError, match="s1"):
        lev.similarity(["a"], "a", grapheme_segmentation=True)


@settings(max_examples=60)
@given(list_pairs(BIG_INTS, sizes=LONG_SIZES, max_size=3_000))
def test_long_int_lists_match_rapidfuzz(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b) == RFLevenshtein.distance(a, b)


@settings(max_examples=60)
@given(list_pairs(st.sampled_from(WORDS[:6]), sizes=LONG_SIZES, max_size=3_000))
def test_long_word_lists_match_rapidfuzz(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b) == RFLevenshtein.distance(a, b)


@settings(max_examples=300)
@given(list_pairs(MIXED, sizes=[0, 1, 2, 63, 64, 65], max_size=80))
def test_mixed_element_types_match_the_dict_key_reference(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b) == naive_sequences(a, b)
    assert lev.levenshtein(tuple(a), b) == naive_sequences(a, b)


@settings(max_examples=100)
@given(
    st.lists(st.integers(0, 5_000), min_size=300, max_size=700),
    st.lists(st.integers(0, 5_000), min_size=300, max_size=700),
)
def test_more_than_256_distinct_elements(lev, a, b):
    # Ids of 256 and more leave the kernels' direct tables for their maps.
    assert lev.levenshtein(a, b) == RFLevenshtein.distance(a, b)


def test_more_than_65536_distinct_elements(lev):
    rng = random.Random(7)
    a = rng.sample(range(10**6), 70_000)
    b = list(a)
    for _ in range(300):
        b[rng.randrange(len(b))] = rng.randrange(10**6, 2 * 10**6)
    want = RFLevenshtein.distance(a, b)
    assert lev.levenshtein(a, b) == want
    assert lev.levenshtein([str(x) for x in a], [str(x) for x in b]) == want


@settings(max_examples=150)
@given(
    st.text(
        st.one_of(
            st.characters(codec=None, exclude_categories=()), st.sampled_from(["\ud800", "\udfff"])
        ),
        max_size=80,
    ),
    st.text(
        st.one_of(
            st.characters(codec=None, exclude_categories=()), st.sampled_from(["\ud800", "\udfff"])
        ),
        max_size=80,
    ),
)
def test_a_str_is_the_sequence_of_its_characters(lev, a, b):
    d = lev.levenshtein(a, b)
    assert lev.levenshtein(list(a), b) == d
    assert lev.levenshtein(a, tuple(b)) == d
    assert lev.levenshtein(list(a), list(b)) == d
    assert lev.levenshtein_batch([(list(a), b), (a, list(b)), (a, b)]) == [d, d, d]


@settings(max_examples=100)
@given(list_pairs(WORD, max_size=100), st.integers(0, 20))
def test_max_distance_with_sequences(lev, pair, k):
    a, b = pair
    d = naive_sequences(a, b)
    assert lev.levenshtein(a, b, max_distance=k) == min(d, k + 1)
    assert lev.levenshtein_batch([(a, b)], max_distance=k) == [min(d, k + 1)]


def test_max_distance_with_long_sequences(lev):
    rng = random.Random(3)
    a = [rng.randrange(100) for _ in range(2_000)]
    b = list(a)
    for _ in range(40):
        b[rng.randrange(len(b))] = 1_000
    d = RFLevenshtein.distance(a, b)
    for k in (0, 1, 2, 3, 10, 39, 40, 63, 64, 100, 10_000):
        assert lev.levenshtein(a, b, max_distance=k) == min(d, k + 1), k


class _Int(int):
    """An int the fast entry does not read, so the call takes the full path."""


class _List(list):
    """A list the fast entry does not read, so the call takes the full path."""


@settings(max_examples=100)
@given(list_pairs(st.one_of(WORD, INTS), max_size=80), st.one_of(st.none(), st.integers(0, 5)))
def test_every_spelling_of_a_call_on_lists_gives_the_same_distance(lev, pair, k):
    # Two lists or tuples of str and int are answered by the fast entry; keywords
    # it does not read, and other elements, take the full path.
    a, b = pair
    f = lev.levenshtein
    d = naive_sequences(a, b)
    want = d if k is None else min(d, k + 1)
    got = {
        f(a, b, max_distance=k),
        f(tuple(a), b, False, max_distance=k),
        f(a, tuple(b), max_distance=None if k is None else _Int(k)),
        f(s1=a, s2=b, max_distance=k),
        f(a, _List(b), max_distance=k),
        f([*a, 0.5], [*b, 0.5], max_distance=k),
    }
    assert got == {want}


# ------------------------------------------------------------------------------------------
# levenshtein: what counts as the same element
# ------------------------------------------------------------------------------------------


def test_the_documented_examples(lev):
    assert lev.levenshtein(list("abc"), "abd") == 1
    assert lev.levenshtein(["kitten"], ["sitting"]) == 1
    assert lev.levenshtein("kitten sitting".split(), "kitten sat".split()) == 1
    assert lev.levenshtein([1, 2, 3], [1, 2.0, True]) == 1


def test_equal_numbers_of_different_types_are_one_element(lev):
    assert lev.levenshtein([1, 1.0, True], [True, 1, 1.0]) == 0
    assert lev.levenshtein([0, 0.0, False, -0.0], [False] * 4) == 0
    assert lev.levenshtein([1 + 0j, 2**70], [1, float(2**70)]) == 0


def test_hash_collisions_are_told_apart_by_eq(lev):
    assert hash(-1) == hash(-2)
    assert lev.levenshtein([-1], [-2]) == 1
    assert lev.levenshtein([-1, -2, -1], [-2, -1, -2]) == 2
    assert lev.levenshtein([-1.0], [-2]) == 1


class ConstHash:
    """Every instance hashes to 42; equality is by value."""

    def __init__(self, v):
        self.v = v

    def __hash__(self):
        return 42

    def __eq__(self, other):
        return isinstance(other, ConstHash) and self.v == other.v


class IdentityEq:
    """Equal to everything, but hashed by identity: a dict keeps each instance apart."""

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def test_a_class_with_a_constant_hash_compares_by_eq(lev):
    a = [ConstHash(i % 7) for i in range(100)]
    b = [ConstHash((i * 3) % 7) for i in range(90)]
    assert lev.levenshtein(a, b) == naive([x.v for x in a], [x.v for x in b])
    assert lev.levenshtein(a, b) == naive_sequences(a, b)
    assert lev.levenshtein([ConstHash(1)], [ConstHash(1)]) == 0
    assert lev.levenshtein([ConstHash(1)], [ConstHash(2)]) == 1
    # 42 hashes to 42 too, but ConstHash(42) != 42.
    assert lev.levenshtein([ConstHash(42)], [42]) == 1


def test_eq_counts_only_between_equal_hashes(lev):
    x, y = IdentityEq(), IdentityEq()
    assert x == y and hash(x) != hash(y)
    assert lev.levenshtein([x], [y]) == 1 == naive_sequences([x], [y])
    assert lev.levenshtein([x, y], [x, y]) == 0


def test_nan_equals_only_itself_as_in_a_dict(lev):
    # A NaN is not == to itself, but a dict finds it by identity; two NaN objects are two
    # keys (their hashes differ since Python 3.10, and == is false anyway).
    nan = float("nan")
    assert lev.levenshtein([nan], [nan]) == 0
    assert lev.levenshtein([nan, 1], [nan, 1]) == 0
    assert lev.levenshtein([float("nan")], [float("nan")]) == 1
    assert lev.levenshtein([nan], [math.nan]) == (0 if nan is math.nan else 1)
    assert lev.levenshtein([math.nan], [math.nan]) == 0
    assert lev.levenshtein([nan], [1.5]) == 1
    assert lev.levenshtein([nan], [nan]) == naive_sequences([nan], [nan])


def test_str_elements_are_compared_by_value_not_identity(lev):
    a = "the cat sat on the mat".split()
    b = [("th" + "e")[:3], "cat", "".join(["s", "a", "t"]), "on", "the", "mat"]
    assert all(x is not y for x, y in zip(a[1:3], b[1:3], strict=True))
    assert lev.levenshtein(a, b) == 0
    assert lev.levenshtein(a, b[:-1] + ["hat"]) == 1


def test_str_subclasses_equal_to_strs_are_one_element(lev):
    class MyStr(str):
        pass

    assert lev.levenshtein([MyStr("ab"), "cd"], ["ab", MyStr("cd")]) == 0
    assert lev.levenshtein([MyStr("a")], "a") == 0
    assert lev.levenshtein([MyStr("a")], "b") == 1


def test_one_character_strs_meet_the_characters_of_a_str(lev):
    assert lev.levenshtein(["a", "b", "c"], "abc") == 0
    assert lev.levenshtein(["\U0001f600", "\ud800", "\xe9"], "\U0001f600\ud800\xe9") == 0
    assert lev.levenshtein(["ab"], "ab") == 2
    # Ints are not characters: 97 is not "a".
    assert lev.levenshtein([97, 98], "ab") == 2


def test_empty_sequences(lev):
    assert lev.levenshtein([], []) == 0
    assert lev.levenshtein([], "abc") == 3
    assert lev.levenshtein((), [1, 2]) == 2
    assert lev.levenshtein(b"", range(4)) == 4
    assert lev.levenshtein([""], []) == 1
    assert lev.levenshtein([""], [""]) == 0


def test_a_plain_group_and_a_python_group_give_the_same_distance(lev):
    # A float makes the whole call compare through hash and ==, with the same result.
    rng = random.Random(11)
    for _ in range(50):
        a = [rng.choice(WORDS) for _ in range(rng.randint(0, 80))]
        b = [rng.choice(WORDS) for _ in range(rng.randint(0, 80))]
        plain = lev.levenshtein(a, b)
        assert lev.levenshtein([*a, 0.5], [*b, 0.5]) == plain
        assert lev.levenshtein([*a, 0.5], b) == naive_sequences([*a, 0.5], b)


# ------------------------------------------------------------------------------------------
# levenshtein: kinds of sequences
# ------------------------------------------------------------------------------------------


class Words(Sequence):
    """A user-defined collections.abc.Sequence."""

    def __init__(self, text: str):
        self._words = text.split()

    def __len__(self):
        return len(self._words)

    def __getitem__(self, i):
        return self._words[i]


def test_bytes_are_sequences_of_ints(lev):
    assert lev.levenshtein(b"kitten", b"sitting") == 3
    assert lev.levenshtein(b"abc", [97, 98, 99]) == 0
    assert lev.levenshtein(b"abc", (97.0, 98, True)) == 1
    assert lev.levenshtein(b"abc", "abc") == 3
    assert lev.levenshtein(bytes(range(256)), bytes(range(255, -1, -1))) == naive(
        list(range(256)), list(range(255, -1, -1))
    )
    assert lev.levenshtein(bytearray(b"abc"), b"abd") == 1
    assert lev.levenshtein(memoryview(b"abc"), [97, 98, 100]) == 1


def test_tuples_ranges_and_other_sequences(lev):
    assert lev.levenshtein(("a", "b"), ["a", "c"]) == 1
    assert lev.levenshtein(range(10), range(1, 11)) == 2
    assert lev.levenshtein(range(0, 100, 2), list(range(0, 100, 2))) == 0
    assert lev.levenshtein(deque([1, 2, 3]), [1, 3]) == 1
    assert lev.levenshtein(array.array("i", [1, 2, 3]), [1, 2, 4]) == 1
    assert lev.levenshtein(Words("the cat sat"), "the cat sat".split()) == 0
    assert lev.levenshtein(Words("the cat sat"), Words("a cat sat down")) == 2


def test_subclasses_of_list_and_tuple_are_read_as_sequences(lev):
    class MyList(list):
        pass

    class MyTuple(tuple):
        __slots__ = ()

    assert lev.levenshtein(MyList([1, 2, 3]), MyTuple((1, 2))) == 1


def test_a_list_changed_by_eq_during_the_call_is_read_as_it_was(lev):
    victim = [ConstHash(i) for i in range(50)]

    class Meddler:
        def __hash__(self):
            return 42

        def __eq__(self, other):
            victim.clear()
            return False

    # Meddler and ConstHash share a hash, so Meddler.__eq__ runs while victim is read,
    # and empties it: the call still sees the 50 elements it was given.
    assert lev.levenshtein([Meddler()], victim) == 50
    assert victim == []
    assert lev.levenshtein_batch([([Meddler()], victim := [ConstHash(1)] * 5)]) == [5]


def test_eq_that_calls_levenshtein_again(lev):
    class Reentrant:
        def __init__(self, v):
            self.v = v

        def __hash__(self):
            return 7

        def __eq__(self, other):
            assert lev.levenshtein(["x", "y"], ["x", "z"]) == 1
            return isinstance(other, Reentrant) and self.v == other.v

    a = [Reentrant(i % 3) for i in range(20)]
    b = [Reentrant(i % 4) for i in range(20)]
    assert lev.levenshtein(a, b) == naive([x.v for x in a], [x.v for x in b])


def test_long_sequences_release_the_gil_and_stay_exact(lev):
    rng = random.Random(5)
    a = [rng.choice(WORDS) for _ in range(20_000)]
    b = list(a)
    for _ in range(500):
        b[rng.randrange(len(b))] = rng.choice(WORDS)
    assert lev.levenshtein(a, b) == RFLevenshtein.distance(a, b)


def test_results_are_plain_ints(lev):
    assert type(lev.levenshtein([1], [2])) is int
    assert type(lev.levenshtein(b"a", b"b")) is int
    assert all(type(d) is int for d in lev.levenshtein_batch([([1], [2]), ("a", "b")]))


# ------------------------------------------------------------------------------------------
# levenshtein_batch
# ------------------------------------------------------------------------------------------


@settings(max_examples=60)
@given(
    st.lists(
        st.one_of(list_pairs(WORD, max_size=90), list_pairs(INTS, max_size=90)),
        max_size=40,
    ),
    st.sampled_from([None, 1, 2, 3]),
    st.one_of(st.none(), st.integers(0, 10)),
)
def test_batch_of_sequence_pairs_matches_levenshtein(lev, pairs, threads, k):
    want = [lev.levenshtein(a, b, max_distance=k) for a, b in pairs]
    assert lev.levenshtein_batch(pairs, num_threads=threads, max_distance=k) == want
    assert want == [
        naive_sequences(a, b) if k is None else min(naive_sequences(a, b), k + 1) for a, b in pairs
    ]


@settings(max_examples=80)
@given(
    st.lists(st.sampled_from(WORDS[:8] + ["a", "é"]), max_size=64),
    st.lists(st.sampled_from(WORDS + ["a", "é", "z"]), max_size=300),
    WEIGHTS,
    st.booleans(),
    st.booleans(),
)
def test_a_side_of_at_most_64_elements_against_a_longer_one(lev, short, long, weights, swap, fresh):
    # Where one side fits a word, its elements are looked up for the other side's
    # (each call) or the other side's missing elements all share one id (batch):
    # both must still tell every pair of elements apart exactly. `fresh` makes new
    # str objects, which have no cached hash and are not the short side's objects.
    if fresh:
        long = ["".join(list(w)) for w in long]
    a, b = (long, short) if swap else (short, long)
    ka, kb = as_keys(a, b)
    want = RFLevenshtein.distance(ka, kb, weights=weights or (1, 1, 1))
    assert lev.levenshtein(a, b, weights=weights) == want
    assert lev.levenshtein_batch([(a, b), (b, a)], weights=weights) == [
        want,
        RFLevenshtein.distance(kb, ka, weights=weights or (1, 1, 1)),
    ]


def test_batch_mixing_str_pairs_and_sequence_pairs_keeps_the_order(lev):
    rng = random.Random(9)
    pairs = []
    for i in range(3_000):
        a = [rng.choice(WORDS) for _ in range(rng.randint(0, 70))]
        b = [rng.choice(WORDS) for _ in range(rng.randint(0, 70))]
        kind = i % 6
        if kind == 0:
            pairs.append(("".join(a), "".join(b)))
        elif kind == 1:
            pairs.append((a, b))
        elif kind == 2:
            pairs.append(["".join(a), list("".join(b))])
        elif kind == 3:
            pairs.append((tuple(a), [*b, 1.5]))
        elif kind == 4:
            pairs.append((a.copy(), "".join(b).encode("utf-8", "surrogatepass")))
        else:
            pairs.append((range(len(a)), [len(w) for w in b]))
    want = [naive_sequences(a, b) for a, b in pairs[:300]]
    assert lev.levenshtein_batch(pairs[:300]) == want
    got = lev.levenshtein_batch(pairs, num_threads=2)
    assert got == [lev.levenshtein(a, b) for a, b in pairs]


def test_batch_pairs_are_each_their_own_group(lev):
    # Ids restart with every pair; equal elements of different pairs need not meet.
    pairs = [([1, 2], [2, 1]), ([3, 4], [3, 4]), ([2, 1], [1, 2]), (["a"], [1])] * 100
    assert lev.levenshtein_batch(pairs) == [2, 0, 2, 1] * 100


def test_batch_sequence_pairs_with_hash_collisions(lev):
    nan = float("nan")
    pairs = [
        ([-1], [-2]),
        ([1, 1.0, True], [True, 1, 1]),
        ([ConstHash(1), ConstHash(2)], [ConstHash(2), ConstHash(1)]),
        ([nan], [nan]),
        ([float("nan")], [float("nan")]),
        (b"abc", b"abd"),
        (b"abc", [97, 98, 99]),
    ]
    assert lev.levenshtein_batch(pairs) == [1, 0, 2, 0, 1, 1, 0]


def test_batch_of_long_sequence_pairs(lev):
    rng = random.Random(4)
    pairs = []
    for _ in range(8):
        a = [rng.randrange(300) for _ in range(rng.randint(100, 3_000))]
        b = list(a)
        for _ in range(rng.randint(0, 200)):
            b[rng.randrange(len(b))] = rng.randrange(300)
        pairs.append((a, b))
    assert lev.levenshtein_batch(pairs) == [RFLevenshtein.distance(a, b) for a, b in pairs]


def _word_list_pairs(rng: random.Random, count: int) -> list:
    """Word-list pairs: the words of a vocabulary, or fresh str objects of the same
    characters (as str.split makes them), 1-char strs, ints, and a few pairs that
    need Python's hash and == (a float, a tuple)."""
    vocab = ["".join(rng.choices("abcdé中😀", k=rng.randint(0, 9))) for _ in range(3_000)]
    pairs = []
    for i in range(count):
        a = [rng.choice(vocab) for _ in range(rng.randint(0, 60))]
        b = [w for w in a if rng.random() > 0.1] + [rng.choice(vocab) for _ in range(3)]
        if i % 3 == 0:
            b = " ".join(f"<{w}>" for w in b).split()  # fresh objects, no cached hash
            b = [w[1:-1] for w in b]
        if i % 13 == 0:
            a = list("".join(a))
        if i % 7 == 0:
            b = [*b, 5, "x"]
            a = [5, *a]
        if i % 11 == 0:
            a = [*a, 1.0]
            b = [1, *b]
        if i % 17 == 0:
            b = "".join(w for w in b if isinstance(w, str))
        pairs.append((a, b) if i % 2 else [tuple(a), b])
    return pairs


@pytest.mark.parametrize("threads", [None, 1, 2, 4])
def test_batch_interned_on_the_pool_matches_levenshtein(lev, threads):
    # Enough elements for the pairs to be interned on the pool, whose workers hash
    # strs by their characters; levenshtein asks CPython for their hashes.
    rng = random.Random(21)
    pairs = _word_list_pairs(rng, 1_500)
    assert sum(len(a) + len(b) for a, b in pairs) > 2**14
    want = [lev.levenshtein(a, b) for a, b in pairs]
    assert lev.levenshtein_batch(pairs, num_threads=threads) == want
    assert want[:150] == [naive_sequences(a, b) for a, b in pairs[:150]]


def test_batch_on_the_pool_reports_an_unhashable_element(lev):
    rng = random.Random(22)
    pairs = _word_list_pairs(rng, 1_500)
    pairs[1_234] = (["a", "b"], ["a", "b", {}, "c"])
    pairs[1_300] = (["a", ["b"]], ["a"])
    with pytest.raises(TypeError, match=r"^pairs\[1234\]\[1\]\[2\]: unhashable type: 'dict'$"):
        lev.levenshtein_batch(pairs, num_threads=2)


def test_batch_reads_the_pairs_once_whatever_the_caller_does_after(lev):
    a = [f"w{i}" for i in range(100)]
    pairs = [(a, a[:50])] * 10
    got = lev.levenshtein_batch(iter(pairs))
    a.clear()
    assert got == [50] * 10


# ------------------------------------------------------------------------------------------
# nearest and levenshtein_matrix
# ------------------------------------------------------------------------------------------


def _sentences(rng: random.Random, count: int) -> list:
    out = []
    for i in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 12))]
        out.append("".join(words) if i % 5 == 0 else words if i % 5 != 1 else tuple(words))
    return out


def test_matrix_of_sequences_matches_levenshtein(lev):
    rng = random.Random(12)
    queries, choices = _sentences(rng, 40), _sentences(rng, 70)
    got = lev.levenshtein_matrix(queries, choices)
    want = [[lev.levenshtein(q, c) for c in choices] for q in queries]
    assert got.tolist() == want
    assert want == [[naive_sequences(q, c) for c in choices] for q in queries]
    bounded = lev.levenshtein_matrix(queries, choices, max_distance=2, dtype="uint8")
    assert bounded.tolist() == [[min(d, 3) for d in row] for row in want]


def test_matrix_with_one_side_all_str_and_the_other_sequences(lev):
    queries = ["abc", "", "xyz"]
    choices = [list("abc"), ["ab", "c"], b"abc", "abd"]
    want = [[lev.levenshtein(q, c) for c in choices] for q in queries]
    assert lev.levenshtein_matrix(queries, choices).tolist() == want
    assert want[0] == [0, 2, 3, 1]
    transposed = lev.levenshtein_matrix(choices, queries).tolist()
    assert transposed == [list(col) for col in zip(*want, strict=True)]


def test_matrix_of_sequences_against_an_arrow_column(lev):
    pa = pytest.importorskip("pyarrow")
    queries = pa.array(["abc", "kitten", ""])
    choices = [list("abc"), "sitting", ["kit", "ten"], []]
    want = [[lev.levenshtein(q, c) for c in choices] for q in queries.to_pylist()]
    assert lev.levenshtein_matrix(queries, choices).tolist() == want


def test_matrix_of_mixed_python_objects(lev):
    queries = [[1, 2.0, None], (True, "a"), "ab"]
    choices = [[1.0, 2, None], ["a", 1], [float("nan")], b"\x01"]
    got = lev.levenshtein_matrix(queries, choices)
    assert got.tolist() == [[naive_sequences(q, c) for c in choices] for q in queries]
    assert got.dtype == np.uint32


def test_matrix_sequence_errors(lev):
    with pytest.raises(TypeError, match=r"^queries\[1\] must be str or a sequence, not int$"):
        lev.levenshtein_matrix(["a", 1], [["a"]])
    with pytest.raises(TypeError, match=r"^choices\[1\]\[0\]: unhashable type: 'list'$"):
        lev.levenshtein_matrix(["a"], [["a"], [[1]]])
    with pytest.raises(ValueError, match=r"choices\[0\] is list"):
        lev.levenshtein_matrix(["a"], [["a"]], grapheme_segmentation=True)
    with pytest.raises(ValueError, match=r"queries\[1\] is tuple"):
        lev.levenshtein_matrix(["a", ("b",)], ["a"], grapheme_segmentation=True)


@pytest.mark.parametrize("k", [1, 3, 100])
def test_nearest_with_sequences_matches_levenshtein(lev, k):
    rng = random.Random(13)
    choices = _sentences(rng, 300)
    for query in _sentences(rng, 20):
        dists = [lev.levenshtein(query, c) for c in choices]
        want = sorted(enumerate(dists), key=lambda x: (x[1], x[0]))[:k]
        assert lev.nearest(query, choices, k=k) == want
        bounded = [
            (i, d) for i, d in sorted(enumerate(dists), key=lambda x: (x[1], x[0])) if d <= 2
        ]
        assert lev.nearest(query, choices, max_distance=2) == bounded


def test_nearest_sequence_query_against_str_choices_and_back(lev):
    words = ["kitten", "sitting", "mitten"]
    assert lev.nearest(list("mitten"), words, k=2) == [(2, 0), (0, 1)]
    assert lev.nearest("mitten", [list(w) for w in words], k=2) == [(2, 0), (0, 1)]
    assert lev.nearest(b"mitten", words, k=1) == [(0, 6)]
    assert lev.nearest(["the", "cat"], [["a", "cat"], ["the", "cat"], "the cat"], k=3) == [
        (1, 0),
        (0, 1),
        (2, 7),
    ]


def test_nearest_sequence_errors(lev):
    with pytest.raises(TypeError, match=r"^query\[0\]: unhashable type: 'list'$"):
        lev.nearest([[1]], [[1]], k=1)
    with pytest.raises(TypeError, match=r"^choices\[2\] must be str or a sequence, not float$"):
        lev.nearest(["a"], [["a"], "b", 1.5], k=1)
    with pytest.raises(ValueError, match="query is list"):
        lev.nearest(["a"], ["a"], k=1, grapheme_segmentation=True)
    with pytest.raises(ValueError, match=r"choices\[1\] is bytes"):
        lev.nearest("a", ["a", b"a"], k=1, grapheme_segmentation=True)


def test_the_same_ids_for_equal_elements_across_a_whole_matrix(lev):
    # Every query and choice share one id space: equal elements meet across rows.
    queries = [[1, 2], [2.0, 1.0], [True]]
    choices = [[1], [2], [1, 2]]
    assert as_keys([1], [True])[1] == [0]
    assert lev.levenshtein_matrix(queries, choices).tolist() == [[1, 1, 0], [1, 1, 2], [0, 1, 1]]
