"""weights= and normalized= on the column forms (levenshtein_arrow, the Polars
namespace, levenshtein_matrix), against rapidfuzz with the same weights."""

from __future__ import annotations

import math

import pyo3_levenshtein as lev
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein as RF

pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

# ASCII, Latin-1, BMP and astral text; no lone surrogates (Arrow holds UTF-8).
ALPHABETS = st.sampled_from(["ab", "abcdefgh", "aéÿ", "aé中😀\x00", "e\u0301👍🏽x"])
WEIGHTS = st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 5))
LAYOUTS = [pa.string(), pa.large_string()]


@st.composite
def columns(draw, max_size=40, nulls=True):
    text = st.text(alphabet=draw(ALPHABETS), max_size=max_size)
    item = st.one_of(st.none(), text) if nulls else text
    n = draw(st.integers(0, 12))
    return draw(st.lists(item, min_size=n, max_size=n)), draw(
        st.lists(item, min_size=n, max_size=n)
    )


def per_pair(f, a, b):
    return [None if x is None or y is None else f(x, y) for x, y in zip(a, b, strict=True)]


def close(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g is None) == (w is None)
        assert g is None or math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(columns(), WEIGHTS, st.sampled_from(LAYOUTS))
def test_arrow_weighted_and_normalized_match_rapidfuzz(cols, w, layout):
    a, b = cols
    ca, cb = pa.array(a, type=layout), pa.array(b, type=layout)
    got = lev.levenshtein_arrow(ca, cb, weights=w).to_pylist()
    assert got == per_pair(lambda x, y: RF.distance(x, y, weights=w), a, b)
    normalized = lev.levenshtein_arrow(ca, cb, weights=w, normalized=True)
    close(
        normalized.to_pylist(), per_pair(lambda x, y: RF.normalized_distance(x, y, weights=w), a, b)
    )
    assert pa.array(normalized).type == pa.float64()
    assert normalized.null_count == sum(x is None or y is None for x, y in zip(a, b, strict=True))


@settings(max_examples=60, deadline=None)
@given(columns(nulls=False), WEIGHTS, st.text(alphabet="aé😀b", max_size=10))
def test_arrow_against_a_str_and_sliced_and_chunked(cols, w, scalar):
    a, _ = cols
    full = pa.array(["zz", *a, "zz"], type=pa.string())
    sliced = full.slice(1, len(a))
    got = lev.levenshtein_arrow(sliced, scalar, weights=w, normalized=True).to_pylist()
    close(got, [RF.normalized_distance(x, scalar, weights=w) for x in a])
    chunked = pa.chunked_array([a[: len(a) // 2], a[len(a) // 2 :]], type=pa.string())
    got = lev.levenshtein_arrow(chunked, scalar, weights=w).to_pylist()
    assert got == [RF.distance(x, scalar, weights=w) for x in a]


@settings(max_examples=60, deadline=None)
@given(columns(), WEIGHTS)
def test_arrow_grapheme_mode_equals_the_per_pair_call(cols, w):
    a, b = cols
    ca, cb = pa.array(a, type=pa.string()), pa.array(b, type=pa.string())
    for normalized, f in ((False, lev.levenshtein), (True, lev.normalized_distance)):
        got = lev.levenshtein_arrow(
            ca, cb, weights=w, normalized=normalized, grapheme_segmentation=True
        ).to_pylist()
        want = per_pair(lambda x, y, f=f: f(x, y, weights=w, grapheme_segmentation=True), a, b)
        assert got == want


def test_arrow_empty_strings_and_empty_columns():
    e = pa.array([""])
    assert lev.levenshtein_arrow(e, e, normalized=True).to_pylist() == [0.0]
    assert lev.levenshtein_arrow(e, "abc", weights=(2, 1, 1)).to_pylist() == [6]
    assert lev.levenshtein_arrow(e, "abc", weights=(0, 0, 0), normalized=True).to_pylist() == [0.0]
    empty = pa.array([], type=pa.string())
    assert lev.levenshtein_arrow(empty, empty, normalized=True).to_pylist() == []


def test_arrow_weighted_overflow_is_a_clear_error():
    big = pa.array(["a" * 3])
    with pytest.raises(ValueError, match="weighted distance of pair 0 exceeds 4294967295"):
        lev.levenshtein_arrow(big, "", weights=(1, 2**31, 1))
    # normalized distances are floats: no overflow
    assert lev.levenshtein_arrow(big, "", weights=(1, 2**31, 1), normalized=True).to_pylist() == [
        1.0
    ]


@pytest.mark.parametrize(
    "weights, error, match",
    [
        ((1, 1), ValueError, "weights must hold three ints"),
        ((1, -1, 1), ValueError, r"weights\[1\] must be >= 0"),
        ((1, 1.0, 1), TypeError, r"weights\[1\] must be an int, not float"),
        (5, TypeError, "weights must be a tuple of three ints"),
    ],
)
def test_bad_weights_name_the_argument(weights, error, match):
    a = pa.array(["a"])
    for call in (
        lambda: lev.levenshtein_arrow(a, "b", weights=weights),
        lambda: lev.levenshtein_arrow(a, "b", weights=weights, normalized=True),
        lambda: lev.levenshtein_matrix(["a"], ["b"], weights=weights, normalized=True),
    ):
        with pytest.raises(error, match=match):
            call()


def test_normalized_refuses_max_distance_and_other_dtypes():
    a = pa.array(["a"])
    with pytest.raises(ValueError, match="max_distance cannot be combined with normalized"):
        lev.levenshtein_arrow(a, "b", max_distance=1, normalized=True)
    with pytest.raises(ValueError, match="max_distance cannot be combined with normalized"):
        lev.levenshtein_matrix(["a"], ["b"], max_distance=1, normalized=True)
    for dtype in ("uint32", np.float32, "int64"):
        with pytest.raises(ValueError, match="dtype must be None or float64 with normalized"):
            lev.levenshtein_matrix(["a"], ["b"], normalized=True, dtype=dtype)
    with pytest.raises(ValueError, match="dtype must be one of"):
        lev.levenshtein_matrix(["a"], ["b"], dtype="float64")


@st.composite
def collections(draw):
    text = st.text(alphabet=draw(ALPHABETS), max_size=80)
    return draw(st.lists(text, max_size=10)), draw(st.lists(text, max_size=10))


@settings(max_examples=120, deadline=None)
@given(collections(), WEIGHTS)
def test_normalized_matrix_matches_rapidfuzz(qc, w):
    queries, choices = qc
    got = lev.levenshtein_matrix(queries, choices, weights=w, normalized=True)
    assert got.dtype == np.float64 and got.shape == (len(queries), len(choices))
    for i, q in enumerate(queries):
        for j, c in enumerate(choices):
            assert math.isclose(got[i, j], RF.normalized_distance(q, c, weights=w), abs_tol=1e-12)
    same = lev.levenshtein_matrix(
        pa.array(queries, type=pa.large_string()),
        pa.array(choices, type=pa.string()),
        weights=w,
        normalized=True,
        dtype="float64",
    )
    assert np.array_equal(got, same)


@settings(max_examples=60, deadline=None)
@given(collections(), st.sampled_from([(1, 1, 1), (1, 1, 2), (3, 1, 2)]))
def test_normalized_matrix_in_grapheme_mode_equals_the_per_pair_call(qc, w):
    queries, choices = qc
    got = lev.levenshtein_matrix(
        queries, choices, weights=w, normalized=True, grapheme_segmentation=True
    )
    for i, q in enumerate(queries):
        for j, c in enumerate(choices):
            want = lev.normalized_distance(q, c, weights=w, grapheme_segmentation=True)
            assert got[i, j] == want


def test_normalized_matrix_of_many_short_queries_uses_the_lanes_exactly():
    # Enough queries of 1..64 units for the SIMD groups, a long one for the pairwise path.
    queries = [("abcé" * 17)[: n % 64 + 1] for n in range(200)] + ["x" * 300, ""]
    choices = ["abc", "", "éé" * 40, "cab" * 5]
    got = lev.levenshtein_matrix(queries, choices, normalized=True, num_threads=2)
    want = [[RF.normalized_distance(q, c) for c in choices] for q in queries]
    assert np.array_equal(got, np.array(want))


def test_polars_weights_and_normalized_distance():
    pl = pytest.importorskip("polars")
    import pyo3_levenshtein.polars  # noqa: F401  (registers the namespace)

    a = ["kitten", None, "", "Käse", "a😀b"]
    b = ["sitting", "x", "abc", None, "ab"]
    df = pl.DataFrame({"a": a, "b": b})
    w = (1, 3, 2)
    out = df.select(
        d=pl.col("a").levenshtein.distance(pl.col("b"), weights=w),
        n=pl.col("a").levenshtein.normalized_distance(pl.col("b"), weights=w),
        s=pl.col("a").levenshtein.normalized_distance("kit"),
    )
    assert out.schema["d"] == pl.UInt32 and out.schema["n"] == pl.Float64
    assert out["d"].to_list() == per_pair(lambda x, y: RF.distance(x, y, weights=w), a, b)
    close(out["n"].to_list(), per_pair(lambda x, y: RF.normalized_distance(x, y, weights=w), a, b))
    close(out["s"].to_list(), [None if x is None else RF.normalized_distance(x, "kit") for x in a])


def test_polars_broadcast_literal_on_the_left_keeps_the_weights_direction():
    pl = pytest.importorskip("polars")
    import pyo3_levenshtein.polars  # noqa: F401

    df = pl.DataFrame({"b": ["", "abc", "kitten"]})
    w = (1, 5, 2)
    out = df.select(
        d=pl.lit("ab").levenshtein.distance(pl.col("b"), weights=w),
        n=pl.lit("ab").levenshtein.normalized_distance(pl.col("b"), weights=w),
    )
    assert out["d"].to_list() == [RF.distance("ab", y, weights=w) for y in df["b"]]
    close(out["n"].to_list(), [RF.normalized_distance("ab", y, weights=w) for y in df["b"]])


def test_normalized_matrix_of_token_sequences():
    got = lev.levenshtein_matrix([["a", "b"], []], [["a"], (1, 2, 3)], normalized=True)
    want = [[RF.normalized_distance(q, c) for c in (["a"], [1, 2, 3])] for q in (["a", "b"], [])]
    assert np.array_equal(got, np.array(want))


def test_polars_normalized_distance_in_a_streaming_query():
    pl = pytest.importorskip("polars")
    import pyo3_levenshtein.polars  # noqa: F401

    a = ["kitten", None, "é😀"] * 1000
    b = ["sitting", "x", "e"] * 1000
    out = (
        pl.LazyFrame({"a": a, "b": b})
        .select(n=pl.col("a").levenshtein.normalized_distance(pl.col("b"), weights=(2, 1, 1)))
        .collect(engine="streaming")
    )
    want = per_pair(lambda x, y: RF.normalized_distance(x, y, weights=(2, 1, 1)), a, b)
    close(out["n"].to_list(), want)
