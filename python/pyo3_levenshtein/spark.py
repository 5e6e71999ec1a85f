"""Distances inside Spark, on Arrow batches (``DataFrame.mapInArrow``)::

    from pyo3_levenshtein.spark import levenshtein_in_arrow

    # df has the string columns a and b
    df.mapInArrow(levenshtein_in_arrow("a", "b"), "a string, b string, distance long")

Each batch's string columns go straight to
:func:`pyo3_levenshtein.levenshtein_arrow`; no Python str is made. Spark already
runs one task per core, so each batch computes on ``num_threads=1`` by default and
the executors do not oversubscribe their cores. Spark has no unsigned integers:
the distances come back as ``long`` (int64), null where either side is null.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

__all__ = ["levenshtein_in_arrow"]


def levenshtein_in_arrow(
    a: str,
    b: str,
    *,
    name: str = "distance",
    b_is_literal: bool = False,
    num_threads: int | None = 1,
    grapheme_segmentation: bool = False,
    max_distance: int | None = None,
) -> Callable[[Iterable[Any]], Iterator[Any]]:
    """A function for ``DataFrame.mapInArrow`` that appends the column ``name``
    (long) holding the distances between columns ``a`` and ``b`` (or between
    column ``a`` and the str ``b`` when ``b_is_literal``)."""

    def distances(batches: Iterable[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from pyo3_levenshtein import levenshtein_arrow

        for batch in batches:
            d = levenshtein_arrow(
                batch.column(a),
                b if b_is_literal else batch.column(b),
                num_threads=num_threads,
                grapheme_segmentation=grapheme_segmentation,
                max_distance=max_distance,
            )
            yield batch.append_column(name, pa.array(d).cast(pa.int64()))

    return distances
