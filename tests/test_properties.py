"""Property tests: levenshtein against the naive reference (and rapidfuzz for long strings)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein as RFLevenshtein
from reference import graphemes, naive

# The pure-Python naive matrix is used up to this many cells; above it, rapidfuzz.
NAIVE_MAX_CELLS = 400 * 400

SURROGATES = st.sampled_from(["\ud800", "\udfff", "\udc00", "\udbff"])

ASCII = st.characters(min_codepoint=0, max_codepoint=0x7F)
LATIN1 = st.characters(min_codepoint=0, max_codepoint=0xFF)
# codec=None with no category filter includes surrogates; they are rare, so force some.
BMP = st.one_of(
    st.characters(codec=None, min_codepoint=0, max_codepoint=0xFFFF, exclude_categories=()),
    SURROGATES,
)
ANY = st.one_of(
    st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
    SURROGATES,
)
ASTRAL = st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF)
NUL_HEAVY = st.sampled_from(["\x00", "\x00", "a", "\U0001f600", "\ud800"])
SMALL_ALPHABET = st.sampled_from("abc")
ONE_LETTER = st.just("a")
TWO_LETTERS = st.sampled_from("ab")

ALPHABETS = {
    "ascii": ASCII,
    "latin1": LATIN1,
    "bmp+surrogates": BMP,
    "any+surrogates": ANY,
    "astral": ASTRAL,
    "nul": NUL_HEAVY,
    "abc": SMALL_ALPHABET,
    "a": ONE_LETTER,
    "ab": TWO_LETTERS,
}

TARGET_SIZES = [0, 1, 2, 31, 32, 33, 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257]


def oracle(a, b):
    if len(a) * len(b) <= NAIVE_MAX_CELLS:
        return naive(a, b)
    return RFLevenshtein.distance(a, b)


@st.composite
def edited(draw, base, alphabet, max_edits=12):
    """``base`` after a few random insertions, deletions and substitutions."""
    chars = list(base)
    for _ in range(draw(st.integers(0, max_edits))):
        op = draw(st.sampled_from("ids"))
        if op == "i" or not chars:
            chars.insert(draw(st.integers(0, len(chars))), draw(alphabet))
        elif op == "d":
            del chars[draw(st.integers(0, len(chars) - 1))]
        else:
            chars[draw(st.integers(0, len(chars) - 1))] = draw(alphabet)
    return "".join(chars)


@st.composite
def text_of_size(draw, alphabet, sizes=TARGET_SIZES, max_size=200):
    if draw(st.booleans()):
        n = draw(st.sampled_from(sizes))
        return draw(st.text(alphabet, min_size=n, max_size=n))
    return draw(st.text(alphabet, max_size=max_size))


@st.composite
def string_pairs(draw, alphabet, second_alphabet=None, sizes=TARGET_SIZES, max_size=200):
    """Unrelated pairs, or a string and a lightly edited copy (the interesting case for the
    bit-parallel kernels, whose blocks are 64 code points wide)."""
    alphabet2 = alphabet if second_alphabet is None else second_alphabet
    a = draw(text_of_size(alphabet, sizes, max_size))
    if draw(st.booleans()):
        b = draw(text_of_size(alphabet2, sizes, max_size))
    else:
        b = draw(edited(a, alphabet2))
    if draw(st.booleans()):
        a, b = b, a
    return a, b


# ------------------------------------------------------------------------------------------
# Code points
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ALPHABETS))
def test_codepoint_distance_matches_naive_reference(lev, name):
    @settings(max_examples=150)
    @given(string_pairs(ALPHABETS[name]))
    def check(pair):
        a, b = pair
        assert lev.levenshtein(a, b) == oracle(a, b)

    check()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ascii", "astral"),
        ("latin1", "bmp+surrogates"),
        ("ab", "any+surrogates"),
        ("nul", "bmp+surrogates"),
    ],
)
def test_codepoint_distance_mixed_storage_widths(lev, first, second):
    @settings(max_examples=100)
    @given(string_pairs(ALPHABETS[first], ALPHABETS[second]))
    def check(pair):
        a, b = pair
        assert lev.levenshtein(a, b) == oracle(a, b)

    check()


@settings(max_examples=80)
@given(st.data())
def test_codepoint_distance_long_strings_up_to_2000(lev, data):
    alphabet = data.draw(st.sampled_from([TWO_LETTERS, SMALL_ALPHABET, ASCII, ANY, ONE_LETTER]))
    n = data.draw(st.integers(300, 2000))
    a = data.draw(st.text(alphabet, min_size=n, max_size=n))
    if data.draw(st.booleans()):
        b = data.draw(edited(a, alphabet, max_edits=40))
    else:
        b = data.draw(st.text(alphabet, min_size=0, max_size=2000))
    assert lev.levenshtein(a, b) == RFLevenshtein.distance(a, b)


@settings(max_examples=25)
@given(
    st.integers(0, 3000),
    st.integers(0, 3000),
)
def test_one_letter_alphabet_distance_is_length_difference(lev, m, n):
    assert lev.levenshtein("a" * m, "a" * n) == abs(m - n)
    assert lev.levenshtein("a" * m, "b" * n) == max(m, n)


@settings(max_examples=100)
@given(string_pairs(ANY, sizes=[0, 1, 63, 64, 65], max_size=80))
def test_symmetry(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b) == lev.levenshtein(b, a)
    assert lev.levenshtein(a, b, True) == lev.levenshtein(b, a, True)


@settings(max_examples=100)
@given(text_of_size(ANY, sizes=[0, 1, 64, 65, 129]), text_of_size(ANY, sizes=[0, 64]))
def test_identity_and_bounds(lev, a, b):
    assert lev.levenshtein(a, a) == 0
    assert lev.levenshtein(a, a, True) == 0
    d = lev.levenshtein(a, b)
    assert (d == 0) == (a == b)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))


@settings(max_examples=100)
@given(
    text_of_size(SMALL_ALPHABET, sizes=[63, 64, 65], max_size=70),
    text_of_size(SMALL_ALPHABET, sizes=[63, 64, 65], max_size=70),
    text_of_size(SMALL_ALPHABET, sizes=[63, 64, 65], max_size=70),
)
def test_triangle_inequality(lev, a, b, c):
    assert lev.levenshtein(a, c) <= lev.levenshtein(a, b) + lev.levenshtein(b, c)


# ------------------------------------------------------------------------------------------
# Grapheme clusters
# ------------------------------------------------------------------------------------------

# Code points that exercise UAX #29 rules: CR/LF/controls, Extend, ZWJ, SpacingMark,
# Prepend, regional indicators, Hangul L/V/T/LV/LVT, Extended_Pictographic, emoji modifiers,
# Indic conjunct linkers/consonants (GB9c), variation selectors, lone surrogates.
GRAPHEME_ATOMS = st.sampled_from(
    [
        "a", "e", "\x00", "\r", "\n", "\t",
        "\u0301", "\u0308", "\u200d", "\u200c", "\ufe0f",
        "\u0903", "\u0e33", "\u0600", "\u0d4e",
        "\U0001f1fa", "\U0001f1f8", "\U0001f1eb",
        "\u1100", "\u1161", "\u11a8", "\uac00", "\uac01",
        "\U0001f468", "\U0001f469", "\U0001f466", "\u2764", "\U0001f3fd",
        "\u0915", "\u0937", "\u094d", "\u093f", "\u0930", "\u09cd", "\u0995",
        "\ud800", "\udc00", "\udfff",
        "\u00e9",
    ]
)  # fmt: skip

GRAPHEME_TEXT = st.lists(GRAPHEME_ATOMS, max_size=60).map("".join)


@st.composite
def grapheme_pairs(draw):
    a = draw(GRAPHEME_TEXT)
    if draw(st.booleans()):
        b = draw(GRAPHEME_TEXT)
    else:
        b = draw(edited(a, GRAPHEME_ATOMS, max_edits=6))
    return a, b


@settings(max_examples=500)
@given(grapheme_pairs())
def test_grapheme_distance_matches_naive_over_regex_clusters(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b, grapheme_segmentation=True) == naive(graphemes(a), graphemes(b))


@settings(max_examples=150)
@given(string_pairs(ANY, max_size=120))
def test_grapheme_distance_arbitrary_code_points(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b, grapheme_segmentation=True) == naive(graphemes(a), graphemes(b))


@settings(max_examples=40)
@given(st.data())
def test_grapheme_distance_long_cluster_sequences(lev, data):
    a = "".join(data.draw(st.lists(GRAPHEME_ATOMS, min_size=100, max_size=700)))
    b = data.draw(edited(a, GRAPHEME_ATOMS, max_edits=30))
    expected = RFLevenshtein.distance(graphemes(a), graphemes(b))
    assert lev.levenshtein(a, b, grapheme_segmentation=True) == expected


@settings(max_examples=50)
@given(string_pairs(st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_grapheme_distance_equals_codepoint_distance_for_printable_ascii(lev, pair):
    a, b = pair
    assert lev.levenshtein(a, b, True) == lev.levenshtein(a, b)


def test_grapheme_distance_with_more_distinct_clusters_than_fit_in_16_bits(lev):
    # 70,000 distinct clusters: base letter + two combining marks from a large set.
    bases = [chr(c) for c in range(0x41, 0x5B)]  # 26
    marks = [chr(c) for c in range(0x300, 0x370)]  # 112 combining diacritics
    clusters = [b + m1 + m2 for b in bases for m1 in marks for m2 in marks][:70_000]
    rng = random.Random(3)
    rng.shuffle(clusters)
    a_clusters = clusters[:4000]
    b_clusters = clusters[2000:6000] + clusters[:100]
    a, b = "".join(a_clusters), "".join(b_clusters)
    assert graphemes(a) == a_clusters
    expected = RFLevenshtein.distance(a_clusters, b_clusters)
    assert lev.levenshtein(a, b, grapheme_segmentation=True) == expected
    many = "".join(clusters)
    copy = "".join(list(clusters))  # equal content, distinct object
    assert lev.levenshtein(many, copy, grapheme_segmentation=True) == 0
    assert lev.levenshtein(many, "".join(clusters[1:]), grapheme_segmentation=True) == 1


# ------------------------------------------------------------------------------------------
# Batches
# ------------------------------------------------------------------------------------------


@st.composite
def batches(draw):
    alphabet = draw(st.sampled_from([ASCII, ANY, TWO_LETTERS, NUL_HEAVY, GRAPHEME_ATOMS]))
    pairs = draw(
        st.lists(
            st.one_of(
                string_pairs(alphabet, max_size=40),
                string_pairs(alphabet, sizes=[63, 64, 65, 127, 128, 129, 300]),
            ),
            max_size=40,
        )
    )
    return [list(p) if draw(st.booleans()) else p for p in pairs]


@settings(max_examples=200)
@given(
    batches(),
    st.sampled_from([None, 1, 2, 3, 4]),
    st.booleans(),
    st.sampled_from([None, None, 0, 1, 2, 3, 5, 40, 70]),
)
def test_batch_equals_per_call_results(lev, pairs, num_threads, grapheme, max_distance):
    # Plain short pairs take the four-lane path in a batch and the one-word kernel
    # per call; bounds and grapheme clusters take the general path in both.
    expected = [
        lev.levenshtein(a, b, grapheme_segmentation=grapheme, max_distance=max_distance)
        for a, b in pairs
    ]
    got = lev.levenshtein_batch(
        pairs,
        num_threads=num_threads,
        grapheme_segmentation=grapheme,
        max_distance=max_distance,
    )
    assert got == expected


@settings(max_examples=20)
@given(batches())
def test_batch_equals_oracle(lev, pairs):
    assert lev.levenshtein_batch(pairs, num_threads=2) == [oracle(a, b) for a, b in pairs]


# ------------------------------------------------------------------------------------------
# 100,000 code points
# ------------------------------------------------------------------------------------------


def _random_text(rng, n, alphabet):
    return "".join(rng.choices(alphabet, k=n))


def _apply_edits(rng, s, n, alphabet):
    chars = list(s)
    for _ in range(n):
        op = rng.choice("ids")
        pos = rng.randrange(len(chars))
        if op == "i":
            chars.insert(pos, rng.choice(alphabet))
        elif op == "d":
            del chars[pos]
        else:
            chars[pos] = rng.choice(alphabet)
    return "".join(chars)


LARGE_CASES = {
    "random-ascii": ("abcdefghijklmnopqrstuvwxyz0123456789", False),
    "similar-ascii-2000-edits": ("abcdefghijklmnopqrstuvwxyz0123456789", True),
    "similar-ucs4-2000-edits": ("ab\U0001f600\U0001f601\U00010000\u4e2d\ud800", True),
    "random-two-letters": ("ab", False),
}


@pytest.mark.parametrize("case", list(LARGE_CASES))
def test_100k_code_points_match_rapidfuzz(lev, case):
    alphabet, similar = LARGE_CASES[case]
    rng = random.Random(case)
    a = _random_text(rng, 100_000, alphabet)
    b = _apply_edits(rng, a, 2000, alphabet) if similar else _random_text(rng, 99_000, alphabet)
    assert lev.levenshtein(a, b) == RFLevenshtein.distance(a, b)


def test_100k_mixed_width_matches_rapidfuzz(lev):
    rng = random.Random(11)
    a = _random_text(rng, 100_000, "abcdef")
    b = _apply_edits(rng, a, 2000, "ab\U0001f600")
    assert lev.levenshtein(a, b) == RFLevenshtein.distance(a, b)
    assert (
        lev.levenshtein_batch([(a, b), (b, a)], num_threads=2) == [RFLevenshtein.distance(a, b)] * 2
    )
