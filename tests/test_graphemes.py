"""Grapheme-cluster mode (UAX #29, Unicode 17.0): targeted cases against regex's \\X."""

from __future__ import annotations

import pytest
from reference import graphemes, naive, regex_follows_unicode_17, regex_version


def test_oracle_regex_follows_unicode_17():
    # The expected values below come from regex's \X; it must follow the same Unicode
    # version as the Rust side (unicode-segmentation 1.13 = Unicode 17.0).
    assert regex_follows_unicode_17(), (
        f"regex {regex_version()} is outside >=2025.10.20,<2026.9.29 (Unicode 17.0)"
    )


def test_unicode_version_matches_the_oracle(lev):
    assert lev.UNICODE_VERSION == "17.0.0"


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
US, FR = "\U0001f1fa\U0001f1f8", "\U0001f1eb\U0001f1f7"
THUMB = "\U0001f44d"

# (s, number of clusters regex finds) -- documents what each sample is about.
SEGMENTATION_SAMPLES = [
    ("", 0),
    ("abc", 3),
    ("é", 1),
    ("e\u0301", 1),
    ("e\u0301\u0302\u0303", 1),
    ("\u0301", 1),  # a lone combining mark is its own cluster
    ("\r\n", 1),  # GB3
    ("\n\r", 2),
    ("\r\u0301", 2),  # GB4: nothing attaches to a control
    ("a\x00\u0301", 3),  # NUL is a control: GB4/GB5 on both sides
    (FAMILY, 1),  # GB11
    (FAMILY + FAMILY, 2),
    (US, 1),  # GB12/13
    (US + FR, 2),
    (US + "\U0001f1eb", 2),  # an odd regional indicator stands alone
    (THUMB + "\U0001f3fd", 1),  # emoji modifier (Extend)
    ("\u2764\ufe0f", 1),
    ("\U0001f3f3\ufe0f\u200d\U0001f308", 1),  # rainbow flag
    ("\u1100\u1161\u11a8", 1),  # Hangul L V T (GB6-8)
    ("\uac00\u11a8", 1),  # LV T
    ("\uac01\u1161", 2),  # LVT does not take a V
    ("\u1100\u1100\u1161", 1),
    ("\u0928\u092e\u0938\u094d\u0924\u0947", 3),  # Devanagari, conjunct via GB9c
    ("\u0915\u094d\u0937\u093f", 1),
    ("\u0915\u0903", 1),  # SpacingMark (GB9a)
    ("\u0e04\u0e33", 1),  # Thai SARA AM is a SpacingMark
    ("\u0600\u0661", 1),  # Prepend (GB9b)
    ("\ud800", 1),  # lone surrogate: GCB=Other
    ("\ud800\udc00", 2),  # two lone surrogates, not U+10000
    ("\ud800\u0301", 1),  # Other + Extend
    ("\ud800\u200d\ud800", 2),
    ("\udc00\U0001f3fd", 1),  # Other + Extend (emoji modifier is Extend)
]


@pytest.mark.parametrize(("s", "n"), SEGMENTATION_SAMPLES, ids=ascii)
def test_distance_to_empty_is_the_number_of_clusters(lev, s, n):
    assert len(graphemes(s)) == n
    assert lev.levenshtein(s, "", grapheme_segmentation=True) == n
    assert lev.levenshtein("", s, grapheme_segmentation=True) == n
    assert lev.levenshtein(s, "") == len(s)


@pytest.mark.parametrize(("s", "_n"), SEGMENTATION_SAMPLES, ids=ascii)
def test_every_sample_against_every_other_sample(lev, s, _n):
    others = [t for t, _ in SEGMENTATION_SAMPLES]
    pairs = [(s, t) for t in others]
    expected = [naive(graphemes(s), graphemes(t)) for t in others]
    assert [lev.levenshtein(s, t, grapheme_segmentation=True) for t in others] == expected
    assert lev.levenshtein_batch(pairs, grapheme_segmentation=True) == expected
    assert lev.levenshtein_batch(pairs, num_threads=2, grapheme_segmentation=True) == expected


CASES = [
    ("é", "e\u0301"),  # precomposed vs decomposed: different clusters
    ("a\u0301\u0302", "a\u0302\u0301"),  # same marks, other order: different clusters
    (FAMILY, "\U0001f468\u200d\U0001f469\u200d\U0001f467"),
    (FAMILY, "\U0001f468\U0001f469\U0001f467\U0001f466"),
    (US, "\U0001f1f8\U0001f1fa"),
    (US + FR, FR + US),
    (US + "\U0001f1eb", "\U0001f1f8\U0001f1eb"),
    (THUMB + "\U0001f3fd", THUMB + "\U0001f3ff"),
    (THUMB + "\U0001f3fd", THUMB),
    ("a\r\nb", "a\nb"),
    ("a\r\nb", "a\n\rb"),
    ("\r\n\r\n", "\r\n"),
    ("\uac01", "\u1100\u1161\u11a8"),
    ("한국어", "한국"),
    ("नमस्ते", "नमस्कार"),
    ("हिन्दी", "हिंदी"),
    ("\ud800", "\udc00"),
    ("\ud800\u0301", "\udc00\u0301"),
    ("\ud800\u0301", "\ud800"),
    ("\ud83d\ude00", "\U0001f600"),
    ("Ame\u0301lie", "Amélie"),
    ("cafe\u0301 " + FAMILY + US, "café " + FAMILY + FR),
]


@pytest.mark.parametrize(("a", "b"), CASES, ids=ascii)
def test_grapheme_distance_matches_naive_over_clusters(lev, a, b):
    expected = naive(graphemes(a), graphemes(b))
    assert lev.levenshtein(a, b, grapheme_segmentation=True) == expected
    assert lev.levenshtein(b, a, grapheme_segmentation=True) == expected
    # and code-point mode is unaffected by clusters
    assert lev.levenshtein(a, b) == naive(a, b)


def test_documented_identities(lev):
    assert lev.levenshtein("é", "e\u0301") == 2
    assert lev.levenshtein("é", "e\u0301", grapheme_segmentation=True) == 1
    assert lev.levenshtein("\ud800", "\udc00", grapheme_segmentation=True) == 1
    assert lev.levenshtein(FAMILY, FAMILY[:-2], grapheme_segmentation=True) == 1


def test_clusters_longer_than_any_fixed_buffer(lev):
    # One cluster of 1 base + 10,000 combining marks; differs from another only at the end.
    a = "e" + "\u0301" * 10_000
    b = "e" + "\u0301" * 9_999 + "\u0302"
    assert len(graphemes(a)) == 1
    assert lev.levenshtein(a, b, grapheme_segmentation=True) == 1
    assert lev.levenshtein(a, a + "", grapheme_segmentation=True) == 0
    assert lev.levenshtein(a + "x" + a, b + "x" + a, grapheme_segmentation=True) == 1
    assert lev.levenshtein(a, b) == 1


def test_clusters_that_share_a_prefix_are_different(lev):
    # "e" and "e\u0301" are different clusters even though one is a prefix of the other.
    assert lev.levenshtein("e", "e\u0301", grapheme_segmentation=True) == 1
    assert lev.levenshtein("ee\u0301", "e\u0301e", grapheme_segmentation=True) == 2


def test_long_grapheme_text_against_rapidfuzz(lev):
    import random

    from rapidfuzz.distance import Levenshtein

    rng = random.Random(5)
    atoms = ["a", "e\u0301", FAMILY, US, FR, "\r\n", "\uac01", "\u0915\u094d\u0937", "\ud800"]
    a_clusters = rng.choices(atoms, k=5000)
    b_clusters = list(a_clusters)
    for _ in range(200):
        b_clusters[rng.randrange(len(b_clusters))] = rng.choice(atoms)
    a, b = "".join(a_clusters), "".join(b_clusters)
    expected = Levenshtein.distance(graphemes(a), graphemes(b))
    assert lev.levenshtein(a, b, grapheme_segmentation=True) == expected
    assert lev.levenshtein_batch([(a, b)] * 4, grapheme_segmentation=True) == [expected] * 4
