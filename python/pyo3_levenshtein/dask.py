"""Distances between two string columns of a Dask DataFrame, partition by partition::

    import dask.dataframe as dd
    from pyo3_levenshtein.dask import levenshtein_partitions

    ddf = dd.read_parquet("pairs.parquet")  # string columns are Arrow-backed by default
    ddf["d"] = levenshtein_partitions(ddf, "a", "b")

Each partition's Arrow string buffers go straight to
:func:`pyo3_levenshtein.levenshtein_arrow`; no Python str is made. Threads: Dask
already runs ``threads_per_worker`` partitions at once in each worker, so each
partition computes on ``num_threads=1`` by default and a worker never uses more
cores than Dask gave it. Raise ``num_threads`` only for workers with one thread
and many cores (or set ``RAYON_NUM_THREADS`` in the workers' environment and pass
``num_threads=None``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from .pyo3_levenshtein import levenshtein_arrow

__all__ = ["levenshtein_partitions", "levenshtein_series"]


def levenshtein_series(
    a: pd.Series,
    b: pd.Series | str,
    *,
    num_threads: int | None = 1,
    grapheme_segmentation: bool = False,
    max_distance: int | None = None,
    name: str = "distance",
) -> pd.Series:
    """Distances between two pandas string Series (or a Series and one str) as a
    ``uint32[pyarrow]`` Series on ``a``'s index; null where either side is null."""
    distances = levenshtein_arrow(
        a,
        b,
        grapheme_segmentation=grapheme_segmentation,
        max_distance=max_distance,
        num_threads=num_threads,
    )
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(distances)), index=a.index, name=name)


def _partition(part: pd.DataFrame, a: str, b: str, literal: bool, kwargs: dict[str, Any]):
    return levenshtein_series(part[a], b if literal else part[b], **kwargs)


def levenshtein_partitions(
    ddf: Any,
    a: str,
    b: str,
    *,
    b_is_literal: bool = False,
    num_threads: int | None = 1,
    grapheme_segmentation: bool = False,
    max_distance: int | None = None,
    name: str = "distance",
) -> Any:
    """A lazy Dask Series of distances between columns ``a`` and ``b`` of ``ddf``
    (or between column ``a`` and the str ``b`` when ``b_is_literal``)."""
    kwargs = {
        "num_threads": num_threads,
        "grapheme_segmentation": grapheme_segmentation,
        "max_distance": max_distance,
        "name": name,
    }
    meta = pd.Series([], dtype=pd.ArrowDtype(pa.uint32()), name=name)
    return ddf.map_partitions(_partition, a, b, b_is_literal, kwargs, meta=meta)
