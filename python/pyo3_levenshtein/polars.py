"""The ``levenshtein`` expression namespace for Polars, registered on import::

    import polars as pl
    import pyo3_levenshtein.polars  # noqa: F401  (registers the namespace)

    df.with_columns(d=pl.col("a").levenshtein.distance(pl.col("b")))
    df.with_columns(d=pl.col("a").levenshtein.distance("kitten", max_distance=3))
    df.with_columns(n=pl.col("a").levenshtein.normalized_distance(pl.col("b")))

Each batch of the query reaches :func:`pyo3_levenshtein.levenshtein_arrow` as
Arrow buffers (no Python strings are made), so the expression works in eager,
lazy and streaming queries. ``distance`` gives a nullable ``UInt32`` column,
``normalized_distance`` a nullable ``Float64`` one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from .pyo3_levenshtein import levenshtein_arrow

__all__ = ["LevenshteinNamespace"]


def _swapped(options: dict[str, Any]) -> dict[str, Any]:
    """The options for the pair taken the other way round: an insertion becomes a
    deletion, so a weighted distance needs its first two weights exchanged."""
    weights = options.get("weights")
    if weights is None or isinstance(weights, str):
        return options  # unit costs are symmetric
    try:
        insert, delete, substitute = weights
    except (TypeError, ValueError):
        return options  # levenshtein_arrow names what is wrong with them
    return {**options, "weights": (delete, insert, substitute)}


@pl.api.register_expr_namespace("levenshtein")
class LevenshteinNamespace:
    """Levenshtein distances between string expressions (``expr.levenshtein``)."""

    def __init__(self, expr: pl.Expr) -> None:
        self._expr = expr

    def distance(
        self,
        other: pl.Expr | str,
        *,
        grapheme_segmentation: bool = False,
        max_distance: int | None = None,
        num_threads: int | None = None,
        weights: Sequence[int] | None = None,
    ) -> pl.Expr:
        """Distance between this expression and ``other`` (an expression or one str),
        element by element; null where either side is null. The keyword arguments are
        those of :func:`pyo3_levenshtein.levenshtein_arrow`."""
        options = {
            "grapheme_segmentation": grapheme_segmentation,
            "max_distance": max_distance,
            "num_threads": num_threads,
            "weights": weights,
        }
        return self._map(other, options, pl.UInt32)

    def normalized_distance(
        self,
        other: pl.Expr | str,
        *,
        weights: Sequence[int] | None = None,
        grapheme_segmentation: bool = False,
        num_threads: int | None = None,
    ) -> pl.Expr:
        """Normalized distance (in [0, 1], as
        :func:`pyo3_levenshtein.normalized_distance` computes it) between this
        expression and ``other`` (an expression or one str), element by element, as a
        ``Float64`` column; null where either side is null."""
        options = {
            "grapheme_segmentation": grapheme_segmentation,
            "num_threads": num_threads,
            "weights": weights,
            "normalized": True,
        }
        return self._map(other, options, pl.Float64)

    def _map(self, other: pl.Expr | str, options: dict[str, Any], dtype: Any) -> pl.Expr:
        """The expression computing ``levenshtein_arrow(self, other, **options)``
        batch by batch, as a column of ``dtype``."""
        if isinstance(other, str):
            literal = other

            def against_literal(a: pl.Series) -> pl.Series:
                return pl.Series(a.name, levenshtein_arrow(a, literal, **options))

            return self._expr.map_batches(against_literal, return_dtype=dtype, is_elementwise=True)
        if not isinstance(other, pl.Expr):
            raise TypeError(f"other must be a polars Expr or a str, not {type(other).__name__}")

        def pairwise(series: list[pl.Series]) -> pl.Series:
            a, b = series
            pair_options = options
            if len(a) == 1 and len(b) != 1:  # a broadcast literal: compare the other way
                a, b = b.alias(a.name), a
                pair_options = _swapped(options)
            if len(b) == 1 and len(a) != 1:
                scalar = b[0]
                if scalar is None:
                    return pl.Series(a.name, [None] * len(a), dtype=dtype)
                return pl.Series(a.name, levenshtein_arrow(a, scalar, **pair_options))
            return pl.Series(a.name, levenshtein_arrow(a, b, **pair_options))

        return pl.map_batches(
            [self._expr, other], pairwise, return_dtype=dtype, is_elementwise=True
        )
