"""The ``levenshtein`` expression namespace for Polars, registered on import::

    import polars as pl
    import pyo3_levenshtein.polars  # noqa: F401  (registers the namespace)

    df.with_columns(d=pl.col("a").levenshtein.distance(pl.col("b")))
    df.with_columns(d=pl.col("a").levenshtein.distance("kitten", max_distance=3))

Each batch of the query reaches :func:`pyo3_levenshtein.levenshtein_arrow` as
Arrow buffers (no Python strings are made), so the expression works in eager,
lazy and streaming queries. The result is a nullable ``UInt32`` column.
"""

from __future__ import annotations

import polars as pl

from .pyo3_levenshtein import levenshtein_arrow

__all__ = ["LevenshteinNamespace"]


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
    ) -> pl.Expr:
        """Distance between this expression and ``other`` (an expression or one str),
        element by element; null where either side is null. The keyword arguments are
        those of :func:`pyo3_levenshtein.levenshtein_arrow`."""
        options = {
            "grapheme_segmentation": grapheme_segmentation,
            "max_distance": max_distance,
            "num_threads": num_threads,
        }
        if isinstance(other, str):
            literal = other

            def against_literal(a: pl.Series) -> pl.Series:
                return pl.Series(a.name, levenshtein_arrow(a, literal, **options))

            return self._expr.map_batches(
                against_literal, return_dtype=pl.UInt32, is_elementwise=True
            )
        if not isinstance(other, pl.Expr):
            raise TypeError(f"other must be a polars Expr or a str, not {type(other).__name__}")

        def pairwise(series: list[pl.Series]) -> pl.Series:
            a, b = series
            if len(a) == 1 and len(b) != 1:  # a broadcast literal; the distance is symmetric
                a, b = b.alias(a.name), a
            if len(b) == 1 and len(a) != 1:
                scalar = b[0]
                if scalar is None:
                    return pl.Series(a.name, [None] * len(a), dtype=pl.UInt32)
                return pl.Series(a.name, levenshtein_arrow(a, scalar, **options))
            return pl.Series(a.name, levenshtein_arrow(a, b, **options))

        return pl.map_batches(
            [self._expr, other], pairwise, return_dtype=pl.UInt32, is_elementwise=True
        )
