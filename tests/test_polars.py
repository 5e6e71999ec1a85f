"""The ``levenshtein`` Polars expression namespace: eager, lazy and streaming."""

from __future__ import annotations

import random

import pytest

pl = pytest.importorskip("polars")
import pyo3_levenshtein.polars  # noqa: E402,F401  (registers the namespace)


def frame(n=3000, seed=5):
    rng = random.Random(seed)

    def word():
        if rng.random() < 0.1:
            return None
        return "".join(rng.choices("abcdeé日😀", k=rng.randrange(30)))

    return pl.DataFrame({"a": [word() for _ in range(n)], "b": [word() for _ in range(n)]})


def expected(lev, a, b, **kwargs):
    return [
        None if x is None or y is None else lev.levenshtein(x, y, **kwargs)
        for x, y in zip(a, b, strict=True)
    ]


def test_eager_column_against_column(lev):
    df = frame()
    out = df.with_columns(d=pl.col("a").levenshtein.distance(pl.col("b")))
    assert out.schema["d"] == pl.UInt32
    assert out["d"].to_list() == expected(lev, df["a"], df["b"])


def test_literal_str_and_options(lev):
    df = frame(500)
    out = df.select(
        plain=pl.col("a").levenshtein.distance("abcé"),
        bounded=pl.col("a").levenshtein.distance("abcé", max_distance=2),
        clusters=pl.col("a").levenshtein.distance(pl.col("b"), grapheme_segmentation=True),
        lit=pl.lit("abcé").levenshtein.distance(pl.col("a")),
    )
    a = df["a"].to_list()
    assert out["plain"].to_list() == expected(lev, a, ["abcé"] * len(a))
    assert out["lit"].to_list() == out["plain"].to_list()
    assert out["bounded"].to_list() == expected(lev, a, ["abcé"] * len(a), max_distance=2)
    assert out["clusters"].to_list() == expected(
        lev, a, df["b"].to_list(), grapheme_segmentation=True
    )


def test_lazy_and_streaming_queries(lev):
    df = frame(20_000, seed=9)
    want = [d for d in expected(lev, df["a"], df["b"]) if d is not None and d < 20]
    query = (
        df.lazy()
        .with_columns(d=pl.col("a").levenshtein.distance(pl.col("b")))
        .filter(pl.col("d") < 20)
    )
    assert query.collect()["d"].to_list() == want
    assert query.collect(engine="streaming")["d"].to_list() == want


def test_large_utf8_and_chunked_series(lev):
    a = pl.concat([pl.Series("a", ["kitten", None]), pl.Series("a", ["flaw"])], rechunk=False)
    assert a.n_chunks() == 2
    df = pl.DataFrame({"a": a, "b": ["sitting", "x", "lawn"]})
    out = df.select(pl.col("a").levenshtein.distance(pl.col("b")))
    assert out["a"].to_list() == [3, None, 2]


def test_other_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="other must be a polars Expr or a str"):
        pl.col("a").levenshtein.distance(3)


def test_a_non_string_column_raises(lev):
    df = pl.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    with pytest.raises(Exception, match="must be a string column"):
        df.select(pl.col("a").levenshtein.distance(pl.col("b")))


def test_series_round_trip_through_levenshtein_arrow(lev):
    s = pl.Series(["ab", None, "abc"])
    out = pl.Series(lev.levenshtein_arrow(s, "abc"))
    assert out.dtype == pl.UInt32
    assert out.to_list() == [1, None, 0]
