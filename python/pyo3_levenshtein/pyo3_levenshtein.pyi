from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "levenshtein",
    "levenshtein_batch",
    "levenshtein_matrix",
    "nearest",
    "_noop",
    "UNICODE_VERSION",
    "MAX_THREADS",
]

UNICODE_VERSION: str
MAX_THREADS: int

def levenshtein(
    s1: str, s2: str, grapheme_segmentation: bool = False, *, max_distance: int | None = None
) -> int:
    """Levenshtein distance between two strings.

    Counts single-character insertions, deletions and substitutions, where a
    character is a Unicode code point (astral characters, NUL and lone surrogates
    included), or an extended grapheme cluster if grapheme_segmentation is true.
    No normalisation is applied. With max_distance (an int >= 0), a distance above
    it is returned as max_distance + 1, and found faster.
    """

def levenshtein_batch(
    pairs: Iterable[tuple[str, str] | Sequence[str]],
    num_threads: int | None = None,
    grapheme_segmentation: bool = False,
    *,
    max_distance: int | None = None,
) -> list[int]:
    """Levenshtein distances of many pairs of strings, computed in parallel.

    pairs is an iterable of (str, str) tuples or lists; the results come in the
    same order. The work runs on a thread pool with the GIL released: num_threads
    None uses the default pool (sized by RAYON_NUM_THREADS, else the CPU count),
    an int from 1 to MAX_THREADS a pool of that size. Ctrl-C interrupts it.
    max_distance applies to every pair, as in levenshtein.
    """

def nearest(
    query: str,
    choices: Iterable[str],
    *,
    k: int | None = None,
    max_distance: int | None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
) -> list[tuple[int, int]]:
    """The choices nearest to a query, best first.

    Returns (index, distance) for the choices (a list or iterable of str) within
    max_distance of query, sorted by distance, ties by index; at most k of them
    when k is given. At least one of k and max_distance is required. The query is
    prepared once and the choices are scanned in parallel with the GIL released,
    skipping those whose length alone rules them out; num_threads and
    grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
    """

def levenshtein_matrix(
    queries: Iterable[str],
    choices: Iterable[str],
    *,
    max_distance: int | None = None,
    grapheme_segmentation: bool = False,
    num_threads: int | None = None,
    dtype: str | npt.DTypeLike = "uint32",
) -> npt.NDArray[np.integer[Any]]:
    """Levenshtein distances between every query and every choice, as a NumPy array.

    Returns an array of shape (len(queries), len(choices)) whose [i, j] is the
    distance between queries[i] and choices[j] (both lists or iterables of str),
    with distances above max_distance given as max_distance + 1. dtype is one of
    "uint8", "uint16", "uint32" (the default), "uint64", "int32" and "int64"; a
    dtype too narrow for the possible distances is a ValueError, and a matrix
    larger than the available memory a MemoryError, raised before allocating.
    Needs NumPy. Computed in parallel with the GIL released; num_threads and
    grapheme_segmentation are as in levenshtein_batch, and Ctrl-C interrupts.
    """

def _noop(
    s1: str, s2: str, grapheme_segmentation: bool = False, *, max_distance: int | None = None
) -> int:
    """Does nothing and returns 0; takes the arguments of levenshtein.

    Benchmarks time it to show what calling into the extension costs.
    """
